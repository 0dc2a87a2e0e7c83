//! The automatic answers queues give (`auto_response`, `queue_auto_response`) and the
//! system addresses mail leaves from (`system_address`). Nothing is deleted, only set
//! invalid, as in OTRS: tickets' history and other queues may still name them.

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::AgentPermissions;
use crate::ports::*;

use super::AdminService;
use super::mail::MailAdmin;

impl MailAdmin {
    /// Every system address, valid or not.
    pub async fn system_addresses(&self, actor: &AgentPermissions) -> DomainResult<Vec<SystemAddressRecord>> {
        AdminService::check(actor)?;
        self.ports.responses.all_system_addresses().await
    }

    pub async fn system_address(&self, actor: &AgentPermissions, id: i32) -> DomainResult<SystemAddressRecord> {
        self.system_addresses(actor)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| DomainError::not_found("system address", id))
    }

    /// Stores a new system address (id 0) or changes one; an address is taken once.
    pub async fn save_system_address(&self, actor: &AgentPermissions, mut a: SystemAddressRecord) -> DomainResult<i32> {
        AdminService::check(actor)?;
        a.address.email = checked_address(&a.address.email)?;
        a.address.name = super::checked_name(&a.address.name)?;
        a.comments = a.comments.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        if a.comments.as_ref().is_some_and(|c| c.chars().count() > 250) {
            return Err(DomainError::invalid("comments", "at most 250 characters"));
        }
        self.valid_queue(a.queue_id).await?;
        let all = self.ports.responses.all_system_addresses().await?;
        if a.id != 0 && !all.iter().any(|x| x.id == a.id) {
            return Err(DomainError::not_found("system address", a.id));
        }
        if all.iter().any(|x| x.id != a.id && x.address.email.eq_ignore_ascii_case(&a.address.email)) {
            return Err(DomainError::Conflict(format!("the system address {} exists", a.address.email)));
        }
        self.ports.responses.save_system_address(a, actor.user_id).await
    }

    pub async fn auto_responses(&self, actor: &AgentPermissions) -> DomainResult<Vec<(i32, NewAutoResponse)>> {
        AdminService::check(actor)?;
        self.ports.responses.auto_responses().await
    }

    pub async fn auto_response(&self, actor: &AgentPermissions, id: i32) -> DomainResult<NewAutoResponse> {
        self.auto_responses(actor)
            .await?
            .into_iter()
            .find_map(|(x, r)| (x == id).then_some(r))
            .ok_or_else(|| DomainError::not_found("auto-response", id))
    }

    pub async fn create_auto_response(&self, actor: &AgentPermissions, r: NewAutoResponse) -> DomainResult<i32> {
        AdminService::check(actor)?;
        let r = self.checked_response(None, r).await?;
        self.ports.responses.create_auto_response(r, actor.user_id).await
    }

    pub async fn update_auto_response(
        &self,
        actor: &AgentPermissions,
        id: i32,
        r: NewAutoResponse,
    ) -> DomainResult<()> {
        self.auto_response(actor, id).await?;
        let r = self.checked_response(Some(id), r).await?;
        self.ports.responses.update_auto_response(id, r, actor.user_id).await
    }

    /// The ids of the queue's auto-responses.
    pub async fn queue_auto_responses(&self, actor: &AgentPermissions, queue: QueueId) -> DomainResult<Vec<i32>> {
        AdminService::check(actor)?;
        self.ports.responses.queue_auto_responses(queue).await
    }

    /// The queue's auto-responses become `ids`.
    pub async fn assign_auto_responses(
        &self,
        actor: &AgentPermissions,
        queue: QueueId,
        ids: &[i32],
    ) -> DomainResult<()> {
        AdminService::check(actor)?;
        self.valid_queue(queue).await?;
        let known = self.ports.responses.auto_responses().await?;
        let mut kinds = Vec::new();
        for id in ids {
            let Some((_, r)) = known.iter().find(|(k, _)| k == id) else {
                return Err(DomainError::invalid("ids", format!("there is no auto-response {id}")));
            };
            if kinds.contains(&r.kind) {
                return Err(DomainError::invalid("ids", "a queue has at most one auto-response of each kind"));
            }
            kinds.push(r.kind);
        }
        self.ports.responses.assign_auto_responses(queue, ids, actor.user_id).await
    }

    /// The response with its name trimmed, once every part is there, its name is not
    /// another's and it is sent from a valid system address.
    async fn checked_response(&self, id: Option<i32>, mut r: NewAutoResponse) -> DomainResult<NewAutoResponse> {
        r.name = super::checked_name(&r.name)?;
        if r.subject.trim().is_empty() {
            return Err(DomainError::invalid("subject", "an auto-response needs a subject"));
        }
        if r.body.trim().is_empty() {
            return Err(DomainError::invalid("body", "an auto-response needs a text"));
        }
        if !self.ports.responses.system_addresses().await?.iter().any(|(a, _)| *a == r.system_address_id) {
            return Err(DomainError::invalid(
                "system_address_id",
                format!("there is no valid system address {}", r.system_address_id),
            ));
        }
        let taken = self.ports.responses.auto_responses().await?;
        if taken.iter().any(|(x, other)| Some(*x) != id && other.name == r.name) {
            return Err(DomainError::Conflict(format!("an auto-response named {} exists", r.name)));
        }
        Ok(r)
    }
}

/// An address mail can be sent from: one `@` between a local part and a domain, and
/// nothing a header would choke on. Unlike a contact's address, a domain without a dot
/// is accepted, as OTRS's own default `otrs@localhost` shows.
fn checked_address(email: &str) -> DomainResult<String> {
    let email = email.trim();
    let plain = !email.chars().any(|c| c.is_whitespace() || "<>\",;()".contains(c));
    match email.split_once('@') {
        Some((local, domain)) if plain && !local.is_empty() && !domain.is_empty() && !domain.contains('@') => {
            if email.len() > 200 {
                return Err(DomainError::invalid("email", "at most 200 characters"));
            }
            Ok(email.to_string())
        }
        _ => Err(DomainError::invalid("email", "not an email address")),
    }
}

#[cfg(test)]
mod tests {
    use super::checked_address;

    #[test]
    fn system_addresses_need_one_at_and_nothing_a_header_chokes_on() {
        assert_eq!(checked_address(" helpdesk@localhost ").unwrap(), "helpdesk@localhost");
        assert!(checked_address("support@example.com").is_ok());
        for bad in ["", "helpdesk", "@example.com", "a@", "a@b@c", "a b@example.com", "<a@example.com>", "a@x,y"] {
            assert!(checked_address(bad).is_err(), "{bad}");
        }
    }
}
