//! One value of one column, the same whichever engine it was read from: what the copy
//! writes, what the checksums hash and what the ticket sample compares.
//!
//! Each engine is asked for a value in a form that decodes one way (integers as
//! BIGINT, dates and decimals as text), so reading never guesses at a column's width.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use sea_orm::{QueryResult, Value};
use sha2::{Digest, Sha256};

use crate::Dialect;
use crate::schema::{Column, ColumnType};

/// OTRS columns holding octets: base64 text on PostgreSQL (Znuny's `DirectBlob = 0`),
/// raw bytes elsewhere. Every other `blob` column holds text.
const BINARY_COLUMNS: &[(&str, &str)] = &[
    ("article_data_mime_plain", "body"),
    ("article_data_mime_attachment", "content"),
    ("standard_attachment", "content"),
    ("web_upload_cache", "content"),
    ("virtual_fs_db", "content"),
    ("package_repository", "content"),
    ("mail_queue", "raw_message"),
];

/// How a column's values are read, compared and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Time,
    Decimal {
        precision: u32,
        scale: u32,
    },
    Text,
    /// Octets (see [`BINARY_COLUMNS`]).
    Binary,
    /// Text in a `blob` column: bytes in the database's character set on MySQL.
    TextBlob,
}

impl Kind {
    pub fn of(table: &str, column: &Column) -> Self {
        match column.ty {
            ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt => Kind::Int,
            ColumnType::DateTime => Kind::Time,
            ColumnType::Decimal(precision, scale) => Kind::Decimal { precision, scale },
            ColumnType::Varchar(_) | ColumnType::Text(_) | ColumnType::MediumText | ColumnType::LongText => Kind::Text,
            ColumnType::Blob if BINARY_COLUMNS.contains(&(table, column.name.as_str())) => Kind::Binary,
            ColumnType::Blob => Kind::TextBlob,
        }
    }

    /// The select-list expression that reads `column` in the form [`read`] decodes.
    pub fn select(self, dialect: Dialect, column: &str) -> String {
        match (self, dialect) {
            (Kind::Int, Dialect::MySql) => format!("CAST({column} AS SIGNED)"),
            (Kind::Int, Dialect::Postgres) => format!("CAST({column} AS BIGINT)"),
            (Kind::Time | Kind::Decimal { .. }, Dialect::MySql) => format!("CAST({column} AS CHAR)"),
            (Kind::Time | Kind::Decimal { .. }, Dialect::Postgres | Dialect::Sqlite) => {
                format!("CAST({column} AS TEXT)")
            }
            _ => column.to_string(),
        }
    }

    /// The placeholder a value of this kind is written through.
    pub fn placeholder(self) -> String {
        match self {
            Kind::Decimal { precision, scale } => format!("CAST(? AS DECIMAL({precision},{scale}))"),
            _ => "?".into(),
        }
    }
}

/// A value as goats compares it: dates in UTC, decimals at their scale, octets decoded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Time(NaiveDateTime),
    #[serde(serialize_with = "as_length")]
    Bytes(Vec<u8>),
}

fn as_length<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{} bytes", bytes.len()))
}

/// A value that cannot be carried as it is (a zero date, a broken base64 blob).
#[derive(Debug, Clone, thiserror::Error)]
#[error("column {column} holds {value:?}, which is not {expected}")]
pub struct BadValue {
    pub column: String,
    pub value: String,
    pub expected: &'static str,
}

/// How the source's values become goats': the zone its DATETIMEs are in, and the
/// character set of its MySQL text blobs.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    pub dialect: Dialect,
    /// `None` when the times are UTC already (always for goats' own databases).
    pub time_zone: Option<Tz>,
    /// Whether bytes that are not UTF-8 are read as Windows-1252 (MySQL's "latin1").
    pub latin1: bool,
}

impl Reading {
    pub fn utc(dialect: Dialect) -> Self {
        Self { dialect, time_zone: None, latin1: false }
    }

    /// Column `idx` of `row`, which was selected with [`Kind::select`].
    pub fn read(&self, row: &QueryResult, idx: usize, column: &str, kind: Kind) -> Result<Cell, BadValue> {
        let bad = |value: String, expected| BadValue { column: column.to_string(), value, expected };
        match kind {
            Kind::Int => match row.try_get_by_index::<Option<i64>>(idx) {
                Ok(v) => Ok(v.map_or(Cell::Null, Cell::Int)),
                Err(e) => Err(bad(e.to_string(), "an integer")),
            },
            Kind::Time => match self.text(row, idx) {
                None => Ok(Cell::Null),
                Some(s) => {
                    let local = parse_time(&s).ok_or_else(|| bad(s.clone(), "a valid date and time"))?;
                    Ok(Cell::Time(self.utc_of(local)))
                }
            },
            Kind::Decimal { scale, .. } => match self.text(row, idx) {
                None => Ok(Cell::Null),
                Some(s) => {
                    let n: f64 = s.trim().parse().map_err(|_| bad(s.clone(), "a number"))?;
                    Ok(Cell::Text(format!("{n:.prec$}", prec = scale as usize)))
                }
            },
            Kind::Text | Kind::TextBlob => Ok(self.text(row, idx).map_or(Cell::Null, Cell::Text)),
            Kind::Binary => {
                if self.dialect == Dialect::Postgres {
                    let Some(encoded) = self.text(row, idx) else { return Ok(Cell::Null) };
                    let compact: String = encoded.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                    // Znuny's own installer writes its welcome article as plain text; a
                    // value that is not base64 is taken as the octets it spells.
                    Ok(Cell::Bytes(STANDARD.decode(compact).unwrap_or_else(|_| encoded.into_bytes())))
                } else {
                    match row.try_get_by_index::<Option<Vec<u8>>>(idx) {
                        Ok(v) => Ok(v.map_or(Cell::Null, Cell::Bytes)),
                        Err(_) => Ok(self.text(row, idx).map_or(Cell::Null, |s| Cell::Bytes(s.into_bytes()))),
                    }
                }
            }
        }
    }

    fn text(&self, row: &QueryResult, idx: usize) -> Option<String> {
        if let Ok(v) = row.try_get_by_index::<Option<String>>(idx) {
            return v;
        }
        let bytes = row.try_get_by_index::<Option<Vec<u8>>>(idx).ok()??;
        Some(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) if self.latin1 => encoding_rs::WINDOWS_1252.decode(e.as_bytes()).0.into_owned(),
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// A local time of the source's zone as UTC. A time that falls in a daylight-saving
    /// gap never happened on a clock; it is read as the instant an hour later, as the
    /// clocks showed it.
    fn utc_of(&self, local: NaiveDateTime) -> NaiveDateTime {
        let Some(tz) = self.time_zone else { return local };
        let resolved = tz
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| tz.from_local_datetime(&(local + chrono::Duration::hours(1))).earliest());
        resolved.map_or(local, |t| t.naive_utc())
    }
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
        .filter(|t| chrono::Datelike::year(t) >= 1000)
}

/// `cell` as a value bound for a column of `kind` on `dialect`. A NULL keeps its type,
/// since PostgreSQL caches a statement with the types of its first use.
pub fn value(dialect: Dialect, kind: Kind, cell: &Cell) -> Value {
    match (kind, cell) {
        (Kind::Int, Cell::Int(i)) => Value::BigInt(Some(*i)),
        (Kind::Int, _) => Value::BigInt(None),
        (Kind::Time, Cell::Time(t)) => Value::from(*t),
        (Kind::Time, _) => Value::ChronoDateTime(None),
        (Kind::Binary, Cell::Bytes(b)) if dialect == Dialect::Postgres => crate::attachments::base64_lines(b).into(),
        (Kind::Binary, Cell::Bytes(b)) => Value::Bytes(Some(b.clone())),
        (Kind::Binary, _) if dialect == Dialect::Postgres => Value::String(None),
        (Kind::Binary, _) => Value::Bytes(None),
        (_, Cell::Text(s)) => Value::from(s.clone()),
        _ => Value::String(None),
    }
}

/// A row's share of its table's checksum. Adding the shares (wrapping) makes the sum
/// independent of the order rows come in, which differs between engines' collations.
pub fn row_hash<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> u64 {
    let mut h = Sha256::new();
    for cell in cells {
        match cell {
            Cell::Null => h.update([0u8]),
            Cell::Int(i) => {
                h.update([1u8]);
                h.update(i.to_le_bytes());
            }
            Cell::Text(s) => {
                h.update([2u8]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            Cell::Time(t) => {
                h.update([3u8]);
                h.update(t.and_utc().timestamp().to_le_bytes());
            }
            Cell::Bytes(b) => {
                h.update([4u8]);
                h.update((b.len() as u64).to_le_bytes());
                h.update(b);
            }
        }
    }
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_move_from_the_source_zone_to_utc() {
        let reading = Reading { dialect: Dialect::MySql, time_zone: Some(chrono_tz::Europe::Berlin), latin1: false };
        let t = |s| parse_time(s).unwrap();
        assert_eq!(reading.utc_of(t("2026-07-01 12:00:00")), t("2026-07-01 10:00:00"));
        assert_eq!(reading.utc_of(t("2026-01-01 12:00:00")), t("2026-01-01 11:00:00"));
        // 02:30 on the last Sunday of March never showed on a Berlin clock.
        assert_eq!(reading.utc_of(t("2026-03-29 02:30:00")), t("2026-03-29 01:30:00"));
    }

    #[test]
    fn zero_dates_are_not_dates() {
        assert!(parse_time("0000-00-00 00:00:00").is_none());
        assert!(parse_time("2026-02-30 10:00:00").is_none());
        assert!(parse_time("2026-02-28 10:00:00.000").is_some());
    }

    #[test]
    fn the_checksum_ignores_row_order_but_not_content() {
        let a = [Cell::Int(1), Cell::Text("a".into())];
        let b = [Cell::Int(2), Cell::Null];
        let one = row_hash(&a).wrapping_add(row_hash(&b));
        let other = row_hash(&b).wrapping_add(row_hash(&a));
        assert_eq!(one, other);
        assert_ne!(row_hash(&[Cell::Text("1".into())]), row_hash(&[Cell::Int(1)]));
        assert_ne!(
            row_hash(&[Cell::Text("ab".into()), Cell::Text("".into())]),
            row_hash(&[Cell::Text("a".into()), Cell::Text("b".into())])
        );
    }
}
