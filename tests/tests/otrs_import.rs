//! `goats import otrs`: a Znuny 7.1.7 database (its genuine schema and default rows,
//! then tickets written as OTRS writes them) copied from MariaDB and PostgreSQL into
//! each engine goats runs on, verified, continued after an interruption, and refused
//! when it cannot be carried.

use std::sync::Arc;

use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::ports::*;
use goats_core::search::SearchQuery;
use goats_core::ticket_number::TicketNumberConfig;
use goats_sql::import::{self, ImportError, ImportProgress, ImportReport};
use goats_sql::seed::{SeedPlan, seed};
use goats_sql::{Db, migrate};
use goats_tests::{Engine, TestDatabase, ticket_service, znuny};
use sea_orm::{ConnectionTrait, TransactionTrait};

/// Records what the import reported; optionally tells a waiting test when a table got
/// its first page.
#[derive(Default)]
struct Seen {
    steps: Vec<String>,
    tables: Vec<(String, u64, u64)>,
    signal: Option<(String, tokio::sync::oneshot::Sender<()>)>,
}

impl ImportProgress for Seen {
    fn step(&mut self, what: &str) {
        self.steps.push(what.to_string());
    }
    fn table(&mut self, name: &str, total: u64, done: u64) {
        self.tables.push((name.to_string(), total, done));
    }
    fn rows(&mut self, name: &str, _done: u64) {
        if self.signal.as_ref().is_some_and(|(t, _)| t == name) {
            let (_, tx) = self.signal.take().unwrap();
            let _ = tx.send(());
        }
    }
    fn table_done(&mut self, _name: &str, _rows: u64) {}
}

async fn exec(db: &Db, sql: &str) {
    db.connection().execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn scalar(db: &Db, sql: &str) -> String {
    let row = db
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(db.connection().get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|i| i.to_string()))
        .or_else(|_| row.try_get_by_index::<Vec<u8>>(0).map(|b| String::from_utf8_lossy(&b).into_owned()))
        .unwrap()
}

/// A Znuny database on `engine` with `tickets` seeded tickets, and the rows a real site
/// has beside them: non-ASCII text, a watcher, time accounting, a binary attachment.
async fn znuny_source(engine: Engine, tickets: u64, latin1: bool) -> (TestDatabase, Db) {
    let t = TestDatabase::create(engine).await;
    znuny::load(&t);
    let db = t.connect().await;
    if latin1 {
        // An old MySQL site: a latin1 database whose tables of people and tickets are
        // latin1 too (Znuny's own default rows hold characters latin1 lacks).
        exec(&db, &format!("ALTER DATABASE {} CHARACTER SET latin1 COLLATE latin1_swedish_ci", t.name)).await;
        for table in ["ticket", "article_data_mime", "users", "customer_user", "queue"] {
            exec(&db, &format!("ALTER TABLE {table} CONVERT TO CHARACTER SET latin1")).await;
        }
    }
    // goats adopts the Znuny database (adding only goats_ tables) to write tickets into it
    // the way it writes them for a live OTRS.
    migrate(&db).await.unwrap();
    seed(&db, &SeedPlan { tickets, articles_per_ticket: 2, seed: 3 }, &TicketNumberConfig::default(), |_, _| {})
        .await
        .unwrap();
    exec(&db, "UPDATE ticket SET title = 'Grüße aus Köln — Straße' WHERE id = (SELECT MIN(id) FROM (SELECT id FROM ticket) t)").await;
    exec(&db, "INSERT INTO ticket_watcher (ticket_id, user_id, create_time, create_by, change_time, change_by) SELECT MIN(id), 1, current_timestamp, 1, current_timestamp, 1 FROM ticket").await;
    exec(&db, "INSERT INTO time_accounting (ticket_id, article_id, time_unit, create_time, create_by, change_time, change_by) SELECT ticket_id, MIN(id), 1.25, current_timestamp, 1, current_timestamp, 1 FROM article GROUP BY ticket_id HAVING ticket_id = (SELECT MIN(id) FROM ticket)").await;
    let blob = match engine {
        // Octets that are not UTF-8, as OTRS stores them on each engine.
        Engine::Postgres => "'AP/+gA==\n'".to_string(),
        _ => "X'00FFFE80'".to_string(),
    };
    exec(&db, &format!("INSERT INTO article_data_mime_attachment (article_id, filename, content_size, content_type, content, disposition, create_time, create_by, change_time, change_by) SELECT MIN(id), 'raw.bin', '4', 'application/octet-stream', {blob}, 'attachment', current_timestamp, 1, current_timestamp, 1 FROM article")).await;
    if latin1 {
        // A LONGBLOB text in the database's own character set: "Grüße" in latin1.
        exec(&db, "INSERT INTO user_preferences (user_id, preferences_key, preferences_value) VALUES (1, 'UserComment', X'4772FCDF65')").await;
    }
    (t, db)
}

async fn import_into(source: &TestDatabase, target: &Db) -> Result<ImportReport, ImportError> {
    let (src, inspection) = import::inspect(&source.url, None).await?;
    let report = import::run(&source.url, &src, &inspection, target, false, &mut Seen::default()).await;
    src.close().await;
    report
}

/// What a help desk sees after the move: the same tickets, readable and writable by
/// goats, with new ids after the imported ones.
async fn check_target(engine: Engine, source: &Db, target: &Db) {
    let first_title = scalar(target, "SELECT title FROM ticket WHERE id = (SELECT MIN(id) FROM ticket)").await;
    assert_eq!(first_title, "Grüße aus Köln — Straße", "{engine:?}");
    assert_eq!(
        scalar(source, "SELECT COUNT(*) FROM article").await,
        scalar(target, "SELECT COUNT(*) FROM article").await
    );
    assert_eq!(migrate(target).await.unwrap(), goats_sql::MigrationOutcome::UpToDate);

    let s = ticket_service(target, Arc::new(SystemClock));
    let root = AgentPermissions::new(1, target.grants_for(1).await.unwrap());
    let first: i64 = scalar(target, "SELECT MIN(id) FROM ticket").await.parse().unwrap();
    let ticket = s.get(&root, first, true).await.unwrap();
    let articles = ticket.articles.unwrap();
    let raw = articles.iter().flat_map(|a| &a.attachments).find(|a| a.filename == "raw.bin").expect("the binary file");
    let (_, bytes) = s.attachment(&root, first, raw.id).await.unwrap();
    assert_eq!(bytes, vec![0u8, 0xFF, 0xFE, 0x80], "{engine:?}: octets survive");
    assert_eq!(s.accounted_time(&root, first).await.unwrap(), 1.25, "{engine:?}");

    // What OTRS wrote is found once indexed (`goats import otrs` runs this after a copy).
    let search = |typed: &str| TicketFilter { text: Some(SearchQuery::parse(typed).unwrap()), ..Default::default() };
    assert!(goats_sql::search::reindex::needs_reindex(target).await.unwrap(), "{engine:?}");
    let done = target.reindex_search(true, |_| {}).await.unwrap();
    assert_eq!(done.tickets_done.to_string(), scalar(target, "SELECT COUNT(*) FROM ticket").await);
    let found = s.list(&root, search("strasse KÖLN"), TicketSort::default(), PageRequest::default()).await.unwrap();
    assert_eq!(found.items.iter().map(|t| t.id).collect::<Vec<_>>(), vec![first], "{engine:?}");
    let found = s.list(&root, search("raw.bin"), TicketSort::default(), PageRequest::default()).await.unwrap();
    assert_eq!(found.total, 1, "{engine:?}: an attachment's name");

    let max_before: i64 = scalar(target, "SELECT MAX(id) FROM ticket").await.parse().unwrap();
    let new = s
        .create(&root, NewTicket { title: "After the move".into(), ..goats_core::testing::phoned_ticket(2) })
        .await
        .unwrap();
    assert!(new.id > max_before, "{engine:?}: new ids come after the imported ones");
}

#[tokio::test]
async fn a_znuny_database_moves_into_every_engine() {
    for source_engine in [Engine::MySql, Engine::Postgres] {
        let (source_db, source) = znuny_source(source_engine, 60, false).await;
        for target_engine in Engine::ALL {
            let t = TestDatabase::create(target_engine).await;
            let target = Db::connect_unchecked(&t.url).await.unwrap();
            let report = import_into(&source_db, &target).await.unwrap();
            assert!(report.ok, "{source_engine:?} → {target_engine:?}: {:#?}", report.mismatches);
            assert!(!report.resumed);
            assert!(report.sampled_tickets.len() >= 20, "{:?}", report.sampled_tickets);
            let tickets = report.tables.iter().find(|t| t.table == "ticket").unwrap();
            // Znuny's welcome ticket and the seeded ones.
            assert_eq!((tickets.source_rows, tickets.target_rows), (61, 61));
            target.close().await;

            let target = t.connect().await;
            check_target(target_engine, &source, &target).await;
            // A second import into the same database is refused and changes nothing.
            let again = import_into(&source_db, &target).await.unwrap_err();
            assert!(again.to_string().contains("already holds"), "{again}");
            target.close().await;
            t.drop_database().await;
        }
        source.close().await;
        source_db.drop_database().await;
    }
}

#[tokio::test]
async fn latin1_text_and_local_times_arrive_as_utf8_and_utc() {
    let (source_db, source) = znuny_source(Engine::MySql, 5, true).await;
    // OTRSTimeZone set to Berlin: OTRS wrote every DATETIME in Berlin's local time.
    znuny::deploy_setting(&source, 1, "OTRSTimeZone", "Europe/Berlin").await;
    exec(&source, "UPDATE ticket SET create_time = '2026-07-01 12:00:00' WHERE id = (SELECT MIN(id) FROM (SELECT id FROM ticket) t)").await;

    let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();
    assert_eq!(inspection.time_zone, "Europe/Berlin");
    assert!(inspection.charset.starts_with("latin1"), "{}", inspection.charset);
    assert!(inspection.problems.is_empty(), "{:?}", inspection.problems);
    src.close().await;

    let t = TestDatabase::create(Engine::Sqlite).await;
    let target = Db::connect_unchecked(&t.url).await.unwrap();
    let report = import_into(&source_db, &target).await.unwrap();
    assert!(report.ok, "{:#?}", report.mismatches);
    assert_eq!(
        scalar(&target, "SELECT title FROM ticket WHERE id = (SELECT MIN(id) FROM ticket)").await,
        "Grüße aus Köln — Straße"
    );
    assert_eq!(
        scalar(&target, "SELECT CAST(create_time AS TEXT) FROM ticket WHERE id = (SELECT MIN(id) FROM ticket)").await,
        "2026-07-01 10:00:00",
        "12:00 in Berlin's summer is 10:00 UTC"
    );
    assert_eq!(
        scalar(&target, "SELECT preferences_value FROM user_preferences WHERE preferences_key = 'UserComment'").await,
        "Grüße"
    );
    target.close().await;
    t.drop_database().await;
    source.close().await;
    source_db.drop_database().await;
}

/// Stops an import as a crash stops it: once `table` has its first page, whatever
/// transaction was open is lost.
async fn interrupt_in(table: &str, url: &str, src: &Db, inspection: &import::Inspection, target: &Db, append: bool) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (url, s2, i2, t2) = (url.to_string(), src.clone(), inspection.clone(), target.clone());
    let signal = Some((table.to_string(), tx));
    let job = tokio::spawn(async move {
        let mut seen = Seen { signal, ..Default::default() };
        import::run(&url, &s2, &i2, &t2, append, &mut seen).await
    });
    rx.await.unwrap_or_else(|_| panic!("the {table} table's first page"));
    job.abort();
    assert!(job.await.unwrap_err().is_cancelled());
}

#[tokio::test]
async fn an_interrupted_import_continues_to_the_same_result() {
    let (source_db, source) = znuny_source(Engine::Postgres, 1100, false).await;
    for target_engine in [Engine::Sqlite, Engine::MySql] {
        let t = TestDatabase::create(target_engine).await;
        let target = Db::connect_unchecked(&t.url).await.unwrap();
        let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();

        interrupt_in("ticket", &source_db.url, &src, &inspection, &target, false).await;
        let partial: i64 = scalar(&target, "SELECT COUNT(*) FROM ticket").await.parse().unwrap();
        // Znuny's welcome ticket and the seeded ones: 1,101 in all.
        assert!((1000..1101).contains(&partial), "{target_engine:?}: {partial} tickets after the interruption");

        let mut seen = Seen::default();
        let report = import::run(&source_db.url, &src, &inspection, &target, false, &mut seen).await.unwrap();
        assert!(report.ok && report.resumed, "{target_engine:?}: {:#?}", report.mismatches);
        let ticket = seen.tables.iter().find(|(n, ..)| n == "ticket").unwrap();
        assert_eq!(ticket.2, partial as u64, "continues after the committed page");
        let tickets = report.tables.iter().find(|t| t.table == "ticket").unwrap();
        assert_eq!((tickets.target_rows, &tickets.target_checksum), (1101, &tickets.source_checksum));
        src.close().await;
        target.close().await;
        t.drop_database().await;
    }
    source.close().await;
    source_db.drop_database().await;
}

#[tokio::test]
async fn what_cannot_be_carried_is_refused_before_anything_changes() {
    // Not an OTRS database at all.
    let empty = TestDatabase::create(Engine::Postgres).await;
    let Err(e) = import::inspect(&empty.url, None).await else { panic!("an empty database was accepted") };
    assert!(matches!(e, ImportError::Refused(_)) && e.to_string().contains("no OTRS schema"), "{e}");
    empty.drop_database().await;

    // Wrong credentials: one clear error.
    let Err(e) = import::inspect("mysql://nobody:wrong@127.0.0.1:3306/otrs", None).await else {
        panic!("wrong credentials were accepted")
    };
    assert!(e.to_string().contains("cannot reach"), "{e}");

    // An orphan row (written with the foreign keys switched off, as a damaged site has).
    let (source_db, source) = znuny_source(Engine::MySql, 3, false).await;
    let txn = source.connection().begin().await.unwrap();
    txn.execute_unprepared("SET FOREIGN_KEY_CHECKS = 0").await.unwrap();
    txn.execute_unprepared("INSERT INTO ticket_watcher (ticket_id, user_id, create_time, create_by, change_time, change_by) VALUES (1, 9999, current_timestamp, 1, current_timestamp, 1)").await.unwrap();
    txn.execute_unprepared("SET FOREIGN_KEY_CHECKS = 1").await.unwrap();
    txn.commit().await.unwrap();
    exec(&source, "CREATE TABLE custom_addon (id INT PRIMARY KEY)").await;

    let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();
    assert_eq!(inspection.problems, ["1 row(s) of ticket_watcher.user_id refer to a users that does not exist"]);
    assert_eq!(inspection.not_carried_tables, ["custom_addon"]);
    let target_db = TestDatabase::create(Engine::Sqlite).await;
    let target = Db::connect_unchecked(&target_db.url).await.unwrap();
    let e = import::run(&source_db.url, &src, &inspection, &target, false, &mut Seen::default()).await.unwrap_err();
    assert!(matches!(e, ImportError::Problems(_)), "{e}");
    assert!(target.table_names().await.unwrap().is_empty(), "the target is left untouched");

    // A target that already holds tickets.
    exec(&source, "DELETE FROM ticket_watcher WHERE user_id = 9999").await;
    let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();
    let busy = TestDatabase::create(Engine::Sqlite).await;
    let busy_db = busy.connect().await;
    migrate(&busy_db).await.unwrap();
    seed(
        &busy_db,
        &SeedPlan { tickets: 1, articles_per_ticket: 1, seed: 1 },
        &TicketNumberConfig::default(),
        |_, _| {},
    )
    .await
    .unwrap();
    let e = import::run(&source_db.url, &src, &inspection, &busy_db, false, &mut Seen::default()).await.unwrap_err();
    assert!(e.to_string().contains("already holds 1 ticket"), "{e}");

    src.close().await;
    busy_db.close().await;
    busy.drop_database().await;
    target.close().await;
    target_db.drop_database().await;
    source.close().await;
    source_db.drop_database().await;
}

/// Three articles of `source` whose message and files lie in
/// `dir/2026/11/30/<id>/`, as OTRS's ArticleStorageFS keeps them, and no longer in the
/// database: `(article id, ticket id)` of each.
async fn move_articles_to_disk(source: &Db, dir: &std::path::Path) -> Vec<(i64, i64)> {
    let rows = source
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            source.connection().get_database_backend(),
            "SELECT id, ticket_id FROM article WHERE id > 1 ORDER BY id LIMIT 3",
        ))
        .await
        .unwrap();
    let articles: Vec<(i64, i64)> =
        rows.iter().map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap())).collect();
    for (id, _) in &articles {
        let folder = dir.join("2026/11/30").join(id.to_string());
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("plain.txt"), format!("From: a@example.com\nSubject: {id}\n\nGrüße {id}\n"))
            .unwrap();
        std::fs::write(folder.join("report.pdf"), [0x25u8, 0x50, 0x44, 0x46, 0xFF, 0x00]).unwrap();
        std::fs::write(folder.join("report.pdf.content_type"), "application/pdf").unwrap();
        std::fs::write(folder.join("report.pdf.disposition"), "attachment").unwrap();
        exec(source, &format!("UPDATE article_data_mime SET content_path = '2026/11/30' WHERE article_id = {id}"))
            .await;
        exec(source, &format!("DELETE FROM article_data_mime_attachment WHERE article_id = {id}")).await;
        exec(source, &format!("DELETE FROM article_data_mime_plain WHERE article_id = {id}")).await;
    }
    articles
}

#[tokio::test]
async fn article_files_kept_on_disk_come_along() {
    let (source_db, source) = znuny_source(Engine::Postgres, 10, false).await;
    znuny::deploy_setting(
        &source,
        1,
        "Ticket::Article::Backend::MIMEBase::ArticleStorage",
        "Kernel::System::Ticket::Article::Backend::MIMEBase::ArticleStorageFS",
    )
    .await;
    znuny::deploy_setting(&source, 2, "Ticket::Article::Backend::MIMEBase::ArticleDataDir", "/opt/otrs/var/article")
        .await;
    let dir = std::env::temp_dir().join(format!("goats-article-dir-{}", rand::random::<u64>()));
    let articles = move_articles_to_disk(&source, &dir).await;

    // Without the folder the import would lose them: a problem to fix first.
    let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();
    assert_eq!(inspection.article_storage, "ArticleStorageFS");
    assert!(
        inspection.problems.iter().any(|p| p.contains("--attachments-dir") && p.contains("/opt/otrs/var/article")),
        "{:?}",
        inspection.problems
    );
    src.close().await;
    let Err(e) = import::inspect(&source_db.url, Some(&dir.join("missing"))).await else {
        panic!("a missing folder was accepted")
    };
    assert!(e.to_string().contains("does not exist"), "{e}");

    let (src, inspection) = import::inspect(&source_db.url, Some(&dir)).await.unwrap();
    assert!(inspection.problems.is_empty(), "{:?}", inspection.problems);
    let t = TestDatabase::create(Engine::Sqlite).await;
    let target = Db::connect_unchecked(&t.url).await.unwrap();
    let report = import::run(&source_db.url, &src, &inspection, &target, false, &mut Seen::default()).await.unwrap();
    assert!(report.ok, "{:#?}", report.mismatches);
    for table in ["article_data_mime_plain", "article_data_mime_attachment"] {
        assert_eq!(report.tables.iter().find(|t| t.table == table).unwrap().from_disk, 3, "{table}");
    }
    target.close().await;

    // goats serves them like any stored in the database.
    let target = t.connect().await;
    let s = ticket_service(&target, Arc::new(SystemClock));
    let root = AgentPermissions::new(1, target.grants_for(1).await.unwrap());
    let (article_id, ticket_id) = articles[0];
    let ticket = s.get(&root, ticket_id, true).await.unwrap();
    let article = ticket.articles.unwrap().into_iter().find(|a| a.id == article_id).unwrap();
    let pdf = article.attachments.iter().find(|a| a.filename == "report.pdf").expect("the file from disk");
    assert_eq!(pdf.content_type, "application/pdf");
    let (_, bytes) = s.attachment(&root, ticket_id, pdf.id).await.unwrap();
    assert_eq!(bytes, [0x25u8, 0x50, 0x44, 0x46, 0xFF, 0x00]);
    let plain =
        scalar(&target, &format!("SELECT body FROM article_data_mime_plain WHERE article_id = {article_id}")).await;
    assert!(plain.contains(&format!("Grüße {article_id}")), "{plain}");
    target.close().await;
    t.drop_database().await;

    // Added to a help desk with tickets, the files land on the articles' new ids.
    exec(&source, "UPDATE ticket SET tn = CONCAT('7', tn)").await;
    let number = scalar(&source, &format!("SELECT tn FROM ticket WHERE id = {ticket_id}")).await;
    let (t, target) = goats_target(Engine::Postgres).await;
    let report = import::run(&source_db.url, &src, &inspection, &target, true, &mut Seen::default()).await.unwrap();
    assert!(report.ok && report.appended, "{:#?}", report.mismatches);
    for table in ["article_data_mime_plain", "article_data_mime_attachment"] {
        assert_eq!(report.tables.iter().find(|t| t.table == table).unwrap().from_disk, 3, "{table}");
    }
    let s = ticket_service(&target, Arc::new(SystemClock));
    let moved: i64 = scalar(&target, &format!("SELECT id FROM ticket WHERE tn = '{number}'")).await.parse().unwrap();
    assert_ne!(moved, ticket_id, "the source's ids moved past the target's");
    let ticket = s.get(&root, moved, true).await.unwrap();
    let pdf = ticket.articles.unwrap().into_iter().flat_map(|a| a.attachments).find(|a| a.filename == "report.pdf");
    let (_, bytes) = s.attachment(&root, moved, pdf.expect("the file from disk").id).await.unwrap();
    assert_eq!(bytes, [0x25u8, 0x50, 0x44, 0x46, 0xFF, 0x00]);

    src.close().await;
    target.close().await;
    t.drop_database().await;
    let _ = std::fs::remove_dir_all(&dir);
    source.close().await;
    source_db.drop_database().await;
}

/// Live mode on a site that keeps article files on disk: what the database does not
/// hold is read from the ArticleDataDir, addressed by its place as OTRS does, and an
/// article goats adds keeps its files in the database, where OTRS looks next.
#[tokio::test]
async fn live_mode_reads_article_files_kept_on_disk() {
    let (source_db, source) = znuny_source(Engine::MySql, 4, false).await;
    let dir = std::env::temp_dir().join(format!("goats-live-article-dir-{}", rand::random::<u64>()));
    let articles = move_articles_to_disk(&source, &dir).await;
    let live =
        source_db.connect().await.with_article_dir(goats_sql::ArticleDir::open(&dir, "article directory").unwrap());
    let s = ticket_service(&live, Arc::new(SystemClock));
    let root = AgentPermissions::new(1, live.grants_for(1).await.unwrap());

    let (article_id, ticket_id) = articles[0];
    let ticket = s.get(&root, ticket_id, true).await.unwrap();
    let article = ticket.articles.unwrap().into_iter().find(|a| a.id == article_id).unwrap();
    assert!(article.has_source, "plain.txt is the message as it arrived");
    let [pdf] = article.attachments.as_slice() else { panic!("{:?}", article.attachments) };
    assert_eq!((pdf.filename.as_str(), pdf.content_type.as_str(), pdf.size), ("report.pdf", "application/pdf", 6));
    let (meta, bytes) = s.attachment(&root, ticket_id, pdf.id).await.unwrap();
    assert_eq!(meta.filename, "report.pdf");
    assert_eq!(bytes, [0x25u8, 0x50, 0x44, 0x46, 0xFF, 0x00]);
    let source_text = s.article_source(&root, ticket_id, article_id).await.unwrap();
    assert!(String::from_utf8_lossy(&source_text).contains(&format!("Grüße {article_id}")));
    let one = ArticleRepository::get(&live, article_id).await.unwrap().unwrap();
    assert_eq!(one.attachments.len(), 1, "one article read alone finds its file too");
    // The id names one article's file: it opens nothing through another ticket.
    let other = articles.iter().map(|a| a.1).find(|t| *t != ticket_id).expect("articles of two tickets");
    assert!(matches!(s.attachment(&root, other, pdf.id).await, Err(goats_core::DomainError::NotFound { .. })));

    // A file that is gone from disk is not found, not an error page.
    std::fs::remove_file(dir.join("2026/11/30").join(article_id.to_string()).join("report.pdf")).unwrap();
    assert!(matches!(s.attachment(&root, ticket_id, pdf.id).await, Err(goats_core::DomainError::NotFound { .. })));

    // Without the directory the same database shows the articles without those files.
    let bare = source_db.connect().await;
    let s = ticket_service(&bare, Arc::new(SystemClock));
    let ticket = s.get(&root, articles[1].1, true).await.unwrap();
    let article = ticket.articles.unwrap().into_iter().find(|a| a.id == articles[1].0).unwrap();
    assert!(article.attachments.is_empty() && !article.has_source);

    bare.close().await;
    live.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    source.close().await;
    source_db.drop_database().await;
}

/// OTRS 6 and Znuny 6.0 call the groups table `groups`; it arrives as `permission_groups`.
#[tokio::test]
async fn an_otrs_6_groups_table_arrives_as_permission_groups() {
    let (source_db, source) = znuny_source(Engine::MySql, 2, false).await;
    exec(&source, "RENAME TABLE permission_groups TO `groups`").await;
    let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();
    assert!(inspection.version.contains("`groups`"), "{}", inspection.version);
    assert!(inspection.not_carried_tables.is_empty(), "{:?}", inspection.not_carried_tables);
    let t = TestDatabase::create(Engine::Postgres).await;
    let target = Db::connect_unchecked(&t.url).await.unwrap();
    let report = import::run(&source_db.url, &src, &inspection, &target, false, &mut Seen::default()).await.unwrap();
    assert!(report.ok, "{:#?}", report.mismatches);
    let groups = report.tables.iter().find(|t| t.table == "permission_groups").unwrap();
    assert_eq!((groups.source_rows, groups.target_rows), (4, 4));
    assert_eq!(scalar(&target, "SELECT name FROM permission_groups WHERE id = 2").await, "admin");
    src.close().await;
    target.close().await;
    t.drop_database().await;
    source.close().await;
    source_db.drop_database().await;
}

/// Every row of `sql`, each column as text (numbers and octets written out).
async fn rows_text(db: &Db, sql: &str) -> Vec<Vec<String>> {
    let rows = db
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(db.connection().get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let cell = |r: &sea_orm::QueryResult, i: usize| {
        r.try_get_by_index::<Option<String>>(i)
            .map(|v| v.unwrap_or_else(|| "NULL".into()))
            .or_else(|_| r.try_get_by_index::<i64>(i).map(|n| n.to_string()))
            .or_else(|_| r.try_get_by_index::<i32>(i).map(|n| n.to_string()))
            .or_else(|_| r.try_get_by_index::<Vec<u8>>(i).map(|b| String::from_utf8_lossy(&b).into_owned()))
            .unwrap_or_else(|e| panic!("{sql}, column {i}: {e}"))
    };
    let mut out: Vec<Vec<String>> =
        rows.iter().map(|r| (0..r.column_names().len()).map(|i| cell(r, i)).collect()).collect();
    out.sort();
    out
}

/// Each ticket as an agent knows it, by names rather than ids: its number, title,
/// queue, state, owner, priority, customer, and how many articles, history entries,
/// files, watchers and flags hang off it.
const TICKETS_BY_NAME: &str = "SELECT t.tn, t.title, q.name, s.name, u.login, p.name, t.customer_id, \
     (SELECT COUNT(*) FROM article a WHERE a.ticket_id = t.id), \
     (SELECT COUNT(*) FROM ticket_history h WHERE h.ticket_id = t.id), \
     (SELECT COUNT(*) FROM article_data_mime_attachment m JOIN article a ON a.id = m.article_id WHERE a.ticket_id = t.id), \
     (SELECT COUNT(*) FROM article_data_mime_plain m JOIN article a ON a.id = m.article_id WHERE a.ticket_id = t.id), \
     (SELECT COUNT(*) FROM ticket_watcher w JOIN users wu ON wu.id = w.user_id WHERE w.ticket_id = t.id), \
     (SELECT COUNT(*) FROM time_accounting ta WHERE ta.ticket_id = t.id) \
     FROM ticket t JOIN queue q ON q.id = t.queue_id JOIN ticket_state s ON s.id = t.ticket_state_id \
     JOIN users u ON u.id = t.user_id JOIN ticket_priority p ON p.id = t.ticket_priority_id";

/// A goats help desk that has run a while: 20 tickets of its own, a dynamic field
/// `Invoice` (at another id than the source's) beside one of its own.
async fn goats_target(engine: Engine) -> (TestDatabase, Db) {
    let t = TestDatabase::create(engine).await;
    let db = t.connect().await;
    migrate(&db).await.unwrap();
    seed(&db, &SeedPlan { tickets: 20, articles_per_ticket: 2, seed: 9 }, &TicketNumberConfig::default(), |_, _| {})
        .await
        .unwrap();
    for name in ["Contract", "Invoice"] {
        exec(&db, &format!("INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_by, create_time, change_by, change_time) VALUES (0, '{name}', '{name}', 1, 'Text', 'Ticket', '---', 1, 1, current_timestamp, 1, current_timestamp)")).await;
    }
    (t, db)
}

/// A source for an append: numbered apart from the target's tickets, with an
/// `Invoice` value and a link between two of its tickets.
async fn source_to_append(engine: Engine, tickets: u64) -> (TestDatabase, Db) {
    let (t, db) = znuny_source(engine, tickets, false).await;
    exec(&db, "UPDATE ticket SET tn = CONCAT('7', tn)").await;
    exec(&db, "INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_by, create_time, change_by, change_time) VALUES (0, 'Invoice', 'Invoice', 2, 'Text', 'Ticket', '---', 1, 1, current_timestamp, 1, current_timestamp)").await;
    exec(&db, "INSERT INTO dynamic_field_value (field_id, object_id, value_text) SELECT (SELECT id FROM dynamic_field WHERE name = 'Invoice'), MIN(id), 'INV-4711' FROM ticket").await;
    exec(&db, "INSERT INTO link_object (name) VALUES ('Ticket')").await;
    exec(&db, "INSERT INTO link_relation (source_object_id, source_key, target_object_id, target_key, type_id, state_id, create_time, create_by) SELECT o.id, CAST(MIN(t.id) AS CHAR(20)), o.id, CAST(MAX(t.id) AS CHAR(20)), 1, 1, current_timestamp, 1 FROM link_object o, ticket t WHERE o.name = 'Ticket' GROUP BY o.id").await;
    (t, db)
}

#[tokio::test]
async fn a_second_site_is_added_to_a_help_desk_with_tickets() {
    let (source_db, source) = source_to_append(Engine::MySql, 30).await;
    let source_tickets = rows_text(&source, TICKETS_BY_NAME).await;
    assert_eq!(source_tickets.len(), 31);
    let source_agents = rows_text(&source, "SELECT login FROM users").await;
    for target_engine in Engine::ALL {
        let (t, target) = goats_target(target_engine).await;
        let own_tickets = rows_text(&target, TICKETS_BY_NAME).await;
        let own_agents = rows_text(&target, "SELECT login FROM users").await;
        target.close().await;

        // Without --append a target with tickets is refused, and told how.
        let target = Db::connect_unchecked(&t.url).await.unwrap();
        let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();
        let e = import::run(&source_db.url, &src, &inspection, &target, false, &mut Seen::default()).await.unwrap_err();
        assert!(e.to_string().contains("--append"), "{e}");

        let report = import::run(&source_db.url, &src, &inspection, &target, true, &mut Seen::default()).await.unwrap();
        assert!(
            report.ok && report.appended,
            "{target_engine:?}: {:#?} {:#?}",
            report.mismatches,
            report.tables.iter().filter(|t| !t.ok).collect::<Vec<_>>()
        );
        assert!(report.sampled_tickets.len() >= 20);
        assert!(report.kept_from_target.contains(&"notification_event".to_string()), "{:?}", report.kept_from_target);
        let tickets = report.tables.iter().find(|t| t.table == "ticket").unwrap();
        assert_eq!((tickets.target_rows_before, tickets.source_rows, tickets.target_rows), (20, 31, 51));
        let queues = report.tables.iter().find(|t| t.table == "queue").unwrap();
        assert!(queues.merged >= 4, "the queues both sides have are merged: {queues:?}");
        target.close().await;

        let target = t.connect().await;
        // Both sites' tickets, each as its agents knew it.
        let mut both = [own_tickets.clone(), source_tickets.clone()].concat();
        both.sort();
        assert_eq!(rows_text(&target, TICKETS_BY_NAME).await, both, "{target_engine:?}");
        // Agents of one login are one agent.
        let mut agents = [own_agents.clone(), source_agents.clone()].concat();
        agents.sort();
        agents.dedup();
        assert_eq!(rows_text(&target, "SELECT login FROM users").await, agents);
        // The source's Invoice value sits on its ticket under the target's Invoice field.
        assert_eq!(
            rows_text(&target, "SELECT t.title, f.name, v.value_text, f.id FROM dynamic_field_value v JOIN dynamic_field f ON f.id = v.field_id JOIN ticket t ON t.id = v.object_id").await,
            [["Grüße aus Köln — Straße", "Invoice", "INV-4711", "2"]]
        );
        // The link joins the same two tickets, by their new ids.
        let link = rows_text(&target, "SELECT r.source_key, r.target_key FROM link_relation r").await;
        assert_eq!(link.len(), 1);
        let min_new: i64 = scalar(&target, "SELECT MIN(id) FROM ticket WHERE tn LIKE '7%'").await.parse().unwrap();
        let max_new: i64 = scalar(&target, "SELECT MAX(id) FROM ticket WHERE tn LIKE '7%'").await.parse().unwrap();
        assert_eq!(link[0], [min_new.to_string(), max_new.to_string()], "{target_engine:?}");
        assert!(min_new > 20, "the source's tickets come after the target's own");
        assert_eq!(migrate(&target).await.unwrap(), goats_sql::MigrationOutcome::UpToDate);

        // goats works on both sites' tickets: found once indexed, new ones numbered on.
        let s = ticket_service(&target, Arc::new(SystemClock));
        let root = AgentPermissions::new(1, target.grants_for(1).await.unwrap());
        target.reindex_search(true, |_| {}).await.unwrap();
        let search = TicketFilter { text: Some(SearchQuery::parse("strasse köln").unwrap()), ..Default::default() };
        let found = s.list(&root, search, TicketSort::default(), PageRequest::default()).await.unwrap();
        assert_eq!(found.items.iter().map(|t| t.id).collect::<Vec<_>>(), vec![min_new], "{target_engine:?}");
        let ticket = s.get(&root, min_new, true).await.unwrap();
        assert_eq!(s.accounted_time(&root, min_new).await.unwrap(), 1.25);
        let raw = ticket
            .articles
            .unwrap()
            .iter()
            .flat_map(|a| a.attachments.clone())
            .find(|a| a.filename == "raw.bin")
            .unwrap();
        assert_eq!(s.attachment(&root, min_new, raw.id).await.unwrap().1, vec![0u8, 0xFF, 0xFE, 0x80]);
        let new = s
            .create(&root, NewTicket { title: "After the append".into(), ..goats_core::testing::phoned_ticket(2) })
            .await
            .unwrap();
        assert!(new.id > max_new, "{target_engine:?}");

        // The same source again: refused, nothing changed.
        let again =
            import::run(&source_db.url, &src, &inspection, &target, true, &mut Seen::default()).await.unwrap_err();
        assert!(again.to_string().contains("already holds the finished import"), "{again}");
        src.close().await;
        target.close().await;
        t.drop_database().await;
    }
    source.close().await;
    source_db.drop_database().await;
}

#[tokio::test]
async fn an_append_whose_ticket_numbers_clash_changes_nothing() {
    let (t, target) = goats_target(Engine::Postgres).await;
    let (source_db, source) = source_to_append(Engine::MySql, 3).await;
    let taken = scalar(&target, "SELECT MIN(tn) FROM ticket").await;
    exec(
        &source,
        &format!("UPDATE ticket SET tn = '{taken}' WHERE id = (SELECT MAX(id) FROM (SELECT id FROM ticket) x)"),
    )
    .await;
    let before = rows_text(&target, TICKETS_BY_NAME).await;
    let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();
    let e = import::run(&source_db.url, &src, &inspection, &target, true, &mut Seen::default()).await.unwrap_err();
    assert!(e.to_string().contains(&taken) && e.to_string().contains("in both databases"), "{e}");
    assert_eq!(rows_text(&target, TICKETS_BY_NAME).await, before);
    assert_eq!(scalar(&target, "SELECT COUNT(*) FROM goats_import_run").await, "0");
    src.close().await;
    source.close().await;
    source_db.drop_database().await;
    target.close().await;
    t.drop_database().await;
}

#[tokio::test]
async fn an_interrupted_append_continues_to_the_same_result() {
    let (source_db, source) = source_to_append(Engine::Postgres, 600).await;
    let source_tickets = rows_text(&source, TICKETS_BY_NAME).await;
    let (t, target) = goats_target(Engine::MySql).await;
    let own_tickets = rows_text(&target, TICKETS_BY_NAME).await;
    target.close().await;
    let target = Db::connect_unchecked(&t.url).await.unwrap();
    let (src, inspection) = import::inspect(&source_db.url, None).await.unwrap();

    interrupt_in("article", &source_db.url, &src, &inspection, &target, true).await;

    // Without --append the unfinished append is not taken for a fresh import.
    let e = import::run(&source_db.url, &src, &inspection, &target, false, &mut Seen::default()).await.unwrap_err();
    assert!(e.to_string().contains("started with --append"), "{e}");
    let mut seen = Seen::default();
    let report = import::run(&source_db.url, &src, &inspection, &target, true, &mut seen).await.unwrap();
    assert!(report.ok && report.resumed && report.appended, "{:#?}", report.mismatches);
    let article = seen.tables.iter().find(|(n, ..)| n == "article").unwrap();
    assert!(article.2 >= 1000, "continues after the committed page: {article:?}");
    target.close().await;

    let target = t.connect().await;
    let mut both = [own_tickets, source_tickets].concat();
    both.sort();
    assert_eq!(rows_text(&target, TICKETS_BY_NAME).await, both);
    src.close().await;
    target.close().await;
    t.drop_database().await;
    source.close().await;
    source_db.drop_database().await;
}
