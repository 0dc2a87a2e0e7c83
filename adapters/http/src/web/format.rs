//! How ticket facts read on a page: ages, times, file sizes and the colour of a state;
//! and how a time typed into a form is read.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use goats_core::model::StateType;

use super::i18n::Tr;

/// "5 m", "3 h", "2 d": how long ago, compactly.
pub fn age(tr: Tr, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        m if m < 60 => tr.n("age-minutes", m as f64),
        m if m < 60 * 24 => tr.n("age-hours", (m / 60) as f64),
        m => tr.n("age-days", (m / (60 * 24)) as f64),
    }
}

/// A timestamp as agents read it (UTC until agents have time zones), to the minute:
/// `2026-01-05 07:03`.
pub fn when(t: DateTime<Utc>) -> Stamp {
    use chrono::{Datelike, Timelike};
    // Written digit by digit into a fixed buffer: lists and threads show one per row,
    // and a format string and a String each time were a twentieth of the list page.
    let mut out = *b"0000-00-00 00:00";
    let mut put = |at: usize, width: usize, mut n: u32| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, t.year().clamp(0, 9999) as u32);
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    Stamp(out)
}

/// What [`when`] writes: shown as it is, without an allocation of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp([u8; 16]);

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::str::from_utf8(&self.0).map_err(|_| std::fmt::Error)?)
    }
}

/// The badge style of a state type.
pub fn state_class(t: StateType) -> &'static str {
    match t {
        StateType::New => "badge-new",
        StateType::Open => "badge-open",
        StateType::PendingReminder | StateType::PendingAuto => "badge-pending",
        StateType::Closed | StateType::Removed | StateType::Merged => "badge-closed",
    }
}

/// A pending time from a form: empty is none; a `datetime-local` value (with or
/// without seconds) is UTC, as the form says; an RFC 3339 time keeps its offset.
/// `Err` when it is none of these.
pub fn parse_pending(raw: &str) -> Result<Option<DateTime<Utc>>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .map(|t| Some(Utc.from_utc_datetime(&t)))
        .ok_or(())
}

/// "512 B", "12 KB", "3.4 MB".
pub fn size(tr: Tr, bytes: u64) -> String {
    match bytes {
        b if b < 1024 => tr.n("size-bytes", b as f64),
        b if b < 1024 * 1024 => tr.n("size-kb", (b / 1024) as f64),
        b => tr.n("size-mb", (b * 10 / (1024 * 1024)) as f64 / 10.0),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn times_read_to_the_minute() {
        let read = |y, mo, d, h, mi, s| when(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()).to_string();
        assert_eq!(read(2026, 1, 5, 7, 3, 59), "2026-01-05 07:03");
        assert_eq!(read(2026, 12, 31, 23, 59, 0), "2026-12-31 23:59");
        assert_eq!(read(987, 10, 1, 0, 0, 0), "0987-10-01 00:00");
    }

    #[test]
    fn pending_times_are_read_from_every_form_the_same_way() {
        let at = Utc.with_ymd_and_hms(2031, 2, 3, 4, 5, 0).unwrap();
        assert_eq!(parse_pending(""), Ok(None));
        assert_eq!(parse_pending(" 2031-02-03T04:05 "), Ok(Some(at)));
        assert_eq!(parse_pending("2031-02-03T04:05:00"), Ok(Some(at)));
        assert_eq!(parse_pending("2031-02-03T05:05:00+01:00"), Ok(Some(at)));
        assert_eq!(parse_pending("tomorrow"), Err(()));
    }

    #[test]
    fn ages_use_the_largest_whole_unit() {
        let now = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        let tr = Tr(Lang::En);
        assert_eq!(age(tr, now - Duration::minutes(5), now), "5 m");
        assert_eq!(age(tr, now - Duration::minutes(185), now), "3 h");
        assert_eq!(age(tr, now - Duration::hours(50), now), "2 d");
        assert_eq!(age(tr, now + Duration::minutes(5), now), "0 m");
    }
}
