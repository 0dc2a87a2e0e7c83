//! `goats migrate`: create the OTRS schema on an empty database, or recognise an
//! existing OTRS/Znuny one and add only goats' own tables (and goats' own indexes on
//! `ticket`, see `tickets::list_indexes`). Never changes an OTRS column, key or index.

use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::{Db, Dialect};
use crate::error::SqlError;
use crate::schema::{self, ddl, defaults::DefaultValue};

/// What `migrate` found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationOutcome {
    /// The database was empty; the OTRS schema, its default rows and goats' tables exist now.
    Created,
    /// An OTRS/Znuny schema was there; goats added its own tables beside it.
    AdoptedOtrs,
    /// goats' tables were brought from one version to the next.
    Upgraded {
        from: i32,
        to: i32,
    },
    UpToDate,
}

const AUDIT_COLUMNS: [&str; 4] = ["create_by", "create_time", "change_by", "change_time"];

pub async fn migrate(db: &Db) -> Result<MigrationOutcome, SqlError> {
    let current = schema::current_version();
    // The common case, a database goats already runs on, without listing every table.
    let ours = db.has_table("goats_schema_version").await?;
    let tables = if ours { Vec::new() } else { db.table_names().await? };
    let has = |name: &str| tables.iter().any(|t| t.eq_ignore_ascii_case(name));

    if ours {
        let found = schema_version(db).await?;
        if found > current {
            return Err(SqlError::NewerSchema { found, supported: current });
        }
        if found == current {
            return Ok(MigrationOutcome::UpToDate);
        }
        apply_goats_migrations(db, found).await?;
        return Ok(MigrationOutcome::Upgraded { from: found, to: current });
    }
    if has("ticket") {
        apply_goats_migrations(db, 0).await?;
        return Ok(MigrationOutcome::AdoptedOtrs);
    }
    if !tables.is_empty() {
        return Err(SqlError::ForeignSchema);
    }
    create_otrs_schema(db).await?;
    apply_goats_migrations(db, 0).await?;
    Ok(MigrationOutcome::Created)
}

/// The goats schema version recorded in the database (0 when none).
pub async fn schema_version(db: &Db) -> Result<i32, SqlError> {
    let row = db.conn.query_one_raw(db.stmt("SELECT MAX(version) AS v FROM goats_schema_version", [])).await?;
    Ok(row.as_ref().map(|r| crate::row::opt_int(r, "v")).transpose()?.flatten().unwrap_or(0) as i32)
}

/// Tables with their indexes, then the default rows, then foreign keys: the order OTRS
/// uses, so rows can refer to each other in any order. One transaction where the
/// engine allows DDL in transactions (SQLite, PostgreSQL).
async fn create_otrs_schema(db: &Db) -> Result<(), SqlError> {
    let d = db.dialect;
    let _w = db.write_guard().await;
    let txn = db.conn.begin().await?;
    if d == Dialect::Sqlite {
        txn.execute_unprepared("PRAGMA defer_foreign_keys = ON").await?;
    }
    let tables = schema::otrs_tables();
    for t in tables {
        for sql in ddl::create_table(d, t) {
            txn.execute_unprepared(&sql).await?;
        }
    }
    let now = db.now();
    for rows in schema::otrs_defaults() {
        let Some(table) = tables.iter().find(|t| t.name == rows.table) else { continue };
        let audit: Vec<&str> = AUDIT_COLUMNS.iter().copied().filter(|c| table.column(c).is_some()).collect();
        let mut columns: Vec<&str> = rows.columns.iter().map(String::as_str).collect();
        columns.extend(&audit);
        let marks = vec!["?"; columns.len()].join(", ");
        let sql = format!("INSERT INTO {} ({}) VALUES ({marks})", table.name, columns.join(", "));
        for row in &rows.rows {
            let mut values: Vec<Value> = row
                .iter()
                .map(|v| match v {
                    DefaultValue::Int(i) => Value::from(*i),
                    DefaultValue::Text(s) => Value::from(s.clone()),
                })
                .collect();
            for c in &audit {
                values.push(if c.ends_with("_by") { Value::from(1i64) } else { Value::from(now) });
            }
            txn.execute_raw(db.stmt(&sql, values)).await?;
        }
        if d == Dialect::Postgres
            && rows.columns.iter().any(|c| c == "id")
            && table.column("id").is_some_and(|c| c.auto_increment)
        {
            // Rows were written with their OTRS ids; move the sequence past them.
            let sql =
                format!("SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT MAX(id) FROM {0}))", table.name);
            txn.execute_unprepared(&sql).await?;
        }
    }
    for t in tables {
        for sql in ddl::foreign_keys(d, t) {
            txn.execute_unprepared(&sql).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

async fn apply_goats_migrations(db: &Db, from: i32) -> Result<(), SqlError> {
    let _w = db.write_guard().await;
    for (version, description, _) in schema::GOATS_MIGRATIONS.iter().filter(|m| m.0 > from) {
        let txn = db.conn.begin().await?;
        for t in schema::goats_tables(*version) {
            for sql in ddl::create_table(db.dialect, &t).into_iter().chain(ddl::foreign_keys(db.dialect, &t)) {
                txn.execute_unprepared(&sql).await?;
            }
        }
        for sql in schema::engine_statements(db.dialect, *version) {
            txn.execute_unprepared(&sql).await?;
        }
        txn.execute_raw(db.stmt(
            "INSERT INTO goats_schema_version (version, description, applied_at) VALUES (?, ?, ?)",
            [Value::from(*version), Value::from(description.to_string()), Value::from(db.now())],
        ))
        .await?;
        txn.commit().await?;
        tracing::info!(version, description, "applied goats schema migration");
    }
    Ok(())
}
