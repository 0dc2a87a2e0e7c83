//! Who may do what with a ticket: the OTRS rule ([`AgentPermissions::can_access_ticket`])
//! applied to a ticket's queue group, owner, responsible agent and watchers, and
//! watching itself.

use crate::error::{DomainError, DomainResult};
use crate::event::TicketRef;
use crate::history::{HistoryEntry, HistoryType, names};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission, TicketAccess};

use super::TicketService;

impl TicketService {
    /// What the actor may do with a ticket they can read, so a page shows only the
    /// controls that will work (the operations check again when used).
    pub async fn abilities(&self, actor: &AgentPermissions, ticket: &Ticket) -> DomainResult<Vec<Permission>> {
        let mut access = self.access(ticket.into()).await?;
        // Everything the agent reaches without watching is settled by the groups; only
        // otherwise can watching the ticket add to what the agent may do.
        if !Permission::ALL.iter().all(|p| actor.can_access_ticket(&access, *p)) {
            access.watcher_ids = self.watchers_of(ticket.id).await?;
        }
        Ok(Permission::ALL.into_iter().filter(|p| actor.can_access_ticket(&access, *p)).collect())
    }

    /// What the actor may do with a ticket, by its id; `None` when there is no such
    /// ticket. For checks made before an operation runs (the pages' route guards).
    pub async fn abilities_on(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Option<Vec<Permission>>> {
        match self.read(id).await {
            Ok(ticket) => self.abilities(actor, &ticket).await.map(Some),
            Err(DomainError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether the actor may read the ticket an event names: what decides whether a
    /// live event reaches their browser. The same rule as every read, watchers included.
    pub async fn may_read(&self, actor: &AgentPermissions, ticket: &TicketRef) -> DomainResult<bool> {
        self.may(actor, ticket.into(), Permission::Ro).await
    }

    /// The one permission rule ([`AgentPermissions::can_access_ticket`]), with the
    /// ticket's watchers read only when the groups, ownership and responsibility do not
    /// settle it already.
    pub(super) async fn may(&self, actor: &AgentPermissions, ticket: Reach, wanted: Permission) -> DomainResult<bool> {
        let mut access = self.access(ticket).await?;
        if actor.can_access_ticket(&access, wanted) {
            return Ok(true);
        }
        access.watcher_ids = self.watchers_of(ticket.id).await?;
        Ok(actor.can_access_ticket(&access, wanted))
    }

    /// Who reaches a ticket, without its watchers: the group of its queue, its owner and
    /// its responsible agent.
    pub(super) async fn access(&self, ticket: Reach) -> DomainResult<TicketAccess> {
        let queue = self
            .ports
            .lookups
            .queue(ticket.queue_id)
            .await?
            .ok_or_else(|| DomainError::not_found("queue", ticket.queue_id))?;
        Ok(TicketAccess {
            group_id: queue.group_id,
            owner_id: ticket.owner_id,
            responsible_id: ticket.responsible_id,
            watcher_ids: Vec::new(),
        })
    }

    /// Starts or stops watching a ticket; any agent who may read it may watch it.
    pub async fn set_watching(&self, actor: &AgentPermissions, id: TicketId, watching: bool) -> DomainResult<()> {
        self.readable(actor, id).await?;
        let me = self.agent(actor.user_id, "watcher").await?;
        let kind = if watching { HistoryType::Subscribe } else { HistoryType::Unsubscribe };
        let entry = HistoryEntry::new(kind, names::watcher(&me.first_name, &me.last_name, &me.login));
        self.ports.tickets.set_watching(id, me.id, watching, entry, actor.user_id).await?;
        self.forget_reads();
        Ok(())
    }
}

/// What decides who reaches a ticket, as a read ticket or an event names it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reach {
    pub(super) id: TicketId,
    queue_id: QueueId,
    owner_id: UserId,
    responsible_id: UserId,
}

impl From<&Ticket> for Reach {
    fn from(t: &Ticket) -> Self {
        Self { id: t.id, queue_id: t.queue_id, owner_id: t.owner_id, responsible_id: t.responsible_id }
    }
}

impl From<&TicketRef> for Reach {
    fn from(t: &TicketRef) -> Self {
        Self { id: t.id, queue_id: t.queue_id, owner_id: t.owner_id, responsible_id: t.responsible_id }
    }
}
