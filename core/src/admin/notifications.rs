//! Administering agent notifications (`notification_event`): list, add and change them;
//! set invalid rather than delete, as OTRS does. Only what goats edits is replaced on
//! save; a notification's other items and its texts in other languages are kept.

use std::sync::Arc;

use crate::agent_notifications::TicketNotification;
use crate::agent_notifications::triggers::{RAISED, RECIPIENT_RULES};
use crate::error::{DomainError, DomainResult};
use crate::permission::AgentPermissions;
use crate::ports::{AgentNotificationStore, LookupRepository, NotificationRecord};

use super::AdminService;

pub struct NotificationAdmin {
    store: Arc<dyn AgentNotificationStore>,
    lookups: Arc<dyn LookupRepository>,
}

impl NotificationAdmin {
    pub fn new(store: Arc<dyn AgentNotificationStore>, lookups: Arc<dyn LookupRepository>) -> Self {
        Self { store, lookups }
    }

    pub async fn list(&self, actor: &AgentPermissions) -> DomainResult<Vec<NotificationRecord>> {
        AdminService::check(actor)?;
        self.store.all_notifications().await
    }

    pub async fn get(&self, actor: &AgentPermissions, id: i32) -> DomainResult<NotificationRecord> {
        self.list(actor)
            .await?
            .into_iter()
            .find(|r| r.notification.id == id)
            .ok_or_else(|| DomainError::not_found("notification", id))
    }

    /// Stores a notification (a new one when its id is 0): a name, at least one event,
    /// a recipient, a way and a text with subject and body; the queues it is narrowed to
    /// must exist. Agents, groups and roles named as recipients are kept as they were.
    pub async fn save(&self, actor: &AgentPermissions, n: TicketNotification, valid: bool) -> DomainResult<i32> {
        AdminService::check(actor)?;
        let mut n = n;
        n.name = super::checked_name(&n.name)?;
        if n.events.is_empty() {
            return Err(DomainError::invalid("events", "a notification needs at least one event"));
        }
        if let Some(e) = n.events.iter().find(|e| e.trim().is_empty() || e.len() > 200) {
            return Err(DomainError::invalid("events", format!("`{e}` is no event name")));
        }
        let mut stored = None;
        if n.id != 0 {
            let record = self.get(actor, n.id).await?;
            n.recipient_agents = record.notification.recipient_agents.clone();
            n.recipient_groups = record.notification.recipient_groups.clone();
            n.recipient_roles = record.notification.recipient_roles.clone();
            stored = Some(record);
        }
        let names_someone = !n.recipients.is_empty()
            || !n.recipient_agents.is_empty()
            || !n.recipient_groups.is_empty()
            || !n.recipient_roles.is_empty();
        if !names_someone {
            return Err(DomainError::invalid("recipients", "a notification needs at least one recipient"));
        }
        if n.transports.is_empty() {
            return Err(DomainError::invalid("transports", "a notification needs at least one way to arrive"));
        }
        n.messages.retain(|m| !(m.subject.trim().is_empty() && m.text.trim().is_empty()));
        if n.messages.iter().any(|m| m.subject.trim().is_empty() || m.text.trim().is_empty()) {
            return Err(DomainError::invalid("messages", "each text needs a subject and a body"));
        }
        let has_text = !n.messages.is_empty() || stored.is_some_and(|r| !r.notification.messages.is_empty());
        if !has_text {
            return Err(DomainError::invalid("messages", "a notification needs a text in at least one language"));
        }
        if let Some(queues) = n.ticket_conditions.get("QueueID") {
            for q in queues {
                let known = match q.parse() {
                    Ok(id) => self.lookups.queue(id).await?.is_some(),
                    Err(_) => false,
                };
                if !known {
                    return Err(DomainError::invalid("queues", format!("there is no queue {q}")));
                }
            }
        }
        self.store.save_notification(&n, valid, actor.user_id).await
    }

    /// The events and recipient rules a form offers: goats' own, then any others a
    /// notification already names (kept, though goats does not act on them).
    pub fn choices(record: Option<&NotificationRecord>) -> (Vec<String>, Vec<String>) {
        let mut events: Vec<String> = RAISED.iter().map(|e| e.to_string()).collect();
        let mut rules: Vec<String> = RECIPIENT_RULES.iter().map(|r| r.to_string()).collect();
        if let Some(r) = record {
            events.extend(r.notification.events.iter().filter(|e| !RAISED.contains(&e.as_str())).cloned());
            rules.extend(r.notification.recipients.iter().filter(|x| !RECIPIENT_RULES.contains(&x.as_str())).cloned());
        }
        (events, rules)
    }
}
