//! Working time. OTRS counts escalation and unlock times in working minutes of a
//! calendar: whole working hours per weekday in a time zone, minus holidays. A deadline
//! "four working hours after Friday 19:00" is on Monday, and a day on which the clocks
//! change has one hour more or less, so all arithmetic walks local days and converts
//! each working span to UTC on its own.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{DomainError, DomainResult};

/// How far ahead a deadline is searched for before giving up: a calendar with no
/// working hour at all would otherwise loop for ever.
const SEARCH_DAYS: u64 = 3 * 366;

/// A day off: every year on the same date, or once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holiday {
    Yearly { month: u32, day: u32 },
    Once(NaiveDate),
}

impl std::str::FromStr for Holiday {
    type Err = DomainError;

    /// `MM-DD` is a yearly holiday, `YYYY-MM-DD` a one-off.
    fn from_str(s: &str) -> DomainResult<Self> {
        let bad = || DomainError::invalid("holidays", format!("'{s}' is neither MM-DD nor YYYY-MM-DD"));
        let parts: Vec<&str> = s.trim().split('-').collect();
        match parts.as_slice() {
            [m, d] => {
                let (month, day) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
                // 2024 is a leap year, so 02-29 is accepted as a yearly date.
                NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(bad)?;
                Ok(Self::Yearly { month, day })
            }
            [_, _, _] => Ok(Self::Once(NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad())?)),
            _ => Err(bad()),
        }
    }
}

/// Working hours, holidays and the time zone they are read in.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingCalendar {
    tz: Tz,
    /// Per weekday, Monday first: bit `h` set when the hour starting at `h`:00 is worked.
    hours: [u32; 7],
    holidays: BTreeSet<Holiday>,
}

impl WorkingCalendar {
    /// OTRS's default calendar: Monday to Friday 08:00–21:00 UTC, with New Year's Day,
    /// 1 May and 24, 25, 26 and 31 December off.
    pub fn otrs_default() -> Self {
        let day = hour_span(8, 21);
        let holidays = [(1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)]
            .into_iter()
            .map(|(month, day)| Holiday::Yearly { month, day })
            .collect();
        Self { tz: Tz::UTC, hours: [day, day, day, day, day, 0, 0], holidays }
    }

    /// A calendar from its written form: an IANA time zone, per weekday (Monday first) a
    /// list of `HH:MM-HH:MM` spans on whole hours, and holidays.
    pub fn new(time_zone: &str, week: [&[&str]; 7], holidays: &[&str]) -> DomainResult<Self> {
        let tz: Tz = time_zone
            .parse()
            .map_err(|_| DomainError::invalid("time_zone", format!("'{time_zone}' is not an IANA time zone")))?;
        let mut hours = [0u32; 7];
        for (day, spans) in week.iter().enumerate() {
            for span in spans.iter() {
                hours[day] |= parse_span(span)?;
            }
        }
        let holidays = holidays.iter().map(|h| h.parse()).collect::<DomainResult<_>>()?;
        Ok(Self { tz, hours, holidays })
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&Holiday::Once(date))
            || self.holidays.contains(&Holiday::Yearly { month: date.month(), day: date.day() })
    }

    /// The instant `minutes` of working time after `start`. A start outside working
    /// hours counts from the next working hour. `None` when the calendar has no working
    /// time within the next three years.
    pub fn add_working_minutes(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        if minutes <= 0 {
            return Some(start);
        }
        let mut left = minutes * 60;
        let mut date = start.with_timezone(&self.tz).date_naive();
        for _ in 0..SEARCH_DAYS {
            for (from, until) in self.spans(date) {
                if until <= start {
                    continue;
                }
                let from = from.max(start);
                let available = (until - from).num_seconds();
                if left <= available {
                    return Some(from + chrono::Duration::seconds(left));
                }
                left -= available;
            }
            date = date.checked_add_days(Days::new(1))?;
        }
        None
    }

    /// Working seconds between two instants (0 when `until` is not after `from`).
    pub fn working_seconds_between(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> i64 {
        if until <= from {
            return 0;
        }
        let mut total = 0;
        let mut date = from.with_timezone(&self.tz).date_naive();
        let last = until.with_timezone(&self.tz).date_naive();
        while date <= last {
            for (a, b) in self.spans(date) {
                let (a, b) = (a.max(from), b.min(until));
                if b > a {
                    total += (b - a).num_seconds();
                }
            }
            let Some(next) = date.checked_add_days(Days::new(1)) else { break };
            date = next;
        }
        total
    }

    /// The worked spans of one local day, in UTC, in order.
    fn spans(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.is_holiday(date) {
            return Vec::new();
        }
        let mask = self.hours[date.weekday().num_days_from_monday() as usize];
        let mut spans = Vec::new();
        let mut hour = 0;
        while hour < 24 {
            if mask & (1 << hour) == 0 {
                hour += 1;
                continue;
            }
            let start = hour;
            while hour < 24 && mask & (1 << hour) != 0 {
                hour += 1;
            }
            let from = self.instant(date, start);
            let until = self.instant(date, hour);
            if until > from {
                spans.push((from, until));
            }
        }
        spans
    }

    /// Local `hour`:00 on `date` (24 meaning the next midnight) as a UTC instant. A local
    /// time skipped by a clock change maps to the first instant after the gap; a repeated
    /// one to its first occurrence.
    fn instant(&self, date: NaiveDate, hour: u32) -> DateTime<Utc> {
        let mut local = NaiveDateTime::new(date, NaiveTime::MIN) + chrono::Duration::hours(hour.into());
        loop {
            match self.tz.from_local_datetime(&local) {
                LocalResult::Single(t) => return t.with_timezone(&Utc),
                LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
                LocalResult::None => local += chrono::Duration::minutes(15),
            }
        }
    }
}

/// `HH:MM-HH:MM` on whole hours (`24:00` allowed as an end) as an hour bit mask.
fn parse_span(span: &str) -> DomainResult<u32> {
    let bad =
        || DomainError::invalid("working_hours", format!("'{span}' is not a span of whole hours like 08:00-17:00"));
    let (from, until) = span.trim().split_once('-').ok_or_else(bad)?;
    let hour = |t: &str| -> DomainResult<u32> {
        let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
        let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m != 0 || h > 24 {
            return Err(bad());
        }
        Ok(h)
    };
    let (from, until) = (hour(from)?, hour(until)?);
    if from >= until {
        return Err(bad());
    }
    Ok(hour_span(from, until))
}

fn hour_span(from: u32, until: u32) -> u32 {
    (from..until).fold(0, |mask, h| mask | 1 << h)
}

/// The calendars of a site by name (OTRS names them "1" to "9"); tickets whose queue or
/// SLA names none, or one that is not configured, use the default.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendars {
    default: WorkingCalendar,
    named: BTreeMap<String, WorkingCalendar>,
}

impl Default for Calendars {
    fn default() -> Self {
        Self::new(WorkingCalendar::otrs_default())
    }
}

impl Calendars {
    pub fn new(default: WorkingCalendar) -> Self {
        Self { default, named: BTreeMap::new() }
    }

    pub fn with(mut self, name: impl Into<String>, calendar: WorkingCalendar) -> Self {
        self.named.insert(name.into(), calendar);
        self
    }

    pub fn get(&self, name: Option<&str>) -> &WorkingCalendar {
        name.filter(|n| !n.is_empty()).and_then(|n| self.named.get(n)).unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn berlin_office() -> WorkingCalendar {
        let day: &[&str] = &["08:00-12:00", "13:00-17:00"];
        WorkingCalendar::new("Europe/Berlin", [day, day, day, day, day, &[], &[]], &["12-25", "2026-04-03"]).unwrap()
    }

    #[test]
    fn the_default_calendar_works_weekdays_from_eight_to_nine() {
        let c = WorkingCalendar::otrs_default();
        // Wednesday 2026-11-25 10:00 + 60 minutes.
        assert_eq!(c.add_working_minutes(utc("2026-11-25T10:00:00Z"), 60), Some(utc("2026-11-25T11:00:00Z")));
        // 20:30 + 60 minutes: 30 today, 30 from 08:00 tomorrow.
        assert_eq!(c.add_working_minutes(utc("2026-11-25T20:30:00Z"), 60), Some(utc("2026-11-26T08:30:00Z")));
    }

    #[test]
    fn a_ticket_created_outside_working_hours_starts_counting_at_the_next_working_hour() {
        let c = WorkingCalendar::otrs_default();
        // Saturday night → Monday 08:00 + 2 h.
        assert_eq!(c.add_working_minutes(utc("2026-11-28T23:00:00Z"), 120), Some(utc("2026-11-30T10:00:00Z")));
        // Before opening on a weekday.
        assert_eq!(c.add_working_minutes(utc("2026-11-25T03:00:00Z"), 30), Some(utc("2026-11-25T08:30:00Z")));
    }

    #[test]
    fn friday_evening_runs_over_the_weekend() {
        let c = WorkingCalendar::otrs_default();
        // Friday 2026-11-27 20:00 + 4 h: 1 h Friday, 3 h Monday from 08:00.
        assert_eq!(c.add_working_minutes(utc("2026-11-27T20:00:00Z"), 240), Some(utc("2026-11-30T11:00:00Z")));
    }

    #[test]
    fn holidays_are_skipped_yearly_and_once() {
        let c = WorkingCalendar::otrs_default();
        // Wednesday 2026-12-23 20:00 + 2 h: 1 h on the 23rd; the 24th, 25th (Fri) and the
        // weekend are off; Monday the 28th from 08:00.
        assert_eq!(c.add_working_minutes(utc("2026-12-23T20:00:00Z"), 120), Some(utc("2026-12-28T09:00:00Z")));
        let b = berlin_office();
        assert!(b.is_holiday(NaiveDate::from_ymd_opt(2026, 4, 3).unwrap()));
        assert!(!b.is_holiday(NaiveDate::from_ymd_opt(2027, 4, 3).unwrap()));
        assert!(b.is_holiday(NaiveDate::from_ymd_opt(2031, 12, 25).unwrap()));
        // Thursday 2026-04-02 16:00 Berlin (14:00 UTC) + 2 h: 1 h Thursday; Good Friday
        // and the weekend off; Monday 08:00 CEST = 06:00 UTC, + 1 h.
        assert_eq!(b.add_working_minutes(utc("2026-04-02T14:00:00Z"), 120), Some(utc("2026-04-06T07:00:00Z")));
    }

    #[test]
    fn the_lunch_break_is_not_working_time() {
        let b = berlin_office();
        // Wednesday 2026-11-25 11:30 Berlin (10:30 UTC) + 60: 30 before lunch, 30 after.
        assert_eq!(b.add_working_minutes(utc("2026-11-25T10:30:00Z"), 60), Some(utc("2026-11-25T12:30:00Z")));
        assert_eq!(b.working_seconds_between(utc("2026-11-25T10:30:00Z"), utc("2026-11-25T12:30:00Z")), 3600);
    }

    #[test]
    fn deadlines_follow_the_local_clock_across_a_change_to_summer_time() {
        let b = berlin_office();
        // Friday 2026-03-27 16:00 CET (15:00 UTC) + 2 h: 1 h Friday, then Monday
        // 2026-03-30 08:00 CEST, which is 06:00 UTC after the clocks went forward.
        assert_eq!(b.add_working_minutes(utc("2026-03-27T15:00:00Z"), 120), Some(utc("2026-03-30T07:00:00Z")));
    }

    #[test]
    fn a_day_with_a_clock_change_has_twenty_three_or_twenty_five_hours() {
        let all: &[&str] = &["00:00-24:00"];
        let c = WorkingCalendar::new("Europe/Berlin", [all; 7], &[]).unwrap();
        let spring = (utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z"));
        assert_eq!(c.working_seconds_between(spring.0, spring.1), 23 * 3600);
        let autumn = (utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z"));
        assert_eq!(c.working_seconds_between(autumn.0, autumn.1), 25 * 3600);
        // Starting in the night of the change: 3 h later in real time, whatever the clock says.
        assert_eq!(c.add_working_minutes(utc("2026-03-29T00:30:00Z"), 180), Some(utc("2026-03-29T03:30:00Z")));
    }

    #[test]
    fn adding_and_measuring_agree() {
        let b = berlin_office();
        let start = utc("2026-11-20T15:17:00Z");
        for minutes in [1, 59, 60, 61, 239, 480, 481, 2000, 10_000] {
            let end = b.add_working_minutes(start, minutes).unwrap();
            assert_eq!(b.working_seconds_between(start, end), minutes * 60, "{minutes} minutes");
        }
    }

    #[test]
    fn a_calendar_without_working_hours_has_no_deadline() {
        let c = WorkingCalendar::new("UTC", [&[]; 7], &[]).unwrap();
        assert_eq!(c.add_working_minutes(utc("2026-11-25T10:00:00Z"), 1), None);
        assert_eq!(c.add_working_minutes(utc("2026-11-25T10:00:00Z"), 0), Some(utc("2026-11-25T10:00:00Z")));
    }

    #[test]
    fn bad_calendars_are_refused_with_the_reason() {
        let day: &[&str] = &["08:30-17:00"];
        assert!(WorkingCalendar::new("UTC", [day; 7], &[]).is_err());
        let day: &[&str] = &["17:00-08:00"];
        assert!(WorkingCalendar::new("UTC", [day; 7], &[]).is_err());
        assert!(WorkingCalendar::new("Mars/Olympus", [&[]; 7], &[]).is_err());
        assert!(WorkingCalendar::new("UTC", [&[]; 7], &["02-30"]).is_err());
        assert!(WorkingCalendar::new("UTC", [&[]; 7], &["tomorrow"]).is_err());
    }

    #[test]
    fn named_calendars_fall_back_to_the_default() {
        let cals = Calendars::default().with("2", berlin_office());
        assert_eq!(cals.get(Some("2")).time_zone(), Tz::Europe__Berlin);
        assert_eq!(cals.get(Some("7")).time_zone(), Tz::UTC);
        assert_eq!(cals.get(Some("")).time_zone(), Tz::UTC);
        assert_eq!(cals.get(None).time_zone(), Tz::UTC);
    }
}
