//! `goats import otrs`: copies an OTRS or Znuny database into the database goats runs
//! on, whatever the two engines, ids and all, and proves the copy.
//!
//! The steps, in order: [`source::inspect`] finds what there is and what would break;
//! [`target::begin`] makes the target ready (or finds the interrupted run to continue);
//! [`copy::copy_table`] copies each table page by page with a checkpoint; then
//! [`target::finish`] restores the foreign keys and sequences, and [`verify`] compares
//! both sides.

mod append;
mod article_files;
mod cells;
mod copy;
mod source;
mod target;
mod verify;

use std::path::Path;
use std::time::Instant;

use article_files::ArticleFiles;

pub use source::{Inspection, TablePlan};
pub use verify::TableCheck;

use crate::{Db, SqlError, mask_url};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The import will not start: what is wrong and what to do instead.
    #[error("{0}")]
    Refused(String),
    /// The source holds data that cannot be carried as it is.
    #[error("the source has {} problem(s) to fix first:\n  - {}", .0.len(), .0.join("\n  - "))]
    Problems(Vec<String>),
    #[error("{table} (row {key}): {reason}")]
    BadData { table: String, key: String, reason: String },
    /// The copy finished but the two sides differ.
    #[error("verification failed: {0}")]
    Verification(String),
    #[error(transparent)]
    Sql(#[from] SqlError),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<sea_orm::TryGetError> for ImportError {
    fn from(e: sea_orm::TryGetError) -> Self {
        Self::Db(e.into())
    }
}

impl From<crate::row::Undecodable> for ImportError {
    fn from(e: crate::row::Undecodable) -> Self {
        Self::Sql(e.into())
    }
}

impl From<cells::BadValue> for ImportError {
    fn from(e: cells::BadValue) -> Self {
        Self::BadData { table: String::new(), key: String::new(), reason: e.to_string() }
    }
}

/// What the command shows while it works; the terminal gets bars, a log gets lines.
pub trait ImportProgress: Send {
    /// A step that is not a table (preparing the target, verifying).
    fn step(&mut self, what: &str);
    /// A table's copy starts (or resumes, with `done` rows already there).
    fn table(&mut self, name: &str, total: u64, done: u64);
    fn rows(&mut self, name: &str, done: u64);
    fn table_done(&mut self, name: &str, rows: u64);
}

/// What an import did and found, written as JSON with `--report`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub source: String,
    pub source_version: String,
    pub source_time_zone: String,
    pub resumed: bool,
    /// Whether the source was added to a target that held tickets (`--append`).
    pub appended: bool,
    pub rows: u64,
    pub seconds: f64,
    pub tables: Vec<TableCheck>,
    pub sampled_tickets: Vec<i64>,
    pub mismatches: Vec<String>,
    pub not_carried_tables: Vec<String>,
    pub not_carried_columns: Vec<String>,
    /// With `--append`: the source's tables (with rows) left out because the target's
    /// own settings stand.
    pub kept_from_target: Vec<String>,
    pub ok: bool,
}

/// Connects to the source and finds what an import would copy. Changes nothing.
/// `attachments_dir` is a copy of OTRS's `ArticleDataDir`, for a site that keeps
/// article files on disk.
pub async fn inspect(source_url: &str, attachments_dir: Option<&Path>) -> Result<(Db, Inspection), ImportError> {
    let files = attachments_dir.map(ArticleFiles::open).transpose()?;
    let source = Db::connect(source_url).await?;
    let inspection = source::inspect(&source, files).await?;
    Ok((source, inspection))
}

/// Copies what `inspection` found from `source` into `target` and verifies the copy.
/// `target` should be connected with [`Db::connect_unchecked`]: rows come in table by
/// table, before the rows they refer to. With `append` the target may hold tickets, and
/// the source's are added to them (see [`append`]).
pub async fn run(
    source_url: &str,
    source: &Db,
    inspection: &Inspection,
    target: &Db,
    append: bool,
    progress: &mut dyn ImportProgress,
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let label = mask_url(source_url);
    let reading = inspection.reading();
    progress.step("preparing the target database");
    let run = target::begin(target, source, &label, inspection, append).await?;
    let plans: Vec<TablePlan> =
        inspection.tables.iter().filter(|p| !run.append || append::carried(p.name())).cloned().collect();
    let remap = match run.append {
        true => {
            progress.step("matching the source's queues, agents and other names with the target's");
            Some(append::remap(source, &reading, target, &plans).await?)
        }
        false => None,
    };
    if run.phase == target::Phase::Copying {
        for plan in &plans {
            let at = copy::checkpoint(target, plan.name()).await?;
            progress.table(plan.name(), plan.rows.max(at.rows_done), at.rows_done);
            let name = plan.name().to_string();
            let mut report = |done: u64| progress.rows(&name, done);
            let started = Instant::now();
            let done = copy::copy_table(source, &reading, target, plan, remap.as_ref(), &mut report).await?;
            tracing::debug!(
                table = plan.name(),
                rows = done.rows_done,
                ms = started.elapsed().as_millis() as u64,
                "copied"
            );
            progress.table_done(plan.name(), done.rows_done);
        }
        if let Some(files) = &inspection.files {
            let articles = inspection.tables.iter().find(|t| t.name() == "article_data_mime").map_or(0, |t| t.rows);
            let at = copy::checkpoint(target, article_files::STEP).await?;
            progress.table(article_files::STEP, articles.max(at.rows_done), at.rows_done);
            let mut report = |done: u64| progress.rows(article_files::STEP, done);
            let done =
                article_files::copy(files, source, &reading, target, &plans, remap.as_ref(), &mut report).await?;
            progress.table_done(article_files::STEP, done);
        }
        target::set_phase(target, target::Phase::Finishing).await?;
    }
    progress.step("restoring foreign keys and sequences");
    target::finish(target).await?;

    progress.step("verifying row counts and checksums");
    let mut tables = Vec::new();
    for plan in &plans {
        let started = Instant::now();
        let copied = copy::checkpoint(target, plan.name()).await?;
        let start = if run.append { append::table_start(target, plan.name()).await? } else { None };
        tables.push(verify::table(source, target, plan, &copied, start.as_ref()).await?);
        tracing::debug!(table = plan.name(), ms = started.elapsed().as_millis() as u64, "verified");
    }
    progress.step("comparing a sample of tickets field by field");
    let (sampled_tickets, mismatches) =
        verify::sample(source, &reading, target, &plans, inspection.files.as_ref(), remap.as_ref()).await?;
    let ok = tables.iter().all(|t| t.ok) && mismatches.is_empty();
    if ok {
        target::set_phase(target, target::Phase::Done).await?;
    }
    Ok(ImportReport {
        source: label,
        source_version: inspection.version.clone(),
        source_time_zone: inspection.time_zone.clone(),
        resumed: run.resumed,
        appended: run.append,
        rows: tables.iter().map(|t| t.target_rows).sum(),
        seconds: started.elapsed().as_secs_f64(),
        tables,
        sampled_tickets,
        mismatches,
        not_carried_tables: inspection.not_carried_tables.clone(),
        not_carried_columns: inspection.not_carried_columns.clone(),
        kept_from_target: inspection
            .tables
            .iter()
            .filter(|p| run.append && !append::carried(p.name()) && p.rows > 0)
            .map(|p| p.name().to_string())
            .collect(),
        ok,
    })
}
