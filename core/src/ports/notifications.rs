//! Agent notifications as OTRS keeps them: `notification_event*`, the agents' "My
//! Queues" (`personal_queues`), and the mail and history rows a sent notification
//! leaves.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::DomainResult;
use crate::agent_notifications::TicketNotification;
use crate::history::HistoryEntry;
use crate::model::{GroupId, QueueId, RoleId, ServiceId, TicketId, UserId};
use crate::permission::Permission;
use crate::ports::Envelope;

/// A stored notification as admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    pub notification: TicketNotification,
    pub valid: bool,
    /// Items goats keeps but does not act on.
    pub unknown: Vec<String>,
}

#[async_trait]
pub trait AgentNotificationStore: Send + Sync {
    /// The valid ticket notifications with their texts, and per notification the items
    /// goats does not act on.
    async fn ticket_notifications(&self) -> DomainResult<Vec<(TicketNotification, Vec<String>)>>;
    /// Every notification, valid or not, with whether it is valid and the items goats
    /// does not act on.
    async fn all_notifications(&self) -> DomainResult<Vec<NotificationRecord>>;
    /// Stores a notification (a new one when its id is 0) in one transaction: its row,
    /// its managed items (see [`crate::agent_notifications::definition::MANAGED_ITEMS`];
    /// the others are kept) and its texts in the languages given (the others are kept).
    /// Returns its id.
    async fn save_notification(&self, notification: &TicketNotification, valid: bool, by: UserId) -> DomainResult<i32>;
    /// The agents who have `queue` among their "My Queues".
    async fn queue_subscribers(&self, queue: QueueId) -> DomainResult<Vec<UserId>>;
    async fn my_queues(&self, user: UserId) -> DomainResult<Vec<QueueId>>;
    async fn set_my_queues(&self, user: UserId, queues: &[QueueId]) -> DomainResult<()>;
    /// The agents who have `service` among their "My Services" (`personal_services`).
    async fn service_subscribers(&self, service: ServiceId) -> DomainResult<Vec<UserId>>;
    async fn my_services(&self, user: UserId) -> DomainResult<Vec<ServiceId>>;
    async fn set_my_services(&self, user: UserId, services: &[ServiceId]) -> DomainResult<()>;
    /// The agents with `permission` on `group`, directly or through a role.
    async fn group_members(&self, group: GroupId, permission: Permission) -> DomainResult<Vec<UserId>>;
    async fn role_members(&self, role: RoleId) -> DomainResult<Vec<UserId>>;
    /// Whether the ticket has a `SendAgentNotification` history row named `name` from
    /// `since` on.
    async fn sent_since(&self, ticket: TicketId, name: &str, since: DateTime<Utc>) -> DomainResult<bool>;
    /// Queues the mails (with no article) and writes the history rows, in one
    /// transaction: a notification is recorded as sent exactly when its mail is queued.
    async fn record(
        &self,
        ticket: TicketId,
        mails: Vec<(Envelope, Vec<u8>)>,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<()>;
}
