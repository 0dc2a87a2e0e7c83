//! Reading columns whatever integer width or text encoding the engine reports: OTRS's
//! SMALLINTs come back as i16 from PostgreSQL and i64 from SQLite; MySQL LONGBLOB text
//! comes back as bytes.

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::QueryResult;

pub fn int(row: &QueryResult, col: &str) -> i64 {
    opt_int(row, col).unwrap_or(0)
}

pub fn opt_int(row: &QueryResult, col: &str) -> Option<i64> {
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
