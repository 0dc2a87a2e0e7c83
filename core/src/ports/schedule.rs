//! What the scheduled jobs read and write beyond single tickets.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::DomainResult;
use crate::model::*;

/// What the scheduled jobs read and write beyond single tickets.
#[async_trait]
pub trait ScheduleStore: Send + Sync {
    /// Tickets in a state of `state_type` whose pending time is set and not after `now`.
    async fn pending_due(&self, state_type: StateType, now: DateTime<Utc>) -> DomainResult<Vec<Ticket>>;
    /// Locked tickets in queues with an unlock timeout, each with its queue's timeout in
    /// minutes and its calendar, and the time it was locked (a Unix epoch).
    async fn locked_in_timed_queues(&self) -> DomainResult<Vec<LockedTicket>>;
    /// What escalation needs of every ticket that may escalate or still has escalation
    /// columns set.
    async fn escalation_facts(&self) -> DomainResult<Vec<crate::escalation::EscalationFacts>>;
    /// Writes the four escalation columns.
    async fn set_escalation(&self, id: TicketId, columns: crate::escalation::EscalationColumns) -> DomainResult<()>;
    /// Claims one piece of work, named by `key`, for this instance: true for the first
    /// caller across every instance sharing the database, false for every later one.
    async fn claim(&self, key: &str, at: DateTime<Utc>) -> DomainResult<bool>;
    /// Forgets claims made before `before`.
    async fn forget_claims(&self, before: DateTime<Utc>) -> DomainResult<u64>;
}

/// A locked ticket in a queue that unlocks after a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedTicket {
    pub ticket: Ticket,
    pub lock_time: i64,
    pub unlock_timeout_minutes: i32,
    pub calendar_name: Option<String>,
}
