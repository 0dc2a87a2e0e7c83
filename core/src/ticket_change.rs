//! Where a ticket's fields change: every edit an agent or a job makes is a
//! [`TicketChange`], and [`plan`] turns it into the columns to write and the history
//! rows OTRS would record. Pure: the [`crate::ticket_service`] resolves names and ids
//! first and stores the result through a port.

use chrono::{DateTime, Utc};

use crate::error::DomainResult;
use crate::history::{HistoryEntry, HistoryType, names};
use crate::model::*;
use crate::permission::Permission;
use crate::ports::TicketFieldUpdate;
use crate::state_rules;

/// One edit of a ticket, as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketChange {
    Title(String),
    /// A new state; `pending_until` is required for pending states.
    State {
        state_id: StateId,
        pending_until: Option<DateTime<Utc>>,
    },
    /// Move the pending time of a ticket that is already pending.
    PendingTime(DateTime<Utc>),
    Priority(PriorityId),
    Queue(QueueId),
    Type(TypeId),
    Lock(Lock),
    Owner(UserId),
    Responsible(UserId),
    Customer {
        customer_id: Option<String>,
        customer_user_id: Option<String>,
    },
}

impl TicketChange {
    /// The permission this edit needs on the ticket's queue group. Moving additionally
    /// needs `move_into` on the target queue's group.
    pub fn required_permission(&self) -> Permission {
        match self {
            Self::Priority(_) => Permission::Priority,
            Self::Owner(_) => Permission::Owner,
            Self::Queue(_) => Permission::Ro,
            _ => Permission::Rw,
        }
    }
}

/// A [`TicketChange`] with the rows it refers to looked up.
#[derive(Debug, Clone)]
pub enum ResolvedChange {
    Title(String),
    State { old: TicketState, new: TicketState, pending_until: Option<DateTime<Utc>> },
    PendingTime(DateTime<Utc>),
    Priority { old: Priority, new: Priority },
    Queue { old: Queue, new: Queue },
    Type { old: TicketType, new: TicketType },
    Lock(Lock),
    Owner(Agent),
    Responsible(Agent),
    Customer { customer_id: Option<String>, customer_user_id: Option<String> },
}

/// The columns to write and the history to append for one change. An edit that would
/// change nothing yields an empty plan, and nothing is written.
pub fn plan(
    ticket: &Ticket,
    change: &ResolvedChange,
    now: DateTime<Utc>,
) -> DomainResult<(TicketFieldUpdate, Vec<HistoryEntry>)> {
    let mut up = TicketFieldUpdate::default();
    let mut history = Vec::new();
    match change {
        ResolvedChange::Title(title) => {
            let title = title.trim();
            if title.is_empty() {
                return Err(crate::DomainError::invalid("title", "a ticket needs a title"));
            }
            if title != ticket.title {
                history.push(HistoryEntry::new(HistoryType::TitleUpdate, names::title_update(&ticket.title, title)));
                up.title = Some(title.to_string());
            }
        }
        ResolvedChange::State { old, new, pending_until } => {
            let effect = state_rules::enter_state(new.state_type, *pending_until, ticket.lock, now)?;
            if new.id != ticket.state_id {
                history.push(HistoryEntry::new(HistoryType::StateUpdate, names::state_update(&old.name, &new.name)));
                up.state_id = Some(new.id);
            }
            if effect.until_time != ticket.until_time {
                let until = (effect.until_time != 0).then_some(*pending_until).flatten();
                history.push(HistoryEntry::new(HistoryType::SetPendingTime, names::pending_time(until)));
                up.until_time = Some(effect.until_time);
            }
            if let Some(lock) = effect.lock {
                history.push(HistoryEntry::new(HistoryType::Unlock, names::lock(false)));
                up.lock = Some(lock);
            }
        }
        ResolvedChange::PendingTime(until) => {
            if !state_rules::is_pending(ticket.state_type) {
                return Err(crate::DomainError::invalid("pending_until", "only a pending ticket has a pending time"));
            }
            state_rules::enter_state(ticket.state_type, Some(*until), ticket.lock, now)?;
            if until.timestamp() != ticket.until_time {
                history.push(HistoryEntry::new(HistoryType::SetPendingTime, names::pending_time(Some(*until))));
                up.until_time = Some(until.timestamp());
            }
        }
        ResolvedChange::Priority { old, new } => {
            if new.id != ticket.priority_id {
                history.push(HistoryEntry::new(
                    HistoryType::PriorityUpdate,
                    names::priority_update(&old.name, old.id, &new.name, new.id),
                ));
                up.priority_id = Some(new.id);
            }
        }
        ResolvedChange::Queue { old, new } => {
            if new.id != ticket.queue_id {
                history.push(HistoryEntry::new(HistoryType::Move, names::moved(&new.name, new.id, &old.name, old.id)));
                up.queue_id = Some(new.id);
            }
        }
        ResolvedChange::Type { old, new } => {
            if Some(new.id) != ticket.type_id {
                history.push(HistoryEntry::new(
                    HistoryType::TypeUpdate,
                    names::type_update(&new.name, new.id, &old.name, old.id),
                ));
                up.type_id = Some(new.id);
            }
        }
        ResolvedChange::Lock(lock) => {
            if lock.is_locked() != ticket.lock.is_locked() {
                history.push(HistoryEntry::new(
                    if lock.is_locked() { HistoryType::Lock } else { HistoryType::Unlock },
                    names::lock(lock.is_locked()),
                ));
                up.lock = Some(*lock);
                if lock.is_locked() {
                    // The unlock timeout counts from the moment of locking.
                    up.lock_time = Some(now.timestamp());
                }
            }
        }
        ResolvedChange::Owner(agent) => {
            if !agent.valid {
                return Err(crate::DomainError::invalid("owner", "the new owner's account is invalid"));
            }
            if agent.id != ticket.owner_id {
                history.push(HistoryEntry::new(HistoryType::OwnerUpdate, names::person(&agent.login, agent.id)));
                up.owner_id = Some(agent.id);
            }
        }
        ResolvedChange::Responsible(agent) => {
            if !agent.valid {
                return Err(crate::DomainError::invalid(
                    "responsible",
                    "the new responsible agent's account is invalid",
                ));
            }
            if agent.id != ticket.responsible_id {
                history.push(HistoryEntry::new(HistoryType::ResponsibleUpdate, names::person(&agent.login, agent.id)));
                up.responsible_id = Some(agent.id);
            }
        }
        ResolvedChange::Customer { customer_id, customer_user_id } => {
            if *customer_id != ticket.customer_id || *customer_user_id != ticket.customer_user_id {
                history.push(HistoryEntry::new(
                    HistoryType::CustomerUpdate,
                    names::customer_update(
                        customer_id.as_deref().unwrap_or(""),
                        customer_user_id.as_deref().unwrap_or(""),
                    ),
                ));
                up.customer_id = Some(customer_id.clone());
                up.customer_user_id = Some(customer_user_id.clone());
            }
        }
    }
    Ok((up, history))
}

/// What the ticket looks like once `update` (planned from `change`) is applied, so the
/// next change of the same request is planned against it.
pub fn apply(ticket: &mut Ticket, update: &TicketFieldUpdate, change: &ResolvedChange) {
    if let Some(v) = &update.title {
        ticket.title = v.clone();
    }
    if let Some(v) = update.queue_id {
        ticket.queue_id = v;
    }
    if let ResolvedChange::Queue { new, .. } = change {
        ticket.queue = new.name.clone();
    }
    if let Some(v) = update.state_id {
        ticket.state_id = v;
    }
    if let ResolvedChange::State { new, .. } = change {
        ticket.state = new.name.clone();
        ticket.state_type = new.state_type;
    }
    if let Some(v) = update.priority_id {
        ticket.priority_id = v;
    }
    if let ResolvedChange::Priority { new, .. } = change {
        ticket.priority = new.name.clone();
    }
    if let Some(v) = update.type_id {
        ticket.type_id = Some(v);
    }
    if let Some(v) = update.lock {
        ticket.lock = v;
    }
    if let Some(v) = update.owner_id {
        ticket.owner_id = v;
    }
    if let Some(v) = update.responsible_id {
        ticket.responsible_id = v;
    }
    if let Some(v) = &update.customer_id {
        ticket.customer_id = v.clone();
    }
    if let Some(v) = &update.customer_user_id {
        ticket.customer_user_id = v.clone();
    }
    if let Some(v) = update.until_time {
        ticket.until_time = v;
    }
}

/// The history type OTRS records when an article of this kind is added.
pub fn article_history_type(article: &NewArticle) -> HistoryType {
    match (article.channel, article.sender_type) {
        (CommunicationChannel::Email, SenderType::Customer) => HistoryType::EmailCustomer,
        (CommunicationChannel::Email, _) => HistoryType::EmailAgent,
        (CommunicationChannel::Phone, SenderType::Customer) => HistoryType::PhoneCallCustomer,
        (CommunicationChannel::Phone, _) => HistoryType::PhoneCallAgent,
        // What a customer writes in OTRS's customer interface.
        (CommunicationChannel::Internal, SenderType::Customer) => HistoryType::WebRequestCustomer,
        (CommunicationChannel::Internal | CommunicationChannel::Chat, _) => HistoryType::AddNote,
    }
}

/// The history row for a newly added article.
pub fn article_history(article: &NewArticle, article_id: ArticleId) -> HistoryEntry {
    let kind = article_history_type(article);
    HistoryEntry {
        history_type: kind,
        name: names::article(kind == HistoryType::AddNote),
        article_id: Some(article_id),
    }
}
