//! Queues, states, priorities, types and what a reply in a queue starts from.

use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::*;

#[derive(Debug, Clone)]
pub struct NewQueue {
    pub name: String,
    pub group_id: GroupId,
    pub unlock_timeout: i32,
    pub first_response_time: i32,
    pub update_time: i32,
    pub solution_time: i32,
    pub calendar_name: Option<String>,
    pub comments: Option<String>,
    pub follow_up: FollowUp,
    pub follow_up_lock: bool,
    /// Whether customers may open tickets in it from the portal.
    pub customer_selectable: bool,
    /// Whether customers may close its tickets from the portal.
    pub customer_closable: bool,
    /// The system address its mail leaves from, and the salutation and signature its
    /// replies open and close with (OTRS's defaults are 1 each).
    pub system_address_id: i32,
    pub salutation_id: i32,
    pub signature_id: i32,
}

/// An address mail of a queue is sent from (OTRS `system_address`: `value0`, `value1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemAddress {
    pub email: String,
    pub name: String,
}

impl SystemAddress {
    /// `Name <address>`, as a From header writes it.
    pub fn mailbox(&self) -> String {
        let name = self.name.replace(['<', '>', '"'], "");
        if name.trim().is_empty() { self.email.clone() } else { format!("{} <{}>", name.trim(), self.email) }
    }
}

/// A standard template (OTRS `standard_template`, type Answer) an agent may start a reply from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardTemplate {
    pub id: i32,
    pub name: String,
    pub text: String,
}

/// What a reply in a queue starts from: its salutation and signature and the answer
/// templates assigned to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplyTexts {
    /// The queue's system address: where its mail goes out from.
    pub sender: Option<SystemAddress>,
    pub salutation: Option<String>,
    pub signature: Option<String>,
    pub templates: Vec<StandardTemplate>,
}

/// Queues, states, priorities and types.
#[async_trait]
pub trait LookupRepository: Send + Sync {
    /// Every queue, valid or not, by name in any case.
    async fn queues(&self) -> DomainResult<Vec<Queue>>;
    async fn queue(&self, id: QueueId) -> DomainResult<Option<Queue>>;
    async fn queue_by_name(&self, name: &str) -> DomainResult<Option<Queue>>;
    async fn create_queue(&self, queue: NewQueue, by: UserId) -> DomainResult<QueueId>;
    async fn set_queue_valid(&self, id: QueueId, valid: bool, by: UserId) -> DomainResult<()>;
    async fn states(&self) -> DomainResult<Vec<TicketState>>;
    async fn state(&self, id: StateId) -> DomainResult<Option<TicketState>>;
    async fn state_by_name(&self, name: &str) -> DomainResult<Option<TicketState>>;
    async fn create_state(
        &self,
        name: &str,
        state_type: StateType,
        colour: &Colour,
        by: UserId,
    ) -> DomainResult<StateId>;
    async fn priorities(&self) -> DomainResult<Vec<Priority>>;
    async fn priority(&self, id: PriorityId) -> DomainResult<Option<Priority>>;
    async fn create_priority(&self, name: &str, colour: &Colour, by: UserId) -> DomainResult<PriorityId>;
    async fn types(&self) -> DomainResult<Vec<TicketType>>;
    async fn ticket_type(&self, id: TypeId) -> DomainResult<Option<TicketType>>;
    async fn create_type(&self, name: &str, by: UserId) -> DomainResult<TypeId>;
    /// The queue's valid salutation, signature and answer templates.
    async fn reply_texts(&self, queue_id: QueueId) -> DomainResult<ReplyTexts>;
    /// Rewrites a queue's settings (its validity stays as it is).
    async fn update_queue(&self, id: QueueId, queue: NewQueue, by: UserId) -> DomainResult<()>;
    /// Renames a state, priority or type.
    async fn rename_lookup(&self, kind: LookupKind, id: i32, name: &str, by: UserId) -> DomainResult<()>;
    /// Sets a state, priority or type valid or invalid (OTRS never deletes them).
    async fn set_lookup_valid(&self, kind: LookupKind, id: i32, valid: bool, by: UserId) -> DomainResult<()>;
    /// Gives a state another type (OTRS's `ticket_state.type_id`).
    async fn set_state_type(&self, id: StateId, state_type: StateType, by: UserId) -> DomainResult<()>;
    /// Gives a state or priority another colour (types have none).
    async fn set_lookup_colour(&self, kind: LookupKind, id: i32, colour: &Colour, by: UserId) -> DomainResult<()>;
}

/// The simple lookups an admin names and switches on and off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum LookupKind {
    State,
    Priority,
    Type,
}

impl LookupKind {
    /// What messages call it: `state`, `priority`, `type`.
    pub fn noun(self) -> &'static str {
        self.into()
    }
}
