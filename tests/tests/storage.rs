//! The repositories behave the same on SQLite, PostgreSQL and MariaDB: tickets with
//! their history, lists with filters, sorting and paging, agents, grants, customers,
//! and ticket numbers that never repeat under concurrency.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Duration, Utc};
use goats_core::admin::LookupChange;
use goats_core::model::*;
use goats_core::permission::{AgentPermissions, Permission};
use goats_core::ports::*;
use goats_core::search::SearchQuery;
use goats_core::ticket_number::{TicketNumberConfig, has_valid_checksum};
use goats_core::tickets::TicketChange;
use goats_core::tickets::TicketService;
use goats_core::{DomainError, password};
use goats_sql::{Db, migrate};
use goats_tests::{Engine, TestDatabase, ticket_service};

fn one_number(page: &Page<Ticket>) -> String {
    page.items[0].number.clone()
}

fn service(db: &Db) -> TicketService {
    ticket_service(db, Arc::new(SystemClock))
}

async fn root(db: &Db) -> AgentPermissions {
    AgentPermissions::new(1, db.grants_for(1).await.unwrap())
}

fn ticket(title: &str, queue_id: QueueId, priority_id: PriorityId, customer: &str) -> NewTicket {
    NewTicket {
        title: title.into(),
        queue_id,
        state_id: 1,
        priority_id,
        type_id: None,
        service_id: None,
        sla_id: None,
        owner_id: 1,
        responsible_id: None,
        customer_id: Some("ACME".into()),
        customer_user_id: Some(customer.into()),
        pending_until: None,
        article: NewArticle {
            sender_type: SenderType::Customer,
            channel: CommunicationChannel::Email,
            visible_for_customer: true,
            from: Some(format!("{customer} <{customer}@example.com>")),
            to: Some("helpdesk@example.com".into()),
            cc: None,
            subject: title.into(),
            body: "Grüße — the printer is on fire 🔥".into(),
            content_type: "text/plain; charset=utf-8".into(),
            message_id: Some(format!("<{title}@example.com>")),
            in_reply_to: None,
            references: None,
            attachments: Vec::new(),
            time_unit: None,
            plain: None,
            outbound: None,
            dynamic_fields: Vec::new(),
        },
    }
}

async fn with_each_engine<F, Fut>(f: F)
where
    F: Fn(Engine, Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        migrate(&db).await.unwrap();
        f(engine, db.clone()).await;
        db.close().await;
        t.drop_database().await;
    }
}

#[tokio::test]
async fn tickets_articles_and_history() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let t = s.create(&root, ticket("Printer on fire", 2, 3, "jane")).await.unwrap();
        assert!(has_valid_checksum(&t.number), "{engine:?}");
        assert_eq!(
            (t.queue.as_str(), t.state.as_str(), t.priority.as_str(), t.state_type),
            ("Raw", "new", "3 normal", StateType::New)
        );
        assert_eq!(t.customer_user_id.as_deref(), Some("jane"));

        let full = s.get(&root, t.id, true).await.unwrap();
        let a = &full.articles.unwrap()[0];
        assert_eq!(
            (a.sender_type, a.channel, a.visible_for_customer),
            (SenderType::Customer, CommunicationChannel::Email, true)
        );
        assert_eq!(a.body, "Grüße — the printer is on fire 🔥", "{engine:?}: text survives the round trip");

        let until = Utc::now() + Duration::hours(4);
        s.change(&root, t.id, TicketChange::State { state_id: 6, pending_until: Some(until) }).await.unwrap();
        s.change(&root, t.id, TicketChange::Queue(4)).await.unwrap();
        s.change(&root, t.id, TicketChange::Priority(5)).await.unwrap();
        s.change(&root, t.id, TicketChange::Lock(Lock::Lock)).await.unwrap();
        s.change(&root, t.id, TicketChange::Title("Printer still on fire".into())).await.unwrap();
        s.add_article(&root, t.id, NewArticle::note("Called", "Fire brigade informed.")).await.unwrap();
        let t2 = s.change(&root, t.id, TicketChange::State { state_id: 2, pending_until: None }).await.unwrap();
        assert_eq!(
            (t2.state.as_str(), t2.lock, t2.until_time, t2.queue.as_str()),
            ("closed successful", Lock::Unlock, 0, "Misc")
        );

        let h = s.history(&root, t.id).await.unwrap();
        let kinds: Vec<&str> = h.iter().map(|h| h.history_type.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "NewTicket",
                "CustomerUpdate",
                "EmailCustomer",
                "StateUpdate",
                "SetPendingTime",
                "Move",
                "PriorityUpdate",
                "Lock",
                "TitleUpdate",
                "AddNote",
                "StateUpdate",
                "SetPendingTime",
                "Unlock"
            ],
            "{engine:?}"
        );
        assert_eq!(h[0].name, format!("%%{}%%Raw%%3 normal%%new%%{}", t.number, t.id));
        assert_eq!(h[5].name, "%%Misc%%4%%Raw%%2");
        assert_eq!(h[6].name, "%%3 normal%%3%%5 very high%%5");
        assert_eq!(h[10].name, "%%pending reminder%%closed successful%%");
        assert_eq!(h[11].name, "%%00-00-00 00:00");
        // Each row snapshots the ticket as it was right after the change.
        assert_eq!((h[5].queue_id, h[6].priority_id, h[12].state_id), (4, 5, 2));
        assert!(h[9].article_id.is_some());
    })
    .await;
}

#[tokio::test]
async fn lists_filter_sort_and_page() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        for (i, (title, queue, prio, who)) in [
            ("Alpha mail bounce", 2, 3, "ann"),
            ("Beta VPN down", 4, 5, "bob"),
            ("Gamma 100% disk", 4, 1, "ann"),
            ("Delta printer", 2, 4, "cid"),
            ("Epsilon VPN slow", 4, 3, "bob"),
        ]
        .into_iter()
        .enumerate()
        {
            let t = s.create(&root, ticket(title, queue, prio, who)).await.unwrap();
            if i == 4 {
                s.change(&root, t.id, TicketChange::State { state_id: 4, pending_until: None }).await.unwrap();
                s.change(&root, t.id, TicketChange::Lock(Lock::Lock)).await.unwrap();
            }
        }
        let list = |f: TicketFilter, field: TicketSortField, direction: SortDirection, page: PageRequest| {
            let s = &s;
            let root = &root;
            async move { s.list(root, f, TicketSort { field, direction }, page).await.unwrap() }
        };
        let all =
            list(TicketFilter::default(), TicketSortField::Title, SortDirection::Asc, PageRequest::new(1, 2)).await;
        assert_eq!(all.total, 5, "{engine:?}");
        assert_eq!(
            all.items.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(),
            ["Alpha mail bounce", "Beta VPN down"]
        );
        let p3 =
            list(TicketFilter::default(), TicketSortField::Title, SortDirection::Asc, PageRequest::new(3, 2)).await;
        assert_eq!(p3.items.len(), 1);
        assert_eq!(p3.items[0].title, "Gamma 100% disk");

        let vpn = list(
            TicketFilter { title_contains: Some("vpn".into()), ..Default::default() },
            TicketSortField::Priority,
            SortDirection::Desc,
            PageRequest::default(),
        )
        .await;
        assert_eq!(vpn.items.iter().map(|t| t.priority_id).collect::<Vec<_>>(), [5, 3], "{engine:?}");
        let pct = list(
            TicketFilter { title_contains: Some("100%".into()), ..Default::default() },
            TicketSortField::Created,
            SortDirection::Desc,
            PageRequest::default(),
        )
        .await;
        assert_eq!(pct.total, 1, "{engine:?}: % is matched literally");
        let underscore = list(
            TicketFilter { title_contains: Some("_".into()), ..Default::default() },
            TicketSortField::Created,
            SortDirection::Desc,
            PageRequest::default(),
        )
        .await;
        assert_eq!(underscore.total, 0, "{engine:?}: _ is matched literally");

        let misc_new = list(
            TicketFilter { queue_ids: vec![4], state_types: vec![StateType::New], ..Default::default() },
            TicketSortField::Queue,
            SortDirection::Asc,
            PageRequest::default(),
        )
        .await;
        assert_eq!(misc_new.total, 2);
        let ann = list(
            TicketFilter { customer_user_ids: vec!["ann".into()], ..Default::default() },
            TicketSortField::Number,
            SortDirection::Asc,
            PageRequest::default(),
        )
        .await;
        assert_eq!(ann.total, 2);
        assert!(ann.items[0].number < ann.items[1].number);
        let locked = list(
            TicketFilter { lock: Some(Lock::Lock), owner_ids: vec![1], ..Default::default() },
            TicketSortField::State,
            SortDirection::Asc,
            PageRequest::default(),
        )
        .await;
        assert_eq!(locked.items.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), ["Epsilon VPN slow"]);
        let high = list(
            TicketFilter { priority_ids: vec![4, 5], state_ids: vec![1], ..Default::default() },
            TicketSortField::Changed,
            SortDirection::Asc,
            PageRequest::default(),
        )
        .await;
        assert_eq!(high.total, 2);
        let hour = Duration::hours(1);
        let in_range = |f: TicketFilter| list(f, TicketSortField::Created, SortDirection::Asc, PageRequest::default());
        assert_eq!(
            in_range(TicketFilter { created_from: Some(Utc::now() - hour), type_ids: vec![1], ..Default::default() })
                .await
                .total,
            5,
            "{engine:?}"
        );
        assert_eq!(
            in_range(TicketFilter { created_until: Some(Utc::now() - hour), ..Default::default() }).await.total,
            0
        );
        assert_eq!(
            in_range(TicketFilter { changed_from: Some(Utc::now() + hour), ..Default::default() }).await.total,
            0
        );
        assert_eq!(
            in_range(TicketFilter { changed_until: Some(Utc::now() + hour), ..Default::default() }).await.total,
            5
        );
        assert_eq!(in_range(TicketFilter { type_ids: vec![99], ..Default::default() }).await.total, 0);
    })
    .await;
}

#[tokio::test]
async fn agents_groups_roles_and_customers() {
    with_each_engine(|engine, db| async move {
        let id = AgentRepository::create(
            &db,
            NewAgent {
                login: "ada".into(),
                first_name: "Ada".into(),
                last_name: "Lovelace".into(),
                email: Some("ada@example.com".into()),
                password_hash: password::hash_with_cost("pw", 4),
            },
            1,
        )
        .await
        .unwrap();
        let ada = AgentRepository::get(&db, id).await.unwrap().unwrap();
        assert_eq!(ada.email.as_deref(), Some("ada@example.com"), "{engine:?}: email from user_preferences");
        let creds = AgentRepository::credentials(&db, "ada").await.unwrap().unwrap();
        assert!(password::verify("pw", &creds.password_hash, "ada"));
        assert!(matches!(
            AgentRepository::create(
                &db,
                NewAgent {
                    login: "ada".into(),
                    first_name: "x".into(),
                    last_name: "y".into(),
                    email: None,
                    password_hash: "!".into()
                },
                1
            )
            .await,
            Err(DomainError::Conflict(_))
        ));
        assert_eq!(AgentRepository::list(&db).await.unwrap().len(), 2);

        let team = db.create_group("support", Some("first level"), 1).await.unwrap();
        let role = db.create_role("L1", None, 1).await.unwrap();
        db.grant_user(id, team, Permission::Ro, 1).await.unwrap();
        db.grant_user(id, team, Permission::Ro, 1).await.unwrap(); // idempotent
        db.grant_role(role, team, Permission::Note, 1).await.unwrap();
        db.grant_role(role, 1, Permission::Rw, 1).await.unwrap();
        db.add_user_to_role(id, role, 1).await.unwrap();
        let mut grants: Vec<(i32, Permission)> =
            db.grants_for(id).await.unwrap().into_iter().map(|g| (g.group_id, g.permission)).collect();
        grants.sort();
        assert_eq!(grants, [(1, Permission::Rw), (team, Permission::Ro), (team, Permission::Note)], "{engine:?}");
        let direct: Vec<(i32, Permission)> =
            db.direct_grants(id).await.unwrap().into_iter().map(|g| (g.group_id, g.permission)).collect();
        assert_eq!(direct, [(team, Permission::Ro)], "{engine:?}: only the agent's own grants, not the role's");
        db.set_valid(id, false, 1).await.unwrap();
        assert!(db.grants_for(id).await.unwrap().is_empty(), "{engine:?}: an invalid agent holds nothing");
        assert!(!AgentRepository::credentials(&db, "ada").await.unwrap().unwrap().valid);

        let q = db
            .create_queue(
                NewQueue {
                    name: "Support".into(),
                    group_id: team,
                    unlock_timeout: 30,
                    first_response_time: 60,
                    update_time: 0,
                    solution_time: 480,
                    calendar_name: None,
                    comments: None,
                    follow_up: FollowUp::NewTicket,
                    follow_up_lock: true,
                    customer_selectable: false,
                    customer_closable: false,
                    system_address_id: 1,
                    salutation_id: 1,
                    signature_id: 1,
                },
                1,
            )
            .await
            .unwrap();
        let queue = db.queue(q).await.unwrap().unwrap();
        assert_eq!((queue.group_id, queue.unlock_timeout, queue.solution_time), (team, 30, 480));
        assert_eq!((queue.follow_up, queue.follow_up_lock), (FollowUp::NewTicket, true), "{engine:?}");
        assert!(!queue.customer_selectable && !queue.customer_closable, "customers may not choose it: {engine:?}");
        let short = QueueText {
            id: 0,
            name: "Support team".into(),
            text: "-- \nSupport".into(),
            content_type: None,
            comments: None,
            valid: true,
        };
        let signature = db.save_queue_text(QueueTextKind::Signature, short, 1).await.unwrap();
        let open_again = NewQueue {
            customer_selectable: true,
            signature_id: signature,
            ..goats_core::testing::queue("Support", team)
        };
        db.update_queue(q, open_again, 1).await.unwrap();
        assert_eq!(db.queue(q).await.unwrap().unwrap().signature_id, signature, "{engine:?}");
        assert_eq!(db.reply_texts(q).await.unwrap().signature.as_deref(), Some("-- \nSupport"), "{engine:?}");
        let reopened = db.queue(q).await.unwrap().unwrap();
        assert!(reopened.customer_selectable && reopened.customer_closable, "{engine:?}");
        let otrs = db.queue(1).await.unwrap().unwrap();
        assert!(otrs.customer_selectable && otrs.customer_closable, "an OTRS queue without a row: {engine:?}");
        assert!(
            matches!(
                db.create_queue(goats_core::testing::queue("Support", team), 1).await,
                Err(DomainError::Conflict(_))
            ),
            "{engine:?}"
        );
        db.set_queue_valid(q, false, 1).await.unwrap();
        assert!(!db.queue(q).await.unwrap().unwrap().valid);
        let teal = Colour::parse("#3DD598").unwrap();
        let st = db.create_state("waiting for vendor", StateType::PendingReminder, &teal, 1).await.unwrap();
        let stored = db.state_by_name("waiting for vendor").await.unwrap().unwrap();
        assert_eq!((stored.id, stored.colour.as_ref()), (st, Some(&teal)), "{engine:?}");
        let red = Colour::parse("#ff505e").unwrap();
        let pr = db.create_priority("6 critical", &Colour::new_priority(), 1).await.unwrap();
        db.set_lookup_colour(LookupKind::Priority, pr, &red, 1).await.unwrap();
        assert_eq!(db.priority(pr).await.unwrap().unwrap().colour, Some(red), "{engine:?}");
        // OTRS's own colours come with its default rows.
        assert_eq!(db.state(1).await.unwrap().unwrap().colour, Colour::parse("#50B5FF"), "{engine:?}");
        assert!(db.set_lookup_colour(LookupKind::Type, 1, &teal, 1).await.is_err(), "types have no colour");
        db.create_type("Incident", 1).await.unwrap();
        assert_eq!(db.types().await.unwrap().len(), 2);

        db.create_company(
            CustomerCompany {
                customer_id: "ACME".into(),
                name: "Acme Inc.".into(),
                street: None,
                zip: None,
                city: Some("Springfield".into()),
                country: None,
                url: None,
                comments: None,
                valid: true,
            },
            1,
        )
        .await
        .unwrap();
        db.create_user(
            CustomerUser {
                email: "jane@acme.example".into(),
                first_name: "Jane".into(),
                last_name: "Doe".into(),
                phone: Some("+1 555".into()),
                ..goats_core::testing::contact("jane", "ACME")
            },
            Some(password::hash_with_cost("x", 4)),
            1,
        )
        .await
        .unwrap();
        assert_eq!(db.company("ACME").await.unwrap().unwrap().city.as_deref(), Some("Springfield"));
        assert_eq!(db.search_users("DOE", 10).await.unwrap().len(), 1, "{engine:?}");
        assert_eq!(db.search_users("%", 10).await.unwrap().len(), 0);
    })
    .await;
}

/// 200 tickets opened at once get 200 distinct, valid numbers on every engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tickets_get_distinct_numbers() {
    with_each_engine(|engine, db| async move {
        let s = Arc::new(service(&db));
        let root = Arc::new(root(&db).await);
        let mut tasks = Vec::new();
        for i in 0..200 {
            let (s, root) = (s.clone(), root.clone());
            tasks.push(tokio::spawn(
                async move { s.create(&root, ticket(&format!("Concurrent {i}"), 2, 3, "c")).await },
            ));
        }
        let mut numbers = HashSet::new();
        for t in tasks {
            let t = t.await.unwrap().unwrap_or_else(|e| panic!("{engine:?}: {e}"));
            assert!(has_valid_checksum(&t.number), "{engine:?}: {}", t.number);
            numbers.insert(t.number);
        }
        assert_eq!(numbers.len(), 200, "{engine:?}");
        let counters = counters_in_row_order(&db, "").await;
        assert_eq!(counters, (1..=200).collect::<Vec<_>>(), "{engine:?}: one counter each, none skipped");
        // Written together or alone, each is seen by root with its first article, as OTRS flags it.
        assert_eq!(seen_flags(&db, "ticket_flag").await, 200, "{engine:?}");
        assert_eq!(seen_flags(&db, "article_flag").await, 200, "{engine:?}");
    })
    .await;
}

/// The rows of OTRS's `Seen` flag in `table` (`ticket_flag` or `article_flag`), all root's.
async fn seen_flags(db: &Db, table: &str) -> i64 {
    let key = if table == "ticket_flag" { "ticket_key" } else { "article_key" };
    let conn = db.connection();
    let sql =
        format!("SELECT COUNT(*) AS n, MIN(create_by) AS lo, MAX(create_by) AS hi FROM {table} WHERE {key} = 'Seen'");
    let query = sea_orm::Statement::from_string(sea_orm::ConnectionTrait::get_database_backend(conn), sql);
    let row = sea_orm::ConnectionTrait::query_one_raw(conn, query).await.unwrap().unwrap();
    let int = |c: &str| {
        row.try_get::<Option<i64>>("", c).or_else(|_| row.try_get::<Option<i32>>("", c).map(|v| v.map(i64::from)))
    };
    assert_eq!((int("lo").unwrap(), int("hi").unwrap()), (Some(1), Some(1)), "{table}: root's");
    int("n").unwrap().unwrap()
}

/// Creations that arrive together are written in one transaction; one of them failing
/// (its number already taken) fails alone, and the others are all kept, whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_creation_fails_alone() {
    use goats_core::history::{HistoryEntry, HistoryType};
    with_each_engine(|engine, db| async move {
        let taken = service(&db).create(&root(&db).await, ticket("First", 2, 3, "c")).await.unwrap().number;
        let db = Arc::new(db);
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let db = db.clone();
                let number = if i % 13 == 5 { taken.clone() } else { format!("together-{i}") };
                let draft = TicketDraft {
                    number,
                    title: format!("Together {i}"),
                    queue_id: 2,
                    state_id: 1,
                    priority_id: 3,
                    type_id: 1,
                    service_id: None,
                    sla_id: None,
                    lock: Lock::Unlock,
                    owner_id: 1,
                    responsible_id: 1,
                    customer_id: None,
                    customer_user_id: None,
                    until_time: 0,
                    lock_time: 0,
                };
                let history: HistoryBuilder = Box::new(|_, article_id| {
                    vec![HistoryEntry {
                        history_type: HistoryType::NewTicket,
                        name: "%%".into(),
                        article_id: Some(article_id),
                    }]
                });
                let article = ticket("", 2, 3, "c").article;
                tokio::spawn(async move { TicketRepository::create(&*db, draft, article, history, 1).await })
            })
            .collect();
        let mut created = Vec::new();
        for (i, task) in tasks.into_iter().enumerate() {
            match task.await.unwrap() {
                Ok(ids) => created.push(ids),
                Err(DomainError::Conflict(_)) if i % 13 == 5 => {}
                other => panic!("{engine:?}: creation {i}: {other:?}"),
            }
        }
        assert_eq!(created.len(), 37, "{engine:?}");
        for CreatedTicket { id, article_id, created, version } in created {
            let history = db.history(id).await.unwrap();
            assert_eq!(history.len(), 1, "{engine:?}: ticket {id}");
            let h = &history[0];
            assert_eq!(
                (h.ticket_id, h.article_id, h.queue_id, h.state_id, h.priority_id, h.owner_id, h.type_id),
                (id, Some(article_id), 2, 1, 3, 1, 1),
                "{engine:?}: the history row of ticket {id}"
            );
            let articles = db.list_for_ticket(id).await.unwrap();
            assert_eq!(articles.iter().map(|a| a.id).collect::<Vec<_>>(), [article_id], "{engine:?}: ticket {id}");
            let ticket = TicketRepository::get(&*db, id).await.unwrap().unwrap();
            assert!(ticket.title.starts_with("Together "), "{engine:?}: {}", ticket.title);
            assert_eq!((ticket.version, ticket.created), (version, created), "{engine:?}: as answered");
            assert_eq!(ticket.version, h.id, "{engine:?}: the version is the last history row");
        }
        let all = db.count(&TicketFilter::default(), None).await.unwrap();
        assert_eq!(all, 38, "{engine:?}: nothing of the failed ones kept");
    })
    .await;
}

/// Articles added at once are written in shared transactions: each keeps its own id,
/// body, attachments and history row on its own ticket, whichever tickets the others
/// went to; one added to a ticket that does not exist fails alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn articles_added_together_stay_apart() {
    use goats_core::history::{HistoryEntry, HistoryType};
    with_each_engine(|engine, db| async move {
        let root = root(&db).await;
        let mut tickets = Vec::new();
        for i in 0..3 {
            tickets.push(service(&db).create(&root, ticket(&format!("Target {i}"), 2, 3, "c")).await.unwrap().id);
        }
        let db = Arc::new(db);
        let missing = 987_654;
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let db = db.clone();
                let ticket_id = if i == 17 { missing } else { tickets[i % 3] };
                let mut article = ticket("", 2, 3, "c").article;
                article.body = format!("addition {i}");
                if i % 7 == 0 {
                    article.attachments =
                        vec![NewAttachment::new(&format!("file-{i}.txt"), format!("file {i}").into())];
                }
                let history: HistoryBuilder = Box::new(move |_, article_id| {
                    vec![HistoryEntry {
                        history_type: HistoryType::AddNote,
                        name: format!("%%addition {i}"),
                        article_id: Some(article_id),
                    }]
                });
                tokio::spawn(async move {
                    (i, ticket_id, ArticleRepository::add(&*db, ticket_id, article, history, 1).await)
                })
            })
            .collect();
        let mut added = 0;
        for task in tasks {
            let (i, ticket_id, result) = task.await.unwrap();
            match result {
                Ok(id) => {
                    added += 1;
                    let article = ArticleRepository::get(&*db, id)
                        .await
                        .unwrap()
                        .unwrap_or_else(|| panic!("{engine:?}: article {id}"));
                    assert_eq!(
                        (article.ticket_id, article.body.as_str()),
                        (ticket_id, format!("addition {i}").as_str())
                    );
                    let files: Vec<_> = article.attachments.iter().map(|a| a.filename.clone()).collect();
                    let expected = if i % 7 == 0 { vec![format!("file-{i}.txt")] } else { Vec::new() };
                    assert_eq!(files, expected, "{engine:?}: article {i}");
                    let history = db.history(ticket_id).await.unwrap();
                    let rows: Vec<_> = history.iter().filter(|h| h.article_id == Some(id)).collect();
                    assert_eq!(rows.len(), 1, "{engine:?}: history of article {i}");
                    assert_eq!(rows[0].name, format!("%%addition {i}"), "{engine:?}");
                }
                Err(_) if ticket_id == missing => {}
                Err(e) => panic!("{engine:?}: addition {i}: {e:?}"),
            }
        }
        assert_eq!(added, 39, "{engine:?}");
        for (n, &id) in tickets.iter().enumerate() {
            let articles = db.list_for_ticket(id).await.unwrap();
            let expected = (0..40).filter(|&i| i != 17 && i % 3 == n).count() + 1;
            assert_eq!(articles.len(), expected, "{engine:?}: articles of ticket {n}");
        }
        // root wrote every article: seen each, and so each ticket once.
        assert_eq!(seen_flags(&db, "article_flag").await, 39 + 3, "{engine:?}");
        assert_eq!(seen_flags(&db, "ticket_flag").await, 3, "{engine:?}");
    })
    .await;
}

/// An agent reading a ticket while others add articles to it: each article gets one
/// Seen flag of the reader at most, and the reader has seen the ticket exactly when they
/// have seen every article of it, however the reads and the writes interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reading_while_articles_arrive() {
    use goats_core::admin::{AdminPorts, AdminService, AgentInput};
    use goats_core::history::{HistoryEntry, HistoryType};
    with_each_engine(|engine, db| async move {
        let root = root(&db).await;
        let admin = AdminService::new(AdminPorts::of_one_store(Arc::new(db.clone()), Arc::new(InlineCpu)));
        let input = AgentInput {
            login: "reader".into(),
            first_name: "Rea".into(),
            last_name: "Der".into(),
            email: None,
            password: "reader-password".into(),
        };
        let reader = admin.create_agent(&root, input).await.unwrap().id;
        let t = service(&db).create(&root, ticket("Busy", 2, 3, "c")).await.unwrap().id;
        let db = Arc::new(db);
        let tasks: Vec<_> = (0..30)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    if i % 3 == 0 {
                        let mut article = ticket("", 2, 3, "c").article;
                        article.body = format!("news {i}");
                        let history: HistoryBuilder = Box::new(|_, article_id| {
                            vec![HistoryEntry {
                                history_type: HistoryType::AddNote,
                                name: "%%news".into(),
                                article_id: Some(article_id),
                            }]
                        });
                        ArticleRepository::add(&*db, t, article, history, 1).await.map(|_| Vec::new())
                    } else {
                        db.mark_seen(t, reader).await.map(Option::unwrap_or_default)
                    }
                })
            })
            .collect();
        let mut marked = Vec::new();
        for task in tasks {
            marked.extend(task.await.unwrap().unwrap_or_else(|e| panic!("{engine:?}: {e}")));
        }
        let articles: Vec<ArticleId> = db.list_for_ticket(t).await.unwrap().iter().map(|a| a.id).collect();
        assert_eq!(articles.len(), 11, "{engine:?}");
        marked.sort_unstable();
        let distinct: HashSet<_> = marked.iter().collect();
        assert_eq!(distinct.len(), marked.len(), "{engine:?}: an article marked new twice: {marked:?}");
        let unseen = db.unseen(&[t], reader).await.unwrap();
        let last = db.mark_seen(t, reader).await.unwrap().unwrap_or_default();
        assert_eq!(unseen.is_empty(), last.is_empty(), "{engine:?}: seen iff every article is: {last:?}");
        marked.extend(last);
        marked.sort_unstable();
        assert_eq!(marked, articles, "{engine:?}: every article marked once");
        assert!(db.unseen(&[t], reader).await.unwrap().is_empty(), "{engine:?}");
        assert_eq!(db.mark_seen(t, reader).await.unwrap(), None, "{engine:?}: read already, nothing written");
        // root wrote them all and saw each; the reader's marks are theirs alone.
        assert!(db.unseen(&[t], 1).await.unwrap().is_empty(), "{engine:?}");
    })
    .await;
}

/// A new ticket's number is not looked up before it is written: when the counter lags
/// behind numbers already given (its rows deleted after twelve tickets, more than
/// unchecked draws would try), the unique number refuses the first draw, and the draws
/// after it are checked and skip ahead past the taken ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_counter_behind_the_tickets_skips_the_taken_numbers() {
    with_each_engine(|engine, db| async move {
        use sea_orm::ConnectionTrait;
        let root = root(&db).await;
        let mut numbers = HashSet::new();
        for i in 0..12 {
            numbers.insert(service(&db).create(&root, ticket(&format!("Before {i}"), 2, 3, "c")).await.unwrap().number);
        }
        db.connection().execute_unprepared("DELETE FROM ticket_number_counter").await.unwrap();
        let after = service(&db).create(&root, ticket("After", 2, 3, "c")).await.unwrap();
        assert!(!numbers.contains(&after.number), "{engine:?}: {} was given twice", after.number);
        assert_eq!(db.count(&TicketFilter::default(), None).await.unwrap(), 13, "{engine:?}");
        // A count with a limit stops one past it.
        assert_eq!(db.count(&TicketFilter::default(), Some(5)).await.unwrap(), 6, "{engine:?}");
        assert_eq!(db.count(&TicketFilter::default(), Some(50)).await.unwrap(), 13, "{engine:?}");
    })
    .await;
}

/// A new ticket is answered from what was written, not read back: the answer is the
/// ticket as stored, alone or written with others, pending or not, on every engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_new_ticket_is_answered_as_stored() {
    with_each_engine(|engine, db| async move {
        let root = Arc::new(root(&db).await);
        let db = Arc::new(db);
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let (db, root) = (db.clone(), root.clone());
                let mut new = ticket(&format!("Answered {i}"), 2, 3, &format!("customer-{i}"));
                if i % 4 == 1 {
                    new.state_id = 6; // pending reminder
                    new.pending_until = Some(Utc::now() + Duration::days(2));
                }
                if i % 5 == 2 {
                    new.priority_id = 5;
                    new.customer_id = None;
                }
                tokio::spawn(async move { service(&db).create(&root, new).await.unwrap() })
            })
            .collect();
        for task in tasks {
            let answered = task.await.unwrap();
            let stored = TicketRepository::get(&*db, answered.id).await.unwrap().unwrap();
            assert_eq!(answered, stored, "{engine:?}");
        }
    })
    .await;
}

async fn counters_in_row_order(db: &Db, filter: &str) -> Vec<i64> {
    use sea_orm::ConnectionTrait;
    let rows = db
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            db.connection().get_database_backend(),
            format!("SELECT counter FROM ticket_number_counter{filter} ORDER BY id"),
        ))
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get_by_index::<i64>(0).unwrap()).collect()
}

/// The counter table by OTRS's rules, however many creators wait at once: a date-based
/// counter starts again each day, an offset skips ahead (a number found taken), and the
/// creators waiting together get the next counters, one each.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn counters_follow_the_day_and_the_offset() {
    with_each_engine(|engine, db| async move {
        use sea_orm::ConnectionTrait;
        let yesterday = (Utc::now() - Duration::days(1)).format("%Y-%m-%d %H:%M:%S");
        db.connection()
            .execute_unprepared(&format!(
                "INSERT INTO ticket_number_counter (counter, counter_uid, create_time) VALUES (57, 'otrs-y', '{yesterday}')"
            ))
            .await
            .unwrap();
        let now = Utc::now();
        assert_eq!(db.next(true, 1, now).await.unwrap(), 1, "{engine:?}: a new day");
        assert_eq!(db.next(false, 1, now).await.unwrap(), 2, "{engine:?}: the last counter, whatever its day");
        assert_eq!(db.next(true, 3, now).await.unwrap(), 5, "{engine:?}: offset");
        let db = Arc::new(db);
        let waiting: Vec<_> = (0..50)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { db.next(true, 1, now).await.unwrap() })
            })
            .collect();
        let mut got = Vec::new();
        for w in waiting {
            got.push(w.await.unwrap());
        }
        got.sort_unstable();
        assert_eq!(got, (6..=55).collect::<Vec<_>>(), "{engine:?}");
        assert_eq!(counters_in_row_order(&db, "").await[0], 57, "{engine:?}: yesterday's row kept");
    })
    .await;
}

/// Three goats processes (a pool each) creating tickets at once, after another program
/// (OTRS) left two counter rows of its own unnumbered: every ticket gets its own number,
/// and the other program's rows are numbered first, in id order, as OTRS would.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn processes_sharing_the_counter_agree() {
    use sea_orm::ConnectionTrait;
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let first = t.connect().await;
        migrate(&first).await.unwrap();
        let today = Utc::now().format("%Y-%m-%d %H:%M:%S");
        for uid in ["otrs-a", "otrs-b"] {
            first
                .connection()
                .execute_unprepared(&format!(
                    "INSERT INTO ticket_number_counter (counter, counter_uid, create_time) VALUES (0, '{uid}', '{today}')"
                ))
                .await
                .unwrap();
        }
        let mut pools = vec![first];
        for _ in 0..2 {
            pools.push(t.connect().await);
        }
        let root = Arc::new(root(&pools[0]).await);
        let mut tasks = Vec::new();
        for (p, db) in pools.iter().enumerate() {
            let s = Arc::new(service(db));
            for i in 0..40 {
                let (s, root) = (s.clone(), root.clone());
                tasks.push(tokio::spawn(async move { s.create(&root, ticket(&format!("P{p} {i}"), 2, 3, "c")).await }));
            }
        }
        let mut numbers = HashSet::new();
        for task in tasks {
            let t = task.await.unwrap().unwrap_or_else(|e| panic!("{engine:?}: {e}"));
            assert!(has_valid_checksum(&t.number), "{engine:?}: {}", t.number);
            numbers.insert(t.number);
        }
        assert_eq!(numbers.len(), 120, "{engine:?}");
        let foreign = counters_in_row_order(&pools[0], " WHERE counter_uid LIKE 'otrs-%'").await;
        assert_eq!(foreign, [1, 2], "{engine:?}: the other program's rows");
        for db in pools {
            db.close().await;
        }
        t.drop_database().await;
    }
}

/// Salutations and signatures: OTRS's default one of each, a new one added, changed and
/// set invalid, each table apart.
#[tokio::test]
async fn salutations_and_signatures_are_kept_apart() {
    with_each_engine(|engine, db| async move {
        let defaults = db.queue_texts(QueueTextKind::Salutation).await.unwrap();
        assert_eq!(defaults.len(), 1, "{engine:?}");
        assert_eq!(defaults[0].name, "system standard salutation (en)");
        let new = QueueText {
            id: 0,
            name: "Formal".into(),
            text: "Dear <OTRS_CUSTOMER_REALNAME>,\n".into(),
            content_type: Some("text/plain; charset=utf-8".into()),
            comments: Some("for lawyers".into()),
            valid: true,
        };
        let id = db.save_queue_text(QueueTextKind::Signature, new.clone(), 1).await.unwrap();
        let changed = QueueText { id, name: "formal".into(), valid: false, ..new };
        assert_eq!(db.save_queue_text(QueueTextKind::Signature, changed.clone(), 1).await.unwrap(), id);
        let signatures = db.queue_texts(QueueTextKind::Signature).await.unwrap();
        assert_eq!(
            signatures.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["formal", "system standard signature (en)"]
        );
        assert_eq!(signatures[0], changed, "{engine:?}");
        assert_eq!(db.queue_texts(QueueTextKind::Salutation).await.unwrap().len(), 1, "the salutations are apart");
        let missing = QueueText { id: 999, ..changed };
        assert!(matches!(
            db.save_queue_text(QueueTextKind::Signature, missing, 1).await,
            Err(DomainError::NotFound { .. })
        ));
    })
    .await;
}

/// OTRS up to 6 calls the group table `groups`; goats reads grants from either name.
#[tokio::test]
async fn reads_the_older_groups_table() {
    let t = TestDatabase::create(Engine::Sqlite).await;
    let db = t.connect().await;
    migrate(&db).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(db.connection(), "ALTER TABLE permission_groups RENAME TO groups")
        .await
        .unwrap();
    db.close().await;
    let db = t.connect().await;
    let names: Vec<String> = db.groups().await.unwrap().into_iter().map(|g| g.name).collect();
    assert!(names.contains(&"admin".to_string()), "{names:?}");
    assert!(AgentPermissions::new(1, db.grants_for(1).await.unwrap()).is_admin());
    db.close().await;
    t.drop_database().await;
}

/// Watching and time accounting on every engine, with OTRS's history rows.
#[tokio::test]
async fn watchers_and_time_accounting() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let t = s.create(&root, ticket("Slow laptop", 2, 3, "kim")).await.unwrap();
        let watcher = AgentRepository::create(
            &db,
            NewAgent {
                login: "watcher".into(),
                first_name: "Wat".into(),
                last_name: "Cher".into(),
                email: None,
                password_hash: "!".into(),
            },
            1,
        )
        .await
        .unwrap();
        db.grant_user(watcher, 1, Permission::Ro, 1).await.unwrap();
        let w = AgentPermissions::new(watcher, db.grants_for(watcher).await.unwrap());
        s.set_watching(&w, t.id, true).await.unwrap();
        s.set_watching(&w, t.id, true).await.unwrap(); // already watching: nothing new
        assert_eq!(db.watchers(t.id).await.unwrap(), vec![watcher], "{engine:?}");
        // The ticket moves to a queue the watcher has no group rights on; watching still reaches it.
        let team = db.create_group("private", None, 1).await.unwrap();
        let q = db.create_queue(goats_core::testing::queue("Private", team), 1).await.unwrap();
        db.grant_user(1, team, Permission::Rw, 1).await.unwrap();
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        s.change(&root, t.id, TicketChange::Queue(q)).await.unwrap();
        assert!(s.get(&w, t.id, false).await.is_ok(), "{engine:?}: a watcher reaches the ticket");
        s.set_watching(&w, t.id, false).await.unwrap();
        assert!(matches!(s.get(&w, t.id, false).await, Err(DomainError::NotFound { .. })), "{engine:?}");

        let a = s.add_article(&root, t.id, NewArticle::note("Worked", "Replaced the disk.")).await.unwrap();
        assert_eq!(s.account_time(&root, t.id, 1.5, Some(a)).await.unwrap(), 1.5);
        assert_eq!(s.account_time(&root, t.id, 3.0, None).await.unwrap(), 4.5);
        assert_eq!(s.accounted_time(&root, t.id).await.unwrap(), 4.5, "{engine:?}");
        assert!(s.account_time(&root, t.id, f64::NAN, None).await.is_err());

        let h = s.history(&root, t.id).await.unwrap();
        let tail: Vec<(&str, &str)> =
            h.iter().rev().take(2).map(|h| (h.history_type.as_str(), h.name.as_str())).collect();
        assert_eq!(tail, [("TimeAccounting", "%%3%%4.5"), ("TimeAccounting", "%%1.5%%1.5")], "{engine:?}");
        let subs: Vec<&str> =
            h.iter().filter(|h| h.history_type.ends_with("ubscribe")).map(|h| h.name.as_str()).collect();
        assert_eq!(subs, ["%%Wat Cher (watcher)", "%%Wat Cher (watcher)"]);
    })
    .await;
}

/// `goats seed` on every engine: realistic rows that the repositories read like any
/// other, valid and unique ticket numbers, and live tickets still numbered after it.
#[tokio::test]
async fn seeding_realistic_data() {
    use goats_sql::seed::{SeedPlan, seed};
    with_each_engine(|engine, db| async move {
        let plan = SeedPlan { tickets: 900, articles_per_ticket: 3, seed: 7 };
        let mut calls = 0;
        let report = seed(&db, &plan, &TicketNumberConfig::default(), |_, _| calls += 1).await.unwrap();
        assert_eq!(
            (report.tickets, report.articles, report.agents, report.customers),
            (900, 2700, 20, 1000),
            "{engine:?}"
        );
        assert_eq!(calls, 3, "progress per batch");
        assert!((60..250).contains(&report.attachments), "{engine:?}: {} files", report.attachments);
        // A second run adds to the first.
        seed(&db, &SeedPlan { seed: 8, ..plan.clone() }, &TicketNumberConfig::default(), |_, _| {}).await.unwrap();

        let s = service(&db);
        let root = root(&db).await;
        let all =
            s.list(&root, TicketFilter::default(), TicketSort::default(), PageRequest::new(1, 500)).await.unwrap();
        assert_eq!(all.total, 1800, "{engine:?}");
        let numbers: HashSet<&str> = all.items.iter().map(|t| t.number.as_str()).collect();
        assert_eq!(numbers.len(), 500);
        assert!(all.items.iter().all(|t| has_valid_checksum(&t.number)));
        let closed = s
            .list(
                &root,
                TicketFilter { state_types: vec![StateType::Closed], ..Default::default() },
                TicketSort::default(),
                PageRequest::new(1, 1),
            )
            .await
            .unwrap();
        assert!(closed.total > 900 && closed.total < 1700, "{engine:?}: {} closed", closed.total);

        // Every seeded ticket names where it happened: a search for that word counts
        // to 1,000 and ranks the 1,000 newest tickets, while a rare word is counted whole.
        let text = |typed: &str| TicketFilter { text: Some(SearchQuery::parse(typed).unwrap()), ..Default::default() };
        let by_relevance = TicketSort { field: TicketSortField::Relevance, direction: SortDirection::Desc };
        assert_eq!(db.count(&text("affected"), None).await.unwrap(), 1800, "{engine:?}");
        let mut ranked = HashSet::new();
        for n in 1..=3 {
            let page = s.list(&root, text("affected"), by_relevance, PageRequest::new(n, 500)).await.unwrap();
            assert_eq!((page.total, page.total_capped), (1000, true), "{engine:?}");
            assert_eq!(page.items.len(), if n < 3 { 500 } else { 0 }, "{engine:?}: page {n}");
            ranked.extend(page.items.iter().map(|t| t.id));
        }
        let mut ids = Vec::new();
        for n in 1..=4 {
            let page = s.list(&root, TicketFilter::default(), TicketSort::default(), PageRequest::new(n, 500));
            ids.extend(page.await.unwrap().items.iter().map(|t| t.id));
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let newest: HashSet<TicketId> = ids[..1000].iter().copied().collect();
        assert_eq!(ranked, newest, "{engine:?}: the 1,000 newest are ranked");
        let by_age = s.list(&root, text("affected"), TicketSort::default(), PageRequest::new(3, 500)).await.unwrap();
        assert_eq!(
            (by_age.items.len(), by_age.total_capped),
            (500, true),
            "{engine:?}: other orders go on past the count"
        );
        let rare = s.list(&root, text(&one_number(&all)), by_relevance, PageRequest::default()).await.unwrap();
        assert_eq!((rare.total, rare.total_capped), (1, false), "{engine:?}");

        // Looking among the newest tickets first finds what looking at all of them finds:
        // a word every ticket has is ranked among the newest 1,500 alone, rarer ones are
        // looked for in all.
        let windowed = service(&db.clone().with_recent_tickets(1500));
        for typed in ["affected", "printer", "affected -printer", "\"paper jam\"", &one_number(&all)] {
            for n in [1, 3] {
                let page = PageRequest::new(n, 200);
                let whole = s.list(&root, text(typed), by_relevance, page).await.unwrap();
                let recent = windowed.list(&root, text(typed), by_relevance, page).await.unwrap();
                let ids = |p: &Page<Ticket>| p.items.iter().map(|t| t.id).collect::<Vec<_>>();
                assert_eq!(
                    (recent.total, recent.total_capped, ids(&recent)),
                    (whole.total, whole.total_capped, ids(&whole)),
                    "{engine:?}: {typed}, page {n}"
                );
                assert!(n > 1 || !whole.items.is_empty(), "{engine:?}: {typed} finds tickets");
            }
        }

        let one = &all.items[0];
        let full = s.get(&root, one.id, true).await.unwrap();
        assert_eq!(full.articles.unwrap().len(), 3);
        // Some articles carry a file, readable like any uploaded one.
        let mut file = None;
        for t in &all.items[..100] {
            let articles = s.get(&root, t.id, true).await.unwrap().articles.unwrap();
            if let Some(a) = articles.iter().flat_map(|a| a.attachments.iter()).next() {
                file = Some((t.id, a.clone()));
                break;
            }
        }
        let (ticket_id, meta) = file.expect("a seeded attachment among the first 100 tickets");
        let (_, bytes) = s.attachment(&root, ticket_id, meta.id).await.unwrap();
        assert_eq!(bytes.len() as u64, meta.size, "{engine:?}");
        assert!(["error.log", "export.csv", "settings.ini"].contains(&meta.filename.as_str()));
        assert_eq!(s.history(&root, one.id).await.unwrap()[0].history_type, "NewTicket");

        let live = s.create(&root, ticket("After seeding", 2, 3, "x")).await.unwrap();
        assert!(has_valid_checksum(&live.number), "{engine:?}");
        let again = s.create(&root, ticket("After seeding 2", 2, 3, "x")).await.unwrap();
        assert_ne!(live.number, again.number);
    })
    .await;
}

/// Customer sessions and the customer's view of tickets on every engine.
#[tokio::test]
async fn customer_sessions_and_visibility() {
    use goats_core::auth::{AuthError, AuthService};
    with_each_engine(|engine, db| async move {
        let store = Arc::new(db.clone());
        let auth = AuthService::new(
            store.clone(),
            store.clone(),
            store.clone(),
            store,
            Arc::new(SystemClock),
            Duration::days(1),
        );
        db.create_user(goats_core::testing::contact("ann", "ACME"), Some(password::hash_with_cost("pw-ann-123", 4)), 1)
            .await
            .unwrap();
        db.create_user(goats_core::testing::contact("nopw", "ACME"), None, 1).await.unwrap();
        let session = auth.customer_login("ann", "pw-ann-123", "c").await.unwrap();
        assert_eq!(auth.customer("ann").await.unwrap(), ("ann".to_string(), "ACME".to_string()), "{engine:?}");
        let next = auth.refresh(&session.refresh_token).await.unwrap();
        assert_eq!(
            auth.refresh(&session.refresh_token).await.unwrap_err(),
            AuthError::InvalidToken,
            "{engine:?}: replay"
        );
        assert_eq!(
            auth.refresh(&next.refresh_token).await.unwrap_err(),
            AuthError::InvalidToken,
            "{engine:?}: family revoked"
        );
        assert_eq!(auth.customer_login("nopw", "", "c").await.unwrap_err(), AuthError::InvalidCredentials);
        // Her own password change: stored in customer_user.pw, her refresh tokens revoked.
        let before = auth.customer_login("ann", "pw-ann-123", "c").await.unwrap();
        auth.change_customer_password("ann", "pw-ann-123", "pw-ann-456", "c").await.unwrap();
        assert_eq!(auth.refresh(&before.refresh_token).await.unwrap_err(), AuthError::InvalidToken, "{engine:?}");
        let after = auth.customer_login("ann", "pw-ann-456", "c").await.unwrap();
        assert!(auth.refresh(&after.refresh_token).await.is_ok(), "{engine:?}");
        // An agent's, in users.pw.
        db.set_password_hash(1, &password::hash_with_cost("root-pw-123", 4), 1).await.unwrap();
        let before = auth.login("root@localhost", "root-pw-123", "c").await.unwrap();
        auth.change_password(1, "root-pw-123", "root-pw-456", "c").await.unwrap();
        assert_eq!(auth.refresh(&before.refresh_token).await.unwrap_err(), AuthError::InvalidToken, "{engine:?}");
        assert!(auth.login("root@localhost", "root-pw-456", "c").await.is_ok(), "{engine:?}");

        let s = service(&db);
        let root = root(&db).await;
        let mut t = ticket("Ann's", 2, 3, "ann");
        t.customer_id = Some("ACME".into());
        let anns = s.create(&root, t).await.unwrap();
        let mut t = ticket("Colleague's", 2, 3, "someone");
        t.customer_id = Some("ACME".into());
        s.create(&root, t).await.unwrap();
        let mut t = ticket("Stranger's", 2, 3, "stranger");
        t.customer_id = None;
        let other = s.create(&root, t).await.unwrap();
        let seen = s
            .list_for_customer("ann", "ACME", TicketFilter::default(), TicketSort::default(), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(seen.total, 2, "{engine:?}");
        let alone = s
            .list_for_customer("stranger", "", TicketFilter::default(), TicketSort::default(), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(alone.total, 1, "{engine:?}: no company matches nothing extra");
        assert!(s.get_for_customer("ann", "ACME", anns.id).await.is_ok());
        assert!(matches!(s.get_for_customer("ann", "ACME", other.id).await, Err(DomainError::NotFound { .. })));
    })
    .await;
}

/// Merging on every engine: articles and watchers move, the source is merged and
/// unlocked, both tickets record it.
#[tokio::test]
async fn merging_tickets() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let source = s.create(&root, ticket("Duplicate report", 2, 3, "kim")).await.unwrap();
        let target = s.create(&root, ticket("Original report", 2, 3, "kim")).await.unwrap();
        s.change(&root, source.id, TicketChange::Lock(Lock::Lock)).await.unwrap();
        s.set_watching(&root, source.id, true).await.unwrap();
        let merged_into = s.merge(&root, source.id, target.id).await.unwrap();
        assert_eq!(merged_into.id, target.id);
        let src = s.get(&root, source.id, true).await.unwrap();
        assert_eq!((src.state_type, src.lock), (StateType::Merged, Lock::Unlock), "{engine:?}");
        let src_articles = src.articles.unwrap();
        assert_eq!(src_articles.len(), 1, "{engine:?}: only the merge note stays");
        assert!(src_articles[0].body.contains(&target.number));
        assert_eq!(s.get(&root, target.id, true).await.unwrap().articles.unwrap().len(), 2);
        assert_eq!(db.watchers(target.id).await.unwrap(), vec![1], "{engine:?}");
        let name = format!("%%{}%%{}%%{}%%{}", source.number, source.id, target.number, target.id);
        assert_eq!(s.history(&root, source.id).await.unwrap().last().unwrap().name, name);
        let target_last = s.history(&root, target.id).await.unwrap().pop().unwrap();
        assert_eq!((target_last.history_type.as_str(), target_last.name.as_str()), ("Merged", name.as_str()));
        // The merged ticket is listed on the one it went into, as its child.
        assert_eq!(db.links(target.id).await.unwrap(), vec![(source.id, LinkKind::ParentOf)], "{engine:?}");
        assert_eq!(db.links(source.id).await.unwrap(), vec![(target.id, LinkKind::ChildOf)], "{engine:?}");
        assert!(
            matches!(s.merge(&root, source.id, target.id).await, Err(DomainError::Invalid { .. })),
            "already merged"
        );
        assert!(matches!(s.merge(&root, target.id, target.id).await, Err(DomainError::Invalid { .. })));
    })
    .await;
}

#[tokio::test]
async fn browser_sessions_and_preferences() {
    use goats_core::web_session::{SessionTimeouts, WebSessions};
    with_each_engine(|engine, db| async move {
        let store = Arc::new(db.clone());
        let timeouts = SessionTimeouts { idle: Duration::minutes(30), absolute: Duration::hours(8) };
        let sessions = WebSessions::new(store.clone(), Arc::new(SystemClock), timeouts);
        let (secret, started) = sessions.start(1, None).await.unwrap();
        assert_eq!(sessions.resume(&secret).await.unwrap(), Some(started.clone()), "{engine:?}");
        // Only the hash is stored.
        assert!(SessionStore::<UserId>::find(&db, &secret).await.unwrap().is_none());
        let (replacement, _) = sessions.start(1, Some(&secret)).await.unwrap();
        assert_eq!(sessions.resume(&secret).await.unwrap(), None, "{engine:?}");
        // A session idle too long is swept; a fresh one stays.
        let stale = WebSessionRecord {
            id_hash: "stale".into(),
            holder: 1,
            csrf_token: "t".into(),
            created_at: Utc::now() - Duration::hours(1),
            last_seen_at: Utc::now() - Duration::minutes(45),
        };
        SessionStore::<UserId>::insert(&db, &stale).await.unwrap();
        assert_eq!(sessions.sweep().await.unwrap(), 1, "{engine:?}");
        assert!(sessions.resume(&replacement).await.unwrap().is_some());
        sessions.end(&replacement).await.unwrap();
        assert_eq!(sessions.resume(&replacement).await.unwrap(), None);

        // Customers' portal sessions live apart: an agent's secret is no customer's.
        let customers: WebSessions<String> = WebSessions::new(store.clone(), Arc::new(SystemClock), timeouts);
        let (agent_secret, _) = sessions.start(1, None).await.unwrap();
        let (secret, started) = customers.start("pat".to_string(), None).await.unwrap();
        assert_eq!(customers.resume(&secret).await.unwrap(), Some(started.clone()), "{engine:?}");
        assert_eq!(started.holder, "pat");
        assert_eq!(customers.resume(&agent_secret).await.unwrap(), None, "{engine:?}");
        assert_eq!(sessions.resume(&secret).await.unwrap(), None, "{engine:?}");
        customers.end(&secret).await.unwrap();
        assert_eq!(customers.resume(&secret).await.unwrap(), None, "{engine:?}");

        // After a password change only the browser it was made in stays signed in.
        let (here, _) = customers.start("pat".to_string(), None).await.unwrap();
        let (there, _) = customers.start("pat".to_string(), None).await.unwrap();
        let (someone, _) = customers.start("sam".to_string(), None).await.unwrap();
        assert_eq!(customers.end_others(&"pat".to_string(), &here).await.unwrap(), 1, "{engine:?}");
        assert!(
            customers.resume(&here).await.unwrap().is_some() && customers.resume(&someone).await.unwrap().is_some()
        );
        assert_eq!(customers.resume(&there).await.unwrap(), None, "{engine:?}");
        let (agent_here, _) = sessions.start(1, None).await.unwrap();
        assert_eq!(sessions.end_others(&1, &agent_here).await.unwrap(), 1, "{engine:?}: the agent session above");
        assert!(sessions.resume(&agent_here).await.unwrap().is_some());
        assert_eq!(sessions.resume(&agent_secret).await.unwrap(), None, "{engine:?}");

        // Preferences live in OTRS's user_preferences, one row per key.
        assert_eq!(db.preference(1, "UserLanguage").await.unwrap(), None);
        db.set_preference(1, "UserLanguage", "de").await.unwrap();
        db.set_preference(1, "UserLanguage", "en").await.unwrap();
        db.set_preference(1, "GoatsTheme", "dark").await.unwrap();
        assert_eq!(db.preference(1, "UserLanguage").await.unwrap().as_deref(), Some("en"), "{engine:?}");
        assert_eq!(db.preference(1, "GoatsTheme").await.unwrap().as_deref(), Some("dark"));
        assert_eq!(db.preference(2, "GoatsTheme").await.unwrap(), None);
        // Who holds a value, in one read (the agents out of office).
        db.set_preference(1, "OutOfOffice", "1").await.unwrap();
        assert_eq!(db.users_with("OutOfOffice", "1").await.unwrap(), [1], "{engine:?}");
        assert!(db.users_with("OutOfOffice", "0").await.unwrap().is_empty(), "{engine:?}");
        assert!(db.users_with("GoatsTheme", "1").await.unwrap().is_empty(), "{engine:?}");

        // Customers' live in customer_preferences, by login, kept apart from agents'.
        assert_eq!(db.customer_preference("jane", "UserLanguage").await.unwrap(), None);
        db.set_customer_preference("jane", "UserLanguage", "de").await.unwrap();
        db.set_customer_preference("jane", "UserLanguage", "en").await.unwrap();
        db.set_customer_preference("bob", "UserLanguage", "de").await.unwrap();
        assert_eq!(db.customer_preference("jane", "UserLanguage").await.unwrap().as_deref(), Some("en"), "{engine:?}");
        assert_eq!(db.customer_preference("bob", "UserLanguage").await.unwrap().as_deref(), Some("de"));
        assert_eq!(db.preference(1, "UserLanguage").await.unwrap().as_deref(), Some("en"));
    })
    .await;
}

#[tokio::test]
async fn ticket_counts_per_queue_and_state() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        for (title, queue) in [("a", 2), ("b", 2), ("c", 4)] {
            s.create(&root, ticket(title, queue, 3, "ann")).await.unwrap();
        }
        let counts: Vec<(String, String, u64)> =
            s.counts(&root).await.unwrap().into_iter().map(|(q, st, n)| (q.name, st.name, n)).collect();
        assert_eq!(counts, vec![("Misc".into(), "new".into(), 1), ("Raw".into(), "new".into(), 2)], "{engine:?}");
    })
    .await;
}

#[tokio::test]
async fn ticket_links_in_link_relation() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let a = s.create(&root, ticket("Parent", 2, 3, "ann")).await.unwrap();
        let b = s.create(&root, ticket("Child", 2, 3, "ann")).await.unwrap();
        let c = s.create(&root, ticket("Related", 2, 3, "ann")).await.unwrap();
        assert!(s.link(&root, b.id, a.id, LinkKind::ChildOf).await.unwrap(), "{engine:?}");
        assert!(s.link(&root, a.id, c.id, LinkKind::Normal).await.unwrap());
        assert!(!s.link(&root, c.id, a.id, LinkKind::Normal).await.unwrap(), "{engine:?}: a normal link twice");
        let seen = |l: Vec<LinkedTicket>| l.into_iter().map(|l| (l.ticket.id, l.kind)).collect::<Vec<_>>();
        assert_eq!(seen(s.links(&root, a.id).await.unwrap()), vec![(b.id, LinkKind::ParentOf), (c.id, LinkKind::Normal)]);
        assert_eq!(seen(s.links(&root, b.id).await.unwrap()), vec![(a.id, LinkKind::ChildOf)]);
        // OTRS's shape: the parent is the source, keys are text, the Ticket object exists once.
        let conn = db.connection();
        let sql = "SELECT r.source_key, r.target_key, t.name FROM link_relation r JOIN link_type t ON t.id = r.type_id ORDER BY r.id";
        let query = sea_orm::Statement::from_string(sea_orm::ConnectionTrait::get_database_backend(conn), sql);
        let row = sea_orm::ConnectionTrait::query_one_raw(conn, query).await.unwrap().unwrap();
        assert_eq!(row.try_get::<String>("", "source_key").unwrap(), a.id.to_string());
        assert_eq!(row.try_get::<String>("", "target_key").unwrap(), b.id.to_string());
        assert_eq!(row.try_get::<String>("", "name").unwrap(), "ParentChild");
        let h = s.history(&root, c.id).await.unwrap();
        assert_eq!(h.last().unwrap().name, format!("%%{}%%{}%%{}", a.number, a.id, c.id));
        assert!(s.unlink(&root, c.id, a.id, LinkKind::Normal).await.unwrap(), "{engine:?}");
        assert_eq!(s.links(&root, c.id).await.unwrap(), vec![]);
    })
    .await;
}

#[tokio::test]
async fn reply_texts_of_a_queue() {
    with_each_engine(|engine, db| async move {
        let texts = db.reply_texts(2).await.unwrap();
        assert_eq!(texts.salutation.as_deref(), Some("Hello <OTRS_CUSTOMER_REALNAME>,\n"), "{engine:?}");
        assert!(texts.signature.as_deref().unwrap().contains("<OTRS_Agent_UserFirstname>"));
        assert_eq!(texts.templates.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), vec!["empty answer"]);
        assert_eq!(db.reply_texts(9999).await.unwrap(), ReplyTexts::default(), "{engine:?}");
    })
    .await;
}

#[tokio::test]
async fn attachments_are_stored_as_znuny_stores_them() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let t = s.create(&root, ticket("With files", 2, 3, "ann")).await.unwrap();
        let png: Vec<u8> =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".iter().copied().chain((0..=255u8).cycle().take(300)).collect();
        let mut note = NewArticle::note("Files", "Two files.");
        note.attachments =
            vec![NewAttachment::new("screen shot.png", png.clone()), NewAttachment::new("notes.txt", "Grüße\n".into())];
        s.add_article(&root, t.id, note).await.unwrap();
        let articles = s.get(&root, t.id, true).await.unwrap().articles.unwrap();
        let files = &articles.last().unwrap().attachments;
        let meta: Vec<(&str, &str, u64)> =
            files.iter().map(|f| (f.filename.as_str(), f.content_type.as_str(), f.size)).collect();
        assert_eq!(
            meta,
            vec![("screen shot.png", "image/png", png.len() as u64), ("notes.txt", "text/plain; charset=utf-8", 8)],
            "{engine:?}"
        );
        let (_, bytes) = s.attachment(&root, t.id, files[0].id).await.unwrap();
        assert_eq!(bytes, png, "{engine:?}: the bytes came back changed");
        // Znuny's PostgreSQL rows hold base64 in 76-character lines; MySQL's the octets.
        let conn = db.connection();
        let sql = format!("SELECT content FROM article_data_mime_attachment WHERE id = {}", files[0].id);
        let query = sea_orm::Statement::from_string(sea_orm::ConnectionTrait::get_database_backend(conn), sql);
        let row = sea_orm::ConnectionTrait::query_one_raw(conn, query).await.unwrap().unwrap();
        match engine {
            Engine::Postgres => {
                let stored: String = row.try_get("", "content").unwrap();
                assert!(stored.lines().all(|l| l.len() <= 76) && stored.ends_with('\n'), "{stored}");
            }
            _ => assert_eq!(row.try_get::<Vec<u8>>("", "content").unwrap(), png, "{engine:?}"),
        }
    })
    .await;
}

/// Bytes no part boundary, line or encoding may disturb: every byte value, in an order
/// that does not repeat within a part.
fn scan_of(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x2545_f491;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[1]
        })
        .collect()
}

/// A mail's large attachment and the message as it arrived are written a part at a time
/// (adapters/sql/src/blob_parts.rs) and come back byte for byte, stored as Znuny stores
/// them; the parts are gone once the article is. MariaDB refuses what its
/// `max_allowed_packet` could not carry, saying so, and keeps nothing of the article.
#[tokio::test]
async fn large_values_are_written_in_parts() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let t = s.create(&root, ticket("A large scan", 2, 3, "ann")).await.unwrap();
        // Three parts and a bit, in neither whole parts nor whole base64 lines.
        let scan = scan_of(3 * 1_048_000 + 1_001);
        let message = scan_of(2_500_003);
        let mut mail = NewArticle::note("Scan", "The scan is attached.");
        mail.attachments = vec![NewAttachment::new("scan.bin", scan.clone())];
        mail.plain = Some(message.clone().into());
        let article_id = s.add_article(&root, t.id, mail).await.unwrap();
        let articles = s.get(&root, t.id, true).await.unwrap().articles.unwrap();
        let file = &articles.last().unwrap().attachments[0];
        assert_eq!(file.size, scan.len() as u64, "{engine:?}");
        let (_, bytes) = s.attachment(&root, t.id, file.id).await.unwrap();
        assert!(bytes == scan, "{engine:?}: the attachment came back changed ({} bytes)", bytes.len());
        let plain = ArticleRepository::plain(&db, article_id).await.unwrap().unwrap();
        assert!(plain == message, "{engine:?}: the message came back changed ({} bytes)", plain.len());

        let conn = db.connection();
        let backend = sea_orm::ConnectionTrait::get_database_backend(conn);
        let one = |sql: String| async move {
            sea_orm::ConnectionTrait::query_one_raw(conn, sea_orm::Statement::from_string(backend, sql))
                .await
                .unwrap()
                .unwrap()
        };
        if engine == Engine::Postgres {
            // One run of 76-character lines, as Perl's encode_base64 writes the whole.
            let row = one(format!("SELECT content FROM article_data_mime_attachment WHERE id = {}", file.id)).await;
            let stored: String = row.try_get("", "content").unwrap();
            let lines: Vec<&str> = stored.lines().collect();
            assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 76), "{engine:?}: a short line inside");
            assert!(stored.ends_with('\n') && !stored.contains("\n\n"), "{engine:?}");
        }
        let parts = one("SELECT COUNT(*) AS n FROM goats_blob_part".into()).await;
        assert_eq!(parts.try_get::<i64>("", "n").unwrap(), 0, "{engine:?}: parts were left behind");

        if engine == Engine::MySql {
            let row = one("SELECT CAST(@@max_allowed_packet AS SIGNED) AS m".into()).await;
            let limit = usize::try_from(row.try_get::<i64>("", "m").unwrap()).unwrap();
            let mut too_large = NewArticle::note("Too large", "A file the server cannot carry.");
            too_large.attachments = vec![NewAttachment::new("huge.bin", scan_of(limit + 1))];
            // Mail, whose files are bounded by the mail limit rather than the upload limit.
            too_large.plain = Some(message.clone().into());
            let err = s.add_article(&root, t.id, too_large).await.unwrap_err().to_string();
            assert!(err.contains("max_allowed_packet"), "{err}");
            let count = s.get(&root, t.id, true).await.unwrap().articles.unwrap().len();
            assert_eq!(count, articles.len(), "the refused article was kept in part");
        }
    })
    .await;
}

/// Files spooled ahead of their article (adapters/sql/src/spool.rs): the article takes
/// them whole and they are gone; discarded ones are gone; ones no article took within
/// a day are swept by the next spool; an article naming spooled files that are gone is
/// refused, and nothing of it is kept.
#[tokio::test]
async fn spooled_files_are_taken_discarded_or_swept() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let t = s.create(&root, ticket("A spooled scan", 2, 3, "ann")).await.unwrap();
        let conn = db.connection();
        let backend = sea_orm::ConnectionTrait::get_database_backend(conn);
        let run = |sql: String| async move {
            sea_orm::ConnectionTrait::execute_unprepared(conn, &sql).await.unwrap();
        };
        let stages = || async move {
            let sql = "SELECT DISTINCT stage FROM goats_blob_part ORDER BY stage";
            let rows = sea_orm::ConnectionTrait::query_all_raw(conn, sea_orm::Statement::from_string(backend, sql))
                .await
                .unwrap();
            rows.iter().map(|r| r.try_get::<i64>("", "stage").unwrap()).collect::<Vec<_>>()
        };
        let message = scan_of(2_100_007);
        let spooled = Spool::spool(&db, &message).await.unwrap();
        assert_eq!((spooled.len, stages().await), (message.len() as u64, vec![spooled.id]), "{engine:?}");
        let mut mail = NewArticle::note("Scan", "The scan is attached.");
        mail.plain = Some(FileBytes::Spooled(spooled));
        let article_id = s.add_article(&root, t.id, mail).await.unwrap();
        let plain = ArticleRepository::plain(&db, article_id).await.unwrap().unwrap();
        assert!(plain == message, "{engine:?}: the message came back changed ({} bytes)", plain.len());
        assert_eq!(stages().await, Vec::<i64>::new(), "{engine:?}: the article took its parts");

        let discarded = Spool::spool(&db, b"never stored").await.unwrap();
        Spool::discard(&db, discarded).await.unwrap();
        assert_eq!(stages().await, Vec::<i64>::new(), "{engine:?}");

        // Parts of two days ago that no article took (a crash in between), and a part
        // staged within an unfinished transaction (negative): the next spool sweeps the
        // first only.
        let two_days_ago = (Utc::now() - Duration::days(2)).timestamp() / 60;
        let old = (two_days_ago << 32) | 7;
        run(format!("INSERT INTO goats_blob_part (stage, n, part) VALUES ({old}, 0, '')")).await;
        run("INSERT INTO goats_blob_part (stage, n, part) VALUES (-5, 0, '')".into()).await;
        let fresh = Spool::spool(&db, b"a small scan").await.unwrap();
        assert_eq!(stages().await, vec![-5, fresh.id], "{engine:?}: the old parts are swept, no others");
        run("DELETE FROM goats_blob_part WHERE stage = -5".into()).await;

        let articles = s.get(&root, t.id, true).await.unwrap().articles.unwrap().len();
        Spool::discard(&db, fresh).await.unwrap();
        let mut gone = NewArticle::note("Scan", "Its parts were discarded.");
        gone.plain = Some(FileBytes::Spooled(fresh));
        let err = s.add_article(&root, t.id, gone).await.unwrap_err().to_string();
        assert!(err.contains("gone"), "{engine:?}: {err}");
        assert_eq!(s.get(&root, t.id, true).await.unwrap().articles.unwrap().len(), articles, "{engine:?}");
    })
    .await;
}

#[tokio::test]
async fn customers_open_and_follow_up_tickets() {
    use goats_core::tickets::CustomerWords;
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let jane = goats_core::testing::contact("jane", "ACME");
        db.create_user(jane.clone(), None, 1).await.unwrap();
        let words = |body: &str| CustomerWords { subject: "Printer".into(), body: body.into(), attachments: vec![] };
        let t = s.create_for_customer(&jane, 2, None, "Printer jams".into(), words("It jams.")).await.unwrap();
        assert_eq!(
            (t.owner_id, t.customer_user_id.as_deref(), t.customer_id.as_deref()),
            (1, Some("jane"), Some("ACME"))
        );
        s.change(&root, t.id, TicketChange::State { state_id: 2, pending_until: None }).await.unwrap();
        s.customer_follow_up(&jane, t.id, words("Again.")).await.unwrap();
        let now = s.get(&root, t.id, true).await.unwrap();
        assert_eq!(now.state, "open", "{engine:?}");
        assert_eq!(now.articles.unwrap().len(), 2);
        let types: Vec<String> = s.history(&root, t.id).await.unwrap().into_iter().map(|h| h.history_type).collect();
        assert!(
            types.contains(&"WebRequestCustomer".to_string()) && types.contains(&"FollowUp".to_string()),
            "{types:?}"
        );
        // The customer closes it: "closed successful", a state update in its history.
        let closed = s.close_for_customer(&jane, t.id).await.unwrap();
        assert_eq!(closed.state, "closed successful", "{engine:?}");
        let types: Vec<String> = s.history(&root, t.id).await.unwrap().into_iter().map(|h| h.history_type).collect();
        assert_eq!(types.last().map(String::as_str), Some("StateUpdate"), "{engine:?}");
        assert!(s.close_for_customer(&jane, t.id).await.is_err(), "closed already");
        let stranger = goats_core::testing::contact("zed", "OTHER");
        assert!(s.close_for_customer(&stranger, t.id).await.is_err(), "not zed's ticket");
    })
    .await;
}

#[tokio::test]
async fn searching_titles_customers_and_article_bodies() {
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let a = s.create(&root, ticket("Mail bounce", 2, 3, "ann")).await.unwrap();
        let b = s.create(&root, ticket("Disk full", 2, 3, "bob")).await.unwrap();
        s.add_article(&root, b.id, NewArticle::note("Cause", "The LOGROTATE job stopped in May.")).await.unwrap();
        let search = |text: &str| {
            let f = TicketFilter { text: Some(SearchQuery::parse(text).unwrap()), ..Default::default() };
            let s = &s;
            let root = &root;
            async move {
                let page = s.list(root, f, TicketSort::default(), PageRequest::default()).await.unwrap();
                let mut ids: Vec<TicketId> = page.items.iter().map(|t| t.id).collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(search("logrotate").await, vec![b.id], "{engine:?}: an article body");
        assert_eq!(search("BOUNCE").await, vec![a.id], "{engine:?}: a title");
        assert_eq!(search("ann").await, vec![a.id], "{engine:?}: a customer user");
        // Every ticket's first article mentions the printer; % matches literally.
        assert_eq!(search("printer is on fire").await.len(), 2);
        assert!(search("100%").await.is_empty(), "{engine:?}");
        assert_eq!(search(&b.number).await, vec![b.id], "{engine:?}: a ticket number");
        // A customer's search looks only into what the customer is shown: the internal
        // note's words must not give ticket b away.
        let as_customer = |text: &str| TicketFilter {
            text: Some(SearchQuery::parse(text).unwrap()),
            customer_scope: Some(("bob".into(), "ACME".into())),
            ..Default::default()
        };
        let page = s.list(&root, as_customer("logrotate"), TicketSort::default(), PageRequest::default()).await;
        assert!(page.unwrap().items.is_empty(), "{engine:?}: an internal note");
        let page = s.list(&root, as_customer("disk"), TicketSort::default(), PageRequest::default()).await;
        assert_eq!(page.unwrap().items.len(), 1, "{engine:?}: the title stays searchable");
    })
    .await;
}

/// The index follows every write that changes what a ticket is found by, on every
/// engine: a new title, articles moved by a merge, an attachment's name; and a rebuild
/// brings back what was indexed by nobody, going on from where a stopped one was.
#[tokio::test]
async fn the_search_index_follows_writes_and_is_rebuilt() {
    use sea_orm::ConnectionTrait;
    with_each_engine(|engine, db| async move {
        let s = service(&db);
        let root = root(&db).await;
        let found = |typed: &str| {
            let f = TicketFilter { text: Some(SearchQuery::parse(typed).unwrap()), ..Default::default() };
            let (s, root) = (&s, &root);
            async move {
                let page = s.list(root, f, TicketSort::default(), PageRequest::default()).await.unwrap();
                let mut ids: Vec<TicketId> = page.items.iter().map(|t| t.id).collect();
                ids.sort();
                ids
            }
        };
        let a = s.create(&root, ticket("Scanner offline", 2, 3, "ann")).await.unwrap();
        let b = s.create(&root, ticket("Toner empty", 2, 3, "bob")).await.unwrap();
        s.change(&root, a.id, TicketChange::Title("Plotter offline".into())).await.unwrap();
        assert_eq!(found("plotter").await, vec![a.id], "{engine:?}: the new title");
        assert!(found("scanner -subject:scanner").await.is_empty(), "{engine:?}: the old title is gone");
        let mut note = NewArticle::note("Log", "see attached");
        note.attachments = vec![NewAttachment::new("kernel-panic.txt", b"oops".to_vec())];
        s.add_article(&root, b.id, note).await.unwrap();
        assert_eq!(found("kernel panic").await, vec![b.id], "{engine:?}: an attachment's name");
        assert_eq!(found("attachment:panic").await, vec![b.id], "{engine:?}");
        s.merge(&root, b.id, a.id).await.unwrap();
        assert_eq!(found("toner").await, vec![a.id, b.id], "{engine:?}: b's title, a's moved article");
        assert_eq!(found("kernel").await, vec![a.id], "{engine:?}: the moved note");

        // By relevance, the ticket that says it most comes first.
        let c = s.create(&root, ticket("Router down", 2, 3, "cy")).await.unwrap();
        for n in 0..3 {
            s.add_article(&root, c.id, NewArticle::note("Router", format!("router reboot {n}"))).await.unwrap();
        }
        let d = s.create(&root, ticket("Router slow", 2, 3, "di")).await.unwrap();
        let by_relevance = TicketSort { field: TicketSortField::Relevance, direction: SortDirection::Desc };
        let f = TicketFilter { text: Some(SearchQuery::parse("router").unwrap()), ..Default::default() };
        let page = s.list(&root, f, by_relevance, PageRequest::default()).await.unwrap();
        let order: Vec<TicketId> = page.items.iter().map(|t| t.id).collect();
        assert_eq!(order, vec![c.id, d.id], "{engine:?}");
        // The passage comes from each ticket's first article with the word.
        let reboot = SearchQuery::parse("reboot").unwrap();
        let passages = db.search_passages(&[c.id, d.id], &reboot, false).await.unwrap();
        assert_eq!(passages, vec![(c.id, "Router\nrouter reboot 0".to_string())], "{engine:?}");
        assert!(db.search_passages(&[c.id], &reboot, true).await.unwrap().is_empty(), "{engine:?}: internal notes");
        let f = TicketFilter { text: Some(SearchQuery::parse("subject:router").unwrap()), ..Default::default() };
        let page = s.list(&root, f, by_relevance, PageRequest::default()).await.unwrap();
        assert_eq!(page.items.iter().map(|t| t.id).collect::<Vec<_>>(), vec![d.id, c.id], "{engine:?}: no words, newest change");

        // Rows no goats wrote (an import, OTRS itself) are found once rebuilt.
        db.connection().execute_unprepared("DELETE FROM goats_search_text").await.unwrap();
        assert!(found("plotter").await.is_empty());
        assert!(goats_sql::search::reindex::needs_reindex(&db).await.unwrap(), "{engine:?}");
        // A run that stopped after ticket a goes on after it.
        db.connection()
            .execute_unprepared(&format!(
                "INSERT INTO goats_setting (name, value, create_time) VALUES ('search.reindex.after', '{}', '2026-01-01 00:00:00')",
                a.id
            ))
            .await
            .unwrap();
        let mut reports = Vec::new();
        let done = db.reindex_search(false, |p| reports.push(p)).await.unwrap();
        assert!(done.resumed && done.tickets_done == done.tickets_total, "{engine:?}: {done:?}");
        assert_eq!(reports[0].tickets_done, 1, "{engine:?}: ticket a was done before");
        assert!(found("plotter").await.is_empty(), "{engine:?}: a was not redone");
        assert_eq!(found("merged").await, vec![b.id], "{engine:?}: b's merge note");
        let done = db.reindex_search(true, |_| {}).await.unwrap();
        assert!(!done.resumed && done.tickets_done == 4, "{engine:?}: {done:?}");
        assert_eq!(found("plotter").await, vec![a.id], "{engine:?}");
        assert_eq!(found("toner kernel").await, vec![a.id], "{engine:?}");
        assert!(!goats_sql::search::reindex::needs_reindex(&db).await.unwrap(), "{engine:?}");

        // A ticket the index lacks (OTRS wrote it) is indexed whole when goats adds to it.
        db.connection().execute_unprepared(&format!("DELETE FROM goats_search_text WHERE ticket_id = {}", c.id)).await.unwrap();
        assert_eq!(found("reboot").await, Vec::<TicketId>::new(), "{engine:?}");
        s.add_article(&root, c.id, NewArticle::note("Fan", "fan noise")).await.unwrap();
        assert_eq!(found("reboot fan").await, vec![c.id], "{engine:?}: its old articles and the new one");
        assert_eq!(found("router down").await, vec![c.id], "{engine:?}: its title");

        // On MariaDB each document also holds the word naming its block and audience, which
        // a search among the newest tickets requires: written with the document, kept when
        // its fields are rewritten in place, and added by schema 16 to documents without it.
        if db.dialect() == goats_sql::Dialect::MySql {
            let count = |sql: String| {
                let db = &db;
                async move {
                    let query = sea_orm::Statement::from_string(db.connection().get_database_backend(), sql);
                    let row = db.connection().query_one_raw(query).await.unwrap().unwrap();
                    row.try_get::<i64>("", "n").unwrap()
                }
            };
            let with_block = |audience: &'static str| {
                format!(
                    "SELECT COUNT(*) AS n FROM goats_search_text \
                     WHERE MATCH(fields, articles) AGAINST ('+zzblock0{audience}' IN BOOLEAN MODE)"
                )
            };
            let all = count("SELECT COUNT(*) AS n FROM goats_search_text WHERE for_customers = 0".into()).await;
            assert!(all >= 4);
            s.change(&root, c.id, TicketChange::Title("Router replaced".into())).await.unwrap();
            assert_eq!(count(with_block("a")).await, all, "every agents' document");
            assert_eq!(count(with_block("c")).await, all, "every customers' document");
            db.connection()
                .execute_unprepared(&format!("UPDATE goats_search_text SET fields = 'zqstripped' WHERE ticket_id = {}", c.id))
                .await
                .unwrap();
            assert_eq!(count(with_block("a")).await, all - 1);
            for sql in goats_sql::schema::engine_statements(db.dialect(), 16) {
                db.connection().execute_unprepared(&sql).await.unwrap();
            }
            assert_eq!(count(with_block("a")).await, all, "schema 16 named the block");
            assert_eq!(count(with_block("c")).await, all);
            assert_eq!(found("router stripped").await, vec![c.id]);
        }
    })
    .await;
}

#[tokio::test]
async fn administration_on_every_engine() {
    use goats_core::admin::{AdminPorts, AdminService, AgentChanges, AgentInput, QueueChanges};
    with_each_engine(|engine, db| async move {
        let s = Arc::new(db.clone());
        let admin = AdminService::new(AdminPorts::of_one_store(s, Arc::new(InlineCpu)));
        let root = root(&db).await;

        let q = admin.create_queue(&root, goats_core::testing::queue("Support", 1)).await.unwrap();
        let changes = QueueChanges {
            name: Some("Support::Printers".into()),
            first_response_time: Some(60),
            calendar_name: Some(Some("2".into())),
            valid: Some(false),
            ..Default::default()
        };
        let q = admin.change_queue(&root, q.id, changes).await.unwrap();
        assert_eq!(
            (q.name.as_str(), q.first_response_time, q.calendar_name.as_deref(), q.valid),
            ("Support::Printers", 60, Some("2"), false),
            "{engine:?}"
        );

        for kind in [LookupKind::State, LookupKind::Priority, LookupKind::Type] {
            let id = admin.create_lookup(&root, kind, "Extra", Some(StateType::Open), None).await.unwrap();
            let retype = (kind == LookupKind::State).then_some(StateType::Closed);
            admin
                .change_lookup(
                    &root,
                    kind,
                    id,
                    LookupChange {
                        name: Some("Renamed"),
                        valid: Some(false),
                        state_type: retype,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let clash = admin.create_lookup(&root, kind, "Renamed", Some(StateType::Open), None).await;
            assert!(matches!(clash, Err(DomainError::Conflict(_))), "{engine:?} {kind:?}");
        }
        let p = db.priorities().await.unwrap().into_iter().find(|p| p.name == "Renamed").unwrap();
        assert!(!p.valid, "{engine:?}");
        let s = LookupRepository::states(&db).await.unwrap().into_iter().find(|s| s.name == "Renamed").unwrap();
        assert_eq!((s.valid, s.state_type), (false, StateType::Closed), "{engine:?}");

        let input = AgentInput {
            login: "dana".into(),
            first_name: "Dana".into(),
            last_name: "Diaz".into(),
            email: Some("dana@example.com".into()),
            password: "dana-password".into(),
        };
        let dana = admin.create_agent(&root, input).await.unwrap();
        let changes = AgentChanges {
            last_name: Some("Díaz".into()),
            email: Some(Some("dana.diaz@example.com".into())),
            ..Default::default()
        };
        let dana = admin.change_agent(&root, dana.id, changes).await.unwrap();
        assert_eq!((dana.last_name.as_str(), dana.email.as_deref()), ("Díaz", Some("dana.diaz@example.com")));

        let role = admin.create_role(&root, "First line", None).await.unwrap();
        admin.grant_role(&root, role.id, 1, Permission::Note).await.unwrap();
        admin.add_agent_to_role(&root, dana.id, role.id).await.unwrap();
        assert!(AgentPermissions::new(dana.id, db.grants_for(dana.id).await.unwrap()).has(1, Permission::Note));
        admin.set_role_valid(&root, role.id, false).await.unwrap();
        assert!(db.grants_for(dana.id).await.unwrap().is_empty(), "{engine:?}: an invalid role grants nothing");
        let sales = admin.create_group(&root, "sales", Some("Sales")).await.unwrap();
        let sales = admin.set_group_valid(&root, sales.id, false).await.unwrap();
        assert!(!sales.valid);

        let acme = CustomerCompany {
            customer_id: "ACME".into(),
            name: "Acme Inc.".into(),
            street: None,
            zip: None,
            city: None,
            country: None,
            url: None,
            comments: None,
            valid: true,
        };
        admin.create_company(&root, acme).await.unwrap();
        let acme = admin.change_company(&root, "ACME", |c| {
            c.city = Some("Springfield".into());
            c.valid = false;
        });
        let acme = acme.await.unwrap();
        assert_eq!((acme.city.as_deref(), acme.valid), (Some("Springfield"), false), "{engine:?}");
        let mut jane = goats_core::testing::contact("jane", "ACME");
        jane.email = "jane@acme.example".into();
        admin.create_customer_user(&root, jane, None).await.unwrap();
        let jane = admin
            .change_customer_user(&root, "jane", |u| u.phone = Some("+1 555".into()), Some("jane-password".into()))
            .await
            .unwrap();
        assert_eq!(jane.phone.as_deref(), Some("+1 555"));
        assert!(CustomerRepository::credentials(&db, "jane").await.unwrap().unwrap().password_hash.is_some());
        assert_eq!(admin.companies(&root, "acm", 10).await.unwrap().len(), 1, "{engine:?}");
    })
    .await;
}
