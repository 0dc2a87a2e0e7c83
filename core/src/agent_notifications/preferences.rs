//! What an agent chose about notifications, stored as OTRS stores it: the
//! `NotificationTransport` preference, a JSON object of `Notification-<id>-<transport>`
//! keys set to 1 or 0. (The out-of-office period is in [`crate::out_of_office`].)

use std::collections::BTreeMap;

use super::definition::{TicketNotification, Transport};

/// The preference key holding an agent's choices.
pub const TRANSPORT_PREFERENCE: &str = "NotificationTransport";

/// An agent's notification choices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransportChoices(BTreeMap<String, bool>);

impl TransportChoices {
    /// Reads the stored preference; anything unreadable counts as no choice made.
    pub fn parse(stored: Option<&str>) -> Self {
        let Some(stored) = stored else { return Self::default() };
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(stored) else { return Self::default() };
        let on = |v: &serde_json::Value| match v {
            serde_json::Value::Bool(b) => Some(*b),
            serde_json::Value::Number(n) => n.as_i64().map(|n| n != 0),
            serde_json::Value::String(s) => Some(s.trim() == "1"),
            _ => None,
        };
        Self(map.iter().filter_map(|(k, v)| on(v).map(|b| (k.clone(), b))).collect())
    }

    pub fn to_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> =
            self.0.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(u8::from(*v)))).collect();
        serde_json::Value::Object(map).to_string()
    }

    fn key(notification: i32, transport: Transport) -> String {
        format!("Notification-{notification}-{}", transport.name())
    }

    pub fn set(&mut self, notification: i32, transport: Transport, on: bool) {
        self.0.insert(Self::key(notification, transport), on);
    }

    /// Whether the agent gets `notification` by `transport`: as they chose; unchosen, as
    /// the notification's default; and always when agents cannot choose it.
    pub fn wants(&self, notification: &TicketNotification, transport: Transport) -> bool {
        if !notification.visible_for_agent {
            return true;
        }
        match self.0.get(&Self::key(notification.id, transport)) {
            Some(on) => *on,
            None => notification.enabled_by_default.contains(&transport),
        }
    }
}
