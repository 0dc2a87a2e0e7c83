//! Domain events: what happened that someone may want to hear about. Jobs and services
//! publish them on the [`crate::ports::EventBus`]; notification channels and the live
//! stream receive them.

use chrono::{DateTime, Utc};

use crate::escalation::EscalationKind;
use crate::history::HistoryType;
use crate::model::{ArticleId, PriorityId, QueueId, Ticket, TicketId, UserId};

/// A ticket as an event names it: enough to address and filter, not the whole row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketRef {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub queue_id: QueueId,
    pub queue: String,
    pub priority_id: PriorityId,
    pub priority: String,
    pub state: String,
    pub owner_id: UserId,
    pub responsible_id: UserId,
}

impl From<&Ticket> for TicketRef {
    fn from(t: &Ticket) -> Self {
        Self {
            id: t.id,
            number: t.number.clone(),
            title: t.title.clone(),
            queue_id: t.queue_id,
            queue: t.queue.clone(),
            priority_id: t.priority_id,
            priority: t.priority.clone(),
            state: t.state.clone(),
            owner_id: t.owner_id,
            responsible_id: t.responsible_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A pending-reminder ticket's time has come; `recipient` should act on it.
    PendingReminder { ticket: TicketRef, recipient: UserId, due: DateTime<Utc> },
    /// The warning share of an escalation allowance is used up.
    EscalationWarning { ticket: TicketRef, clock: EscalationKind, due: DateTime<Utc> },
    /// An escalation deadline has passed.
    Escalated { ticket: TicketRef, clock: EscalationKind, due: DateTime<Utc> },
    /// A ticket was opened by `by`, with its first article (`history` says how it
    /// came: `EmailCustomer`, `PhoneCallAgent`, …).
    TicketCreated { ticket: TicketRef, by: UserId, article_id: ArticleId, history: HistoryType },
    /// A ticket's fields changed; `change` names what: an agent's or integration's
    /// edit as OTRS's history types (`StateUpdate,Unlock`; see
    /// [`crate::history::change_names`]), a scheduled job's as `auto_close` or
    /// `unlock_timeout`.
    /// `by` is who made it (the system user for jobs).
    TicketUpdated { ticket: TicketRef, change: String, by: UserId },
    /// An article was added by `by`; `internal` when the customer cannot see it;
    /// `history` as its history row records it (`AddNote`, `FollowUp`, `SendAnswer`, …).
    ArticleAdded { ticket: TicketRef, article_id: ArticleId, internal: bool, by: UserId, history: HistoryType },
    /// An agent notification (`notification_event`) for `recipient` in the in-app feed.
    Notified { ticket: TicketRef, recipient: UserId, subject: String },
}

impl Event {
    /// The event's kind as channel filters and templates name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PendingReminder { .. } => "pending_reminder",
            Self::EscalationWarning { .. } => "escalation_warning",
            Self::Escalated { .. } => "escalated",
            Self::TicketCreated { .. } => "ticket_created",
            Self::TicketUpdated { .. } => "ticket_updated",
            Self::ArticleAdded { .. } => "article_added",
            Self::Notified { .. } => "notified",
        }
    }

    pub fn ticket(&self) -> &TicketRef {
        match self {
            Self::PendingReminder { ticket, .. }
            | Self::EscalationWarning { ticket, .. }
            | Self::Escalated { ticket, .. }
            | Self::TicketCreated { ticket, .. }
            | Self::TicketUpdated { ticket, .. }
            | Self::ArticleAdded { ticket, .. }
            | Self::Notified { ticket, .. } => ticket,
        }
    }

    /// Who caused it, when a person did: the actor OTRS leaves out of their own
    /// notifications.
    pub fn actor(&self) -> Option<UserId> {
        match self {
            Self::TicketCreated { by, .. } | Self::TicketUpdated { by, .. } | Self::ArticleAdded { by, .. } => {
                Some(*by)
            }
            _ => None,
        }
    }

    /// Whether the event is addressed to particular agents (reminders, escalations)
    /// rather than news for everyone who can read the ticket.
    pub fn is_personal(&self) -> bool {
        matches!(
            self,
            Self::PendingReminder { .. }
                | Self::EscalationWarning { .. }
                | Self::Escalated { .. }
                | Self::Notified { .. }
        )
    }

    /// The agents this event is addressed to: the reminder's recipient, or the owner
    /// and (when another agent) the responsible of the ticket.
    pub fn recipients(&self) -> Vec<UserId> {
        match self {
            Self::PendingReminder { recipient, .. } | Self::Notified { recipient, .. } => vec![*recipient],
            _ => {
                let t = self.ticket();
                let mut to = vec![t.owner_id];
                if t.responsible_id != 0 && t.responsible_id != t.owner_id {
                    to.push(t.responsible_id);
                }
                to
            }
        }
    }
}
