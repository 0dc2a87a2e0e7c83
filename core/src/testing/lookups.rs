use async_trait::async_trait;

use super::MemoryStore;
use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::ports::{LookupKind, LookupRepository, NewQueue};

fn unique(exists: bool, kind: &str, name: &str) -> DomainResult<()> {
    if exists {
        return Err(DomainError::Conflict(format!("{kind} {name} exists")));
    }
    Ok(())
}

#[async_trait]
impl LookupRepository for MemoryStore {
    async fn queues(&self) -> DomainResult<Vec<Queue>> {
        Ok(super::by_name(self.lock().queues.clone(), |q| &q.name))
    }
    async fn queue(&self, id: QueueId) -> DomainResult<Option<Queue>> {
        Ok(self.lock().queues.iter().find(|q| q.id == id).cloned())
    }
    async fn queue_by_name(&self, name: &str) -> DomainResult<Option<Queue>> {
        Ok(self.lock().queues.iter().find(|q| q.name == name).cloned())
    }
    async fn create_queue(&self, q: NewQueue, _by: UserId) -> DomainResult<QueueId> {
        let mut s = self.lock();
        unique(s.queues.iter().any(|x| x.name == q.name), "queue", &q.name)?;
        let id = s.queues.len() as i32 + 1;
        s.queues.push(Queue {
            id,
            name: q.name,
            group_id: q.group_id,
            unlock_timeout: q.unlock_timeout,
            first_response_time: q.first_response_time,
            update_time: q.update_time,
            solution_time: q.solution_time,
            calendar_name: q.calendar_name,
            comments: q.comments,
            follow_up: q.follow_up,
            follow_up_lock: q.follow_up_lock,
            customer_selectable: q.customer_selectable,
            customer_closable: q.customer_closable,
            system_address_id: q.system_address_id,
            salutation_id: q.salutation_id,
            signature_id: q.signature_id,
            valid: true,
        });
        Ok(id)
    }
    async fn set_queue_valid(&self, id: QueueId, valid: bool, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let q = s.queues.iter_mut().find(|q| q.id == id).ok_or_else(|| DomainError::not_found("queue", id))?;
        q.valid = valid;
        Ok(())
    }
    async fn states(&self) -> DomainResult<Vec<TicketState>> {
        Ok(self.lock().states.clone())
    }
    async fn state(&self, id: StateId) -> DomainResult<Option<TicketState>> {
        Ok(self.lock().states.iter().find(|x| x.id == id).cloned())
    }
    async fn state_by_name(&self, name: &str) -> DomainResult<Option<TicketState>> {
        Ok(self.lock().states.iter().find(|x| x.name == name).cloned())
    }
    async fn create_state(
        &self,
        name: &str,
        state_type: StateType,
        colour: &Colour,
        _by: UserId,
    ) -> DomainResult<StateId> {
        let mut s = self.lock();
        unique(s.states.iter().any(|x| x.name == name), "state", name)?;
        let id = s.states.len() as i32 + 1;
        s.states.push(TicketState { id, name: name.into(), state_type, valid: true, colour: Some(colour.clone()) });
        Ok(id)
    }
    async fn priorities(&self) -> DomainResult<Vec<Priority>> {
        Ok(self.lock().priorities.clone())
    }
    async fn priority(&self, id: PriorityId) -> DomainResult<Option<Priority>> {
        Ok(self.lock().priorities.iter().find(|x| x.id == id).cloned())
    }
    async fn create_priority(&self, name: &str, colour: &Colour, _by: UserId) -> DomainResult<PriorityId> {
        let mut s = self.lock();
        unique(s.priorities.iter().any(|x| x.name == name), "priority", name)?;
        let id = s.priorities.len() as i32 + 1;
        s.priorities.push(Priority { id, name: name.into(), valid: true, colour: Some(colour.clone()) });
        Ok(id)
    }
    async fn types(&self) -> DomainResult<Vec<TicketType>> {
        Ok(self.lock().types.clone())
    }
    async fn ticket_type(&self, id: TypeId) -> DomainResult<Option<TicketType>> {
        Ok(self.lock().types.iter().find(|x| x.id == id).cloned())
    }
    async fn create_type(&self, name: &str, _by: UserId) -> DomainResult<TypeId> {
        let mut s = self.lock();
        unique(s.types.iter().any(|x| x.name == name), "type", name)?;
        let id = s.types.len() as i32 + 1;
        s.types.push(TicketType { id, name: name.into(), valid: true });
        Ok(id)
    }

    async fn update_queue(&self, id: QueueId, q: NewQueue, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        unique(s.queues.iter().any(|x| x.name == q.name && x.id != id), "queue", &q.name)?;
        let x = s.queues.iter_mut().find(|x| x.id == id).ok_or_else(|| DomainError::not_found("queue", id))?;
        x.name = q.name;
        x.group_id = q.group_id;
        x.unlock_timeout = q.unlock_timeout;
        x.first_response_time = q.first_response_time;
        x.update_time = q.update_time;
        x.solution_time = q.solution_time;
        x.calendar_name = q.calendar_name;
        x.comments = q.comments;
        x.follow_up = q.follow_up;
        x.follow_up_lock = q.follow_up_lock;
        x.customer_selectable = q.customer_selectable;
        x.customer_closable = q.customer_closable;
        x.system_address_id = q.system_address_id;
        x.salutation_id = q.salutation_id;
        x.signature_id = q.signature_id;
        Ok(())
    }

    async fn rename_lookup(&self, kind: LookupKind, id: i32, name: &str, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let (taken, found) = match kind {
            LookupKind::State => {
                (s.states.iter().any(|x| x.name == name && x.id != id), s.states.iter().position(|x| x.id == id))
            }
            LookupKind::Priority => (
                s.priorities.iter().any(|x| x.name == name && x.id != id),
                s.priorities.iter().position(|x| x.id == id),
            ),
            LookupKind::Type => {
                (s.types.iter().any(|x| x.name == name && x.id != id), s.types.iter().position(|x| x.id == id))
            }
        };
        unique(taken, kind.noun(), name)?;
        let at = found.ok_or_else(|| DomainError::not_found(kind.noun(), id))?;
        match kind {
            LookupKind::State => s.states[at].name = name.into(),
            LookupKind::Priority => s.priorities[at].name = name.into(),
            LookupKind::Type => s.types[at].name = name.into(),
        }
        Ok(())
    }

    async fn set_lookup_valid(&self, kind: LookupKind, id: i32, valid: bool, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let flag = match kind {
            LookupKind::State => s.states.iter_mut().find(|x| x.id == id).map(|x| &mut x.valid),
            LookupKind::Priority => s.priorities.iter_mut().find(|x| x.id == id).map(|x| &mut x.valid),
            LookupKind::Type => s.types.iter_mut().find(|x| x.id == id).map(|x| &mut x.valid),
        };
        *flag.ok_or_else(|| DomainError::not_found(kind.noun(), id))? = valid;
        Ok(())
    }

    async fn set_state_type(&self, id: StateId, state_type: StateType, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let state = s.states.iter_mut().find(|x| x.id == id).ok_or_else(|| DomainError::not_found("state", id))?;
        state.state_type = state_type;
        Ok(())
    }

    async fn set_lookup_colour(&self, kind: LookupKind, id: i32, colour: &Colour, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let held = match kind {
            LookupKind::State => s.states.iter_mut().find(|x| x.id == id).map(|x| &mut x.colour),
            LookupKind::Priority => s.priorities.iter_mut().find(|x| x.id == id).map(|x| &mut x.colour),
            LookupKind::Type => return Err(DomainError::invalid("color", "types have no colour")),
        };
        *held.ok_or_else(|| DomainError::not_found(kind.noun(), id))? = Some(colour.clone());
        Ok(())
    }

    /// As the database joins them: the queue's valid salutation, signature and answers.
    async fn reply_texts(&self, queue_id: QueueId) -> DomainResult<crate::ports::ReplyTexts> {
        let s = self.lock();
        let Some(q) = s.queues.iter().find(|q| q.id == queue_id) else {
            return Ok(crate::ports::ReplyTexts::default());
        };
        // As the database joins them: only what is valid.
        let text = |kind, id| {
            s.queue_texts.iter().find(|(k, t)| *k == kind && t.id == id && t.valid).map(|(_, t)| t.text.clone())
        };
        let sender =
            s.system_addresses.iter().find(|a| a.id == q.system_address_id && a.valid).map(|a| a.address.clone());
        Ok(crate::ports::ReplyTexts {
            sender,
            salutation: text(crate::ports::QueueTextKind::Salutation, q.salutation_id),
            signature: text(crate::ports::QueueTextKind::Signature, q.signature_id),
            templates: super::by_name(
                s.templates
                    .iter()
                    .filter(|t| t.valid && t.is_answer() && t.offered_in(queue_id))
                    .map(|t| crate::ports::StandardTemplate { id: t.id, name: t.name.clone(), text: t.text.clone() })
                    .collect(),
                |t| &t.name,
            ),
        })
    }
}
