//! Queues: the group that decides who reaches their tickets, escalation allowances,
//! unlock timeout and calendar, the address their mail leaves from and the salutation
//! and signature their replies are framed with.

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::AgentPermissions;
use crate::ports::{NewQueue, QueueTextKind};

use super::{AdminService, QueueChanges, checked_name};

impl AdminService {
    /// Every queue, valid or not.
    pub async fn queues(&self, actor: &AgentPermissions) -> DomainResult<Vec<Queue>> {
        Self::check(actor)?;
        self.ports.lookups.queues().await
    }

    pub async fn queue(&self, actor: &AgentPermissions, id: QueueId) -> DomainResult<Queue> {
        Self::check(actor)?;
        self.ports.lookups.queue(id).await?.ok_or_else(|| DomainError::not_found("queue", id))
    }

    pub async fn create_queue(&self, actor: &AgentPermissions, queue: NewQueue) -> DomainResult<Queue> {
        Self::check(actor)?;
        let queue = self.checked_queue(queue, None).await?;
        let id = self.ports.lookups.create_queue(queue, actor.user_id).await?;
        self.queue(actor, id).await
    }

    pub async fn change_queue(&self, actor: &AgentPermissions, id: QueueId, c: QueueChanges) -> DomainResult<Queue> {
        let q = self.queue(actor, id).await?;
        let merged = NewQueue {
            name: c.name.unwrap_or(q.name),
            group_id: c.group_id.unwrap_or(q.group_id),
            unlock_timeout: c.unlock_timeout.unwrap_or(q.unlock_timeout),
            first_response_time: c.first_response_time.unwrap_or(q.first_response_time),
            update_time: c.update_time.unwrap_or(q.update_time),
            solution_time: c.solution_time.unwrap_or(q.solution_time),
            calendar_name: c.calendar_name.unwrap_or(q.calendar_name),
            comments: c.comments.unwrap_or(q.comments),
            follow_up: c.follow_up.unwrap_or(q.follow_up),
            follow_up_lock: c.follow_up_lock.unwrap_or(q.follow_up_lock),
            customer_selectable: c.customer_selectable.unwrap_or(q.customer_selectable),
            customer_closable: c.customer_closable.unwrap_or(q.customer_closable),
            system_address_id: c.system_address_id.unwrap_or(q.system_address_id),
            salutation_id: c.salutation_id.unwrap_or(q.salutation_id),
            signature_id: c.signature_id.unwrap_or(q.signature_id),
        };
        let merged = self.checked_queue(merged, Some(id)).await?;
        self.ports.lookups.update_queue(id, merged, actor.user_id).await?;
        if let Some(valid) = c.valid.filter(|v| *v != q.valid) {
            self.ports.lookups.set_queue_valid(id, valid, actor.user_id).await?;
        }
        self.queue(actor, id).await
    }

    pub(super) async fn checked_queue(&self, mut q: NewQueue, id: Option<QueueId>) -> DomainResult<NewQueue> {
        q.name = checked_name(&q.name)?;
        if q.name.contains("::") && q.name.split("::").any(|part| part.trim().is_empty()) {
            return Err(DomainError::invalid("name", "each level of a sub-queue (Parent::Child) needs a name"));
        }
        for (field, minutes) in [
            ("unlock_timeout", q.unlock_timeout),
            ("first_response_time", q.first_response_time),
            ("update_time", q.update_time),
            ("solution_time", q.solution_time),
        ] {
            if !(0..=525_600).contains(&minutes) {
                return Err(DomainError::invalid(field, "minutes from 0 (off) to 525600 (a year)"));
            }
        }
        if !self.ports.groups.groups().await?.iter().any(|g| g.id == q.group_id) {
            return Err(DomainError::invalid("group_id", format!("there is no group {}", q.group_id)));
        }
        if !self.ports.addresses.all_system_addresses().await?.iter().any(|a| a.id == q.system_address_id) {
            return Err(DomainError::invalid(
                "system_address_id",
                format!("there is no system address {}", q.system_address_id),
            ));
        }
        for (field, kind, id) in [
            ("salutation_id", QueueTextKind::Salutation, q.salutation_id),
            ("signature_id", QueueTextKind::Signature, q.signature_id),
        ] {
            if !self.ports.texts.queue_texts(kind).await?.iter().any(|t| t.id == id) {
                return Err(DomainError::invalid(field, format!("there is no {} {id}", kind.table())));
            }
        }
        if let Some(other) = self.ports.lookups.queue_by_name(&q.name).await?
            && Some(other.id) != id
        {
            return Err(DomainError::Conflict(format!("a queue named {} exists", q.name)));
        }
        q.calendar_name = q.calendar_name.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        q.comments = q.comments.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        Ok(q)
    }
}
