//! Where a ticket's fields change: every edit an agent or a job makes is a
//! [`TicketChange`], and [`plan`] turns it into the columns to write and the history
//! rows OTRS would record. Pure: the [`super::TicketService`] resolves names and ids
//! first and stores the result as one [`super::TicketEdit`].

use chrono::{DateTime, Utc};

use super::edit::Column;
use crate::error::DomainResult;
use crate::history::{HistoryEntry, HistoryType, names};
use crate::model::*;
use crate::permission::Permission;
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
    /// A service, or none; an SLA the new service is not offered with goes too.
    Service(Option<ServiceId>),
    /// An SLA offered for the ticket's service, or none.
    Sla(Option<SlaId>),
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
    State {
        old: TicketState,
        new: TicketState,
        pending_until: Option<DateTime<Utc>>,
    },
    PendingTime(DateTime<Utc>),
    Priority {
        old: Priority,
        new: Priority,
    },
    Queue {
        old: Queue,
        new: Queue,
    },
    Type {
        old: TicketType,
        new: TicketType,
    },
    /// `keeps_sla`: whether the ticket's SLA is offered for the new service.
    Service {
        new: Option<Service>,
        keeps_sla: bool,
    },
    Sla(Option<Sla>),
    Lock(Lock),
    Owner(Agent),
    Responsible(Agent),
    Customer {
        customer_id: Option<String>,
        customer_user_id: Option<String>,
    },
}

/// The columns to write and the history to append for one change. An edit that would
/// change nothing yields an empty plan, and nothing is written.
pub fn plan(
    ticket: &Ticket,
    change: &ResolvedChange,
    now: DateTime<Utc>,
) -> DomainResult<(Vec<Column>, Vec<HistoryEntry>)> {
    let mut up = Vec::new();
    let mut history = Vec::new();
    match change {
        ResolvedChange::Title(title) => {
            let title = title.trim();
            if title.is_empty() {
                return Err(crate::DomainError::invalid("title", "a ticket needs a title"));
            }
            if title != ticket.title {
                history.push(HistoryEntry::new(HistoryType::TitleUpdate, names::title_update(&ticket.title, title)));
                up.push(Column::Title(title.to_string()));
            }
        }
        ResolvedChange::State { old, new, pending_until } => {
            let effect = state_rules::enter_state(new.state_type, *pending_until, ticket.lock, now)?;
            if new.id != ticket.state_id {
                history.push(HistoryEntry::new(HistoryType::StateUpdate, names::state_update(&old.name, &new.name)));
                up.push(Column::State(new.id));
            }
            if effect.until_time != ticket.until_time {
                let until = (effect.until_time != 0).then_some(*pending_until).flatten();
                history.push(HistoryEntry::new(HistoryType::SetPendingTime, names::pending_time(until)));
                up.push(Column::PendingUntil(effect.until_time));
            }
            if let Some(lock) = effect.lock {
                history.push(HistoryEntry::new(HistoryType::Unlock, names::lock(false)));
                up.push(Column::Lock(lock));
            }
        }
        ResolvedChange::PendingTime(until) => {
            if !state_rules::is_pending(ticket.state_type) {
                return Err(crate::DomainError::invalid("pending_until", "only a pending ticket has a pending time"));
            }
            state_rules::enter_state(ticket.state_type, Some(*until), ticket.lock, now)?;
            if until.timestamp() != ticket.until_time {
                history.push(HistoryEntry::new(HistoryType::SetPendingTime, names::pending_time(Some(*until))));
                up.push(Column::PendingUntil(until.timestamp()));
            }
        }
        ResolvedChange::Priority { old, new } => {
            if new.id != ticket.priority_id {
                history.push(HistoryEntry::new(
                    HistoryType::PriorityUpdate,
                    names::priority_update(&old.name, old.id, &new.name, new.id),
                ));
                up.push(Column::Priority(new.id));
            }
        }
        ResolvedChange::Queue { old, new } => {
            if new.id != ticket.queue_id {
                history.push(HistoryEntry::new(HistoryType::Move, names::moved(&new.name, new.id, &old.name, old.id)));
                up.push(Column::Queue(new.id));
            }
        }
        ResolvedChange::Type { old, new } => {
            if Some(new.id) != ticket.type_id {
                history.push(HistoryEntry::new(
                    HistoryType::TypeUpdate,
                    names::type_update(&new.name, new.id, &old.name, old.id),
                ));
                up.push(Column::Type(new.id));
            }
        }
        ResolvedChange::Service { new, keeps_sla } => {
            let new_id = new.as_ref().map(|s| s.id);
            if new_id != ticket.service_id {
                let named = new.as_ref().map(|s| (s.name.as_str(), s.id));
                history.push(HistoryEntry::new(
                    HistoryType::ServiceUpdate,
                    names::service_or_sla_update(named, named_old(&ticket.service, ticket.service_id)),
                ));
                up.push(Column::Service(new_id));
            }
            if !keeps_sla && ticket.sla_id.is_some() {
                history.push(HistoryEntry::new(
                    HistoryType::SLAUpdate,
                    names::service_or_sla_update(None, named_old(&ticket.sla, ticket.sla_id)),
                ));
                up.push(Column::Sla(None));
            }
        }
        ResolvedChange::Sla(new) => {
            let new_id = new.as_ref().map(|s| s.id);
            if new_id != ticket.sla_id {
                let named = new.as_ref().map(|s| (s.name.as_str(), s.id));
                history.push(HistoryEntry::new(
                    HistoryType::SLAUpdate,
                    names::service_or_sla_update(named, named_old(&ticket.sla, ticket.sla_id)),
                ));
                up.push(Column::Sla(new_id));
            }
        }
        ResolvedChange::Lock(lock) => {
            if lock.is_locked() != ticket.lock.is_locked() {
                history.push(HistoryEntry::new(
                    if lock.is_locked() { HistoryType::Lock } else { HistoryType::Unlock },
                    names::lock(lock.is_locked()),
                ));
                up.push(Column::Lock(*lock));
                if lock.is_locked() {
                    // The unlock timeout counts from the moment of locking.
                    up.push(Column::LockedAt(now.timestamp()));
                }
            }
        }
        ResolvedChange::Owner(agent) => {
            if !agent.valid {
                return Err(crate::DomainError::invalid("owner", "the new owner's account is invalid"));
            }
            if agent.id != ticket.owner_id {
                history.push(HistoryEntry::new(HistoryType::OwnerUpdate, names::person(&agent.login, agent.id)));
                up.push(Column::Owner(agent.id));
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
                up.push(Column::Responsible(agent.id));
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
                up.push(Column::CustomerId(customer_id.clone()));
                up.push(Column::CustomerUser(customer_user_id.clone()));
            }
        }
    }
    Ok((up, history))
}

/// A ticket's service or SLA as its history row names the one replaced.
fn named_old(name: &Option<String>, id: Option<i32>) -> Option<(&str, i32)> {
    id.map(|id| (name.as_deref().unwrap_or_default(), id))
}

/// What the ticket looks like once `columns` (planned from `change`) are applied, so
/// the next change of the same request is planned against it.
pub fn apply(ticket: &mut Ticket, columns: &[Column], change: &ResolvedChange) {
    for c in columns {
        c.apply_to(ticket);
    }
    match change {
        ResolvedChange::Queue { new, .. } => ticket.queue = new.name.clone(),
        ResolvedChange::State { new, .. } => {
            ticket.state = new.name.clone();
            ticket.state_type = new.state_type;
        }
        ResolvedChange::Priority { new, .. } => ticket.priority = new.name.clone(),
        ResolvedChange::Service { new, keeps_sla } => {
            ticket.service = new.as_ref().map(|s| s.name.clone());
            if !keeps_sla {
                ticket.sla = None;
            }
        }
        ResolvedChange::Sla(new) => ticket.sla = new.as_ref().map(|s| s.name.clone()),
        _ => {}
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

/// The history row for an article added to an existing ticket: an email an agent sends
/// is OTRS's SendAnswer naming where it went; anything else as [`article_history`].
pub fn added_article_history(article: &NewArticle, article_id: ArticleId) -> HistoryEntry {
    match &article.outbound {
        Some(_) if article.sender_type == SenderType::Agent => HistoryEntry {
            history_type: HistoryType::SendAnswer,
            name: format!("%%{}", article.to.as_deref().unwrap_or_default()),
            article_id: Some(article_id),
        },
        _ => article_history(article, article_id),
    }
}

/// The history row for a newly added article.
pub fn article_history(article: &NewArticle, article_id: ArticleId) -> HistoryEntry {
    article_history_of(article_history_type(article), article_id)
}

/// The history row for a newly added article of history type `kind`.
pub fn article_history_of(kind: HistoryType, article_id: ArticleId) -> HistoryEntry {
    HistoryEntry {
        history_type: kind,
        name: names::article(kind == HistoryType::AddNote),
        article_id: Some(article_id),
    }
}
