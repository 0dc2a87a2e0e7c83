//! Dynamic field values in memory, as a test sets them.

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::DomainResult;
use crate::model::{DynamicFieldValue, TicketId};
use crate::ports::DynamicFieldStore;

impl MemoryStore {
    /// Replaces the dynamic field values of `ticket`.
    pub fn set_dynamic_fields(&self, ticket: TicketId, values: Vec<DynamicFieldValue>) {
        let mut s = self.lock();
        s.dynamic_fields.retain(|(t, _)| *t != ticket);
        s.dynamic_fields.extend(values.into_iter().map(|v| (ticket, v)));
    }
}

#[async_trait]
impl DynamicFieldStore for MemoryStore {
    async fn ticket_values(&self, ticket: TicketId) -> DomainResult<Vec<DynamicFieldValue>> {
        Ok(self.lock().dynamic_fields.iter().filter(|(t, _)| *t == ticket).map(|(_, v)| v.clone()).collect())
    }
}
