//! A ticket notification as OTRS stores it: a `notification_event` row, its
//! `notification_event_item` key/value pairs (events, recipients, conditions,
//! transports) and one `notification_event_message` per language.

use std::collections::BTreeMap;

use crate::model::{GroupId, RoleId, UserId};

/// How a notification reaches an agent, by the names OTRS's `Transports` item uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumString, strum::IntoStaticStr)]
pub enum Transport {
    /// A mail through the mail queue.
    Email,
    /// The in-app feed: a toast in the agent's open pages.
    NotificationView,
}

impl Transport {
    pub const ALL: [Self; 2] = [Self::Email, Self::NotificationView];

    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// One language's text of a notification; tags (`<OTRS_TICKET_Title>`) are filled in
/// for each recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationMessage {
    pub language: String,
    pub subject: String,
    pub text: String,
    /// `text/plain` or `text/html`.
    pub content_type: String,
}

/// A ticket notification: when it fires, for whom, and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketNotification {
    pub id: i32,
    pub name: String,
    /// The events it fires on, as OTRS names them (`NotificationNewTicket`,
    /// `TicketQueueUpdate`, …).
    pub events: Vec<String>,
    /// Recipient rules: `AgentOwner`, `AgentResponsible`, `AgentWatcher`,
    /// `AgentWritePermissions`, `AgentMyQueues`, …
    pub recipients: Vec<String>,
    pub recipient_agents: Vec<UserId>,
    pub recipient_groups: Vec<GroupId>,
    pub recipient_roles: Vec<RoleId>,
    /// Conditions on the ticket, by `TicketGet`'s field names (`QueueID`, `StateID`,
    /// `PriorityID`, `LockID`, `TypeID`, `OwnerID`, `ResponsibleID`, `CustomerID`,
    /// `CustomerUserID`): each listed field must hold one of its values.
    pub ticket_conditions: BTreeMap<String, Vec<String>>,
    /// Conditions on the article of an article event: `ArticleSenderTypeID`,
    /// `ArticleIsVisibleForCustomer`, `ArticleCommunicationChannelID`.
    pub article_conditions: BTreeMap<String, Vec<String>>,
    pub transports: Vec<Transport>,
    /// Listed in the agents' preferences, where each agent turns it on or off.
    pub visible_for_agent: bool,
    /// The transports on for an agent who has not chosen.
    pub enabled_by_default: Vec<Transport>,
    pub send_on_out_of_office: bool,
    /// At most once a day to each agent for a ticket.
    pub once_per_day: bool,
    pub messages: Vec<NotificationMessage>,
}

/// Items that say nothing goats acts on: texts for OTRS's admin screens, email
/// security options, attachment inclusion.
const IGNORED: &[&str] = &[
    "VisibleForAgentTooltip",
    "LanguageID",
    "ArticleAttachmentInclude",
    "NotificationArticleTypeID",
    "TransportEmailTemplate",
    "EmailSecuritySettings",
    "EmailSigningCrypting",
    "EmailMissingCryptingKeys",
    "EmailMissingSigningKeys",
    "EmailDefaultSigningKeys",
    "NotificationType",
    "IsVisibleForCustomer",
    "RecipientEmail",
    "SkipRecipients",
];

/// The ticket fields a condition may name.
pub const TICKET_FIELDS: &[&str] = &[
    "QueueID",
    "StateID",
    "PriorityID",
    "LockID",
    "TypeID",
    "OwnerID",
    "ResponsibleID",
    "CustomerID",
    "CustomerUserID",
];

const ARTICLE_FIELDS: &[&str] =
    &["ArticleSenderTypeID", "ArticleIsVisibleForCustomer", "ArticleCommunicationChannelID"];

/// The items an admin edits through goats; saving replaces these and keeps every other
/// item a notification has (conditions goats does not check, OTRS's tooltips, …).
pub const MANAGED_ITEMS: &[&str] = &[
    "Events",
    "Recipients",
    "Transports",
    "AgentEnabledByDefault",
    "VisibleForAgent",
    "SendOnOutOfOffice",
    "OncePerDay",
    "QueueID",
];

impl TicketNotification {
    /// The managed items of this notification, as `notification_event_item` rows.
    pub fn managed_items(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        out.extend(self.events.iter().map(|e| ("Events", e.clone())));
        out.extend(self.recipients.iter().map(|r| ("Recipients", r.clone())));
        out.extend(self.transports.iter().map(|t| ("Transports", t.name().to_string())));
        out.extend(self.enabled_by_default.iter().map(|t| ("AgentEnabledByDefault", t.name().to_string())));
        let flag = |on: bool| if on { "1" } else { "0" }.to_string();
        out.push(("VisibleForAgent", flag(self.visible_for_agent)));
        out.push(("SendOnOutOfOffice", flag(self.send_on_out_of_office)));
        out.push(("OncePerDay", flag(self.once_per_day)));
        if let Some(queues) = self.ticket_conditions.get("QueueID") {
            out.extend(queues.iter().map(|q| ("QueueID", q.clone())));
        }
        out
    }

    /// Builds a notification from its items. Returns the items goats does not act on
    /// (conditions on fields it does not know, unknown transports), so a caller can say
    /// so; a notification with such a condition never fires, as it could not be
    /// checked.
    pub fn from_items(
        id: i32,
        name: String,
        items: impl IntoIterator<Item = (String, String)>,
        messages: Vec<NotificationMessage>,
    ) -> (Self, Vec<String>) {
        let mut n = Self { id, name, messages, ..Self::default() };
        let mut unknown = Vec::new();
        for (key, value) in items {
            let flag = value.trim() == "1";
            match key.as_str() {
                "Events" => n.events.push(value),
                "Recipients" => n.recipients.push(value),
                "RecipientAgents" => n.recipient_agents.extend(value.trim().parse::<UserId>().ok()),
                "RecipientGroups" => n.recipient_groups.extend(value.trim().parse::<GroupId>().ok()),
                "RecipientRoles" => n.recipient_roles.extend(value.trim().parse::<RoleId>().ok()),
                "Transports" | "AgentEnabledByDefault" => match value.parse::<Transport>() {
                    Ok(t) if key == "Transports" => n.transports.push(t),
                    Ok(t) => n.enabled_by_default.push(t),
                    Err(_) => unknown.push(format!("{key}={value}")),
                },
                "VisibleForAgent" => n.visible_for_agent = flag,
                "SendOnOutOfOffice" => n.send_on_out_of_office = flag,
                "OncePerDay" => n.once_per_day = flag,
                k if IGNORED.contains(&k) => {}
                k if TICKET_FIELDS.contains(&k) => n.ticket_conditions.entry(key).or_default().push(value),
                k if ARTICLE_FIELDS.contains(&k) => n.article_conditions.entry(key).or_default().push(value),
                // An empty condition does not narrow, whatever its field.
                _ if value.is_empty() => {}
                _ => {
                    unknown.push(format!("{key}={value}"));
                    n.ticket_conditions.entry(key).or_default().push(value);
                }
            }
        }
        (n, unknown)
    }

    /// The text for a recipient's language: theirs, else the site's default, else
    /// English, else any.
    pub fn message_for(&self, language: Option<&str>, default_language: &str) -> Option<&NotificationMessage> {
        let wanted = [language.unwrap_or(default_language), default_language, "en"];
        wanted.iter().find_map(|l| self.messages.iter().find(|m| m.language == *l)).or_else(|| self.messages.first())
    }
}
