use chrono::DateTime;

use super::JobPorts;
use crate::calendar::Calendars;
use crate::error::DomainResult;
use crate::event::{Event, TicketRef};
use crate::model::Lock;
use crate::tickets::plan::{ResolvedChange, plan};
use crate::tickets::{Applied, Precondition, SYSTEM_USER, TicketEdit, TicketGuard};

/// Unlocks tickets locked longer than their queue's unlock timeout, counted in working
/// minutes of the queue's calendar, so a ticket nobody works on returns to the queue.
pub struct LockTimeoutReleaser {
    ports: JobPorts,
    calendars: Calendars,
}

impl LockTimeoutReleaser {
    pub fn new(ports: JobPorts, calendars: Calendars) -> Self {
        Self { ports, calendars }
    }

    /// Unlocks what has timed out; returns how many tickets this instance unlocked.
    pub async fn run(&self) -> DomainResult<usize> {
        let p = &self.ports;
        let now = p.clock.now();
        let mut unlocked = 0;
        for locked in p.schedule.locked_in_timed_queues().await? {
            let calendar = self.calendars.get(locked.calendar_name.as_deref());
            // A lock without a recorded time (an older OTRS row) counts as timed out, as in OTRS.
            let expired = match DateTime::from_timestamp(locked.lock_time, 0).filter(|_| locked.lock_time > 0) {
                Some(since) => {
                    calendar.working_seconds_between(since, now) >= i64::from(locked.unlock_timeout_minutes) * 60
                }
                None => true,
            };
            if !expired {
                continue;
            }
            let t = &locked.ticket;
            let (columns, history) = plan(t, &ResolvedChange::Lock(Lock::Unlock), now)?;
            let guard = TicketGuard {
                state_id: t.state_id,
                until_time: t.until_time,
                lock: t.lock,
                lock_time: Some(locked.lock_time),
            };
            let edit =
                TicketEdit { columns, history, precondition: Precondition::Columns(guard), ..TicketEdit::default() };
            if p.tickets.apply(t.id, edit, SYSTEM_USER).await? == Applied::Done {
                p.events
                    .publish(Event::TicketUpdated {
                        ticket: TicketRef::from(t),
                        change: "unlock_timeout".into(),
                        by: crate::tickets::SYSTEM_USER,
                    })
                    .await;
                unlocked += 1;
            }
        }
        Ok(unlocked)
    }
}
