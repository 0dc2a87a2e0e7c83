use std::collections::BTreeMap;

use super::JobPorts;
use crate::error::DomainResult;
use crate::event::{Event, TicketRef};
use crate::model::StateType;
use crate::tickets::plan::{ResolvedChange, plan};
use crate::tickets::{Applied, Precondition, SYSTEM_USER, TicketEdit, TicketGuard};

/// Closes "pending auto" tickets whose time has passed, into the state configured for
/// their pending state (OTRS's `Ticket::StateAfterPending`), unlocking them, with the
/// history rows an agent's change would write.
pub struct PendingAutoCloser {
    ports: JobPorts,
    /// Pending state name → state name after it.
    after: BTreeMap<String, String>,
}

impl PendingAutoCloser {
    pub fn new(ports: JobPorts, after: BTreeMap<String, String>) -> Self {
        Self { ports, after }
    }

    /// OTRS's defaults: "pending auto close+" → "closed successful", "pending auto
    /// close-" → "closed unsuccessful".
    pub fn default_states() -> BTreeMap<String, String> {
        [("pending auto close+", "closed successful"), ("pending auto close-", "closed unsuccessful")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    /// Closes what is due; returns how many tickets this instance closed.
    pub async fn run(&self) -> DomainResult<usize> {
        let p = &self.ports;
        let now = p.clock.now();
        let due = p.schedule.pending_due(StateType::PendingAuto, now).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let states = p.lookups.states().await?;
        let mut closed = 0;
        for ticket in due {
            // A pending-auto state with nothing configured after it stays as it is.
            let Some(target) = self.after.get(&ticket.state) else { continue };
            let (Some(old), Some(new)) =
                (states.iter().find(|s| s.id == ticket.state_id), states.iter().find(|s| &s.name == target && s.valid))
            else {
                continue;
            };
            let change = ResolvedChange::State { old: old.clone(), new: new.clone(), pending_until: None };
            let (columns, history) = plan(&ticket, &change, now)?;
            let guard = TicketGuard {
                state_id: ticket.state_id,
                until_time: ticket.until_time,
                lock: ticket.lock,
                lock_time: None,
            };
            let edit =
                TicketEdit { columns, history, precondition: Precondition::Columns(guard), ..TicketEdit::default() };
            if p.tickets.apply(ticket.id, edit, SYSTEM_USER).await? == Applied::Done {
                let mut after = TicketRef::from(&ticket);
                after.state = new.name.clone();
                p.events
                    .publish(Event::TicketUpdated {
                        ticket: after,
                        change: "auto_close".into(),
                        by: crate::tickets::SYSTEM_USER,
                    })
                    .await;
                closed += 1;
            }
        }
        Ok(closed)
    }
}
