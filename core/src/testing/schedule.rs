use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::error::DomainResult;
use crate::escalation::{Contact, EscalationColumns, EscalationFacts, EscalationPolicy};
use crate::event::Event;
use crate::model::*;
use crate::ports::{EventBus, LockedTicket, ScheduleStore};
use crate::state_rules;

impl MemoryStore {
    /// Gives a queue escalation allowances (the SQL store reads them from `queue`).
    pub fn set_queue_escalation(&self, queue_id: QueueId, policy: EscalationPolicy) {
        let mut s = self.lock();
        s.escalation_policies.retain(|(q, _)| *q != queue_id);
        s.escalation_policies.push((queue_id, policy));
    }

    pub fn escalation_columns(&self, id: TicketId) -> EscalationColumns {
        self.lock().escalations.iter().find(|e| e.0 == id).map(|e| e.1).unwrap_or_default()
    }
}

#[async_trait]
impl ScheduleStore for MemoryStore {
    async fn pending_due(&self, state_type: StateType, now: DateTime<Utc>) -> DomainResult<Vec<Ticket>> {
        let s = self.lock();
        Ok(s.tickets
            .iter()
            .filter_map(|t| s.ticket(t.1))
            .filter(|t| t.state_type == state_type && t.until_time > 0 && t.until_time <= now.timestamp())
            .collect())
    }

    async fn locked_in_timed_queues(&self) -> DomainResult<Vec<LockedTicket>> {
        let s = self.lock();
        let mut out = Vec::new();
        for (d, id, ..) in &s.tickets {
            let Some(queue) = s.queues.iter().find(|q| q.id == d.queue_id) else { continue };
            if d.lock.is_locked() && queue.unlock_timeout > 0 {
                let Some(ticket) = s.ticket(*id) else { continue };
                out.push(LockedTicket {
                    ticket,
                    lock_time: d.lock_time,
                    unlock_timeout_minutes: queue.unlock_timeout,
                    calendar_name: queue.calendar_name.clone(),
                });
            }
        }
        Ok(out)
    }

    async fn escalation_facts(&self) -> DomainResult<Vec<EscalationFacts>> {
        let s = self.lock();
        let closed: Vec<StateId> =
            s.states.iter().filter(|st| st.state_type == StateType::Closed).map(|st| st.id).collect();
        let mut out = Vec::new();
        for (d, id, created, _) in &s.tickets {
            let Some(ticket) = s.ticket(*id) else { continue };
            // An SLA's times replace the queue's, as in OTRS.
            let sla = d.sla_id.and_then(|id| s.slas.iter().find(|sla| sla.id == id));
            let policy = match sla {
                Some(sla) => Some(sla.policy()),
                None => s.escalation_policies.iter().find(|p| p.0 == d.queue_id).map(|p| p.1.clone()),
            };
            let stored = s.escalations.iter().find(|e| e.0 == *id).map(|e| e.1).unwrap_or_default();
            let live = policy.as_ref().is_some_and(|p| !p.is_off()) && !state_rules::is_finished(ticket.state_type);
            if !live && stored == EscalationColumns::default() {
                continue;
            }
            out.push(EscalationFacts {
                ticket_id: *id,
                state_type: ticket.state_type,
                created: *created,
                policy: policy.unwrap_or_default(),
                contacts: s
                    .articles
                    .iter()
                    .filter(|a| a.ticket_id == *id)
                    .map(|a| Contact {
                        sender: a.sender_type,
                        visible_for_customer: a.visible_for_customer,
                        created: a.created,
                    })
                    .collect(),
                was_closed: s.history.iter().any(|h| h.ticket_id == *id && closed.contains(&h.state_id)),
                stored,
            });
        }
        Ok(out)
    }

    async fn set_escalation(&self, id: TicketId, columns: EscalationColumns) -> DomainResult<()> {
        let mut s = self.lock();
        s.escalations.retain(|e| e.0 != id);
        s.escalations.push((id, columns));
        Ok(())
    }

    async fn claim(&self, key: &str, at: DateTime<Utc>) -> DomainResult<bool> {
        let mut s = self.lock();
        if s.claims.iter().any(|c| c.0 == key) {
            return Ok(false);
        }
        s.claims.push((key.to_string(), at));
        Ok(true)
    }

    async fn forget_claims(&self, before: DateTime<Utc>) -> DomainResult<u64> {
        let mut s = self.lock();
        let n = s.claims.len();
        s.claims.retain(|c| c.1 >= before);
        Ok((n - s.claims.len()) as u64)
    }
}

/// An event bus that keeps what it is given, for tests to read.
#[derive(Default, Clone)]
pub struct RecordingBus(Arc<Mutex<Vec<Event>>>);

impl RecordingBus {
    pub fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[async_trait]
impl EventBus for RecordingBus {
    async fn publish(&self, event: Event) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(event);
    }
}
