//! OTRS's dynamic fields of a ticket: reading them, and setting them.

use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::{DynamicFieldDef, DynamicFieldValue, FieldChange, TicketId, UserId};

#[async_trait]
pub trait DynamicFieldStore: Send + Sync {
    /// The valid ticket fields that hold a value for `ticket`, in the site's field order.
    async fn ticket_values(&self, ticket: TicketId) -> DomainResult<Vec<DynamicFieldValue>>;

    /// The valid fields of tickets, in the site's field order.
    async fn ticket_fields(&self) -> DomainResult<Vec<DynamicFieldDef>>;

    /// Replaces the values of each changed field of `ticket` with a
    /// `TicketDynamicFieldUpdate` history row each (naming the old value), in one
    /// transaction.
    async fn set_ticket_values(&self, ticket: TicketId, changes: &[FieldChange], by: UserId) -> DomainResult<()>;
}
