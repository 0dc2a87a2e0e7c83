//! The defaults an admin set for new tickets, as the new-ticket pages and the APIs
//! apply them. A default that has since been set invalid (or removed) gives way to
//! OTRS's own, so a stale setting never makes opening a ticket fail.

use crate::error::DomainResult;
use crate::model::{StateType, TicketDefaults, ticket_default_setting as key};

use super::TicketService;

impl TicketService {
    pub async fn defaults(&self) -> DomainResult<TicketDefaults> {
        let p = &self.ports;
        let built_in = TicketDefaults::default();
        let id = |raw: &Option<String>| raw.as_deref().and_then(|v| v.parse::<i32>().ok());
        // Read on every new ticket: one query for the four.
        let stored = p.settings.get_all(&[key::QUEUE, key::STATE, key::PRIORITY, key::TYPE]).await?;
        let [queue, state, priority, ticket_type] = [0, 1, 2, 3].map(|i| stored.get(i).and_then(id));
        let queue_id = match queue {
            Some(q) => p.lookups.queue(q).await?.filter(|q| q.valid).map(|q| q.id),
            None => None,
        };
        let state_id = match state {
            Some(s) => p
                .lookups
                .state(s)
                .await?
                .filter(|s| s.valid && fit_default_state(s.state_type))
                .map_or(built_in.state_id, |s| s.id),
            None => built_in.state_id,
        };
        let priority_id = match priority {
            Some(x) => p.lookups.priority(x).await?.filter(|x| x.valid).map_or(built_in.priority_id, |x| x.id),
            None => built_in.priority_id,
        };
        let type_id = match ticket_type {
            Some(x) => p.lookups.ticket_type(x).await?.filter(|x| x.valid).map_or(built_in.type_id, |x| x.id),
            None => built_in.type_id,
        };
        Ok(TicketDefaults { queue_id, state_id, priority_id, type_id })
    }
}

/// A default state must open a ticket with nothing more asked: not merged or removed,
/// and not pending, which would need a time nobody gave.
pub(crate) fn fit_default_state(t: StateType) -> bool {
    !matches!(t, StateType::Merged | StateType::Removed | StateType::PendingReminder | StateType::PendingAuto)
}
