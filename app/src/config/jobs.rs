//! The `jobs:` and `calendars:` sections: when the scheduled jobs run, and the
//! working-hour calendars escalations and unlock timeouts are counted in.

use std::collections::BTreeMap;
use std::str::FromStr;

use goats_core::calendar::{Calendars, WorkingCalendar};
use goats_core::scheduled::PendingAutoCloser;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    pub pending_reminder: JobSchedule,
    pub pending_auto_close: JobSchedule,
    pub escalation: JobSchedule,
    pub unlock_timeout: JobSchedule,
    /// A due reminder is repeated after this many minutes until someone acts on it.
    pub reminder_repeat_minutes: i64,
    /// Pending-auto state → the state it turns into when its time has come.
    pub state_after_pending: BTreeMap<String, String>,
    /// Where the jobs' ticks are queued before they run, so that a tick whose run a
    /// restart cut short is run when goats is back: `sqlite://data/goats-jobs.db`, a
    /// PostgreSQL URL (its tables go to a schema of their own, `apalis`) or
    /// `redis://host:6379` (Valkey). Unset, the ticks stay in process.
    pub store: Option<String>,
}

/// One job's switch and cron schedule (with seconds: `0 * * * * *` is every minute).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct JobSchedule {
    pub enabled: bool,
    pub schedule: String,
}

impl Default for JobSchedule {
    fn default() -> Self {
        Self { enabled: true, schedule: "0 * * * * *".into() }
    }
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            pending_reminder: JobSchedule::default(),
            pending_auto_close: JobSchedule::default(),
            escalation: JobSchedule::default(),
            unlock_timeout: JobSchedule::default(),
            reminder_repeat_minutes: 60,
            state_after_pending: PendingAutoCloser::default_states(),
            store: None,
        }
    }
}

impl JobsConfig {
    pub fn all(&self) -> [(&'static str, &JobSchedule); 4] {
        [
            ("pending-reminder", &self.pending_reminder),
            ("pending-auto-close", &self.pending_auto_close),
            ("escalation", &self.escalation),
            ("unlock-timeout", &self.unlock_timeout),
        ]
    }

    pub fn validate(&self) -> Result<(), AppError> {
        for (name, job) in self.all() {
            cron::Schedule::from_str(&job.schedule).map_err(|e| {
                AppError::Config(format!(
                    "jobs: the schedule of {name}, `{}`, is not a cron expression: {e}",
                    job.schedule
                ))
            })?;
        }
        if let Some(store) = &self.store {
            let scheme = url::Url::parse(store).map(|u| u.scheme().to_string()).unwrap_or_default();
            if !["sqlite", "postgres", "postgresql", "redis", "rediss"].contains(&scheme.as_str()) {
                return Err(AppError::Config(format!(
                    "jobs.store must be a sqlite://, postgres:// or redis:// URL, not `{}`",
                    goats_sql::mask_url(store)
                )));
            }
        }
        if !(1..=10_080).contains(&self.reminder_repeat_minutes) {
            return Err(AppError::Config("jobs.reminder_repeat_minutes must be 1–10080".into()));
        }
        Ok(())
    }
}

/// A calendar as written in the configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarConfig {
    /// An IANA time zone such as `Europe/Berlin`.
    pub time_zone: String,
    /// Per weekday (`mon` … `sun`), spans of whole hours such as `08:00-17:00`.
    pub working_hours: BTreeMap<String, Vec<String>>,
    /// `MM-DD` every year, or `YYYY-MM-DD` once.
    pub holidays: Vec<String>,
}

impl Default for CalendarConfig {
    /// OTRS's default: Monday to Friday 08:00–21:00 UTC, with its six yearly holidays.
    fn default() -> Self {
        let day = vec!["08:00-21:00".to_string()];
        Self {
            time_zone: "UTC".into(),
            working_hours: ["mon", "tue", "wed", "thu", "fri"]
                .into_iter()
                .map(|d| (d.to_string(), day.clone()))
                .collect(),
            holidays: ["01-01", "05-01", "12-24", "12-25", "12-26", "12-31"].map(String::from).to_vec(),
        }
    }
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl CalendarConfig {
    pub fn build(&self, name: &str) -> Result<WorkingCalendar, AppError> {
        if let Some(day) = self.working_hours.keys().find(|d| !WEEKDAYS.contains(&d.as_str())) {
            return Err(AppError::Config(format!("calendar {name}: `{day}` is not a weekday (mon … sun)")));
        }
        let days: Vec<Vec<&str>> = WEEKDAYS
            .iter()
            .map(|d| self.working_hours.get(*d).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default())
            .collect();
        let week: [&[&str]; 7] = std::array::from_fn(|i| days[i].as_slice());
        let holidays: Vec<&str> = self.holidays.iter().map(String::as_str).collect();
        WorkingCalendar::new(&self.time_zone, week, &holidays)
            .map_err(|e| AppError::Config(format!("calendar {name}: {e}")))
    }
}

/// The default calendar and the named ones queues and SLAs refer to.
pub fn calendars(default: &CalendarConfig, named: &BTreeMap<String, CalendarConfig>) -> Result<Calendars, AppError> {
    let mut all = Calendars::new(default.build("default")?);
    for (name, c) in named {
        all = all.with(name.clone(), c.build(name)?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_calendar_is_otrs_s() {
        let built = CalendarConfig::default().build("default").unwrap();
        assert_eq!(built, WorkingCalendar::otrs_default());
    }

    #[test]
    fn bad_schedules_and_calendars_are_refused_with_their_name() {
        let mut jobs = JobsConfig::default();
        jobs.validate().unwrap();
        jobs.escalation.schedule = "every minute".into();
        let e = jobs.validate().unwrap_err().to_string();
        assert!(e.contains("escalation") && e.contains("every minute"), "{e}");

        let mut c = CalendarConfig::default();
        c.working_hours.insert("funday".into(), vec![]);
        assert!(c.build("2").unwrap_err().to_string().contains("funday"));
        let c = CalendarConfig { time_zone: "Europe/Nowhere".into(), ..Default::default() };
        assert!(c.build("2").unwrap_err().to_string().contains("calendar 2"));
    }
}
