//! Reading columns whatever integer width or text encoding the engine reports: OTRS's
//! SMALLINTs come back as i16 from PostgreSQL and i64 from SQLite; MySQL LONGBLOB text
//! comes back as bytes.

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::QueryResult;
use sea_orm::sqlx::{ColumnIndex, Decode, Row, Type, TypeInfo, ValueRef};

pub fn int(row: &QueryResult, col: &str) -> i64 {
    opt_int(row, col).unwrap_or(0)
}

pub fn opt_int(row: &QueryResult, col: &str) -> Option<i64> {
    // PostgreSQL and MySQL say each column's type: decoding it as that type first avoids
    // a failed attempt per narrower column, which costs an error message each time and
    // was most of a list's work on PostgreSQL.
    let typed = match (row.try_as_pg_row(), row.try_as_mysql_row()) {
        (Some(pg), _) => typed_int(pg, col),
        (_, Some(my)) => typed_int(my, col),
        _ => None,
    };
    if let Some(v) = typed {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<i64>>("", col) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", col) {
        return v.map(i64::from);
    }
    if let Ok(v) = row.try_get::<Option<i16>>("", col) {
        return v.map(i64::from);
    }
    // SUM/COUNT over MySQL DECIMAL, and similar.
    row.try_get::<Option<String>>("", col).ok().flatten().and_then(|s| s.parse().ok())
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

pub fn text(row: &QueryResult, col: &str) -> String {
    opt_text(row, col).unwrap_or_default()
}

pub fn opt_text(row: &QueryResult, col: &str) -> Option<String> {
    if let Ok(v) = row.try_get::<Option<String>>("", col) {
        return v;
    }
    row.try_get::<Option<Vec<u8>>>("", col).ok().flatten().map(|b| String::from_utf8_lossy(&b).into_owned())
}

pub fn text_at(row: &QueryResult, idx: usize) -> Option<String> {
    if let Ok(v) = row.try_get_by_index::<String>(idx) {
        return Some(v);
    }
    row.try_get_by_index::<Vec<u8>>(idx).ok().map(|b| String::from_utf8_lossy(&b).into_owned())
}

pub fn time(row: &QueryResult, col: &str) -> DateTime<Utc> {
    row.try_get::<NaiveDateTime>("", col).map(|t| t.and_utc()).unwrap_or_default()
}

/// The current time as OTRS stores it in DATETIME columns: whole seconds, UTC.
pub fn db_now(now: DateTime<Utc>) -> NaiveDateTime {
    DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now).naive_utc()
}
