use chrono::{DateTime, Duration};

use super::JobPorts;
use crate::error::DomainResult;
use crate::event::{Event, TicketRef};
use crate::model::{StateType, Ticket, UserId};

/// Finds pending-reminder tickets whose time has come and reminds the agent in charge,
/// again after every `repeat` until the ticket leaves the pending state or its time is
/// moved on.
pub struct PendingReminderDetector {
    ports: JobPorts,
    repeat: Duration,
}

impl PendingReminderDetector {
    pub fn new(ports: JobPorts, repeat: Duration) -> Self {
        Self { ports, repeat: repeat.max(Duration::minutes(1)) }
    }

    /// Sends the reminders that are due now; returns how many this instance sent.
    pub async fn run(&self) -> DomainResult<usize> {
        let p = &self.ports;
        let now = p.clock.now();
        let mut sent = 0;
        for ticket in p.schedule.pending_due(StateType::PendingReminder, now).await? {
            let Some(due) = DateTime::from_timestamp(ticket.until_time, 0) else { continue };
            // The n-th reminder for this due time: one per interval, whoever sends it.
            let round = (now - due).num_seconds() / self.repeat.num_seconds();
            let key = format!("pending-reminder:{}:{}:{round}", ticket.id, ticket.until_time);
            if !p.schedule.claim(&key, now).await? {
                continue;
            }
            let recipient = self.recipient(&ticket).await?;
            p.events.publish(Event::PendingReminder { ticket: TicketRef::from(&ticket), recipient, due }).await;
            sent += 1;
        }
        Ok(sent)
    }

    async fn recipient(&self, ticket: &Ticket) -> DomainResult<UserId> {
        let responsible_valid = match ticket.responsible_id {
            0 => false,
            id => self.ports.agents.get(id).await?.is_some_and(|a| a.valid),
        };
        Ok(reminder_recipient(ticket, responsible_valid))
    }
}

/// Who a reminder is for: the responsible agent, or the owner when there is none or
/// the responsible agent's account is invalid.
pub fn reminder_recipient(ticket: &Ticket, responsible_valid: bool) -> UserId {
    if ticket.responsible_id != 0 && responsible_valid { ticket.responsible_id } else { ticket.owner_id }
}
