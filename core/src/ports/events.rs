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

/// The recent delivery attempts of every channel.
pub trait DeliveryJournal: Send + Sync {
    fn recent(&self, limit: usize) -> Vec<DeliveryAttempt>;
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
