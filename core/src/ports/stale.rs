//! Telling the other instances of goats what their read caches may now hold stale.

/// What a change may have made stale in another instance's caches (see
/// [`crate::cached`]): each names the caches that forget when it is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "kebab-case")]
pub enum Stale {
    /// Queues, states, priorities, types and reply texts.
    Lookups,
    /// Agents, groups, roles and grants.
    People,
    Preferences,
    /// Tickets, their articles, list pages and totals.
    Tickets,
    /// The dynamic fields' definitions.
    TicketFields,
}

impl Stale {
    /// As sent between instances: `lookups`, `ticket-fields`, …
    pub fn key(self) -> &'static str {
        self.into()
    }

    pub fn from_key(key: &str) -> Option<Self> {
        key.parse().ok()
    }
}

/// Where a write announces what it made stale, so every other instance forgets it at
/// once instead of serving it until it expires. Announcing never blocks or fails the
/// write: an announcement that cannot be sent leaves the others to their expiry.
pub trait StaleNotices: Send + Sync {
    fn announce(&self, what: Stale);
}

/// A single instance: there is nobody to tell.
pub struct AloneInstance;

impl StaleNotices for AloneInstance {
    fn announce(&self, _: Stale) {}
}
