//! `goats migrate` builds the same database Znuny's installer builds: compared through
//! the engines' catalogs against Znuny 7.1.7's genuine schema and default data.

use std::collections::BTreeSet;

use goats_sql::{MigrationOutcome, SqlError, migrate, schema};
use goats_tests::schema_snapshot::{self, Snapshot, diff};
use goats_tests::{Engine, TestDatabase, znuny};

/// Columns whose default text goats words itself (and the root password, which goats
/// never ships): the rows exist with the same ids, the wording differs.
const OWN_WORDING: &[(&str, &str)] = &[
    ("users", "pw"),
    ("system_address", "value0"),
    ("system_address", "value1"),
    ("salutation", "text"),
    ("signature", "text"),
    ("notification_event_message", "subject"),
    ("notification_event_message", "text"),
];

/// Znuny's demo and notification content that goats does not seed.
const NOT_SEEDED: &[&str] = &[
    "article",
    "article_data_mime",
    "article_data_mime_plain",
    "auto_response",
    "dynamic_field",
    "notification_event",
    "notification_event_item",
    "notification_event_message",
    "standard_template",
    "ticket",
    "ticket_history",
];

/// The snapshot without goats' own tables and goats' own indexes on OTRS's tables
/// (`index ticket.goats_ticket_list_…`), which change no column, key or index of OTRS's.
fn without_goats(s: &Snapshot) -> Snapshot {
    let goats = |k: &str| k.contains(" goats_") || (k.starts_with("index ") && k.contains(".goats_"));
    s.iter().filter(|(k, _)| !goats(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

async fn row_counts(db: &goats_sql::Db) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for t in schema::otrs_tables() {
        let n = schema_snapshot::rows(db, &format!("(SELECT COUNT(*) AS n FROM {}) c", t.name), &["n"]).await;
        out.push((t.name.clone(), n[0][0].clone()));
    }
    out
}

async fn parity(engine: Engine) {
    let fixture = TestDatabase::create(engine).await;
    znuny::load(&fixture);
    let ours = TestDatabase::create(engine).await;
    let (fdb, odb) = (fixture.connect().await, ours.connect().await);
    assert_eq!(migrate(&odb).await.unwrap(), MigrationOutcome::Created);

    let (theirs, mine) = (schema_snapshot::take(&fdb).await, schema_snapshot::take(&odb).await);
    // Guard against a catalog query that reads nothing useful: known facts must show.
    let tn = &theirs["column ticket.tn"];
    assert!(tn.contains("50") && tn.contains("NO") && !tn.contains('?'), "{engine:?}: ticket.tn reads as {tn}");
    assert!(theirs.len() > 1500, "{engine:?}: only {} catalog lines", theirs.len());
    let mine_otrs = without_goats(&mine);
    let differences = diff(&theirs, &mine_otrs);
    assert!(
        differences.is_empty(),
        "{engine:?}: {} schema differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert!(mine.keys().any(|k| k.contains(" goats_schema_version")), "goats' own tables are there");
    assert!(
        mine.keys().any(|k| k.starts_with("index ticket.goats_ticket_list_changed")),
        "goats' list indexes are there"
    );
    let tables: BTreeSet<&str> = mine.keys().filter_map(|k| k.strip_prefix("column ")?.split('.').next()).collect();
    assert_eq!(tables.iter().filter(|t| !t.starts_with("goats_")).count(), 122);

    // The default rows: same ids, same values, apart from the wording goats owns.
    for rows in schema::otrs_defaults() {
        let columns: Vec<&str> = rows
            .columns
            .iter()
            .map(String::as_str)
            .filter(|c| !OWN_WORDING.contains(&(rows.table.as_str(), *c)))
            .collect();
        let mut expected = schema_snapshot::rows(&fdb, &rows.table, &columns).await;
        if rows.table == "standard_template" {
            expected.retain(|r| r[0] == "1"); // Znuny's second template is demo text
        }
        let mut actual = schema_snapshot::rows(&odb, &rows.table, &columns).await;
        // The notifications goats sends: Znuny's first twelve, with their events and
        // recipients, goats' own texts in English and German (OTRS's tooltips left out),
        // and goats' in-app way offered beside mail.
        let sent = |id: &str| id.parse::<i32>().is_ok_and(|id| id <= 12);
        match rows.table.as_str() {
            "notification_event" => expected.retain(|r| sent(&r[0])),
            "notification_event_item" => {
                expected.retain(|r| sent(&r[0]) && r[1] != "VisibleForAgentTooltip");
                actual.retain(|r| r[2] != "NotificationView");
            }
            "notification_event_message" => expected.retain(|r| sent(&r[0]) && (r[2] == "en" || r[2] == "de")),
            _ => {}
        }
        assert_eq!(actual, expected, "{engine:?}: default rows of {}", rows.table);
    }
    // Every other table holds what Znuny's holds, except the content goats leaves out.
    let (theirs, mine) = (row_counts(&fdb).await, row_counts(&odb).await);
    let mut differing: Vec<&str> =
        theirs.iter().zip(&mine).filter(|(a, b)| a != b).map(|(a, _)| a.0.as_str()).collect();
    differing.sort_unstable();
    assert_eq!(differing, NOT_SEEDED, "{engine:?}: tables whose row counts differ from Znuny's");

    fdb.close().await;
    odb.close().await;
    fixture.drop_database().await;
    ours.drop_database().await;
}

#[tokio::test]
async fn migrate_matches_znuny_on_postgres() {
    parity(Engine::Postgres).await;
}

#[tokio::test]
async fn migrate_matches_znuny_on_mariadb() {
    parity(Engine::MySql).await;
}

/// On an existing Znuny database, `goats migrate` adds its own tables and nothing else,
/// and a second run changes nothing at all.
async fn adopts_existing_otrs(engine: Engine) {
    let fixture = TestDatabase::create(engine).await;
    znuny::load(&fixture);
    let db = fixture.connect().await;
    let before = schema_snapshot::take(&db).await;
    let counts_before = row_counts(&db).await;
    assert_eq!(migrate(&db).await.unwrap(), MigrationOutcome::AdoptedOtrs);
    let after = schema_snapshot::take(&db).await;
    assert!(diff(&before, &without_goats(&after)).is_empty(), "{engine:?}: an OTRS table was altered");
    assert!(after.len() > before.len(), "{engine:?}: goats tables were added");
    assert_eq!(row_counts(&db).await, counts_before, "{engine:?}: OTRS rows were touched");

    assert_eq!(migrate(&db).await.unwrap(), MigrationOutcome::UpToDate);
    assert_eq!(schema_snapshot::take(&db).await, after, "{engine:?}: the second run changed the schema");
    db.close().await;
    fixture.drop_database().await;
}

#[tokio::test]
async fn adopts_a_znuny_database_on_postgres() {
    adopts_existing_otrs(Engine::Postgres).await;
}

#[tokio::test]
async fn adopts_a_znuny_database_on_mariadb() {
    adopts_existing_otrs(Engine::MySql).await;
}

/// SQLite has no Znuny schema of its own; goats' equivalent has every table and column
/// of Znuny's PostgreSQL schema, with the same nullability, keys and default rows.
#[tokio::test]
async fn sqlite_schema_is_a_faithful_equivalent() {
    let fixture = TestDatabase::create(Engine::Postgres).await;
    znuny::load(&fixture);
    let lite = TestDatabase::create(Engine::Sqlite).await;
    let (pg, db) = (fixture.connect().await, lite.connect().await);
    assert_eq!(migrate(&db).await.unwrap(), MigrationOutcome::Created);

    let reference = schema_snapshot::take(&pg).await;
    let mine = schema_snapshot::take(&db).await;
    let mut problems = Vec::new();
    for (key, desc) in reference.iter().filter(|(k, _)| k.starts_with("column ")) {
        let pg_not_null = desc.split(" | ").nth(4) == Some("NO");
        match mine.get(key) {
            None => problems.push(format!("missing {key}")),
            Some(d) => {
                let lite_not_null =
                    d.split(" | ").nth(1) == Some("1") || d.split(" | ").nth(3).is_some_and(|pk| pk != "0");
                if lite_not_null != pg_not_null {
                    problems.push(format!("nullability of {key}: {d}"));
                }
            }
        }
    }
    let pg_fks = reference.keys().filter(|k| k.starts_with("constraint ") && reference[*k].starts_with('f')).count();
    let lite_fks = mine.keys().filter(|k| k.starts_with("foreign key ") && !k.contains(" goats_")).count();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(lite_fks, pg_fks, "foreign keys");
    for rows in schema::otrs_defaults() {
        let cols: Vec<&str> = rows.columns.iter().map(String::as_str).collect();
        assert_eq!(schema_snapshot::rows(&db, &rows.table, &cols).await.len(), rows.rows.len(), "{}", rows.table);
    }
    pg.close().await;
    db.close().await;
    fixture.drop_database().await;
    lite.drop_database().await;
}

#[tokio::test]
async fn refuses_a_newer_goats_schema_and_foreign_databases() {
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        migrate(&db).await.unwrap();
        sea_orm::ConnectionTrait::execute_unprepared(
            db.connection(),
            "INSERT INTO goats_schema_version (version, description, applied_at) VALUES (999, 'future', '2030-01-01 00:00:00')",
        )
        .await
        .unwrap();
        let err = migrate(&db).await.unwrap_err();
        assert!(matches!(err, SqlError::NewerSchema { found: 999, .. }), "{engine:?}: {err}");
        assert!(err.to_string().contains("newer than this goats"));
        db.close().await;
        t.drop_database().await;

        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        sea_orm::ConnectionTrait::execute_unprepared(db.connection(), "CREATE TABLE unrelated (x INTEGER)")
            .await
            .unwrap();
        assert!(matches!(migrate(&db).await, Err(SqlError::ForeignSchema)), "{engine:?}");
        db.close().await;
        t.drop_database().await;
    }
}

/// The names and ids goats gives OTRS's fixed rows (history types, state types, lock
/// types, sender types, communication channels) are the ones in Znuny's default data:
/// each comes from one derive, and this holds them to the genuine rows.
#[tokio::test]
async fn enum_names_and_ids_match_znunys_rows() {
    use goats_core::history::HistoryType;
    use goats_core::model::{CommunicationChannel, Lock, SenderType, StateType};
    use sea_orm::ConnectionTrait;
    use strum::VariantArray;

    let fixture = TestDatabase::create(Engine::Postgres).await;
    znuny::load(&fixture);
    let db = fixture.connect().await;
    let rows = |table: &'static str| {
        let conn = db.connection().clone();
        async move {
            let sql = format!("SELECT CAST(id AS INTEGER) AS id, name FROM {table}");
            let rows = conn.query_all_raw(sea_orm::Statement::from_string(conn.get_database_backend(), sql)).await;
            rows.unwrap()
                .iter()
                .map(|r| (r.try_get::<i32>("", "id").unwrap(), r.try_get::<String>("", "name").unwrap()))
                .collect::<BTreeSet<_>>()
        }
    };
    let history = rows("ticket_history_type").await;
    for t in HistoryType::VARIANTS {
        assert!(history.contains(&(t.id(), t.name().to_string())), "{t:?}");
    }
    let states = rows("ticket_state_type").await;
    for t in StateType::ALL {
        assert!(states.contains(&(t.id(), t.otrs_name().to_string())), "{t:?}");
        assert_eq!(StateType::from_otrs_name(t.otrs_name()), Some(t));
    }
    let locks = rows("ticket_lock_type").await;
    for l in [Lock::Unlock, Lock::Lock, Lock::TmpLock] {
        assert!(locks.contains(&(l.id(), l.otrs_name().to_string())), "{l:?}");
        assert_eq!(Lock::from_id(l.id()), Some(l));
    }
    let senders = rows("article_sender_type").await;
    for s in [SenderType::Agent, SenderType::System, SenderType::Customer] {
        assert!(senders.iter().any(|(id, _)| *id == s.id()), "{s:?}");
        assert_eq!(SenderType::from_id(s.id()), Some(s));
    }
    let channels = rows("communication_channel").await;
    for c in [CommunicationChannel::Email, CommunicationChannel::Phone, CommunicationChannel::Internal] {
        assert!(channels.iter().any(|(id, _)| *id == c.id()), "{c:?}");
        assert_eq!(CommunicationChannel::from_id(c.id()), Some(c));
    }
    db.close().await;
    fixture.drop_database().await;
}
