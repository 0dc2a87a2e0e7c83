//! The `notifications:` section: which channels get which events, and how to reach them.

use goats_notify::ChannelFilter;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NotificationsConfig {
    /// Where agents reach goats, such as `https://desk.example.com`: links in mails and
    /// webhooks point there. Without it, notifications carry no links.
    pub base_url: Option<String>,
    /// How many events the in-app feed keeps for browsers that reconnect.
    pub live_buffer: usize,
    /// How many days the delivery log keeps each attempt.
    pub delivery_log_days: u32,
    pub retry: RetryConfig,
    /// Removed: agents' mail goes through `mail.smtp` and the agent notifications. Kept
    /// only to say so to a configuration that still has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<serde_yaml::Value>,
    pub webhooks: Vec<WebhookConfig>,
    pub agents: AgentNotificationsConfig,
}

/// The agent notifications of the database (`notification_event`), sent by mail through
/// the mail queue (when `mail.smtp` is set) and to the in-app feed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AgentNotificationsConfig {
    pub enabled: bool,
    /// OTRS's `NotificationSenderName` and `NotificationSenderEmail`.
    pub sender_name: String,
    pub sender_email: String,
    /// The language of agents who chose none.
    pub default_language: String,
    /// OTRS's `AgentSelfNotifyOnAction`: agents hear of what they did themselves.
    pub self_notify: bool,
}

impl Default for AgentNotificationsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            sender_name: "goats Notifications".into(),
            sender_email: "goats@localhost".into(),
            default_language: "en".into(),
            self_notify: false,
        }
    }
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            live_buffer: 1000,
            delivery_log_days: 30,
            retry: RetryConfig::default(),
            email: None,
            webhooks: Vec::new(),
            agents: AgentNotificationsConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RetryConfig {
    pub attempts: u32,
    pub first_delay_seconds: u64,
    pub max_delay_seconds: u64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self { attempts: 8, first_delay_seconds: 1, max_delay_seconds: 60 }
    }
}

/// A signed JSON POST per event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub name: String,
    pub url: String,
    /// Keys the `X-Goats-Signature` HMAC.
    pub secret: String,
    /// A JSON body with `{{placeholders}}` (for Slack- or Teams-style hooks); without
    /// one the event is sent as it is.
    #[serde(default)]
    pub body_template: Option<String>,
    #[serde(default = "ten")]
    pub timeout_seconds: u64,
    #[serde(default)]
    pub filter: ChannelFilter,
}

fn ten() -> u64 {
    10
}

impl NotificationsConfig {
    pub fn validate(&self) -> Result<(), AppError> {
        let bad = |m: String| Err(AppError::Config(format!("notifications: {m}")));
        if let Some(url) = &self.base_url
            && url::Url::parse(url).is_err()
        {
            return bad(format!("base_url `{url}` is not a URL"));
        }
        if self.retry.attempts == 0 || self.retry.attempts > 100 {
            return bad("retry.attempts must be 1–100".into());
        }
        if self.delivery_log_days == 0 {
            return bad("delivery_log_days must be at least 1".into());
        }
        if self.email.is_some() {
            return bad("email is gone: agents' mail now leaves through `mail.smtp`, as the agent notifications \
                 (reminders and escalations among them) choose; move the server settings there and remove \
                 `notifications.email`"
                .into());
        }
        let mut names = std::collections::BTreeSet::new();
        if !self.agents.sender_email.contains('@') {
            return bad(format!("agents.sender_email `{}` is not an address", self.agents.sender_email));
        }
        for hook in &self.webhooks {
            if !names.insert(&hook.name) {
                return bad(format!("two webhooks are called `{}`", hook.name));
            }
            if let Err(e) = hook.filter.validate() {
                return bad(format!("webhook {}: {e}", hook.name));
            }
            if hook.secret.len() < 16 {
                return bad(format!("webhook {}: the secret must have at least 16 characters", hook.name));
            }
            if !(1..=300).contains(&hook.timeout_seconds) {
                return bad(format!("webhook {}: timeout_seconds must be 1–300", hook.name));
            }
            match url::Url::parse(&hook.url) {
                Ok(u) if ["http", "https"].contains(&u.scheme()) => {}
                _ => return bad(format!("webhook {}: the url must be an http or https URL", hook.name)),
            }
        }
        Ok(())
    }

    /// The same, with passwords, secrets and hook URLs (which often carry tokens) hidden.
    pub fn masked(&self) -> Self {
        let mut shown = self.clone();
        for hook in &mut shown.webhooks {
            hook.secret = "*****".into();
            hook.url = match url::Url::parse(&hook.url) {
                Ok(u) => format!("{}://{}/*****", u.scheme(), u.host_str().unwrap_or("")),
                Err(_) => "*****".into(),
            };
        }
        shown
    }
}
