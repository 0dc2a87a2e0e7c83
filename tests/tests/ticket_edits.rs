//! A ticket changes through one edit, applied with its precondition in one transaction:
//! on every engine, of many writers expecting one version exactly one succeeds, and
//! writers without a precondition never lose each other's columns. Two connection pools
//! stand for two goats instances on one database. The same scenarios run against the
//! in-memory store core's own tests use, so it cannot drift from the real ones.

use std::sync::Arc;

use goats_core::DomainError;
use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::ports::*;
use goats_core::testing::MemoryStore;
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::{Precondition, TicketChange, TicketService};
use goats_sql::{Db, migrate};
use goats_tests::{Backend, Engine, TestDatabase, ticket_service};

const WRITERS: usize = 16;
const ROUNDS: usize = 5;

struct Instances {
    services: Vec<Arc<TicketService>>,
    root: Arc<AgentPermissions>,
    pools: Vec<Db>,
}

async fn two_instances(t: &TestDatabase) -> Instances {
    let first = t.connect().await;
    migrate(&first).await.unwrap();
    let second = t.connect().await;
    let root = Arc::new(AgentPermissions::new(1, first.grants_for(1).await.unwrap()));
    let services = [&first, &second].map(|db| Arc::new(ticket_service(db, Arc::new(SystemClock)))).into();
    Instances { services, root, pools: vec![first, second] }
}

/// Two services on one in-memory store.
async fn in_memory() -> Instances {
    let store = MemoryStore::with_defaults(Arc::new(SystemClock));
    let root = Arc::new(AgentPermissions::new(1, store.grants_for(1).await.unwrap()));
    let service = || Arc::new(TicketService::new(store.ticket_ports(), TicketNumberConfig::default()));
    Instances { services: vec![service(), service()], root, pools: Vec::new() }
}

async fn on_each_backend<F, Fut>(f: F)
where
    F: Fn(Backend, Instances) -> Fut,
    Fut: std::future::Future<Output = Vec<Db>>,
{
    for backend in Backend::ALL {
        let Backend::Sql(engine) = backend else {
            f(backend, in_memory().await).await;
            continue;
        };
        let t = TestDatabase::create(engine).await;
        let pools = f(backend, two_instances(&t).await).await;
        for db in pools {
            db.close().await;
        }
        t.drop_database().await;
    }
}

fn new_ticket(title: &str) -> NewTicket {
    NewTicket {
        title: title.into(),
        queue_id: 2,
        state_id: 1,
        priority_id: 3,
        type_id: None,
        service_id: None,
        sla_id: None,
        owner_id: 1,
        responsible_id: None,
        customer_id: None,
        customer_user_id: None,
        pending_until: None,
        article: NewArticle::note("First", "The first words"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_writers_expecting_one_version_exactly_one_wins() {
    on_each_backend(|engine, i| async move {
        let t = i.services[0].create(&i.root, new_ticket("Contended")).await.unwrap();
        for round in 0..ROUNDS {
            let before = i.services[0].current(&i.root, t.id).await.unwrap();
            let mut tasks = Vec::new();
            for w in 0..WRITERS {
                let (s, root) = (i.services[w % 2].clone(), i.root.clone());
                let expected = Precondition::Version(vec![before.version]);
                tasks.push(tokio::spawn(async move {
                    let change = TicketChange::Title(format!("round {round} writer {w}"));
                    (w, s.change_all(&root, t.id, vec![change], expected).await)
                }));
            }
            let mut winners = Vec::new();
            for task in tasks {
                match task.await.unwrap() {
                    (w, Ok(ticket)) => {
                        assert!(ticket.version > before.version, "{engine:?}: the winner's version moves on");
                        winners.push(w);
                    }
                    (_, Err(DomainError::Stale { current, .. })) => {
                        assert_ne!(current, before.etag(), "{engine:?}: a loser is told the new tag");
                    }
                    (_, Err(e)) => panic!("{engine:?} round {round}: {e}"),
                }
            }
            assert_eq!(winners.len(), 1, "{engine:?} round {round}: winners {winners:?}");
            let after = i.services[1].current(&i.root, t.id).await.unwrap();
            assert_eq!(after.title, format!("round {round} writer {}", winners[0]), "{engine:?}");
            let history = i.services[1].history(&i.root, t.id).await.unwrap();
            let titles = history.iter().filter(|h| h.history_type == "TitleUpdate").count();
            assert_eq!(titles, round + 1, "{engine:?}: one TitleUpdate row per round");
        }
        i.pools
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_without_a_precondition_keep_each_others_columns() {
    on_each_backend(|engine, i| async move {
        for round in 0..3 {
            let t = i.services[0].create(&i.root, new_ticket(&format!("Busy {round}"))).await.unwrap();
            let changes = vec![
                TicketChange::Title(format!("Renamed {round}")),
                TicketChange::Priority(1 + round),
                TicketChange::Queue(4),
                TicketChange::Lock(Lock::Lock),
                TicketChange::State { state_id: 4, pending_until: None },
                TicketChange::Customer {
                    customer_id: Some(format!("ACME-{round}")),
                    customer_user_id: Some(format!("jane-{round}")),
                },
            ];
            let mut tasks = Vec::new();
            for (n, change) in changes.into_iter().enumerate() {
                let (s, root) = (i.services[n % 2].clone(), i.root.clone());
                tasks.push(tokio::spawn(
                    async move { s.change_all(&root, t.id, vec![change], Precondition::None).await },
                ));
            }
            for task in tasks {
                task.await.unwrap().unwrap_or_else(|e| panic!("{engine:?}: {e}"));
            }
            let after = i.services[1].current(&i.root, t.id).await.unwrap();
            assert_eq!(
                (
                    after.title.as_str(),
                    after.priority_id,
                    after.queue_id,
                    after.lock,
                    after.state_id,
                    after.customer_id.as_deref(),
                    after.customer_user_id.as_deref(),
                ),
                (
                    format!("Renamed {round}").as_str(),
                    1 + round,
                    4,
                    Lock::Lock,
                    4,
                    Some(format!("ACME-{round}").as_str()),
                    Some(format!("jane-{round}").as_str()),
                ),
                "{engine:?} round {round}: no writer lost another's column"
            );
        }
        i.pools
    })
    .await;
}

#[tokio::test]
async fn an_edit_to_a_missing_ticket_is_not_found_and_a_stale_one_writes_nothing() {
    on_each_backend(|engine, i| async move {
        let s = &i.services[0];
        let missing = s.change_all(&i.root, 999_999, vec![TicketChange::Title("x".into())], Precondition::None).await;
        assert!(matches!(missing, Err(DomainError::NotFound { .. })), "{engine:?}: {missing:?}");
        let t = s.create(&i.root, new_ticket("Kept")).await.unwrap();
        let old = Precondition::Version(vec![t.version - 1]);
        let stale = s.change_all(&i.root, t.id, vec![TicketChange::Title("Lost".into())], old).await;
        assert!(matches!(stale, Err(DomainError::Stale { .. })), "{engine:?}: {stale:?}");
        let now = s.current(&i.root, t.id).await.unwrap();
        assert_eq!((now.title.as_str(), now.version), ("Kept", t.version), "{engine:?}: nothing written");
        i.pools
    })
    .await;
}

/// The SQL store stamps what it writes with the clock it is given, the one the services
/// use, so "now" is one thing in the domain and in the rows.
#[tokio::test]
async fn rows_are_stamped_with_the_services_clock() {
    use chrono::TimeZone;
    use goats_core::testing::FixedClock;
    let at = chrono::Utc.with_ymd_and_hms(2031, 7, 1, 9, 30, 0).unwrap();
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let clock = Arc::new(FixedClock::at(at));
        let db = t.connect().await.with_clock(clock.clone());
        migrate(&db).await.unwrap();
        let s = ticket_service(&db, clock.clone());
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        let ticket = s.create(&root, new_ticket("Stamped")).await.unwrap();
        let later = at + chrono::Duration::hours(2);
        clock.advance(chrono::Duration::hours(2));
        let changed = s.change(&root, ticket.id, TicketChange::Title("Stamped again".into())).await.unwrap();
        assert_eq!((changed.created, changed.changed), (at, later), "{engine:?}");
        let history = s.history(&root, ticket.id).await.unwrap();
        assert_eq!(history.last().map(|h| h.created), Some(later), "{engine:?}");
        db.close().await;
        t.drop_database().await;
    }
}

/// Links, watching, time accounting and merging through the service behave alike on the
/// in-memory store and on every engine.
#[tokio::test]
async fn links_watching_time_and_merging_agree_on_every_backend() {
    on_each_backend(|backend, i| async move {
        let (s, root) = (&i.services[0], &i.root);
        let a = s.create(root, new_ticket("Source")).await.unwrap();
        let b = s.create(root, new_ticket("Target")).await.unwrap();
        assert!(s.link(root, a.id, b.id, LinkKind::Normal).await.unwrap(), "{backend:?}");
        assert!(
            !s.link(root, b.id, a.id, LinkKind::Normal).await.unwrap(),
            "{backend:?}: a normal link has no direction"
        );
        let linked: Vec<_> = s.links(root, a.id).await.unwrap().into_iter().map(|l| (l.ticket.id, l.kind)).collect();
        assert_eq!(linked, [(b.id, LinkKind::Normal)], "{backend:?}");

        s.set_watching(root, a.id, true).await.unwrap();
        assert!(s.zoom(root, a.id).await.unwrap().watching, "{backend:?}");
        assert_eq!(s.account_time(root, a.id, 1.5, None).await.unwrap(), 1.5, "{backend:?}");
        assert_eq!(s.account_time(root, a.id, 0.25, None).await.unwrap(), 1.75, "{backend:?}");

        let into = s.merge(root, a.id, b.id).await.unwrap();
        assert_eq!(into.id, b.id, "{backend:?}");
        let source = s.get(root, a.id, true).await.unwrap();
        assert_eq!(source.state_type, StateType::Merged, "{backend:?}");
        let target = s.get(root, b.id, true).await.unwrap();
        let bodies: Vec<_> = target.articles.unwrap().into_iter().map(|x| x.body).collect();
        assert_eq!(bodies, ["The first words", "The first words"], "{backend:?}: the source's article moved");
        assert!(s.zoom(root, b.id).await.unwrap().watching, "{backend:?}: the watcher moved along");
        let kinds: Vec<_> = s.links(root, b.id).await.unwrap().into_iter().map(|l| (l.ticket.id, l.kind)).collect();
        assert!(kinds.contains(&(a.id, LinkKind::ParentOf)), "{backend:?}: {kinds:?}");
        let history = s.history(root, a.id).await.unwrap();
        let types: Vec<_> = history.iter().map(|h| h.history_type.as_str()).collect();
        for expected in ["TicketLinkAdd", "Subscribe", "TimeAccounting", "StateUpdate", "Merged"] {
            assert!(types.contains(&expected), "{backend:?}: {expected} in {types:?}");
        }
        i.pools
    })
    .await;
}

/// Time accounted with an article is written with it: the ticket's first article and a
/// later one each carry their units, and the TimeAccounting rows name the article and
/// the total as it stood.
#[tokio::test]
async fn time_comes_with_its_article_on_every_backend() {
    on_each_backend(|backend, i| async move {
        let (s, root) = (&i.services[0], &i.root);
        let mut first = new_ticket("Phone call");
        first.article.time_unit = Some(0.5);
        let ticket = s.create(root, first).await.unwrap();
        let answer = NewArticle { time_unit: Some(1.254), ..NewArticle::note("Called back", "Fixed the printer") };
        let answer_id = s.add_article(root, ticket.id, answer).await.unwrap();
        assert_eq!(s.accounted_time(root, ticket.id).await.unwrap(), 1.75, "{backend:?}: 1.254 rounds to 1.25");

        let history = s.history(root, ticket.id).await.unwrap();
        let time: Vec<_> = history
            .iter()
            .filter(|h| h.history_type == "TimeAccounting")
            .map(|h| (h.article_id, h.name.as_str()))
            .collect();
        let first_article = s.get(root, ticket.id, true).await.unwrap().articles.unwrap().first().map(|a| a.id);
        assert_eq!(time, [(first_article, "%%0.5%%0.5"), (Some(answer_id), "%%1.25%%1.75")], "{backend:?}");

        let zero = NewArticle { time_unit: Some(0.0), ..NewArticle::note("Nothing", "No time") };
        let refused = s.add_article(root, ticket.id, zero).await.unwrap_err();
        assert!(matches!(refused, DomainError::Invalid { .. }), "{backend:?}: {refused:?}");
        let articles = s.get(root, ticket.id, true).await.unwrap().articles.unwrap();
        assert_eq!(articles.len(), 2, "{backend:?}: a refused article is not stored");
        i.pools
    })
    .await;
}

/// Concurrent accountings on one ticket through two instances: every history row names
/// a total that existed (none two alike), and the last is the sum.
#[tokio::test]
async fn concurrent_time_accounting_names_true_totals_on_every_backend() {
    on_each_backend(|backend, i| async move {
        let ticket = i.services[0].create(&i.root, new_ticket("Long call")).await.unwrap();
        let writers = (0..8).map(|n| {
            let (s, root) = (i.services[n % 2].clone(), i.root.clone());
            tokio::spawn(async move { s.account_time(&root, ticket.id, 1.0, None).await })
        });
        let mut totals: Vec<f64> = Vec::new();
        for w in writers.collect::<Vec<_>>() {
            totals.push(w.await.unwrap().unwrap());
        }
        totals.sort_by(f64::total_cmp);
        assert_eq!(totals, (1..=8).map(f64::from).collect::<Vec<_>>(), "{backend:?}: each names its own total");
        assert_eq!(i.services[1].accounted_time(&i.root, ticket.id).await.unwrap(), 8.0, "{backend:?}");
        i.pools
    })
    .await;
}

/// The article and its time are one transaction: when the time cannot be stored (more
/// than `time_accounting.time_unit`, DECIMAL(10,2), holds; core refuses that before it
/// reaches a store, so the port is called directly), the article is not stored either.
/// PostgreSQL and MariaDB enforce the column's range; SQLite stores any number.
#[tokio::test]
async fn an_article_whose_time_fails_is_not_stored() {
    for engine in [Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        let i = two_instances(&t).await;
        let ticket = i.services[0].create(&i.root, new_ticket("Overflow")).await.unwrap();
        let db = &i.pools[0];
        let huge = NewArticle { time_unit: Some(1e12), ..NewArticle::note("Too long", "A thousand years") };
        let history: HistoryBuilder = Box::new(|_, _| Vec::new());
        let failed = ArticleRepository::add(db, ticket.id, huge, history, 1).await;
        assert!(failed.is_err(), "{engine:?}: {failed:?}");
        let articles = ArticleRepository::list_for_ticket(db, ticket.id).await.unwrap();
        assert_eq!(articles.len(), 1, "{engine:?}: only the first article");
        assert_eq!(TicketRepository::accounted_time(db, ticket.id).await.unwrap(), 0.0, "{engine:?}");
        for db in i.pools {
            db.close().await;
        }
        t.drop_database().await;
    }
}
