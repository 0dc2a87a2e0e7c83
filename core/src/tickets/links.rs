//! Links between tickets (OTRS's LinkObject), and merging one ticket into another.

use crate::error::{DomainError, DomainResult};
use crate::history::{HistoryEntry, HistoryType, names};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission};
use crate::ports::*;

use super::{ResolvedChange, TicketEdit, TicketService, plan};

impl TicketService {
    /// The tickets linked to this one that the actor may read.
    pub async fn links(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Vec<LinkedTicket>> {
        self.readable(actor, id).await?;
        self.linked(actor, id).await
    }

    /// The links of a ticket the actor may read, to the tickets they may read.
    pub(super) async fn linked(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Vec<LinkedTicket>> {
        let mut out = Vec::new();
        for (other, kind) in self.links_of(id).await? {
            let ticket = match self.read(other).await {
                Ok(t) => t,
                Err(DomainError::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            if self.may(actor, (&ticket).into(), Permission::Ro).await? {
                out.push(LinkedTicket { kind, ticket });
            }
        }
        Ok(out)
    }

    /// Links a ticket to another (OTRS's LinkObject): needs `rw` on this ticket and
    /// sight of the other. Returns false when the link existed already.
    pub async fn link(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
    ) -> DomainResult<bool> {
        let (ticket, target) = self.link_pair(actor, id, other).await?;
        let history = link_history(HistoryType::TicketLinkAdd, &ticket, &target);
        let added = self.ports.tickets.add_link(id, other, kind, history, actor.user_id).await;
        self.forget_reads();
        added
    }

    /// Removes a link; the same permissions as adding it. False when there was none.
    pub async fn unlink(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
    ) -> DomainResult<bool> {
        let (ticket, target) = self.link_pair(actor, id, other).await?;
        let history = link_history(HistoryType::TicketLinkDelete, &ticket, &target);
        let removed = self.ports.tickets.remove_link(id, other, kind, history, actor.user_id).await;
        self.forget_reads();
        removed
    }

    pub(super) async fn link_pair(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        other: TicketId,
    ) -> DomainResult<(Ticket, Ticket)> {
        if id == other {
            return Err(DomainError::invalid("target", "a ticket cannot be linked to itself"));
        }
        let ticket = self.read(id).await?;
        self.require(actor, (&ticket).into(), Permission::Rw, "linking this ticket").await?;
        let target = self.readable(actor, other).await?;
        Ok((ticket, target))
    }

    /// Merges `source` into `target`, as OTRS does: the source's articles and watchers
    /// move to the target, the source gets a note, is set to the merged state and
    /// unlocked, and both record a `Merged` history row. Needs `rw` on both tickets.
    pub async fn merge(
        &self,
        actor: &AgentPermissions,
        source_id: TicketId,
        target_id: TicketId,
    ) -> DomainResult<Ticket> {
        if source_id == target_id {
            return Err(DomainError::invalid("target", "a ticket cannot be merged into itself"));
        }
        let source = self.read(source_id).await?;
        let target = self.read(target_id).await?;
        for t in [&source, &target] {
            self.require(actor, t.into(), Permission::Rw, &format!("merging ticket {}", t.number)).await?;
            if t.state_type == StateType::Merged {
                return Err(DomainError::invalid("ticket", format!("ticket {} is already merged", t.number)));
            }
        }
        let states = self.ports.lookups.states().await?;
        let merged = states
            .iter()
            .find(|s| s.state_type == StateType::Merged && s.valid)
            .cloned()
            .ok_or_else(|| DomainError::Conflict("there is no valid state of type merged".into()))?;
        let old = states
            .iter()
            .find(|s| s.id == source.state_id)
            .cloned()
            .ok_or_else(|| DomainError::not_found("state", source.state_id))?;
        let now = self.ports.clock.now();
        let mut working = source.clone();
        let mut edit = TicketEdit::default();
        for change in
            [ResolvedChange::State { old, new: merged, pending_until: None }, ResolvedChange::Lock(Lock::Unlock)]
        {
            let (columns, history) = plan::plan(&working, &change, now)?;
            plan::apply(&mut working, &columns, &change);
            edit.extend(columns, history);
        }
        let mut source_history = edit.history;
        let merged_name = names::merged(&source.number, source.id, &target.number, target.id);
        let [(_, source_link), (_, target_link)] = link_history(HistoryType::TicketLinkAdd, &source, &target);
        source_history.push(source_link);
        source_history.push(HistoryEntry::new(HistoryType::Merged, merged_name.clone()));
        let note = NewArticle::note("Merged", format!("Merged ticket {} into {}.", source.number, target.number));
        let plan = MergePlan {
            source_columns: edit.columns,
            source_history,
            target_history: vec![target_link, HistoryEntry::new(HistoryType::Merged, merged_name)],
            note,
            link_as_child: true,
        };
        self.ports.tickets.merge(source_id, target_id, plan, actor.user_id).await?;
        self.forget_reads();
        self.load(target_id).await
    }
}

/// A link's history row on each of its two tickets, naming the other one.
fn link_history(kind: HistoryType, a: &Ticket, b: &Ticket) -> [(TicketId, HistoryEntry); 2] {
    [
        (a.id, HistoryEntry::new(kind, names::link(&b.number, b.id, a.id))),
        (b.id, HistoryEntry::new(kind, names::link(&a.number, a.id, b.id))),
    ]
}
