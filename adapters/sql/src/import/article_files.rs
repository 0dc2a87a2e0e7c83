//! Articles whose message and attachments OTRS kept on disk (ArticleStorageFS, laid
//! out as `crate::article_dir` describes). The import writes them into the tables OTRS's
//! database storage uses, so goats serves them like any other; an article that has rows
//! in the database already (stored before a switch of backend) keeps those.

use std::collections::BTreeMap;
use std::path::Path;

use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait, Value};

use super::ImportError;
use super::append::Remap;
use super::cells::{self, Cell, Kind, Reading};
use super::source::TablePlan;
use crate::Db;
use crate::article_dir::ArticleDir;

pub const PLAIN: &str = "article_data_mime_plain";
pub const ATTACHMENTS: &str = "article_data_mime_attachment";
/// The checkpoint row of this step in `goats_import_table`.
pub const STEP: &str = "(article files on disk)";
const ARTICLES_PER_PAGE: u64 = 200;

/// A copy of OTRS's `ArticleDataDir`, named by `--attachments-dir`.
#[derive(Debug, Clone)]
pub struct ArticleFiles {
    dir: ArticleDir,
}

/// One article as `article_data_mime` describes it.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    pub article_id: i64,
    pub content_path: String,
    pub created: Cell,
    pub created_by: Cell,
}

/// The rows an article's folder stands for, each without its id (the target gives
/// them the next ones).
#[derive(Debug, Default)]
pub struct DiskRows {
    pub plain: Vec<BTreeMap<&'static str, Cell>>,
    pub attachments: Vec<BTreeMap<&'static str, Cell>>,
}

impl ArticleFiles {
    pub fn open(root: &Path) -> Result<Self, ImportError> {
        let dir = ArticleDir::open(root, "attachments directory").map_err(ImportError::Refused)?;
        Ok(Self { dir })
    }

    /// What lies on disk for `article`, skipping the parts `in_database` already has
    /// (`(plain, attachments)`).
    pub fn rows(&self, article: &StoredArticle, in_database: (bool, bool)) -> Result<DiskRows, ImportError> {
        let (path, id) = (article.content_path.as_str(), article.article_id);
        let mut out = DiskRows::default();
        let stamp = |mut row: BTreeMap<&'static str, Cell>| {
            for (k, v) in [
                ("article_id", Cell::Int(id)),
                ("create_time", article.created.clone()),
                ("create_by", article.created_by.clone()),
                ("change_time", article.created.clone()),
                ("change_by", article.created_by.clone()),
            ] {
                row.insert(k, v);
            }
            row
        };
        if !in_database.0
            && let Some(body) = self.dir.plain(path, id).map_err(ImportError::Refused)?
        {
            out.plain.push(stamp(BTreeMap::from([("body", Cell::Bytes(body))])));
        }
        if in_database.1 {
            return Ok(out);
        }
        let text = |v: Option<String>| v.map_or(Cell::Null, Cell::Text);
        for file in self.dir.files(path, id).map_err(ImportError::Refused)? {
            let content = file.content().map_err(ImportError::Refused)?;
            out.attachments.push(stamp(BTreeMap::from([
                ("content_size", Cell::Text(content.len().to_string())),
                ("content", Cell::Bytes(content)),
                ("filename", Cell::Text(file.filename)),
                ("content_type", text(file.content_type)),
                ("content_id", text(file.content_id)),
                ("content_alternative", text(file.content_alternative)),
                ("disposition", text(file.disposition)),
            ])));
        }
        Ok(out)
    }
}

/// A row of `plan`'s columns from named cells; `id` as given.
pub fn ordered(plan: &TablePlan, id: Cell, named: &BTreeMap<&'static str, Cell>) -> Vec<Cell> {
    plan.columns
        .iter()
        .map(|(c, _)| if c == "id" { id.clone() } else { named.get(c.as_str()).cloned().unwrap_or(Cell::Null) })
        .collect()
}

pub async fn articles_after(
    source: &Db,
    reading: &Reading,
    after: i64,
    limit: Option<u64>,
    only: Option<&[i64]>,
) -> Result<Vec<StoredArticle>, ImportError> {
    let time = Kind::Time.select(source.dialect, "create_time");
    let by = Kind::Int.select(source.dialect, "create_by");
    let id = Kind::Int.select(source.dialect, "article_id");
    let mut values = vec![Value::from(after)];
    let mut filter = String::new();
    if let Some(ids) = only {
        filter = format!(" AND article_id IN ({})", vec!["?"; ids.len()].join(", "));
        values.extend(ids.iter().map(|i| Value::from(*i)));
    }
    let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
    let sql = format!(
        "SELECT {id}, content_path, {time}, {by} FROM article_data_mime WHERE article_id > ? AND content_path IS NOT NULL{filter} ORDER BY article_id{limit}"
    );
    let rows = source.conn.query_all_raw(source.stmt(&sql, values)).await?;
    rows.iter().map(|r| stored(reading, r)).collect()
}

fn stored(reading: &Reading, r: &QueryResult) -> Result<StoredArticle, ImportError> {
    let Cell::Int(article_id) = reading.read(r, 0, "article_id", Kind::Int)? else {
        return Err(ImportError::Refused("an article_data_mime row without an article id".into()));
    };
    let content_path = match reading.read(r, 1, "content_path", Kind::Text)? {
        Cell::Text(s) => s,
        _ => String::new(),
    };
    Ok(StoredArticle {
        article_id,
        content_path,
        created: reading.read(r, 2, "create_time", Kind::Time)?,
        created_by: reading.read(r, 3, "create_by", Kind::Int)?,
    })
}

/// Which of `ids` have rows in `table` of `db` already.
pub async fn with_rows(db: &Db, table: &str, ids: &[i64]) -> Result<Vec<i64>, ImportError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT DISTINCT {} FROM {table} WHERE article_id IN ({})",
        Kind::Int.select(db.dialect, "article_id"),
        vec!["?"; ids.len()].join(", ")
    );
    let rows = db.conn.query_all_raw(db.stmt(&sql, ids.iter().map(|i| Value::from(*i)))).await?;
    Ok(rows.iter().filter_map(|r| r.try_get_by_index::<i64>(0).ok()).collect())
}

/// Copies the files of every article after the step's checkpoint, a page of articles
/// per transaction, adding each row to its table's checkpoint (rows, checksum and the
/// count that came from disk) so verification expects them.
pub async fn copy(
    files: &ArticleFiles,
    source: &Db,
    reading: &Reading,
    target: &Db,
    plans: &[TablePlan],
    remap: Option<&Remap>,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ImportError> {
    let (Some(plain_plan), Some(files_plan)) =
        (plans.iter().find(|p| p.name() == PLAIN), plans.iter().find(|p| p.name() == ATTACHMENTS))
    else {
        return Ok(0);
    };
    let mut at = super::copy::checkpoint(target, STEP).await?;
    while !at.finished {
        let after = at.last_key.as_deref().and_then(|k| k.parse().ok()).unwrap_or(0);
        let page = articles_after(source, reading, after, Some(ARTICLES_PER_PAGE), None).await?;
        let ids: Vec<i64> = page.iter().map(|a| a.article_id).collect();
        let has_plain = with_rows(source, &plain_plan.source_name, &ids).await?;
        let has_files = with_rows(source, &files_plan.source_name, &ids).await?;
        let mut plain_rows = Vec::new();
        let mut file_rows = Vec::new();
        for a in &page {
            let rows = files.rows(a, (has_plain.contains(&a.article_id), has_files.contains(&a.article_id)))?;
            plain_rows.extend(rows.plain);
            file_rows.extend(rows.attachments);
        }
        let _w = target.write_guard().await;
        let txn = target.conn.begin().await?;
        for (plan, rows) in [(plain_plan, &plain_rows), (files_plan, &file_rows)] {
            if rows.is_empty() {
                continue;
            }
            let max = txn.query_one_raw(target.stmt(&format!("SELECT MAX(id) FROM {}", plan.name()), [])).await?;
            let first_id = max.and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok().flatten()).unwrap_or(0) + 1;
            let mut share = 0u64;
            let names = plan.columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ");
            let marks = plan.columns.iter().map(|(_, k)| k.placeholder()).collect::<Vec<_>>().join(", ");
            for (id, named) in (first_id..).zip(rows.iter()) {
                let mut row = ordered(plan, Cell::Null, named);
                if let Some(remap) = remap {
                    // The article and the agent as the target names them.
                    row = remap.row(plan, &row);
                }
                if let Some(at) = plan.columns.iter().position(|(c, _)| c == "id") {
                    row[at] = Cell::Int(id);
                }
                share = share.wrapping_add(super::verify::checksum_share(plan, &row));
                let values: Vec<Value> =
                    plan.columns.iter().zip(&row).map(|((_, k), c)| cells::value(target.dialect, *k, c)).collect();
                txn.execute_raw(
                    target.stmt(&format!("INSERT INTO {} ({names}) VALUES ({marks})", plan.name()), values),
                )
                .await?;
            }
            txn.execute_raw(target.stmt(
                "UPDATE goats_import_table SET rows_done = rows_done + ?, rows_from_disk = rows_from_disk + ?, checksum = ? WHERE table_name = ?",
                [
                    Value::from(rows.len() as i64),
                    Value::from(rows.len() as i64),
                    Value::from(super::copy::checkpoint_in(&txn, target, plan.name()).await?.checksum.wrapping_add(share) as i64),
                    plan.name().into(),
                ],
            ))
            .await?;
        }
        at.rows_done += page.len() as u64;
        at.finished = (page.len() as u64) < ARTICLES_PER_PAGE;
        at.last_key = page.last().map(|a| a.article_id.to_string()).or(at.last_key);
        txn.execute_raw(target.stmt(
            "UPDATE goats_import_table SET last_key = ?, rows_done = ?, finished = ? WHERE table_name = ?",
            [
                Value::String(at.last_key.clone()),
                Value::from(at.rows_done as i64),
                Value::from(i32::from(at.finished)),
                STEP.into(),
            ],
        ))
        .await?;
        txn.commit().await?;
        progress(at.rows_done);
    }
    Ok(at.rows_done)
}
