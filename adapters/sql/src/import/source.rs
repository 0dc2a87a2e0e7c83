//! What an OTRS database holds, found before anything is copied: which of goats' tables
//! it has and with which columns, what cannot be carried, the data problems that would
//! break the copy, and how its values are to be read (time zone, character set).

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::ConnectionTrait;

use super::ImportError;
use super::article_files::ArticleFiles;
use super::cells::{Kind, Reading};
use crate::schema::{self, ColumnType, Table};
use crate::{Db, Dialect};

/// Older OTRS releases name a goats table differently.
const RENAMED: &[(&str, &str)] = &[("groups", "permission_groups")];

/// One table to copy: goats' definition and where its rows come from.
#[derive(Debug, Clone)]
pub struct TablePlan {
    pub table: &'static Table,
    /// The source table's name (differs for renamed tables).
    pub source_name: String,
    /// The columns both sides have, in goats' order, with how each is read.
    pub columns: Vec<(String, Kind)>,
    /// The primary key column, when the source has it (a single column in every OTRS
    /// table); rows are read in its order and the copy resumes after the last one.
    pub key: Option<(String, Kind)>,
    pub rows: u64,
}

impl TablePlan {
    pub fn name(&self) -> &str {
        &self.table.name
    }

    /// The columns whose values can be megabytes (octets, long texts): pages of these
    /// tables are cut by size rather than by rows, so memory stays bounded.
    pub fn large_columns(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|(name, kind)| {
                matches!(kind, Kind::Binary | Kind::TextBlob)
                    || self
                        .table
                        .column(name)
                        .is_some_and(|c| matches!(c.ty, ColumnType::MediumText | ColumnType::LongText))
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// The outcome of inspecting a source: the plan, and everything a person must know
/// before trusting it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Inspection {
    /// What the tables say the source is, e.g. "Znuny 6.1 or newer (permission_groups)".
    pub version: String,
    pub time_zone: String,
    pub charset: String,
    /// OTRS's article storage backend: `ArticleStorageDB` or `ArticleStorageFS`.
    pub article_storage: String,
    #[serde(serialize_with = "plan_summary")]
    pub tables: Vec<TablePlan>,
    /// Source tables goats has no place for (custom modules, add-ons).
    pub not_carried_tables: Vec<String>,
    /// Source columns goats' tables lack, as `table.column`.
    pub not_carried_columns: Vec<String>,
    /// Data that would break the copy or lose meaning: orphan rows, invalid dates,
    /// required columns the source lacks.
    pub problems: Vec<String>,
    #[serde(skip)]
    pub reading: Option<Reading>,
    /// The copy of `ArticleDataDir` given with `--attachments-dir`.
    #[serde(skip)]
    pub files: Option<ArticleFiles>,
}

fn plan_summary<S: serde::Serializer>(tables: &[TablePlan], s: S) -> Result<S::Ok, S::Error> {
    let rows: BTreeMap<&str, u64> = tables.iter().map(|t| (t.name(), t.rows)).collect();
    serde::Serialize::serialize(&rows, s)
}

impl Inspection {
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    pub fn reading(&self) -> Reading {
        self.reading.unwrap_or(Reading::utc(Dialect::Postgres))
    }
}

pub async fn inspect(source: &Db, files: Option<ArticleFiles>) -> Result<Inspection, ImportError> {
    if source.dialect == Dialect::Sqlite {
        return Err(ImportError::Refused(
            "the source must be the OTRS or Znuny database on MySQL/MariaDB or PostgreSQL".into(),
        ));
    }
    let columns = source_columns(source).await?;
    if !columns.contains_key("ticket") || !columns.contains_key("users") {
        return Err(ImportError::Refused("the source holds no OTRS schema (no `ticket` and `users` tables)".into()));
    }
    if !columns.contains_key("article_data_mime") {
        return Err(ImportError::Refused(
            "the source is OTRS 5 or older (no `article_data_mime` table); upgrade it to OTRS 6 or Znuny 6.5+ first, as OTRS's own upgrade scripts do"
                .into(),
        ));
    }
    let version = if columns.contains_key("permission_groups") {
        "OTRS/Znuny with `permission_groups` (Znuny 6.1 or newer)".to_string()
    } else {
        "OTRS/Znuny with `groups` (OTRS 6 or Znuny 6.0)".to_string()
    };

    let mut problems = Vec::new();
    let (time_zone, tz_name) = match setting(source, "OTRSTimeZone").await? {
        None => (None, "UTC".to_string()),
        Some(name) => match name.parse::<chrono_tz::Tz>() {
            Ok(chrono_tz::Tz::UTC) | Ok(chrono_tz::Tz::Etc__UTC) => (None, name),
            Ok(tz) => (Some(tz), name),
            Err(_) => {
                problems.push(format!("the setting OTRSTimeZone is `{name}`, which is not a known time zone"));
                (None, name)
            }
        },
    };
    let charset = charset(source).await?;
    let article_storage = setting(source, "Ticket::Article::Backend::MIMEBase::ArticleStorage")
        .await?
        .and_then(|module| module.rsplit("::").next().map(str::to_string))
        .unwrap_or_else(|| "ArticleStorageDB".into());
    if article_storage == "ArticleStorageFS" && files.is_none() {
        let dir = setting(source, "Ticket::Article::Backend::MIMEBase::ArticleDataDir").await?.unwrap_or_default();
        problems.push(format!(
            "the source keeps article files on disk (ArticleStorageFS, in {dir}); pass --attachments-dir with a copy of that folder"
        ));
    }
    let reading = Reading { dialect: source.dialect, time_zone, latin1: charset.starts_with("latin1") };

    let mut tables = Vec::new();
    let mut not_carried_columns = Vec::new();
    let known: BTreeSet<&str> = schema::otrs_tables().iter().map(|t| t.name.as_str()).collect();
    for table in schema::otrs_tables() {
        let source_name = RENAMED
            .iter()
            .find(|(old, new)| {
                *new == table.name && !columns.contains_key(table.name.as_str()) && columns.contains_key(*old)
            })
            .map_or(table.name.clone(), |(old, _)| old.to_string());
        let Some(have) = columns.get(source_name.as_str()) else { continue };
        let mut plan_columns = Vec::new();
        for c in &table.columns {
            if have.contains(&c.name) {
                plan_columns.push((c.name.clone(), Kind::of(&table.name, c)));
            } else if !c.nullable && c.default.is_none() && !c.auto_increment {
                problems
                    .push(format!("{}.{} is required in goats but the source has no such column", table.name, c.name));
            }
        }
        for c in have {
            if table.column(c).is_none() {
                not_carried_columns.push(format!("{source_name}.{c}"));
            }
        }
        let key = table
            .primary_key
            .first()
            .filter(|_| table.primary_key.len() == 1)
            .filter(|k| have.contains(*k))
            .and_then(|k| plan_columns.iter().find(|(n, _)| n == k).cloned());
        let rows = count(source, &source_name).await?;
        tables.push(TablePlan { table, source_name, columns: plan_columns, key, rows });
    }
    let renamed_sources: BTreeSet<String> = tables.iter().map(|t| t.source_name.clone()).collect();
    let not_carried_tables = columns
        .keys()
        .filter(|t| !known.contains(t.as_str()) && !renamed_sources.contains(*t) && !t.starts_with("goats_"))
        .cloned()
        .collect();

    problems.extend(orphans(source, &tables).await?);
    if source.dialect == Dialect::MySql {
        problems.extend(zero_dates(source, &tables).await?);
    }
    Ok(Inspection {
        version,
        time_zone: tz_name,
        charset,
        article_storage,
        tables,
        not_carried_tables,
        not_carried_columns,
        problems,
        reading: Some(reading),
        files,
    })
}

async fn source_columns(db: &Db) -> Result<BTreeMap<String, BTreeSet<String>>, ImportError> {
    let sql = match db.dialect {
        Dialect::Postgres => {
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        }
        _ => "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE()",
    };
    let rows = db.conn.query_all_raw(db.stmt(sql, [])).await?;
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        if let (Some(t), Some(c)) = (crate::row::text_at(r, 0), crate::row::text_at(r, 1)) {
            out.entry(t.to_lowercase()).or_default().insert(c.to_lowercase());
        }
    }
    Ok(out)
}

async fn setting(db: &Db, name: &str) -> Result<Option<String>, ImportError> {
    Ok(db.otrs_settings(&[name]).await?.remove(name))
}

async fn charset(db: &Db) -> Result<String, ImportError> {
    let sql = match db.dialect {
        Dialect::MySql => "SELECT @@character_set_database",
        _ => "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()",
    };
    let row = db.conn.query_one_raw(db.stmt(sql, [])).await?;
    Ok(row.and_then(|r| crate::row::text_at(&r, 0)).unwrap_or_default().to_lowercase())
}

pub(super) async fn count(db: &Db, table: &str) -> Result<u64, ImportError> {
    let row = db.conn.query_one_raw(db.stmt(&format!("SELECT COUNT(*) FROM {table}"), [])).await?;
    let n = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0);
    Ok(n.max(0) as u64)
}

/// Rows whose foreign key points at nothing: goats' schema enforces every OTRS foreign
/// key, so such rows could not be written.
async fn orphans(db: &Db, tables: &[TablePlan]) -> Result<Vec<String>, ImportError> {
    let source_of = |name: &str| tables.iter().find(|t| t.name() == name);
    let mut problems = Vec::new();
    for child in tables.iter().filter(|t| t.rows > 0) {
        for fk in &child.table.foreign_keys {
            let Some(parent) = source_of(&fk.references_table) else { continue };
            if !child.columns.iter().any(|(c, _)| *c == fk.column) {
                continue;
            }
            let sql = format!(
                "SELECT COUNT(*) FROM {c} WHERE {c}.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {p} WHERE {p}.{pcol} = {c}.{col})",
                c = child.source_name,
                col = fk.column,
                p = parent.source_name,
                pcol = fk.references_column
            );
            let n = scalar(db, &sql).await?;
            if n > 0 {
                problems.push(format!(
                    "{n} row(s) of {}.{} refer to a {} that does not exist",
                    child.name(),
                    fk.column,
                    fk.references_table
                ));
            }
        }
    }
    Ok(problems)
}

/// MySQL in a lenient SQL mode stores dates that are none (`0000-00-00`).
async fn zero_dates(db: &Db, tables: &[TablePlan]) -> Result<Vec<String>, ImportError> {
    let mut problems = Vec::new();
    for t in tables.iter().filter(|t| t.rows > 0) {
        for (col, _) in t.columns.iter().filter(|(_, k)| *k == Kind::Time) {
            let sql = format!(
                "SELECT COUNT(*) FROM {} WHERE {col} IS NOT NULL AND (MONTH({col}) = 0 OR DAYOFMONTH({col}) = 0)",
                t.source_name
            );
            let n = scalar(db, &sql).await?;
            if n > 0 {
                problems.push(format!("{n} row(s) of {}.{col} hold a date that is not one (0000-00-00)", t.name()));
            }
        }
    }
    Ok(problems)
}

async fn scalar(db: &Db, sql: &str) -> Result<i64, ImportError> {
    let row = db.conn.query_one_raw(db.stmt(sql, [])).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}
