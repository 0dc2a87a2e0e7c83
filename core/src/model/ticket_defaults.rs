//! What a new ticket gets when the agent or the caller chose nothing: the queue, state,
//! priority and type an admin set. No queue unless an admin chose one, so a hurried
//! agent never files a ticket in whatever queue sorts first.

use super::{PriorityId, QueueId, StateId, TypeId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketDefaults {
    pub queue_id: Option<QueueId>,
    pub state_id: StateId,
    pub priority_id: PriorityId,
    pub type_id: TypeId,
}

impl Default for TicketDefaults {
    /// OTRS's own: `new`, `3 normal`, `Unclassified`, and no queue.
    fn default() -> Self {
        Self { queue_id: None, state_id: 1, priority_id: 3, type_id: 1 }
    }
}

/// Where each default is kept in `goats_setting`.
pub mod setting {
    pub const QUEUE: &str = "ticket_default.queue_id";
    pub const STATE: &str = "ticket_default.state_id";
    pub const PRIORITY: &str = "ticket_default.priority_id";
    pub const TYPE: &str = "ticket_default.type_id";
}
