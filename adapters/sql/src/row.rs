//! Reading columns whatever integer width or text encoding the engine reports: OTRS's
//! SMALLINTs come back as i16 from PostgreSQL and i64 from SQLite; MySQL LONGBLOB text
//! comes back as bytes.

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::QueryResult;
use sea_orm::sqlx::{ColumnIndex, Decode, Row, Type, TypeInfo, ValueRef};

/// A column that cannot be read as asked: missing from the row, NULL where a value is
/// required, or of a type that is not what the column should hold. Reading a row fails
/// with it rather than making up a 0 or an empty text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {why}")]
pub struct Undecodable {
    column: String,
    why: &'static str,
}

impl Undecodable {
    fn new(column: &str, why: &'static str) -> Self {
        Self { column: column.to_string(), why }
    }

    /// A value `column` gave that is not of the form it should have.
    pub(crate) fn query(column: &str) -> Self {
        Self::new(column, "not a value of the expected form")
    }
}

impl From<Undecodable> for goats_core::DomainError {
    fn from(e: Undecodable) -> Self {
        tracing::error!(error = %e, "a row could not be read");
        goats_core::DomainError::Storage(e.to_string())
    }
}

impl From<Undecodable> for crate::error::SqlError {
    fn from(e: Undecodable) -> Self {
        Self::Db(e.into())
    }
}

impl From<Undecodable> for sea_orm::DbErr {
    fn from(e: Undecodable) -> Self {
        sea_orm::DbErr::Type(e.to_string())
    }
}

pub type Decoded<T> = Result<T, Undecodable>;

/// An integer column that must hold a value.
pub fn int(row: &QueryResult, col: &str) -> Decoded<i64> {
    opt_int(row, col)?.ok_or_else(|| Undecodable::new(col, "NULL where a number is required"))
}

/// An integer column that may be NULL.
pub fn opt_int(row: &QueryResult, col: &str) -> Decoded<Option<i64>> {
    // PostgreSQL and MySQL say each column's type: decoding it as that type first avoids
    // a failed attempt per narrower column, which costs an error message each time and
    // was most of a list's work on PostgreSQL.
    let typed = match (row.try_as_pg_row(), row.try_as_mysql_row()) {
        (Some(pg), _) => typed_int(pg, col),
        (_, Some(my)) => typed_int(my, col),
        _ => None,
    };
    if let Some(v) = typed {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<i64>>("", col) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", col) {
        return Ok(v.map(i64::from));
    }
    if let Ok(v) = row.try_get::<Option<i16>>("", col) {
        return Ok(v.map(i64::from));
    }
    // SUM/COUNT over MySQL DECIMAL, and similar.
    match row.try_get::<Option<String>>("", col) {
        Ok(None) => Ok(None),
        Ok(Some(s)) => s.trim().parse().map(Some).map_err(|_| Undecodable::new(col, "text that is not a number")),
        Err(_) => Err(Undecodable::new(col, "missing, or not a number")),
    }
}

/// A column of a known integer type: `Some(value)`, or `None` when the type is another
/// (the caller then tries each width in turn).
fn typed_int<'r, R, I>(row: &'r R, col: I) -> Option<Option<i64>>
where
    R: Row,
    I: ColumnIndex<R> + Copy,
    i16: Type<R::Database> + Decode<'r, R::Database>,
    i32: Type<R::Database> + Decode<'r, R::Database>,
    i64: Type<R::Database> + Decode<'r, R::Database>,
{
    let raw = row.try_get_raw(col).ok()?;
    if raw.is_null() {
        return Some(None);
    }
    let value = match raw.type_info().name() {
        "INT2" | "SMALLINT" | "TINYINT" => row.try_get::<i16, _>(col).ok().map(i64::from),
        "INT4" | "INT" | "INTEGER" | "MEDIUMINT" => row.try_get::<i32, _>(col).ok().map(i64::from),
        "INT8" | "BIGINT" => row.try_get::<i64, _>(col).ok(),
        _ => return None,
    };
    value.map(Some)
}

/// A text column that must hold a value.
pub fn text(row: &QueryResult, col: &str) -> Decoded<String> {
    opt_text(row, col)?.ok_or_else(|| Undecodable::new(col, "NULL where a text is required"))
}

/// A text column that may be NULL (MySQL's LONGBLOB text comes as bytes).
pub fn opt_text(row: &QueryResult, col: &str) -> Decoded<Option<String>> {
    if let Ok(v) = row.try_get::<Option<String>>("", col) {
        return Ok(v);
    }
    match row.try_get::<Option<Vec<u8>>>("", col) {
        Ok(v) => Ok(v.map(|b| String::from_utf8_lossy(&b).into_owned())),
        Err(_) => Err(Undecodable::new(col, "missing, or not a text")),
    }
}

pub fn text_at(row: &QueryResult, idx: usize) -> Option<String> {
    if let Ok(v) = row.try_get_by_index::<String>(idx) {
        return Some(v);
    }
    row.try_get_by_index::<Vec<u8>>(idx).ok().map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// A DATETIME column (OTRS keeps them in UTC) that must hold a value.
pub fn time(row: &QueryResult, col: &str) -> Decoded<DateTime<Utc>> {
    row.try_get::<NaiveDateTime>("", col)
        .map(|t| t.and_utc())
        .map_err(|_| Undecodable::new(col, "missing, NULL or not a date and time"))
}

/// A DATETIME column OTRS allows to be NULL.
pub fn opt_time(row: &QueryResult, col: &str) -> Decoded<Option<DateTime<Utc>>> {
    row.try_get::<Option<NaiveDateTime>>("", col)
        .map(|t| t.map(|t| t.and_utc()))
        .map_err(|_| Undecodable::new(col, "missing or not a date and time"))
}

/// The current time as OTRS stores it in DATETIME columns: whole seconds, UTC.
pub fn db_now(now: DateTime<Utc>) -> NaiveDateTime {
    DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now).naive_utc()
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database, Statement};

    use super::*;

    async fn row(sql: &str) -> QueryResult {
        let conn = Database::connect("sqlite::memory:").await.unwrap();
        let stmt = Statement::from_string(conn.get_database_backend(), sql.to_string());
        conn.query_one_raw(stmt).await.unwrap().unwrap()
    }

    #[tokio::test]
    async fn values_are_read_whatever_the_width() {
        let r = row("SELECT 7 AS n, 'seven' AS t, NULL AS z, '2026-12-03 08:00:00' AS at").await;
        assert_eq!(int(&r, "n"), Ok(7));
        assert_eq!(opt_int(&r, "z"), Ok(None));
        assert_eq!(text(&r, "t").as_deref(), Ok("seven"));
        assert_eq!(opt_text(&r, "z"), Ok(None));
        assert_eq!(time(&r, "at").map(|t| t.timestamp()), Ok(1_796_284_800));
    }

    #[tokio::test]
    async fn a_missing_null_or_mistyped_column_is_an_error_not_a_zero() {
        let r = row("SELECT 'seven' AS t, NULL AS z, 7 AS n").await;
        assert!(int(&r, "missing").is_err(), "a missing column");
        assert!(int(&r, "z").is_err(), "NULL where a number is required");
        assert!(int(&r, "t").is_err(), "a text that is not a number");
        assert!(text(&r, "missing").is_err());
        assert!(text(&r, "z").is_err(), "NULL where a text is required");
        assert!(time(&r, "t").is_err(), "a word is no date");
        let e = int(&r, "t").unwrap_err();
        assert_eq!(goats_core::DomainError::from(e.clone()), goats_core::DomainError::Storage(e.to_string()));
        assert!(e.to_string().contains("column t"), "{e}");
    }
}
