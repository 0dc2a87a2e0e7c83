use chrono::{DateTime, Utc};

use super::{
    Article, DynamicFieldValue, FieldFilter, Lock, NewArticle, PriorityId, QueueId, ServiceId, SlaId, StateId,
    StateType, TicketId, TypeId, UserId,
};
use crate::escalation::EscalationColumns;

/// A ticket as OTRS stores it in `ticket`, with its lookups resolved to names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Ticket {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub queue_id: QueueId,
    pub queue: String,
    pub state_id: StateId,
    pub state: String,
    pub state_type: StateType,
    pub priority_id: PriorityId,
    pub priority: String,
    pub type_id: Option<TypeId>,
    pub service_id: Option<ServiceId>,
    pub service: Option<String>,
    pub sla_id: Option<SlaId>,
    pub sla: Option<String>,
    pub lock: Lock,
    pub owner_id: UserId,
    pub responsible_id: UserId,
    pub customer_id: Option<String>,
    pub customer_user_id: Option<String>,
    /// Pending time as a Unix epoch; 0 when none is set.
    pub until_time: i64,
    /// When it escalates, as the escalation job last computed it.
    pub escalation: EscalationColumns,
    pub created: DateTime<Utc>,
    pub changed: DateTime<Utc>,
    /// Grows with every recorded change (the newest history row's id): what an ETag is
    /// made of, since `changed` only counts whole seconds. Read for single tickets; 0 in
    /// lists.
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articles: Option<Vec<Article>>,
    /// The dynamic fields that have a value, in the site's field order; read for a
    /// single ticket an agent opens, `None` in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_fields: Option<Vec<DynamicFieldValue>>,
}

impl Ticket {
    /// The entity tag of this state of the ticket, for optimistic concurrency.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.version)
    }
}

/// What a caller supplies to open a ticket; the first article is mandatory, as in OTRS.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub title: String,
    pub queue_id: QueueId,
    pub state_id: StateId,
    pub priority_id: PriorityId,
    pub type_id: Option<TypeId>,
    /// A valid service, and an SLA offered for it (an SLA needs the service).
    pub service_id: Option<ServiceId>,
    pub sla_id: Option<SlaId>,
    pub owner_id: UserId,
    pub responsible_id: Option<UserId>,
    pub customer_id: Option<String>,
    pub customer_user_id: Option<String>,
    pub pending_until: Option<DateTime<Utc>>,
    pub article: NewArticle,
}

/// Filters for listing tickets; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub queue_ids: Vec<QueueId>,
    pub state_ids: Vec<StateId>,
    pub state_types: Vec<StateType>,
    pub priority_ids: Vec<PriorityId>,
    pub owner_ids: Vec<UserId>,
    pub responsible_ids: Vec<UserId>,
    pub customer_ids: Vec<String>,
    pub customer_user_ids: Vec<String>,
    pub type_ids: Vec<TypeId>,
    pub lock: Option<Lock>,
    /// Case-insensitive substring of the title.
    pub title_contains: Option<String>,
    /// A full-text search (see [`crate::search`]) over the ticket's number, title and
    /// customer, and its articles; in a customer's list only the articles shown to them.
    pub text: Option<crate::search::SearchQuery>,
    /// Created at or after / before these instants.
    pub created_from: Option<DateTime<Utc>>,
    pub created_until: Option<DateTime<Utc>>,
    /// Last changed at or after / before these instants.
    pub changed_from: Option<DateTime<Utc>>,
    pub changed_until: Option<DateTime<Utc>>,
    /// Escalated by this instant: the earliest escalation time is set and has passed.
    pub escalated_by: Option<DateTime<Utc>>,
    /// What a customer may see: tickets of this login, or of this company.
    pub customer_scope: Option<(String, String)>,
    /// Conditions on dynamic fields, all of which must hold.
    pub fields: Vec<FieldFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TicketSortField {
    Number,
    Title,
    Queue,
    State,
    Priority,
    Owner,
    #[default]
    Created,
    Changed,
    PendingUntil,
    /// How well the ticket answers the list's search, best first (descending); without
    /// words to search for, the most recently changed first.
    Relevance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TicketSort {
    pub field: TicketSortField,
    pub direction: SortDirection,
}
