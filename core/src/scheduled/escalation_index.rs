use super::JobPorts;
use crate::calendar::Calendars;
use crate::error::DomainResult;
use crate::escalation::{self, DeadlineStatus};
use crate::event::{Event, TicketRef};

/// Keeps the `escalation_*` columns of every ticket current and announces warnings and
/// escalations, each once per deadline.
pub struct EscalationIndexer {
    ports: JobPorts,
    calendars: Calendars,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EscalationRun {
    pub rewritten: usize,
    pub announced: usize,
}

impl EscalationIndexer {
    pub fn new(ports: JobPorts, calendars: Calendars) -> Self {
        Self { ports, calendars }
    }

    pub async fn run(&self) -> DomainResult<EscalationRun> {
        let p = &self.ports;
        let now = p.clock.now();
        let mut run = EscalationRun::default();
        for facts in p.schedule.escalation_facts().await? {
            let calendar = self.calendars.get(facts.policy.calendar_name.as_deref());
            let escalation = escalation::compute(&facts, calendar);
            let columns = escalation.columns();
            if columns != facts.stored {
                p.schedule.set_escalation(facts.ticket_id, columns).await?;
                run.rewritten += 1;
            }
            for d in &escalation.deadlines {
                let (name, status) = match d.status(now) {
                    DeadlineStatus::Running => continue,
                    DeadlineStatus::Warning => ("escalation-warning", DeadlineStatus::Warning),
                    DeadlineStatus::Escalated => ("escalated", DeadlineStatus::Escalated),
                };
                let key = format!("{name}:{}:{}:{}", facts.ticket_id, d.kind.key(), d.due.timestamp());
                if !p.schedule.claim(&key, now).await? {
                    continue;
                }
                let Some(ticket) = p.tickets.get(facts.ticket_id).await? else { continue };
                let ticket = TicketRef::from(&ticket);
                let event = if status == DeadlineStatus::Warning {
                    Event::EscalationWarning { ticket, clock: d.kind, due: d.due }
                } else {
                    Event::Escalated { ticket, clock: d.kind, due: d.due }
                };
                p.events.publish(event).await;
                run.announced += 1;
            }
        }
        Ok(run)
    }
}
