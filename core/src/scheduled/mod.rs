//! The timed rules every OTRS site depends on, each a job the scheduler runs every
//! minute: [`PendingReminderDetector`], [`PendingAutoCloser`], [`LockTimeoutReleaser`]
//! and [`EscalationIndexer`]. Every action is taken through a claim or a guarded
//! update, so several instances running the same jobs on one database act once.

mod auto_close;
mod escalation_index;
mod pending_reminders;
mod unlock_timeout;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use auto_close::PendingAutoCloser;
pub use escalation_index::{EscalationIndexer, EscalationRun};
pub use pending_reminders::{PendingReminderDetector, reminder_recipient};
pub use unlock_timeout::LockTimeoutReleaser;

use crate::ports::{AgentRepository, Clock, EventBus, LookupRepository, ScheduleStore, TicketRepository};

/// What the jobs work through.
#[derive(Clone)]
pub struct JobPorts {
    pub tickets: Arc<dyn TicketRepository>,
    pub lookups: Arc<dyn LookupRepository>,
    pub agents: Arc<dyn AgentRepository>,
    pub schedule: Arc<dyn ScheduleStore>,
    pub events: Arc<dyn EventBus>,
    pub clock: Arc<dyn Clock>,
}
