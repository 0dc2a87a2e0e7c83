//! Copying one table: pages of rows in key order, each written with the table's
//! checkpoint in one transaction, so an interrupted copy continues after the last page
//! that committed and never writes a row twice.

use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait, Value};

use super::ImportError;
use super::append::Remap;
use super::cells::{self, Cell, Kind, Reading};
use super::source::TablePlan;
use crate::{Db, Dialect};

/// Rows per page.
const PAGE_ROWS: u64 = 1000;
/// A page of a table with large columns holds about this many bytes of them (a single
/// larger row comes alone), which bounds the memory the copy needs.
const PAGE_BYTES: u64 = 8 * 1024 * 1024;
/// Bound parameters per INSERT: below SQLite's limit of 32,766.
const MOST_PARAMETERS: usize = 30_000;

/// Where a table's copy stands (`goats_import_table`).
#[derive(Debug, Clone, Default)]
pub struct Checkpoint {
    pub last_key: Option<String>,
    pub rows_done: u64,
    /// Of `rows_done`, the rows made from files on disk (see `article_files`).
    pub from_disk: u64,
    pub checksum: u64,
    pub finished: bool,
}

pub async fn checkpoint(target: &Db, table: &str) -> Result<Checkpoint, ImportError> {
    checkpoint_in(&target.conn, target, table).await
}

/// [`checkpoint`] inside a transaction that is changing it.
pub async fn checkpoint_in<C: ConnectionTrait>(conn: &C, target: &Db, table: &str) -> Result<Checkpoint, ImportError> {
    let row = conn
        .query_one_raw(target.stmt(
            "SELECT last_key, rows_done, rows_from_disk, checksum, finished FROM goats_import_table WHERE table_name = ?",
            [table.into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(Checkpoint::default()) };
    Ok(Checkpoint {
        last_key: crate::row::opt_text(&row, "last_key")?,
        rows_done: crate::row::int(&row, "rows_done")?.max(0) as u64,
        from_disk: crate::row::int(&row, "rows_from_disk")?.max(0) as u64,
        checksum: crate::row::int(&row, "checksum")? as u64,
        finished: crate::row::int(&row, "finished")? != 0,
    })
}

/// Copies what is left of `plan`'s table, calling `progress` with the rows done after
/// each page. Returns the table's final checkpoint. With `append`, each row is written
/// as the target names things, and a row the target holds already is merged (counted,
/// not written).
pub async fn copy_table(
    source: &Db,
    reading: &Reading,
    target: &Db,
    plan: &TablePlan,
    append: Option<&Remap>,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<Checkpoint, ImportError> {
    let mut at = checkpoint(target, plan.name()).await?;
    while !at.finished {
        let (rows, last) = next_page(source, plan, &at).await?;
        let mut cells = Vec::with_capacity(rows.len());
        for r in &rows {
            cells.push(read_row(reading, plan, r).map_err(|e| ImportError::BadData {
                table: plan.name().to_string(),
                key: key_text(plan, r, reading),
                reason: e.to_string(),
            })?);
        }
        drop(rows);
        let mut next = at.clone();
        next.finished = last;
        if let Some(last) = cells.last() {
            next.last_key = key_index(plan).map(|i| cell_text(&last[i]));
        }
        let mut merged = 0;
        if let Some(remap) = append {
            let moved: Vec<Vec<Cell>> = cells.iter().map(|row| remap.row(plan, row)).collect();
            let found = super::append::in_target(target, plan, &moved).await?;
            merged = found.iter().filter(|f| f.is_some()).count() as u64;
            cells = moved.into_iter().zip(found).filter(|(_, f)| f.is_none()).map(|(row, _)| row).collect();
        }
        next.rows_done += cells.len() as u64;
        for row in &cells {
            next.checksum = next.checksum.wrapping_add(super::verify::checksum_share(plan, row));
        }
        write_page(target, plan, &cells, &next, merged).await?;
        at = next;
        progress(at.rows_done);
    }
    Ok(at)
}

fn key_index(plan: &TablePlan) -> Option<usize> {
    let (key, _) = plan.key.as_ref()?;
    plan.columns.iter().position(|(c, _)| c == key)
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Int(i) => i.to_string(),
        Cell::Text(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

fn key_text(plan: &TablePlan, row: &QueryResult, reading: &Reading) -> String {
    match (key_index(plan), &plan.key) {
        (Some(i), Some((name, kind))) => reading.read(row, i, name, *kind).map(|c| cell_text(&c)).unwrap_or_default(),
        _ => String::new(),
    }
}

pub fn read_row(reading: &Reading, plan: &TablePlan, row: &QueryResult) -> Result<Vec<Cell>, cells::BadValue> {
    plan.columns.iter().enumerate().map(|(i, (name, kind))| reading.read(row, i, name, *kind)).collect()
}

pub fn select_list(dialect: Dialect, columns: &[(String, Kind)]) -> String {
    columns.iter().map(|(c, k)| k.select(dialect, c)).collect::<Vec<_>>().join(", ")
}

/// The key value bound in `WHERE key > ?`, typed as the key column is.
fn key_value(plan: &TablePlan, text: &str) -> Result<Value, ImportError> {
    match &plan.key {
        Some((_, Kind::Int)) => text.parse::<i64>().map(Value::from).map_err(|_| {
            ImportError::Refused(format!("the checkpoint of {} holds `{text}`, which is not an id", plan.name()))
        }),
        _ => Ok(Value::from(text.to_string())),
    }
}

/// The rows after `at`, and whether they are the table's last.
async fn next_page(source: &Db, plan: &TablePlan, at: &Checkpoint) -> Result<(Vec<QueryResult>, bool), ImportError> {
    let full = |rows: Vec<QueryResult>| {
        let last = (rows.len() as u64) < PAGE_ROWS;
        (rows, last)
    };
    let select = select_list(source.dialect, &plan.columns);
    let table = &plan.source_name;
    let Some((key, key_kind)) = plan.key.clone() else {
        // No key in the source (older OTRS): every column orders the rows, and the rows
        // done so far are skipped.
        let order = plan.columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT {select} FROM {table} ORDER BY {order} LIMIT {PAGE_ROWS} OFFSET {}", at.rows_done);
        return Ok(full(source.conn.query_all_raw(source.stmt(&sql, [])).await?));
    };
    let after = at.last_key.as_deref().map(|k| key_value(plan, k)).transpose()?;
    let (filter, mut values) = match &after {
        Some(v) => (format!(" WHERE {key} > ?"), vec![v.clone()]),
        None => (String::new(), vec![]),
    };
    let large = plan.large_columns();
    if large.is_empty() {
        let sql = format!("SELECT {select} FROM {table}{filter} ORDER BY {key} LIMIT {PAGE_ROWS}");
        return Ok(full(source.conn.query_all_raw(source.stmt(&sql, values)).await?));
    }
    // Find how far a page of about PAGE_BYTES reaches before reading the values.
    let length = |c: &str| match source.dialect {
        Dialect::Postgres => format!("COALESCE(OCTET_LENGTH({c}), 0)"),
        _ => format!("COALESCE(LENGTH({c}), 0)"),
    };
    let sizes = large.iter().map(|c| length(c));
    let size = sizes.collect::<Vec<_>>().join(" + ");
    let sql = format!(
        "SELECT {}, {size} FROM {table}{filter} ORDER BY {key} LIMIT {PAGE_ROWS}",
        key_kind.select(source.dialect, &key)
    );
    let probe = source.conn.query_all_raw(source.stmt(&sql, values.clone())).await?;
    let mut bytes = 0u64;
    let mut until = None;
    let mut taken = 0;
    for r in &probe {
        let size = r.try_get_by_index::<Option<i64>>(1).ok().flatten().unwrap_or(0).max(0) as u64;
        if until.is_some() && bytes + size > PAGE_BYTES {
            break;
        }
        bytes += size;
        taken += 1;
        until = Some(Reading::utc(source.dialect).read(r, 0, &key, key_kind)?);
    }
    let last = taken == probe.len() && (probe.len() as u64) < PAGE_ROWS;
    let Some(until) = until else { return Ok((Vec::new(), true)) };
    values.push(cells::value(source.dialect, key_kind, &until));
    let bound = if filter.is_empty() { " WHERE " } else { " AND " };
    let sql = format!("SELECT {select} FROM {table}{filter}{bound}{key} <= ? ORDER BY {key}");
    Ok((source.conn.query_all_raw(source.stmt(&sql, values)).await?, last))
}

/// The page's rows and the checkpoint after them (with the rows an append merged), in
/// one transaction.
async fn write_page(
    target: &Db,
    plan: &TablePlan,
    rows: &[Vec<Cell>],
    next: &Checkpoint,
    merged: u64,
) -> Result<(), ImportError> {
    let _w = target.write_guard().await;
    let txn = target.conn.begin().await?;
    let names = plan.columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ");
    let marks = format!("({})", plan.columns.iter().map(|(_, k)| k.placeholder()).collect::<Vec<_>>().join(", "));
    let per_insert = (MOST_PARAMETERS / plan.columns.len().max(1)).max(1);
    for chunk in rows.chunks(per_insert) {
        let sql =
            format!("INSERT INTO {} ({names}) VALUES {}", plan.name(), vec![marks.as_str(); chunk.len()].join(", "));
        let values = chunk.iter().flat_map(|row| {
            plan.columns.iter().zip(row).map(|((_, kind), cell)| cells::value(target.dialect, *kind, cell))
        });
        txn.execute_raw(target.stmt(&sql, values.collect::<Vec<_>>())).await.map_err(|e| ImportError::BadData {
            table: plan.name().to_string(),
            key: String::new(),
            reason: format!("writing failed: {e}"),
        })?;
    }
    txn.execute_raw(target.stmt(
        "UPDATE goats_import_table SET last_key = ?, rows_done = ?, checksum = ?, finished = ? WHERE table_name = ?",
        [
            Value::String(next.last_key.clone()),
            Value::from(next.rows_done as i64),
            Value::from(next.checksum as i64),
            Value::from(i32::from(next.finished)),
            plan.name().into(),
        ],
    ))
    .await?;
    if merged > 0 {
        txn.execute_raw(target.stmt(
            "UPDATE goats_import_append SET rows_merged = rows_merged + ? WHERE table_name = ?",
            [Value::from(merged as i64), plan.name().into()],
        ))
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
