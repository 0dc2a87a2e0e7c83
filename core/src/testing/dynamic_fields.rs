//! Dynamic field values in memory, as a test sets them.

use async_trait::async_trait;

use super::{MemoryStore, State};
use crate::error::{DomainError, DomainResult};
use crate::history::{HistoryEntry, HistoryType, names};
use crate::model::{
    ArticleId, DynamicFieldDef, DynamicFieldValue, FieldChange, FieldDefinition, FieldValue, TicketId, UserId,
};
use crate::ports::DynamicFieldStore;

impl State {
    /// Stores the values and returns their history rows, each naming the value it
    /// replaced, as the SQL store writes them.
    pub(super) fn write_fields(&mut self, ticket: TicketId, changes: &[FieldChange]) -> Vec<HistoryEntry> {
        let mut history = Vec::new();
        for c in changes {
            let old = self
                .dynamic_fields
                .iter()
                .find(|(t, v)| *t == ticket && v.field_id == c.field.id)
                .map(|(_, v)| v.value.history_text())
                .unwrap_or_default();
            self.dynamic_fields.retain(|(t, v)| !(*t == ticket && v.field_id == c.field.id));
            if let Some(value) = &c.value {
                self.dynamic_fields.push((ticket, value_of(c, value)));
            }
            let new = c.value.as_ref().map(FieldValue::history_text).unwrap_or_default();
            history.push(HistoryEntry::new(
                HistoryType::TicketDynamicFieldUpdate,
                names::dynamic_field(&c.field.name, &new, &old),
            ));
        }
        history
    }
}

impl State {
    /// Stores a new article's field values, as the SQL store writes them with it.
    pub(super) fn write_article_fields(&mut self, article: ArticleId, changes: &[FieldChange]) {
        for c in changes {
            self.article_fields.retain(|(a, v)| !(*a == article && v.field_id == c.field.id));
            if let Some(value) = &c.value {
                self.article_fields.push((article, value_of(c, value)));
            }
        }
    }
}

fn value_of(c: &FieldChange, value: &FieldValue) -> DynamicFieldValue {
    let f = &c.field;
    DynamicFieldValue {
        field_id: f.id,
        name: f.name.clone(),
        label: f.label.clone(),
        field_type: f.field_type.clone(),
        value: value.clone(),
        possible_values: f.possible_values.clone(),
    }
}

impl MemoryStore {
    /// Replaces the dynamic field values of `ticket`.
    pub fn set_dynamic_fields(&self, ticket: TicketId, values: Vec<DynamicFieldValue>) {
        let mut s = self.lock();
        s.dynamic_fields.retain(|(t, _)| *t != ticket);
        s.dynamic_fields.extend(values.into_iter().map(|v| (ticket, v)));
    }

    /// Replaces the ticket field definitions (the store starts with none).
    pub fn set_dynamic_field_defs(&self, defs: Vec<DynamicFieldDef>) {
        self.lock().dynamic_field_defs = defs
            .into_iter()
            .zip(1..)
            .map(|(d, order)| FieldDefinition {
                id: d.id,
                name: d.name,
                label: d.label,
                field_type: d.field_type,
                object_type: "Ticket".into(),
                field_order: order,
                valid: true,
                internal: false,
                possible_values: d.possible_values,
                default_value: None,
            })
            .collect();
    }
}

#[async_trait]
impl DynamicFieldStore for MemoryStore {
    async fn ticket_values(&self, ticket: TicketId) -> DomainResult<Vec<DynamicFieldValue>> {
        Ok(self.lock().dynamic_fields.iter().filter(|(t, _)| *t == ticket).map(|(_, v)| v.clone()).collect())
    }

    async fn ticket_fields(&self) -> DomainResult<Vec<DynamicFieldDef>> {
        let all = self.field_definitions().await?;
        Ok(all.iter().filter(|f| f.valid && f.is_ticket_field()).map(FieldDefinition::def).collect())
    }

    async fn article_values(&self, articles: &[ArticleId]) -> DomainResult<Vec<(ArticleId, DynamicFieldValue)>> {
        let s = self.lock();
        Ok(s.article_fields.iter().filter(|(a, _)| articles.contains(a)).cloned().collect())
    }

    async fn article_fields(&self) -> DomainResult<Vec<DynamicFieldDef>> {
        let all = self.field_definitions().await?;
        Ok(all.iter().filter(|f| f.valid && f.is_article_field()).map(FieldDefinition::def).collect())
    }

    async fn set_ticket_values(&self, ticket: TicketId, changes: &[FieldChange], by: UserId) -> DomainResult<()> {
        let now = self.now();
        let mut s = self.lock();
        let history = s.write_fields(ticket, changes);
        s.append_history(ticket, history, by, now);
        Ok(())
    }

    async fn field_definitions(&self) -> DomainResult<Vec<FieldDefinition>> {
        let mut all = self.lock().dynamic_field_defs.clone();
        all.sort_by_key(|f| (f.field_order, f.id));
        Ok(all)
    }

    async fn save_field_definition(&self, field: &FieldDefinition, _by: UserId) -> DomainResult<i32> {
        let mut s = self.lock();
        if s.dynamic_field_defs.iter().any(|f| f.id != field.id && f.name == field.name) {
            return Err(DomainError::Conflict(format!("a field named {} exists", field.name)));
        }
        if field.id == 0 {
            let id = s.dynamic_field_defs.iter().map(|f| f.id).max().unwrap_or(0) + 1;
            s.dynamic_field_defs.push(FieldDefinition { id, ..field.clone() });
            return Ok(id);
        }
        let stored = s
            .dynamic_field_defs
            .iter_mut()
            .find(|f| f.id == field.id)
            .ok_or_else(|| DomainError::not_found("dynamic field", field.id))?;
        *stored = field.clone();
        Ok(field.id)
    }
}
