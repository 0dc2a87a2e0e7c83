//! Where events go: the bus, the notification channels, their delivery journal and
//! the live feed the agents' browsers follow.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::*;

/// Where domain events go: the dispatcher behind it fans them out to notification
/// channels and live streams. Publishing never fails the work that caused the event.
#[async_trait]
pub trait EventBus: Send + Sync {
    async fn publish(&self, event: crate::event::Event);
}

/// An agent an event is delivered to, with what channels need to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: UserId,
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    /// The agent's `UserLanguage` preference, when set.
    pub language: Option<String>,
}

/// Why a channel could not deliver; the dispatcher retries later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChannelError(pub String);

/// A way to tell agents about events: the in-app feed, email, webhooks, or a team's own.
#[async_trait]
pub trait NotificationChannel: Send + Sync {
    /// A short stable name for logs and delivery records, such as `email` or `webhook:ops`.
    fn name(&self) -> String;
    /// Delivers one event to its recipients (empty for news about a ticket).
    async fn deliver(&self, event: &crate::event::Event, recipients: &[Recipient]) -> Result<(), ChannelError>;
}

/// One delivery attempt, as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryAttempt {
    pub at: DateTime<Utc>,
    pub channel: String,
    pub event: String,
    pub ticket_number: String,
    pub attempt: u32,
    /// `delivered`, `failed` (will retry) or `gave_up`.
    pub outcome: String,
    pub error: Option<String>,
}

/// Which delivery attempts an admin looks for; `None` is any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    pub channel: Option<String>,
    pub outcome: Option<String>,
    pub ticket_number: Option<String>,
}

impl DeliveryFilter {
    pub fn matches(&self, a: &DeliveryAttempt) -> bool {
        let is = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        is(&self.channel, &a.channel) && is(&self.outcome, &a.outcome) && is(&self.ticket_number, &a.ticket_number)
    }
}

/// Every channel's delivery attempts, kept where every instance writes and reads them
/// (the database) so admins see one log that survives restarts.
#[async_trait]
pub trait DeliveryJournal: Send + Sync {
    async fn record(&self, attempt: &DeliveryAttempt) -> crate::DomainResult<()>;
    /// The attempts `filter` matches, newest first: `limit` of them after `offset`.
    async fn recent(
        &self,
        filter: &DeliveryFilter,
        offset: u64,
        limit: u64,
    ) -> crate::DomainResult<Vec<DeliveryAttempt>>;
    /// Forgets the attempts made before `before`; says how many.
    async fn forget_before(&self, before: DateTime<Utc>) -> crate::DomainResult<u64>;
}

/// The buffered stream of events the agents' browsers follow. Each event has a growing
/// id, so a browser that reconnects with the last id it saw misses nothing still buffered.
#[async_trait]
pub trait LiveFeed: Send + Sync {
    /// The id of the newest event (0 before the first): where a new follower starts.
    fn last_id(&self) -> u64;
    /// Buffered events after id `after`, waiting until there is one or `wait` has passed.
    async fn after(&self, after: u64, wait: std::time::Duration) -> Vec<LiveEvent>;
}

/// An event in the live feed, with whom it is addressed to when it is personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    pub id: u64,
    pub event: crate::event::Event,
    pub recipients: Vec<UserId>,
}
