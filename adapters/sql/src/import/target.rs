//! The database an import writes into: made ready once (goats' schema, OTRS's default
//! rows cleared, foreign keys set aside so rows can come in any order), then finished
//! (foreign keys back, which checks every row refers to something, and id sequences
//! past the copied ids). Every step can run again after an interruption.

use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait, Value};

use super::ImportError;
use super::source::{Inspection, TablePlan};
use crate::schema::{self, ddl};
use crate::{Db, Dialect, SqlError, migrate};

/// Where a run stands; stored in `goats_import_run.phase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Phase {
    Clearing,
    Copying,
    Finishing,
    Done,
}

/// goats' tables that name agents or customers by id; the import replaces the people,
/// so what these rows refer to would change meaning.
const PER_USER_TABLES: &[&str] =
    &["goats_refresh_token", "goats_api_token", "goats_customer_refresh_token", "goats_session", "goats_job_claim"];

/// A run found in the target, or started in it.
#[derive(Debug, Clone)]
pub struct Run {
    pub phase: Phase,
    pub resumed: bool,
    /// Whether the source's rows are added to what the target held (`--append`).
    pub append: bool,
}

/// Makes `target` ready for an import from `source`, or finds the interrupted import
/// from the same source to continue. The source's problems stop a fresh start; a run
/// already under way has passed that check. With `append` the target keeps what it
/// holds and the source's rows are added to it (see `append`).
pub async fn begin(
    target: &Db,
    source_db: &Db,
    source: &str,
    inspection: &Inspection,
    append: bool,
) -> Result<Run, ImportError> {
    let tables = &inspection.tables;
    if let Some((phase, from)) = current_run(target).await? {
        // A target made by an older goats gets the tables an append keeps its state in.
        migrate(target).await?;
        let appending = super::append::under_way(target).await?;
        if phase != Phase::Done {
            if from != source {
                return Err(ImportError::Refused(format!(
                    "the target holds an unfinished import from {from}; run that import again to finish it first"
                )));
            }
            if appending != append {
                let how = if appending { "with" } else { "without" };
                return Err(ImportError::Refused(format!(
                    "the unfinished import from {from} was started {how} --append; run it again the same way"
                )));
            }
            let mut run = Run { phase, resumed: true, append };
            if phase == Phase::Clearing {
                if append {
                    drop_foreign_keys(target).await?;
                } else {
                    clear(target, tables).await?;
                }
                run.phase = set_phase(target, Phase::Copying).await?;
            }
            return Ok(run);
        }
        if !append {
            return Err(ImportError::Refused(format!(
                "the target already holds the finished import from {from}; add another site with --append"
            )));
        }
        if from == source {
            return Err(ImportError::Refused(format!("the target already holds the finished import from {from}")));
        }
    }
    // Refused before anything is written, the target's schema included.
    if !inspection.problems.is_empty() {
        return Err(ImportError::Problems(inspection.problems.clone()));
    }
    match migrate(target).await {
        Err(SqlError::ForeignSchema) => {
            return Err(ImportError::Refused(
                "the target database holds tables but no OTRS schema; import into an empty database".into(),
            ));
        }
        other => other?,
    };
    if append {
        return begin_append(target, source_db, source, inspection).await;
    }
    let tickets = super::source::count(target, "ticket").await?;
    if tickets > 0 {
        return Err(ImportError::Refused(format!(
            "the target database already holds {tickets} ticket(s); import into an empty database, or add the source's tickets to them with --append"
        )));
    }
    start_run(&target.conn, target, source, inspection).await?;
    clear(target, tables).await?;
    let phase = set_phase(target, Phase::Copying).await?;
    Ok(Run { phase, resumed: false, append: false })
}

/// The run's row, in phase Clearing (any earlier finished run's row replaced).
async fn start_run<C: ConnectionTrait>(
    conn: &C,
    target: &Db,
    source: &str,
    inspection: &Inspection,
) -> Result<(), ImportError> {
    conn.execute_unprepared("DELETE FROM goats_import_run").await?;
    conn.execute_raw(target.stmt(
        "INSERT INTO goats_import_run (id, source, time_zone, phase, started_at) VALUES (1, ?, ?, ?, ?)",
        [
            source.into(),
            inspection.time_zone.as_str().into(),
            <&str>::from(Phase::Clearing).into(),
            Value::from(target.now()),
        ],
    ))
    .await?;
    Ok(())
}

/// An append's start: no ticket number may be in both databases; then what each carried
/// table holds now and where the source's ids will start are written with the run, in
/// one transaction, before any row is.
async fn begin_append(target: &Db, source_db: &Db, source: &str, inspection: &Inspection) -> Result<Run, ImportError> {
    let clashes = super::append::clashing_numbers(source_db, target, 10).await?;
    if !clashes.is_empty() {
        return Err(ImportError::Refused(format!(
            "ticket number(s) {} are in both databases, and a ticket number names one ticket; renumber or remove those tickets in the source, then append again",
            clashes.join(", ")
        )));
    }
    let mut starts = Vec::new();
    for plan in inspection.tables.iter().filter(|p| super::append::carried(p.name())) {
        let (rows, checksum) = super::verify::checksum_of(target, plan).await?;
        let offset = super::append::offset_for(target, plan.table).await?;
        starts.push((plan.name(), rows, checksum, offset));
    }
    let guard = target.write_guard().await;
    let txn = target.conn.begin().await?;
    start_run(&txn, target, source, inspection).await?;
    fresh_checkpoints(&txn, target, starts.iter().map(|s| s.0)).await?;
    for (name, rows, checksum, offset) in &starts {
        txn.execute_raw(target.stmt(
            "INSERT INTO goats_import_append (table_name, id_offset, before_rows, before_checksum, rows_merged) VALUES (?, ?, ?, ?, 0)",
            [(*name).into(), Value::from(*offset), Value::from(*rows as i64), Value::from(*checksum as i64)],
        ))
        .await?;
    }
    txn.commit().await?;
    drop(guard);
    drop_foreign_keys(target).await?;
    let phase = set_phase(target, Phase::Copying).await?;
    Ok(Run { phase, resumed: false, append: true })
}

async fn current_run(target: &Db) -> Result<Option<(Phase, String)>, ImportError> {
    if !target.table_names().await?.iter().any(|t| t == "goats_import_run") {
        return Ok(None);
    }
    let row =
        target.conn.query_one_raw(target.stmt("SELECT phase, source FROM goats_import_run WHERE id = 1", [])).await?;
    let Some(row) = row else { return Ok(None) };
    let phase = crate::row::text(&row, "phase")?;
    let phase = phase.parse().map_err(|_| ImportError::Refused(format!("unknown import phase `{phase}`")))?;
    Ok(Some((phase, crate::row::text(&row, "source")?)))
}

pub async fn set_phase(target: &Db, phase: Phase) -> Result<Phase, ImportError> {
    let finished = (phase == Phase::Done).then(|| target.now());
    target
        .conn
        .execute_raw(target.stmt(
            "UPDATE goats_import_run SET phase = ?, finished_at = ? WHERE id = 1",
            [<&str>::from(phase).into(), Value::ChronoDateTime(finished)],
        ))
        .await?;
    Ok(phase)
}

/// Sets the foreign keys aside, empties goats' per-person tables and OTRS's tables (the
/// default rows a new database starts with) and records a fresh start for every table.
async fn clear(target: &Db, tables: &[TablePlan]) -> Result<(), ImportError> {
    drop_foreign_keys(target).await?;
    let _w = target.write_guard().await;
    let txn = target.conn.begin().await?;
    for t in PER_USER_TABLES {
        txn.execute_unprepared(&format!("DELETE FROM {t}")).await?;
    }
    for t in schema::otrs_tables() {
        txn.execute_unprepared(&format!("DELETE FROM {}", t.name)).await?;
    }
    fresh_checkpoints(&txn, target, tables.iter().map(|t| t.name())).await?;
    txn.commit().await?;
    Ok(())
}

/// A fresh start recorded for each of these tables and for the article files: the
/// checkpoints and an append's starts of an earlier run are forgotten.
async fn fresh_checkpoints<'a>(
    txn: &DatabaseTransaction,
    target: &Db,
    tables: impl Iterator<Item = &'a str>,
) -> Result<(), ImportError> {
    txn.execute_unprepared("DELETE FROM goats_import_table").await?;
    txn.execute_unprepared("DELETE FROM goats_import_append").await?;
    for name in tables.chain([super::article_files::STEP]) {
        txn.execute_raw(target.stmt(
            "INSERT INTO goats_import_table (table_name, rows_done, rows_from_disk, checksum, finished) VALUES (?, 0, 0, 0, 0)",
            [name.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The OTRS foreign keys the target has now, lower-cased (PostgreSQL folds them).
async fn foreign_key_names(target: &Db) -> Result<Vec<String>, ImportError> {
    let sql = match target.dialect {
        Dialect::Sqlite => return Ok(Vec::new()),
        Dialect::Postgres => {
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
        }
        Dialect::MySql => {
            "SELECT constraint_name FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY' AND table_schema = DATABASE()"
        }
    };
    let rows = target.conn.query_all_raw(target.stmt(sql, [])).await?;
    Ok(rows.iter().filter_map(|r| crate::row::text_at(r, 0)).map(|n| n.to_lowercase()).collect())
}

/// On SQLite the keys are part of each table; the import's connection does not enforce
/// them (see `Db::connect_unchecked`) and [`finish`] checks them instead.
async fn drop_foreign_keys(target: &Db) -> Result<(), ImportError> {
    let present = foreign_key_names(target).await?;
    for t in schema::otrs_tables() {
        for fk in t.foreign_keys.iter().filter(|fk| present.contains(&fk.name.to_lowercase())) {
            let sql = match target.dialect {
                Dialect::MySql => format!("ALTER TABLE {} DROP FOREIGN KEY {}", t.name, fk.name),
                _ => format!("ALTER TABLE {} DROP CONSTRAINT {}", t.name, fk.name),
            };
            target.conn.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

/// Foreign keys back (each checks its rows), sequences past the copied ids.
pub async fn finish(target: &Db) -> Result<(), ImportError> {
    let present = foreign_key_names(target).await?;
    for t in schema::otrs_tables() {
        for (fk, sql) in t.foreign_keys.iter().zip(ddl::foreign_keys(target.dialect, t)) {
            if present.contains(&fk.name.to_lowercase()) {
                continue;
            }
            target.conn.execute_unprepared(&sql).await.map_err(|e| {
                ImportError::Verification(format!(
                    "the copied rows break the foreign key {} ({}.{} → {}): {e}",
                    fk.name, t.name, fk.column, fk.references_table
                ))
            })?;
        }
    }
    match target.dialect {
        Dialect::Sqlite => {
            let broken = target.conn.query_all_raw(target.stmt("PRAGMA foreign_key_check", [])).await?;
            if let Some(first) = broken.first() {
                let table = crate::row::text_at(first, 0).unwrap_or_default();
                let parent = crate::row::text_at(first, 2).unwrap_or_default();
                return Err(ImportError::Verification(format!(
                    "{} copied row(s) refer to rows that do not exist (first: a row of {table} refers to a missing {parent})",
                    broken.len()
                )));
            }
        }
        Dialect::Postgres => {
            for t in schema::otrs_tables() {
                for c in t.columns.iter().filter(|c| c.auto_increment) {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{t}', '{c}'), COALESCE((SELECT MAX({c}) FROM {t}), 1), (SELECT COUNT(*) > 0 FROM {t}))",
                        t = t.name,
                        c = c.name
                    );
                    target.conn.execute_unprepared(&sql).await?;
                }
            }
        }
        // InnoDB moves AUTO_INCREMENT past every id written explicitly.
        Dialect::MySql => {}
    }
    Ok(())
}
