//! Reading OTRS's dynamic fields of a ticket.

use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::{DynamicFieldValue, TicketId};

#[async_trait]
pub trait DynamicFieldStore: Send + Sync {
    /// The valid ticket fields that hold a value for `ticket`, in the site's field order.
    async fn ticket_values(&self, ticket: TicketId) -> DomainResult<Vec<DynamicFieldValue>>;
}
