//! Proof that the target holds what the source holds: row counts per table on both
//! sides, a checksum over every column but the octets of each table, and a sample of
//! tickets compared field by field with everything hanging off them, octets included.

use sea_orm::{ConnectionTrait, Value};

use super::ImportError;
use super::append::{Remap, TableStart};
use super::article_files::{self, ArticleFiles};
use super::cells::{self, Cell, Kind, Reading};
use super::copy::{Checkpoint, read_row, select_list};
use super::source::{TablePlan, count};
use crate::Db;

const SAMPLE_TICKETS: i64 = 25;
const MOST_MISMATCHES: usize = 50;
const CHECK_PAGE: u64 = 5000;
/// Rows per page of a table with long texts, whose values can be megabytes each.
const CHECK_PAGE_LARGE: u64 = 200;

/// One table's side-by-side figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableCheck {
    pub table: String,
    pub source_rows: u64,
    pub target_rows: u64,
    /// Rows made from ArticleStorageFS files, counted in `target_rows` and the checksum.
    pub from_disk: u64,
    /// After an append: the rows the target held before, and the source rows merged
    /// into target rows rather than added.
    pub target_rows_before: u64,
    pub merged: u64,
    /// The checksum the target should have: the source's rows as written (plus, after
    /// an append, the target's rows before).
    pub source_checksum: String,
    pub target_checksum: String,
    pub ok: bool,
}

/// The part of a row the checksum covers: every column but the octets, which would
/// mean reading every attachment twice (the ticket sample compares those).
pub fn checksum_share(plan: &TablePlan, row: &[Cell]) -> u64 {
    cells::row_hash(plan.columns.iter().zip(row).filter(|((_, k), _)| *k != Kind::Binary).map(|(_, c)| c))
}

/// Counts both sides and checksums the target, against the checksum the copy took of
/// the source as it read it. After an append the target's table also holds what it
/// held before (`start`): its rows and checksum are added to what the copy wrote, and
/// the source's rows are those written plus those merged into target rows.
pub async fn table(
    source: &Db,
    target: &Db,
    plan: &TablePlan,
    copied: &Checkpoint,
    start: Option<&TableStart>,
) -> Result<TableCheck, ImportError> {
    let source_rows = count(source, &plan.source_name).await?;
    let (target_rows, sum) = checksum_of(target, plan).await?;
    let before = start.cloned().unwrap_or_default();
    let expected_sum = before.before_checksum.wrapping_add(copied.checksum);
    Ok(TableCheck {
        table: plan.name().to_string(),
        source_rows,
        target_rows,
        from_disk: copied.from_disk,
        target_rows_before: before.before_rows,
        merged: before.rows_merged,
        source_checksum: format!("{expected_sum:016x}"),
        target_checksum: format!("{sum:016x}"),
        ok: source_rows + copied.from_disk == copied.rows_done + before.rows_merged
            && before.before_rows + copied.rows_done == target_rows
            && expected_sum == sum,
    })
}

/// The rows of `plan`'s table in `target` and their checksum, over the columns the
/// copy carries.
pub async fn checksum_of(target: &Db, plan: &TablePlan) -> Result<(u64, u64), ImportError> {
    let covered: Vec<(String, Kind)> = plan.columns.iter().filter(|(_, k)| *k != Kind::Binary).cloned().collect();
    let key = plan.table.primary_key.first().cloned().unwrap_or_else(|| "id".into());
    let key_kind = plan.table.column(&key).map_or(Kind::Int, |c| Kind::of(plan.name(), c));
    let mut columns = covered.clone();
    columns.push((key.clone(), key_kind));
    let reading = Reading::utc(target.dialect);
    let select = select_list(target.dialect, &columns);
    let (mut rows_seen, mut sum) = (0u64, 0u64);
    let mut after: Option<Cell> = None;
    loop {
        let (filter, values) = match &after {
            Some(c) => (format!(" WHERE {key} > ?"), vec![cells::value(target.dialect, key_kind, c)]),
            None => (String::new(), Vec::<Value>::new()),
        };
        let page = if plan.large_columns().is_empty() { CHECK_PAGE } else { CHECK_PAGE_LARGE };
        let sql = format!("SELECT {select} FROM {}{filter} ORDER BY {key} LIMIT {page}", plan.name());
        let rows = target.conn.query_all_raw(target.stmt(&sql, values)).await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let mut row = Vec::with_capacity(columns.len());
            for (i, (name, kind)) in columns.iter().enumerate() {
                row.push(reading.read(r, i, name, *kind)?);
            }
            after = row.pop();
            sum = sum.wrapping_add(cells::row_hash(&row));
            rows_seen += 1;
        }
    }
    Ok((rows_seen, sum))
}

/// Tables compared for each sampled ticket, and the column that ties them to it
/// (`ticket` by the ticket id, `article…` by its articles' ids).
const TICKET_PARTS: &[(&str, &str)] = &[
    ("ticket", "id"),
    ("article", "ticket_id"),
    ("ticket_history", "ticket_id"),
    ("ticket_flag", "ticket_id"),
    ("ticket_watcher", "ticket_id"),
    ("time_accounting", "ticket_id"),
    ("article_data_mime", "article_id"),
    ("article_data_mime_plain", "article_id"),
    ("article_data_mime_attachment", "article_id"),
    ("article_flag", "article_id"),
];

/// Tickets spread evenly over the source's ids, each compared with its articles,
/// history, flags and files. Returns the ids compared and what differed.
pub async fn sample(
    source: &Db,
    reading: &Reading,
    target: &Db,
    plans: &[TablePlan],
    files: Option<&ArticleFiles>,
    remap: Option<&Remap>,
) -> Result<(Vec<i64>, Vec<String>), ImportError> {
    let bounds = source.conn.query_one_raw(source.stmt("SELECT MIN(id), MAX(id) FROM ticket", [])).await?;
    let (low, high) = match bounds {
        Some(r) => (r.try_get_by_index::<Option<i64>>(0)?, r.try_get_by_index::<Option<i64>>(1)?),
        None => (None, None),
    };
    let (Some(low), Some(high)) = (low, high) else { return Ok((Vec::new(), Vec::new())) };
    let mut ids = Vec::new();
    for i in 0..SAMPLE_TICKETS {
        let at = low + (high - low) * i / (SAMPLE_TICKETS - 1).max(1);
        let row = source
            .conn
            .query_one_raw(source.stmt("SELECT id FROM ticket WHERE id >= ? ORDER BY id LIMIT 1", [at.into()]))
            .await?;
        let id = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?;
        if let Some(id) = id.filter(|id| !ids.contains(id)) {
            ids.push(id);
        }
    }
    let mut mismatches = Vec::new();
    for &ticket in &ids {
        let articles = article_ids(source, ticket).await?;
        for (table, by) in TICKET_PARTS {
            let Some(plan) = plans.iter().find(|p| p.name() == *table) else { continue };
            let (keys, kind) =
                if *by == "article_id" { (articles.clone(), "article") } else { (vec![ticket], "ticket") };
            if keys.is_empty() {
                continue;
            }
            let target_keys: Vec<i64> = keys.iter().map(|&k| remap.map_or(k, |r| r.id(kind, k))).collect();
            let mut theirs = rows_of(source, reading, plan, &plan.source_name, by, &keys).await?;
            let mut ours = rows_of(target, &Reading::utc(target.dialect), plan, plan.name(), by, &target_keys).await?;
            if let Some(files) = files.filter(|_| [article_files::PLAIN, article_files::ATTACHMENTS].contains(table)) {
                // Rows from disk got their ids in the target; the checksum covers those.
                theirs.extend(disk_rows(files, source, reading, plan, &articles).await?);
                let id = plan.columns.iter().position(|(c, _)| c == "id");
                for row in theirs.iter_mut().chain(ours.iter_mut()) {
                    if let Some(i) = id {
                        row[i] = Cell::Null;
                    }
                }
            }
            if let Some(remap) = remap {
                theirs = theirs.iter().map(|row| remap.row(plan, row)).collect();
            }
            theirs.sort();
            ours.sort();
            if theirs != ours {
                mismatches.push(describe(ticket, plan, &theirs, &ours));
                if mismatches.len() >= MOST_MISMATCHES {
                    return Ok((ids, mismatches));
                }
            }
        }
    }
    Ok((ids, mismatches))
}

async fn disk_rows(
    files: &ArticleFiles,
    source: &Db,
    reading: &Reading,
    plan: &TablePlan,
    articles: &[i64],
) -> Result<Vec<Vec<Cell>>, ImportError> {
    let stored = article_files::articles_after(source, reading, 0, None, Some(articles)).await?;
    let in_db = article_files::with_rows(source, &plan.source_name, articles).await?;
    let mut out = Vec::new();
    for a in &stored {
        let has = in_db.contains(&a.article_id);
        let rows = files.rows(a, (has, has))?;
        let named = if plan.name() == article_files::PLAIN { rows.plain } else { rows.attachments };
        out.extend(named.iter().map(|n| article_files::ordered(plan, Cell::Null, n)));
    }
    Ok(out)
}

async fn article_ids(source: &Db, ticket: i64) -> Result<Vec<i64>, ImportError> {
    let rows = source
        .conn
        .query_all_raw(source.stmt("SELECT id FROM article WHERE ticket_id = ? ORDER BY id", [ticket.into()]))
        .await?;
    Ok(rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<_, _>>()?)
}

async fn rows_of(
    db: &Db,
    reading: &Reading,
    plan: &TablePlan,
    table: &str,
    by: &str,
    keys: &[i64],
) -> Result<Vec<Vec<Cell>>, ImportError> {
    let marks = vec!["?"; keys.len()].join(", ");
    let sql = format!("SELECT {} FROM {table} WHERE {by} IN ({marks})", select_list(db.dialect, &plan.columns));
    let rows = db.conn.query_all_raw(db.stmt(&sql, keys.iter().map(|k| Value::from(*k)))).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(read_row(reading, plan, r)?);
    }
    Ok(out)
}

fn describe(ticket: i64, plan: &TablePlan, theirs: &[Vec<Cell>], ours: &[Vec<Cell>]) -> String {
    if theirs.len() != ours.len() {
        return format!(
            "ticket {ticket}: {} has {} row(s) in the source, {} in the target",
            plan.name(),
            theirs.len(),
            ours.len()
        );
    }
    for (a, b) in theirs.iter().zip(ours) {
        for (((name, _), x), y) in plan.columns.iter().zip(a).zip(b) {
            if x != y {
                return format!(
                    "ticket {ticket}: {}.{name} is {} in the source and {} in the target",
                    plan.name(),
                    show(x),
                    show(y)
                );
            }
        }
    }
    format!("ticket {ticket}: {} differs", plan.name())
}

fn show(c: &Cell) -> String {
    serde_json::to_string(c).unwrap_or_default()
}
