//! What a ticket's state type means, and what entering a state requires or causes.

use chrono::{DateTime, Utc};

use crate::error::{DomainError, DomainResult};
use crate::model::{Lock, StateType};

/// Whether tickets of this type count as open work (shown in queues, escalate).
pub fn is_open(t: StateType) -> bool {
    matches!(t, StateType::New | StateType::Open | StateType::PendingReminder | StateType::PendingAuto)
}

pub fn is_pending(t: StateType) -> bool {
    matches!(t, StateType::PendingReminder | StateType::PendingAuto)
}

/// Closed, merged and removed tickets are finished: no escalation, no reminders.
pub fn is_finished(t: StateType) -> bool {
    matches!(t, StateType::Closed | StateType::Merged | StateType::Removed)
}

/// The ticket fields a state change rewrites besides the state itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateEffect {
    /// New value of `until_time` (0 = no pending time).
    pub until_time: i64,
    /// `Some(Lock::Unlock)` when entering the state releases the lock.
    pub lock: Option<Lock>,
}

/// Checks a move into a state of type `target` and says what else changes.
///
/// A pending state needs a pending time in the future; leaving the pending states
/// clears it; closing a ticket unlocks it, as OTRS does.
pub fn enter_state(
    target: StateType,
    pending_until: Option<DateTime<Utc>>,
    current_lock: Lock,
    now: DateTime<Utc>,
) -> DomainResult<StateEffect> {
    let until_time = if is_pending(target) {
        let until = pending_until
            .ok_or_else(|| DomainError::invalid("pending_until", "a pending state needs a pending time"))?;
        if until <= now {
            return Err(DomainError::invalid("pending_until", "the pending time must be in the future"));
        }
        until.timestamp()
    } else {
        0
    };
    let lock = (target == StateType::Closed && current_lock.is_locked()).then_some(Lock::Unlock);
    Ok(StateEffect { until_time, lock })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    #[test]
    fn classification_matches_otrs() {
        assert!(is_open(StateType::New) && is_open(StateType::PendingAuto));
        assert!(!is_open(StateType::Closed) && !is_open(StateType::Merged));
        assert!(is_pending(StateType::PendingReminder) && !is_pending(StateType::Open));
        assert!(is_finished(StateType::Removed) && !is_finished(StateType::Open));
    }

    #[test]
    fn pending_needs_a_future_time() {
        let err = enter_state(StateType::PendingReminder, None, Lock::Unlock, now()).unwrap_err();
        assert!(matches!(err, DomainError::Invalid { field: "pending_until", .. }));
        let past = now() - Duration::minutes(1);
        assert!(enter_state(StateType::PendingAuto, Some(past), Lock::Unlock, now()).is_err());
        assert!(enter_state(StateType::PendingAuto, Some(now()), Lock::Unlock, now()).is_err());
        let later = now() + Duration::hours(2);
        let e = enter_state(StateType::PendingAuto, Some(later), Lock::Lock, now()).unwrap();
        assert_eq!(e, StateEffect { until_time: later.timestamp(), lock: None });
    }

    #[test]
    fn leaving_pending_clears_the_time_and_closing_unlocks() {
        let e = enter_state(StateType::Open, Some(now() + Duration::hours(1)), Lock::Lock, now()).unwrap();
        assert_eq!(e, StateEffect { until_time: 0, lock: None });
        let e = enter_state(StateType::Closed, None, Lock::Lock, now()).unwrap();
        assert_eq!(e.lock, Some(Lock::Unlock));
        let e = enter_state(StateType::Closed, None, Lock::Unlock, now()).unwrap();
        assert_eq!(e.lock, None);
    }
}
