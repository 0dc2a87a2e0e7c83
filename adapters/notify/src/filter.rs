use goats_core::event::Event;
use serde::{Deserialize, Serialize};

/// Which events a channel takes. An empty list does not narrow: a filter with no
/// entries takes everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChannelFilter {
    /// Event kinds: `pending_reminder`, `escalation_warning`, `escalated`,
    /// `ticket_created`, `ticket_updated`, `article_added`.
    pub events: Vec<String>,
    /// Queue names.
    pub queues: Vec<String>,
    /// Priority names, such as `5 very high`.
    pub priorities: Vec<String>,
}

impl ChannelFilter {
    pub const KINDS: [&'static str; 6] =
        ["pending_reminder", "escalation_warning", "escalated", "ticket_created", "ticket_updated", "article_added"];

    pub fn matches(&self, event: &Event) -> bool {
        let t = event.ticket();
        let takes = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        takes(&self.events, event.kind()) && takes(&self.queues, &t.queue) && takes(&self.priorities, &t.priority)
    }

    /// A filter naming an event kind that does not exist would silently never match.
    pub fn validate(&self) -> Result<(), String> {
        match self.events.iter().find(|e| !Self::KINDS.contains(&e.as_str())) {
            Some(e) => Err(format!("`{e}` is not an event kind (one of {})", Self::KINDS.join(", "))),
            None => Ok(()),
        }
    }
}
