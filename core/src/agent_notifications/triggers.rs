//! Which OTRS events a goats event is. A notification names the events it fires on as
//! OTRS raises them: the ticket events (`TicketQueueUpdate`, `ArticleCreate`, …) and the
//! `Notification…` events OTRS raises for agents beside them, by the same rules (a new
//! ticket's notification only for a first article that came from or for a customer; a
//! note's and a follow-up's by the article's history type).

use crate::event::Event;
use crate::history::HistoryType;

/// Every event goats raises, as a notification names it.
pub const RAISED: &[&str] = &[
    "NotificationNewTicket",
    "NotificationFollowUp",
    "NotificationAddNote",
    "NotificationOwnerUpdate",
    "NotificationResponsibleUpdate",
    "NotificationMove",
    "NotificationLockTimeout",
    "NotificationPendingReminder",
    "NotificationEscalation",
    "NotificationEscalationNotifyBefore",
    "TicketCreate",
    "ArticleCreate",
    "ArticleSend",
    "TicketStateUpdate",
    "TicketPriorityUpdate",
    "TicketQueueUpdate",
    "TicketOwnerUpdate",
    "TicketResponsibleUpdate",
    "TicketLockUpdate",
    "TicketTypeUpdate",
    "TicketTitleUpdate",
    "TicketPendingTimeUpdate",
    "TicketCustomerUpdate",
    "TicketMerge",
    "TicketSubscribe",
    "TicketUnsubscribe",
];

/// The recipient rules goats follows.
pub const RECIPIENT_RULES: &[&str] =
    &["AgentOwner", "AgentResponsible", "AgentWatcher", "AgentWritePermissions", "AgentMyQueues", "AgentCreateBy"];

/// The OTRS events `event` raises, in the order OTRS raises them.
pub fn otrs_events(event: &Event) -> Vec<&'static str> {
    match event {
        Event::TicketCreated { history, .. } => {
            let mut names = vec!["TicketCreate", "ArticleCreate"];
            if matches!(
                history,
                HistoryType::EmailAgent
                    | HistoryType::EmailCustomer
                    | HistoryType::PhoneCallCustomer
                    | HistoryType::WebRequestCustomer
            ) {
                names.push("NotificationNewTicket");
            }
            names
        }
        Event::ArticleAdded { history, .. } => {
            let mut names = vec!["ArticleCreate"];
            match history {
                HistoryType::AddNote => names.push("NotificationAddNote"),
                HistoryType::FollowUp => names.push("NotificationFollowUp"),
                HistoryType::SendAnswer
                | HistoryType::SendAutoReply
                | HistoryType::SendAutoFollowUp
                | HistoryType::SendAutoReject => names.push("ArticleSend"),
                _ => {}
            }
            names
        }
        Event::TicketUpdated { change, .. } => {
            let mut names = Vec::new();
            for part in change.split(',') {
                for name in ticket_events(part.trim()) {
                    if !names.contains(name) {
                        names.push(*name);
                    }
                }
            }
            names
        }
        Event::PendingReminder { .. } => vec!["NotificationPendingReminder"],
        Event::EscalationWarning { .. } => vec!["NotificationEscalationNotifyBefore"],
        Event::Escalated { .. } => vec!["NotificationEscalation"],
        Event::Notified { .. } => Vec::new(),
    }
}

/// The events one change raises, by its history type's name (or the job that made it).
fn ticket_events(change: &str) -> &'static [&'static str] {
    match change {
        "StateUpdate" | "auto_close" => &["TicketStateUpdate"],
        "PriorityUpdate" => &["TicketPriorityUpdate"],
        "OwnerUpdate" => &["TicketOwnerUpdate", "NotificationOwnerUpdate"],
        "ResponsibleUpdate" => &["TicketResponsibleUpdate", "NotificationResponsibleUpdate"],
        "Move" => &["TicketQueueUpdate", "NotificationMove"],
        "Lock" | "Unlock" => &["TicketLockUpdate"],
        "unlock_timeout" => &["TicketLockUpdate", "NotificationLockTimeout"],
        "TypeUpdate" => &["TicketTypeUpdate"],
        "TitleUpdate" => &["TicketTitleUpdate"],
        "SetPendingTime" => &["TicketPendingTimeUpdate"],
        "CustomerUpdate" => &["TicketCustomerUpdate"],
        "Merged" => &["TicketMerge"],
        "Subscribe" => &["TicketSubscribe"],
        "Unsubscribe" => &["TicketUnsubscribe"],
        _ => &[],
    }
}

/// Whether an event's article conditions apply: OTRS checks them on article events only.
pub fn is_article_event(name: &str) -> bool {
    matches!(name, "ArticleCreate" | "ArticleSend")
}
