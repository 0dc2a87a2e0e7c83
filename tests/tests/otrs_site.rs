#![allow(clippy::unwrap_used, clippy::expect_used)]
//! An OTRS site in use (`goats_tests::otrs_site`: every password form, grants direct and
//! through a role, tickets in every state, e-mail, phone and note articles, files in the
//! database and on disk, dynamic fields, links, a watcher, flags, time accounting,
//! history, text beyond ASCII and a latin1 variant) served by goats in live mode and
//! imported into every engine: what agents and customers see is what the site holds.

use std::sync::Arc;

use chrono::Duration;
use goats_core::auth::AuthService;
use goats_core::model::*;
use goats_core::permission::{AgentPermissions, Permission};
use goats_core::ports::*;
use goats_sql::import::{self, ImportProgress};
use goats_sql::{ArticleDir, Db, migrate};
use goats_tests::otrs_site::{
    self, AGENT_PASSWORD, AGENT_PASSWORD_FORMS, CUSTOMER_PASSWORD, Charset, LEAVER, SiteFacts,
};
use goats_tests::{Engine, TestDatabase, ticket_service};
use sea_orm::ConnectionTrait;

struct Quiet;

impl ImportProgress for Quiet {
    fn step(&mut self, _: &str) {}
    fn table(&mut self, _: &str, _: u64, _: u64) {}
    fn rows(&mut self, _: &str, _: u64) {}
    fn table_done(&mut self, _: &str, _: u64) {}
}

fn channel_name(c: CommunicationChannel) -> &'static str {
    match c {
        CommunicationChannel::Email => "Email",
        CommunicationChannel::Phone => "Phone",
        CommunicationChannel::Internal => "Internal",
        CommunicationChannel::Chat => "Chat",
    }
}

fn sender_name(s: SenderType) -> &'static str {
    match s {
        SenderType::Agent => "agent",
        SenderType::System => "system",
        SenderType::Customer => "customer",
    }
}

async fn permissions(db: &Db, user: UserId) -> AgentPermissions {
    AgentPermissions::new(user, db.grants_for(user).await.unwrap())
}

/// Everything the site holds, asked of goats on `db` (the site itself in live mode, or
/// the database it was imported into).
async fn sees_the_site(label: &str, db: &Db, site: &SiteFacts) {
    let store = Arc::new(db.clone());
    let auth =
        AuthService::new(store.clone(), store.clone(), store.clone(), store, Arc::new(SystemClock), Duration::days(1));
    // Agents log in with the password OTRS stored in each of its forms.
    for (login, _) in AGENT_PASSWORD_FORMS {
        let client = format!("{label}-{login}");
        assert!(auth.login(login, AGENT_PASSWORD, &client).await.is_ok(), "{label}: {login} logs in");
        assert!(auth.login(login, "goats-Passw0rd!", &client).await.is_err(), "{label}: {login}, wrong password");
    }
    assert!(auth.login(LEAVER, AGENT_PASSWORD, label).await.is_err(), "{label}: an invalid agent stays out");
    for c in &site.customers {
        let done = auth.customer_login(&c.login, CUSTOMER_PASSWORD, &format!("{label}-{}", c.login)).await;
        assert_eq!(done.is_ok(), c.has_password, "{label}: customer {}", c.login);
    }

    let s = ticket_service(db, Arc::new(SystemClock));
    let root = permissions(db, 1).await;
    let agent_id = |login: &str| site.agents.iter().find(|a| a.login == login).unwrap().id;
    for t in &site.tickets {
        let zoom = s.zoom(&root, t.id).await.unwrap_or_else(|e| panic!("{label}: ticket {}: {e}", t.id));
        let ticket = &zoom.ticket;
        let what = format!("{label}: ticket {} ({})", t.id, t.state);
        assert_eq!((ticket.number.as_str(), ticket.title.as_str()), (t.number.as_str(), t.title.as_str()), "{what}");
        assert_eq!((ticket.queue.as_str(), ticket.state.as_str()), (t.queue.as_str(), t.state.as_str()), "{what}");
        assert_eq!(ticket.lock == Lock::Lock, t.locked, "{what}");
        assert_eq!(ticket.owner_id, agent_id(&t.owner), "{what}");
        assert_eq!(ticket.customer_user_id.as_deref(), Some(t.customer_user.as_str()), "{what}");
        assert_eq!(ticket.customer_id.as_deref(), Some(t.customer_id.as_str()), "{what}");
        assert_eq!(ticket.until_time, t.until_time, "{what}");
        let fields: Vec<(String, String)> =
            ticket.dynamic_fields.iter().flatten().map(|f| (f.name.clone(), f.display())).collect();
        assert_eq!(fields, t.fields, "{what}: ticket fields");

        let articles = ticket.articles.as_ref().unwrap();
        assert_eq!(
            articles.iter().map(|a| a.id).collect::<Vec<_>>(),
            t.articles.iter().map(|a| a.id).collect::<Vec<_>>()
        );
        for (a, fact) in articles.iter().zip(&t.articles) {
            let what = format!("{what}, article {} ({})", a.id, fact.channel);
            assert_eq!((channel_name(a.channel), sender_name(a.sender_type)), (fact.channel, fact.sender), "{what}");
            assert_eq!(a.visible_for_customer, fact.visible_for_customer, "{what}");
            assert_eq!(a.from.as_deref(), Some(fact.from.as_str()), "{what}");
            assert_eq!(a.subject.as_deref(), Some(fact.subject.as_str()), "{what}");
            assert_eq!(a.body, fact.body, "{what}");
            assert_eq!(a.message_id, fact.message_id, "{what}");
            let fields: Vec<(String, String)> =
                a.dynamic_fields.iter().map(|f| (f.name.clone(), f.display())).collect();
            assert_eq!(fields, fact.fields, "{what}: article fields");
            let mut names: Vec<&str> = a.attachments.iter().map(|f| f.filename.as_str()).collect();
            names.sort();
            let mut expected: Vec<&str> = fact.files.iter().map(|f| f.name.as_str()).collect();
            expected.sort();
            assert_eq!(names, expected, "{what}: files");
            for file in &fact.files {
                let meta = a.attachments.iter().find(|f| f.filename == file.name).unwrap();
                let (_, bytes) = s.attachment(&root, t.id, meta.id).await.unwrap();
                assert_eq!(bytes, file.bytes, "{what}: {}", file.name);
                assert_eq!(meta.content_type, file.content_type, "{what}: {}", file.name);
            }
            assert_eq!(a.has_source, fact.source.is_some(), "{what}: the message as it arrived");
            if let Some(source) = &fact.source {
                assert_eq!(&s.article_source(&root, t.id, a.id).await.unwrap(), source, "{what}");
            }
        }

        let mut links: Vec<(i64, &str)> = zoom.links.iter().map(|l| (l.ticket.id, l.kind.key())).collect();
        links.sort();
        let mut expected = t.links.clone();
        expected.sort();
        assert_eq!(links, expected, "{what}: links");
        assert_eq!(zoom.accounted, t.accounted, "{what}: time accounted");
        for login in &t.watchers {
            let watcher = permissions(db, agent_id(login)).await;
            assert!(s.zoom(&watcher, t.id).await.unwrap().watching, "{what}: {login} watches it");
        }
        assert!(!zoom.watching, "{what}: root watches nothing");
        let history: Vec<String> = s.history(&root, t.id).await.unwrap().into_iter().map(|h| h.history_type).collect();
        assert_eq!(history, t.history, "{what}: history");
    }

    // Grants, direct and through a role.
    for g in &site.grants {
        let actor = permissions(db, agent_id(g.login)).await;
        let t = site.tickets.iter().find(|t| t.queue == g.queue).unwrap();
        let what = format!("{label}: {} on {}", g.login, g.queue);
        match s.zoom(&actor, t.id).await {
            Ok(zoom) => {
                assert!(g.read, "{what}: read what it may not");
                assert_eq!(zoom.abilities.contains(&Permission::Note), g.note, "{what}: {:?}", zoom.abilities);
            }
            Err(e) => assert!(!g.read, "{what}: {e}"),
        }
    }

    // A customer sees their own and their company's tickets, without internal notes.
    for c in &site.customers {
        let page = PageRequest { page: 1, per_page: 100 };
        let seen = s.list_for_customer(&c.login, &c.company, TicketFilter::default(), TicketSort::default(), page);
        let mut seen: Vec<i64> = seen.await.unwrap().items.iter().map(|t| t.id).collect();
        seen.sort();
        let mut theirs: Vec<i64> = site
            .tickets
            .iter()
            .filter(|t| t.customer_id == c.company || t.customer_user == c.login)
            .map(|t| t.id)
            .collect();
        theirs.sort();
        assert_eq!(seen, theirs, "{label}: {}'s tickets", c.login);
    }
    let anna = site.customers.iter().find(|c| c.login == "anna").unwrap();
    let t = site.tickets.iter().find(|t| t.customer_user == "anna").unwrap();
    let seen = s.get_for_customer(&anna.login, &anna.company, t.id).await.unwrap();
    let visible: Vec<i64> = t.articles.iter().filter(|a| a.visible_for_customer).map(|a| a.id).collect();
    assert_eq!(seen.articles.unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), visible, "{label}: no internal notes");
}

/// `(table's id column, create_by)` of the Seen flags of `ids`, in order.
async fn seen_flags(db: &Db, table: &str, column: &str, ids: &[i64]) -> Vec<(i64, i64)> {
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let key = if table == "ticket_flag" { "ticket_key" } else { "article_key" };
    let sql = format!(
        "SELECT {column}, create_by FROM {table} WHERE {key} = 'Seen' AND {column} IN ({list}) ORDER BY {column}, create_by"
    );
    let rows =
        db.connection().query_all_raw(sea_orm::Statement::from_string(db.connection().get_database_backend(), sql));
    let int = |r: &sea_orm::QueryResult, i| {
        r.try_get_by_index::<i64>(i).or_else(|_| r.try_get_by_index::<i32>(i).map(i64::from)).unwrap()
    };
    rows.await.unwrap().iter().map(|r| (int(r, 0), int(r, 1))).collect()
}

/// What goats writes, OTRS's agents see as OTRS would have written it: an article added
/// makes the ticket unseen for everyone but marks it seen by its writer (once they have
/// read every article), as OTRS's TicketNewMessageUpdate does.
async fn writes_seen_flags_as_otrs_does(label: &str, db: &Db, site: &SiteFacts) {
    let s = ticket_service(db, Arc::new(SystemClock));
    let owner = site.agents.iter().find(|a| a.login == "sha2agent").unwrap();
    let t = site.tickets.iter().find(|t| t.owner == owner.login).unwrap();
    let (root, owner_id) = (permissions(db, 1).await, i64::from(owner.id));
    // Reading the site opened the ticket as other agents; from here only its owner has.
    for sql in [
        format!("DELETE FROM ticket_flag WHERE ticket_id = {} AND create_by <> {owner_id}", t.id),
        format!(
            "DELETE FROM article_flag WHERE create_by <> {owner_id} AND article_id IN (SELECT id FROM article WHERE ticket_id = {})",
            t.id
        ),
    ] {
        db.connection().execute_unprepared(&sql).await.unwrap();
    }
    assert_eq!(seen_flags(db, "ticket_flag", "ticket_id", &[t.id]).await, [(t.id, owner_id)], "{label}");

    // root had not read the owner's articles: after their note nobody has seen the ticket.
    let by_root = s.add_article(&root, t.id, NewArticle::note("Rückfrage", "Bitte prüfen.")).await.unwrap();
    assert_eq!(seen_flags(db, "ticket_flag", "ticket_id", &[t.id]).await, [], "{label}");
    assert_eq!(seen_flags(db, "article_flag", "article_id", &[by_root]).await, [(by_root, 1)], "{label}");
    // The owner had read every other article: theirs makes it seen by them alone.
    let owner_perms = permissions(db, owner.id).await;
    let by_owner = s.add_article(&owner_perms, t.id, NewArticle::note("Erledigt", "Geprüft.")).await.unwrap();
    assert_eq!(seen_flags(db, "article_flag", "article_id", &[by_owner]).await, [(by_owner, owner_id)], "{label}");
    assert_eq!(
        seen_flags(db, "ticket_flag", "ticket_id", &[t.id]).await,
        [],
        "{label}: root's note is unread by the owner"
    );
    reads(db, by_root, owner.id).await;
    let third = s.add_article(&owner_perms, t.id, NewArticle::note("Nachtrag", "Noch etwas.")).await.unwrap();
    assert_eq!(seen_flags(db, "article_flag", "article_id", &[third]).await, [(third, owner_id)], "{label}");
    assert_eq!(seen_flags(db, "ticket_flag", "ticket_id", &[t.id]).await, [(t.id, owner_id)], "{label}");

    // goats' agents find the news by the same rows, and goats' zoom reads as OTRS's does.
    let ticket = s.get(&root, t.id, true).await.unwrap();
    assert!(s.unseen(&root, [&ticket]).await.unwrap().contains(&t.id), "{label}: news for root");
    assert!(s.unseen(&owner_perms, [&ticket]).await.unwrap().is_empty(), "{label}: none for the owner");
    let all: Vec<i64> = ticket.articles.iter().flatten().map(|a| a.id).collect();
    let had = seen_flags(db, "article_flag", "article_id", &all).await;
    let not_read: Vec<i64> = all.iter().copied().filter(|a| !had.contains(&(*a, 1))).collect();
    assert!(not_read.contains(&third) && !not_read.contains(&by_root), "{label}: {not_read:?}");
    assert_eq!(s.zoom(&root, t.id).await.unwrap().new_articles, not_read, "{label}: shown as new once");
    let now_read: Vec<(i64, i64)> = seen_flags(db, "article_flag", "article_id", &all).await;
    for a in &all {
        assert_eq!(now_read.iter().filter(|f| **f == (*a, 1)).count(), 1, "{label}: root's flag on {a}");
    }
    assert_eq!(
        seen_flags(db, "ticket_flag", "ticket_id", &[t.id]).await,
        [(t.id, 1), (t.id, owner_id)],
        "{label}: root has read it all"
    );
    assert!(s.zoom(&root, t.id).await.unwrap().new_articles.is_empty(), "{label}: nothing new the second time");
    assert_eq!(seen_flags(db, "article_flag", "article_id", &all).await, now_read, "{label}: no second flags");
    // An article an agent adds in OTRS (its flags removed, as TicketNewMessageUpdate does)
    // is news for root in goats again.
    let sql = format!("DELETE FROM ticket_flag WHERE ticket_id = {} AND create_by = 1", t.id);
    db.connection().execute_unprepared(&sql).await.unwrap();
    assert!(s.unseen(&root, [&ticket]).await.unwrap().contains(&t.id), "{label}");

    // A ticket goats opens is seen by whoever opened it, with its first article.
    let queue = site.tickets.iter().find(|t| t.queue == "Raw").unwrap();
    let raw = s.get(&root, queue.id, false).await.unwrap().queue_id;
    let new = s.create(&root, goats_core::testing::phoned_ticket(raw)).await.unwrap();
    let first = s.get(&root, new.id, true).await.unwrap().articles.unwrap()[0].id;
    assert_eq!(seen_flags(db, "ticket_flag", "ticket_id", &[new.id]).await, [(new.id, 1)], "{label}");
    assert_eq!(seen_flags(db, "article_flag", "article_id", &[first]).await, [(first, 1)], "{label}");
}

/// `agent` reads `article` in OTRS, whose zoom marks what it shows as seen.
async fn reads(db: &Db, article: i64, agent: UserId) {
    let sql = format!(
        "INSERT INTO article_flag (article_id, article_key, article_value, create_time, create_by) VALUES ({article}, 'Seen', '1', current_timestamp, {agent})"
    );
    db.connection().execute_unprepared(&sql).await.unwrap();
}

async fn live_mode(engine: Engine, charset: Charset) {
    let (t, db, site) = otrs_site::build(engine, charset).await;
    migrate(&db).await.unwrap();
    let live = db.clone().with_article_dir(ArticleDir::open(&site.article_dir, "article directory").unwrap());
    let label = format!("live {engine:?} {charset:?}");
    sees_the_site(&label, &live, &site).await;
    writes_seen_flags_as_otrs_does(&label, &live, &site).await;
    live.close().await;
    let _ = std::fs::remove_dir_all(&site.article_dir);
    t.drop_database().await;
}

#[tokio::test]
async fn live_mode_serves_a_mariadb_site() {
    live_mode(Engine::MySql, Charset::Utf8).await;
}

#[tokio::test]
async fn live_mode_serves_a_postgresql_site() {
    live_mode(Engine::Postgres, Charset::Utf8).await;
}

#[tokio::test]
async fn live_mode_serves_a_latin1_mariadb_site() {
    live_mode(Engine::MySql, Charset::Latin1).await;
}

/// The site imported into each engine: verified by the import itself, then seen as it
/// was.
async fn moves_into_every_engine(engine: Engine, charset: Charset) {
    let (source_db, source, site) = otrs_site::build(engine, charset).await;
    for target_engine in Engine::ALL {
        let label = format!("{engine:?} {charset:?} → {target_engine:?}");
        let (src, inspection) = import::inspect(&source_db.url, Some(&site.article_dir)).await.unwrap();
        assert!(inspection.problems.is_empty(), "{label}: {:?}", inspection.problems);
        assert!(inspection.not_carried_tables.is_empty(), "{label}: {:?}", inspection.not_carried_tables);
        let t = TestDatabase::create(target_engine).await;
        let target = Db::connect_unchecked(&t.url).await.unwrap();
        let report = import::run(&source_db.url, &src, &inspection, &target, false, &mut Quiet).await.unwrap();
        assert!(report.ok, "{label}: {:#?}", report.mismatches);
        for table in [
            "ticket_flag",
            "article_flag",
            "ticket_watcher",
            "link_relation",
            "time_accounting",
            "dynamic_field_value",
            "role_user",
            "group_role",
            "customer_company",
        ] {
            let check = report.tables.iter().find(|c| c.table == table).unwrap();
            assert!(check.source_rows > 0 && check.target_rows == check.source_rows, "{label}: {check:?}");
        }
        for table in ["article_data_mime_plain", "article_data_mime_attachment"] {
            let check = report.tables.iter().find(|c| c.table == table).unwrap();
            assert_eq!(check.from_disk, 2, "{label}: {table} from the ArticleDataDir");
        }
        src.close().await;
        target.close().await;
        let target = t.connect().await;
        sees_the_site(&label, &target, &site).await;
        target.close().await;
        t.drop_database().await;
    }
    source.close().await;
    let _ = std::fs::remove_dir_all(&site.article_dir);
    source_db.drop_database().await;
}

#[tokio::test]
async fn a_mariadb_site_moves_into_every_engine() {
    moves_into_every_engine(Engine::MySql, Charset::Utf8).await;
}

#[tokio::test]
async fn a_postgresql_site_moves_into_every_engine() {
    moves_into_every_engine(Engine::Postgres, Charset::Utf8).await;
}

#[tokio::test]
async fn a_latin1_mariadb_site_moves_into_every_engine() {
    moves_into_every_engine(Engine::MySql, Charset::Latin1).await;
}
