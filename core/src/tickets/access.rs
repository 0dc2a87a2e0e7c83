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
        self.judge(actor, ticket.into()).await
    }

    /// The rule's verdict on a ticket, by its id; `None` when there is no such ticket.
    /// A route's guard asks this before it reads a request's body and hands the verdict
    /// on with the actor ([`AgentPermissions::with_verdict`]), so the operation that
    /// follows does not evaluate the rule again.
    pub async fn abilities_on(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Option<TicketVerdict>> {
        match self.read(id).await {
            Ok(ticket) => {
                let reach = Reach::from(&ticket);
                Ok(Some(TicketVerdict { reach, abilities: self.judge(actor, reach).await? }))
            }
            Err(DomainError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether the actor may read the ticket an event names: what decides whether a
    /// live event reaches their browser. The same rule as every read, watchers included.
    pub async fn may_read(&self, actor: &AgentPermissions, ticket: &TicketRef) -> DomainResult<bool> {
        self.may(actor, ticket.into(), Permission::Ro).await
    }

    /// Whether the actor holds `wanted` on the ticket.
    pub(super) async fn may(&self, actor: &AgentPermissions, ticket: Reach, wanted: Permission) -> DomainResult<bool> {
        self.holds(actor, ticket, wanted).await
    }

    /// The check most operations start with, evaluated once: a ticket the actor may
    /// not read does not exist for them; one they may read but not change this way is
    /// refused, naming what they were `doing`.
    pub(super) async fn require(
        &self,
        actor: &AgentPermissions,
        ticket: Reach,
        wanted: Permission,
        doing: &str,
    ) -> DomainResult<()> {
        let (ro, rights) = match actor.verdict().filter(|v| v.reach == ticket) {
            Some(verdict) => (verdict.allows(Permission::Ro), verdict.allows(wanted)),
            None => {
                let access = self.settled(actor, ticket, &[Permission::Ro, wanted]).await?;
                (actor.can_access_ticket(&access, Permission::Ro), actor.can_access_ticket(&access, wanted))
            }
        };
        if !ro {
            return Err(DomainError::not_found("ticket", ticket.id));
        }
        if !rights {
            return Err(DomainError::PermissionDenied(format!("{doing} needs {}", wanted.key())));
        }
        Ok(())
    }

    /// Every permission the actor holds on the ticket: a request's verdict when it is
    /// about this ticket as it stands, otherwise the rule evaluated now.
    async fn judge(&self, actor: &AgentPermissions, ticket: Reach) -> DomainResult<Vec<Permission>> {
        if let Some(verdict) = actor.verdict().filter(|v| v.reach == ticket) {
            return Ok(verdict.abilities.clone());
        }
        let access = self.settled(actor, ticket, &Permission::ALL).await?;
        Ok(Permission::ALL.into_iter().filter(|p| actor.can_access_ticket(&access, *p)).collect())
    }

    /// Whether the actor holds `wanted`: a request's verdict when it is about this
    /// ticket as it stands, otherwise the rule evaluated now.
    async fn holds(&self, actor: &AgentPermissions, ticket: Reach, wanted: Permission) -> DomainResult<bool> {
        if let Some(verdict) = actor.verdict().filter(|v| v.reach == ticket) {
            return Ok(verdict.allows(wanted));
        }
        let access = self.settled(actor, ticket, &[wanted]).await?;
        Ok(actor.can_access_ticket(&access, wanted))
    }

    /// The facts that decide the one permission rule
    /// ([`AgentPermissions::can_access_ticket`]) for `wanted`: the ticket's watchers are
    /// read only when its group, owner and responsible agent do not settle it already.
    async fn settled(
        &self,
        actor: &AgentPermissions,
        ticket: Reach,
        wanted: &[Permission],
    ) -> DomainResult<TicketAccess> {
        let mut access = self.access(ticket).await?;
        if !wanted.iter().all(|p| actor.can_access_ticket(&access, *p)) {
            access.watcher_ids = self.watchers_of(ticket.id).await?;
        }
        Ok(access)
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

/// What the permission rule said about one ticket for one actor, and the ticket's
/// facts it said it on. Made only here, so a verdict is always the rule's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketVerdict {
    reach: Reach,
    abilities: Vec<Permission>,
}

impl TicketVerdict {
    /// Every permission the actor holds on the ticket.
    pub fn abilities(&self) -> &[Permission] {
        &self.abilities
    }

    pub fn allows(&self, wanted: Permission) -> bool {
        self.abilities.contains(&wanted)
    }
}

/// What decides who reaches a ticket, as a read ticket or an event names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
