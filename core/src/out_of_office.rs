//! An agent's out-of-office period. OTRS keeps it as preferences: `OutOfOffice` (1 when
//! set) and the start and end dates' year, month and day, each its own key. The
//! substitute, who gets the absent agent's notifications, is `OutOfOfficeSubstitute`
//! (an agent id), the key OTRS-derived products use for it, so a site moving between them
//! keeps it.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::UserId;
use crate::ports::{AgentRepository, PreferenceStore};
use crate::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfOffice {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub substitute: Option<UserId>,
}

impl OutOfOffice {
    /// The preferences in the order [`Self::from_preferences`] reads them; the first one
    /// says whether the rest count.
    pub const KEYS: [&'static str; 8] = [
        "OutOfOffice",
        "OutOfOfficeStartYear",
        "OutOfOfficeStartMonth",
        "OutOfOfficeStartDay",
        "OutOfOfficeEndYear",
        "OutOfOfficeEndMonth",
        "OutOfOfficeEndDay",
        "OutOfOfficeSubstitute",
    ];

    /// From the preferences in [`Self::KEYS`]' order; `None` when it is off or a date is
    /// missing. A substitute that is no number is no substitute.
    pub fn from_preferences(values: &[Option<String>]) -> Option<Self> {
        let number = |i: usize| values.get(i)?.as_deref()?.trim().parse::<u32>().ok();
        if number(0)? != 1 {
            return None;
        }
        let date = |at: usize| NaiveDate::from_ymd_opt(number(at)? as i32, number(at + 1)?, number(at + 2)?);
        let substitute = number(7).and_then(|id| UserId::try_from(id).ok()).filter(|id| *id > 0);
        Some(Self { start: date(1)?, end: date(4)?, substitute })
    }

    /// The values for [`Self::KEYS`], as OTRS writes them (months and days unpadded).
    fn to_preferences(self) -> [String; 8] {
        use chrono::Datelike;
        let d = |n: u32| n.to_string();
        [
            "1".into(),
            self.start.year().to_string(),
            d(self.start.month()),
            d(self.start.day()),
            self.end.year().to_string(),
            d(self.end.month()),
            d(self.end.day()),
            self.substitute.map(|s| s.to_string()).unwrap_or_default(),
        ]
    }

    /// Whether `now` falls in the period, both days included (in UTC, as goats stores
    /// times).
    pub fn covers(&self, now: DateTime<Utc>) -> bool {
        let today = now.date_naive();
        self.start <= today && today <= self.end
    }
}

/// Reads and sets agents' out-of-office periods.
pub struct OutOfOfficeService {
    agents: Arc<dyn AgentRepository>,
    preferences: Arc<dyn PreferenceStore>,
}

impl OutOfOfficeService {
    pub fn new(agents: Arc<dyn AgentRepository>, preferences: Arc<dyn PreferenceStore>) -> Self {
        Self { agents, preferences }
    }

    /// The agent's period as set, whether or not it has begun or is over.
    pub async fn of(&self, agent: UserId) -> DomainResult<Option<OutOfOffice>> {
        let mut values = Vec::with_capacity(OutOfOffice::KEYS.len());
        for key in OutOfOffice::KEYS {
            let value = self.preferences.preference(agent, key).await?;
            // Most agents are in: one read tells.
            if values.is_empty() && value.as_deref().map(str::trim) != Some("1") {
                return Ok(None);
            }
            values.push(value);
        }
        Ok(OutOfOffice::from_preferences(&values))
    }

    /// Every agent away at `now`, with their period: one read for who switched it on
    /// (usually few), then their dates.
    pub async fn away(&self, now: DateTime<Utc>) -> DomainResult<Vec<(UserId, OutOfOffice)>> {
        let mut out = Vec::new();
        for agent in self.preferences.users_with(OutOfOffice::KEYS[0], "1").await? {
            if let Some(period) = self.away_at(agent, now).await? {
                out.push((agent, period));
            }
        }
        Ok(out)
    }

    /// The agent's period if it covers `now`.
    pub async fn away_at(&self, agent: UserId, now: DateTime<Utc>) -> DomainResult<Option<OutOfOffice>> {
        Ok(self.of(agent).await?.filter(|o| o.covers(now)))
    }

    /// Sets the agent's period, or clears it with `None`. Refused: an end before the
    /// start, the agent as their own substitute, a substitute who is no valid agent.
    pub async fn set(&self, agent: UserId, period: Option<OutOfOffice>) -> DomainResult<()> {
        let Some(period) = period else {
            // OTRS switches it off and leaves the dates for the next time.
            return self.preferences.set_preference(agent, OutOfOffice::KEYS[0], "0").await;
        };
        if period.end < period.start {
            return Err(DomainError::invalid("end", "the last day is before the first"));
        }
        if let Some(substitute) = period.substitute {
            if substitute == agent {
                return Err(DomainError::invalid("substitute", "an agent cannot stand in for themselves"));
            }
            if !self.agents.get(substitute).await?.is_some_and(|a| a.valid) {
                return Err(DomainError::invalid("substitute", format!("no valid agent has id {substitute}")));
            }
        }
        // The switch is written last, so a period half-written by a failure stays off.
        let values = period.to_preferences();
        for (key, value) in OutOfOffice::KEYS.iter().zip(values.iter()).skip(1) {
            self.preferences.set_preference(agent, key, value).await?;
        }
        self.preferences.set_preference(agent, OutOfOffice::KEYS[0], &values[0]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_what_otrs_writes_and_writes_it_back() {
        let stored: Vec<Option<String>> =
            ["1", "2026", "12", "7", "2026", "12", "24", "5"].iter().map(|s| Some(s.to_string())).collect();
        let o = OutOfOffice::from_preferences(&stored).unwrap();
        assert_eq!(o, OutOfOffice { start: day(2026, 12, 7), end: day(2026, 12, 24), substitute: Some(5) });
        assert_eq!(o.to_preferences().map(Some).to_vec(), stored);
    }

    #[test]
    fn off_or_incomplete_is_none_and_a_stray_substitute_is_ignored() {
        let with = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        assert_eq!(OutOfOffice::from_preferences(&with(&["0", "2026", "1", "1", "2026", "1", "2"])), None);
        assert_eq!(OutOfOffice::from_preferences(&with(&["1", "2026", "1", "1", "2026", "13", "2"])), None);
        let o = OutOfOffice::from_preferences(&with(&["1", "2026", "1", "1", "2026", "1", "2", "x"])).unwrap();
        assert_eq!(o.substitute, None);
        assert_eq!(
            OutOfOffice::from_preferences(&with(&["1", "2026", "1", "1", "2026", "1", "2"])).unwrap().substitute,
            None
        );
    }

    #[test]
    fn both_days_are_included() {
        let o = OutOfOffice { start: day(2026, 12, 7), end: day(2026, 12, 8), substitute: None };
        let at = |d: NaiveDate, h: u32| d.and_hms_opt(h, 0, 0).unwrap().and_utc();
        assert!(!o.covers(at(day(2026, 12, 6), 23)));
        assert!(o.covers(at(day(2026, 12, 7), 0)));
        assert!(o.covers(at(day(2026, 12, 8), 23)));
        assert!(!o.covers(at(day(2026, 12, 9), 0)));
    }

    mod service {
        use std::sync::Arc;

        use super::*;
        use crate::ports::NewAgent;
        use crate::testing::{FixedClock, MemoryStore};

        async fn agent(store: &MemoryStore, login: &str) -> UserId {
            let new = NewAgent {
                login: login.into(),
                first_name: login.into(),
                last_name: "Agent".into(),
                email: None,
                password_hash: "!".into(),
            };
            AgentRepository::create(store, new, 1).await.unwrap()
        }

        #[tokio::test]
        async fn a_period_is_set_read_back_and_switched_off() {
            let store = MemoryStore::with_defaults(Arc::new(FixedClock::at(Utc::now())));
            let service = OutOfOfficeService::new(Arc::new(store.clone()), Arc::new(store.clone()));
            let (ann, bob) = (agent(&store, "ann").await, agent(&store, "bob").await);
            assert_eq!(service.of(ann).await.unwrap(), None);
            let period = OutOfOffice { start: day(2026, 12, 7), end: day(2026, 12, 24), substitute: Some(bob) };
            service.set(ann, Some(period)).await.unwrap();
            assert_eq!(service.of(ann).await.unwrap(), Some(period));
            let during = day(2026, 12, 10).and_hms_opt(9, 0, 0).unwrap().and_utc();
            let after = day(2026, 12, 25).and_hms_opt(9, 0, 0).unwrap().and_utc();
            assert_eq!(service.away_at(ann, during).await.unwrap(), Some(period));
            assert_eq!(service.away_at(ann, after).await.unwrap(), None);
            assert_eq!(service.away(during).await.unwrap(), [(ann, period)]);
            assert!(service.away(after).await.unwrap().is_empty());
            service.set(ann, None).await.unwrap();
            assert_eq!(service.of(ann).await.unwrap(), None);
            assert_eq!(store.preference(ann, "OutOfOfficeEndDay").await.unwrap().as_deref(), Some("24"));
        }

        #[tokio::test]
        async fn refusals_change_nothing() {
            let store = MemoryStore::with_defaults(Arc::new(FixedClock::at(Utc::now())));
            let service = OutOfOfficeService::new(Arc::new(store.clone()), Arc::new(store.clone()));
            let (ann, gone) = (agent(&store, "ann").await, agent(&store, "gone").await);
            store.set_valid(gone, false, 1).await.unwrap();
            let period = |substitute| OutOfOffice { start: day(2026, 12, 7), end: day(2026, 12, 8), substitute };
            let backwards = OutOfOffice { start: day(2026, 12, 8), end: day(2026, 12, 7), substitute: None };
            let field = |r: DomainResult<()>| match r {
                Err(DomainError::Invalid { field, .. }) => field,
                other => panic!("not refused: {other:?}"),
            };
            assert_eq!(field(service.set(ann, Some(backwards)).await), "end");
            assert_eq!(field(service.set(ann, Some(period(Some(ann)))).await), "substitute");
            assert_eq!(field(service.set(ann, Some(period(Some(gone)))).await), "substitute");
            assert_eq!(field(service.set(ann, Some(period(Some(9999)))).await), "substitute");
            assert_eq!(service.of(ann).await.unwrap(), None);
            assert_eq!(store.preference(ann, "OutOfOfficeStartDay").await.unwrap(), None);
        }
    }
}
