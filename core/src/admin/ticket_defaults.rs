//! The defaults for new tickets (see [`TicketDefaults`]): checked as a whole and
//! stored as a whole.

use crate::error::{DomainError, DomainResult};
use crate::model::{TicketDefaults, ticket_default_setting as key};
use crate::permission::AgentPermissions;
use crate::tickets::defaults::fit_default_state;

use super::AdminService;

impl AdminService {
    pub async fn set_ticket_defaults(&self, actor: &AgentPermissions, d: TicketDefaults) -> DomainResult<()> {
        Self::check(actor)?;
        let l = &self.ports.lookups;
        if let Some(q) = d.queue_id {
            l.queue(q).await?.filter(|q| q.valid).ok_or_else(|| DomainError::invalid("queue", "not a valid queue"))?;
        }
        let state = l
            .state(d.state_id)
            .await?
            .filter(|s| s.valid)
            .ok_or_else(|| DomainError::invalid("state", "not a valid state"))?;
        if !fit_default_state(state.state_type) {
            return Err(DomainError::invalid(
                "state",
                format!("a new ticket cannot start as {} (a {} state)", state.name, <&str>::from(state.state_type)),
            ));
        }
        l.priority(d.priority_id)
            .await?
            .filter(|p| p.valid)
            .ok_or_else(|| DomainError::invalid("priority", "not a valid priority"))?;
        l.ticket_type(d.type_id)
            .await?
            .filter(|t| t.valid)
            .ok_or_else(|| DomainError::invalid("type", "not a valid type"))?;
        self.ports
            .settings
            .set_all(&[
                (key::QUEUE, d.queue_id.map(|q| q.to_string())),
                (key::STATE, Some(d.state_id.to_string())),
                (key::PRIORITY, Some(d.priority_id.to_string())),
                (key::TYPE, Some(d.type_id.to_string())),
            ])
            .await
    }
}
