//! Changing a ticket's fields: the changes asked for are checked, resolved and planned
//! (see [`super::plan`]) into one [`TicketEdit`], which the repository applies atomically.

use crate::error::{DomainError, DomainResult};
use crate::event::{Event, TicketRef};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission};

use super::{Applied, Precondition, ResolvedChange, TicketChange, TicketEdit, TicketService, plan};

impl TicketService {
    /// Applies one change, after checking the actor may make it.
    pub async fn change(&self, actor: &AgentPermissions, id: TicketId, change: TicketChange) -> DomainResult<Ticket> {
        self.change_all(actor, id, vec![change], Precondition::None).await
    }

    /// Applies several changes as one: all are checked and planned first, then stored
    /// in one transaction together with the check of `precondition` (an `If-Match`), so
    /// a refused change leaves the ticket exactly as it was and of two writers expecting
    /// the same version only one succeeds; the other gets [`DomainError::Stale`].
    /// Each change sees the ticket as the ones before it left it; permissions are those
    /// on the ticket as it was when the request came.
    pub async fn change_all(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        changes: Vec<TicketChange>,
        precondition: Precondition,
    ) -> DomainResult<Ticket> {
        self.change_with_fields(actor, id, changes, Vec::new(), precondition).await
    }

    /// Like [`Self::change_all`], with dynamic field values (checked by
    /// [`Self::dynamic_field_changes`]; they need `rw`) written in the same edit, so the
    /// `If-Match` check covers them too.
    pub async fn change_with_fields(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        changes: Vec<TicketChange>,
        fields: Vec<FieldChange>,
        precondition: Precondition,
    ) -> DomainResult<Ticket> {
        let ticket = self.load_unversioned(id).await?;
        let abilities = self.abilities(actor, &ticket).await?;
        if !abilities.contains(&Permission::Ro) {
            return Err(DomainError::not_found("ticket", id));
        }
        for change in &changes {
            let needed = change.required_permission();
            if !abilities.contains(&needed) {
                return Err(DomainError::PermissionDenied(format!("changing this ticket needs {}", needed.key())));
            }
        }
        if !fields.is_empty() && !abilities.contains(&Permission::Rw) {
            return Err(DomainError::PermissionDenied("changing a ticket's fields needs rw".into()));
        }
        let now = self.ports.clock.now();
        let mut working = ticket;
        let mut edit = TicketEdit { fields, precondition, ..TicketEdit::default() };
        for change in changes {
            let resolved = self.resolve(actor, &working, change).await?;
            let (columns, history) = plan::plan(&working, &resolved, now)?;
            plan::apply(&mut working, &columns, &resolved);
            edit.extend(columns, history);
        }
        if edit.is_empty() {
            let current = self.load(id).await?;
            if let Precondition::Version(expected) = &edit.precondition
                && !expected.contains(&current.version)
            {
                return Err(stale(&current));
            }
            return Ok(current);
        }
        let change = self.events.is_some().then(|| {
            let mut names = crate::history::change_names(&edit.history);
            if !edit.fields.is_empty() {
                let field = crate::history::HistoryType::TicketDynamicFieldUpdate.name();
                names = if names.is_empty() { field.to_string() } else { format!("{names},{field}") };
            }
            names
        });
        self.store(id, edit, actor.user_id).await?;
        let ticket = self.load(id).await?;
        if let (Some(events), Some(change)) = (&self.events, change) {
            events.publish(Event::TicketUpdated { ticket: TicketRef::from(&ticket), change, by: actor.user_id }).await;
        }
        Ok(ticket)
    }

    /// Plans changes already checked and resolved (by the service itself, not asked for
    /// by an agent) and stores them as one edit; `false` when they changed nothing.
    pub(super) async fn store_resolved(
        &self,
        ticket: &Ticket,
        changes: Vec<ResolvedChange>,
        by: UserId,
    ) -> DomainResult<bool> {
        let now = self.ports.clock.now();
        let mut working = ticket.clone();
        let mut edit = TicketEdit { precondition: Precondition::None, ..TicketEdit::default() };
        for change in changes {
            let (columns, history) = plan::plan(&working, &change, now)?;
            plan::apply(&mut working, &columns, &change);
            edit.extend(columns, history);
        }
        if edit.is_empty() {
            return Ok(false);
        }
        self.store(ticket.id, edit, by).await?;
        Ok(true)
    }

    /// Stores an edit through the one repository method that changes a ticket's row,
    /// turning a precondition that no longer held into [`DomainError::Stale`].
    pub(super) async fn store(&self, id: TicketId, edit: TicketEdit, by: UserId) -> DomainResult<()> {
        let applied = self.ports.tickets.apply(id, edit, by).await;
        self.forget_reads();
        match applied? {
            Applied::Done => Ok(()),
            Applied::Stale => Err(stale(&self.load(id).await?)),
        }
    }

    pub(super) async fn resolve(
        &self,
        actor: &AgentPermissions,
        ticket: &Ticket,
        change: TicketChange,
    ) -> DomainResult<ResolvedChange> {
        let l = &self.ports.lookups;
        Ok(match change {
            TicketChange::Title(t) => ResolvedChange::Title(t),
            TicketChange::State { state_id, pending_until } => {
                let old =
                    l.state(ticket.state_id).await?.ok_or_else(|| DomainError::not_found("state", ticket.state_id))?;
                let new = l.state(state_id).await?.ok_or_else(|| DomainError::not_found("state", state_id))?;
                if !new.valid {
                    return Err(DomainError::invalid("state", format!("state {} is invalid", new.name)));
                }
                ResolvedChange::State { old, new, pending_until }
            }
            TicketChange::PendingTime(t) => ResolvedChange::PendingTime(t),
            TicketChange::Priority(id) => {
                let old = l
                    .priority(ticket.priority_id)
                    .await?
                    .ok_or_else(|| DomainError::not_found("priority", ticket.priority_id))?;
                let new = l.priority(id).await?.ok_or_else(|| DomainError::not_found("priority", id))?;
                ResolvedChange::Priority { old, new }
            }
            TicketChange::Queue(id) => {
                let old =
                    l.queue(ticket.queue_id).await?.ok_or_else(|| DomainError::not_found("queue", ticket.queue_id))?;
                let new = self.valid_queue(id).await?;
                if !actor.has(new.group_id, Permission::MoveInto) {
                    return Err(DomainError::PermissionDenied(format!(
                        "no move_into permission on queue {}",
                        new.name
                    )));
                }
                ResolvedChange::Queue { old, new }
            }
            TicketChange::Type(id) => {
                let old_id = ticket.type_id.unwrap_or(1);
                let old = l.ticket_type(old_id).await?.ok_or_else(|| DomainError::not_found("type", old_id))?;
                let new = l.ticket_type(id).await?.ok_or_else(|| DomainError::not_found("type", id))?;
                ResolvedChange::Type { old, new }
            }
            TicketChange::Service(id) => self.resolve_service(ticket, id).await?,
            TicketChange::Sla(id) => self.resolve_sla(ticket, id).await?,
            TicketChange::Lock(lock) => ResolvedChange::Lock(lock),
            TicketChange::Owner(id) => ResolvedChange::Owner(self.agent(id, "owner").await?),
            TicketChange::Responsible(id) => ResolvedChange::Responsible(self.agent(id, "responsible").await?),
            TicketChange::Customer { customer_id, customer_user_id } => {
                ResolvedChange::Customer { customer_id, customer_user_id }
            }
        })
    }
}

/// The refusal of a change whose `If-Match` no longer holds, naming where the ticket is now.
fn stale(current: &Ticket) -> DomainError {
    DomainError::Stale { kind: "ticket", id: current.id.to_string(), current: current.etag() }
}
