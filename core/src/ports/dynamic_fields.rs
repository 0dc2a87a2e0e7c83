//! OTRS's dynamic fields of tickets and articles: reading them, and setting them. An
//! article's values are written with the article (see `NewArticle::dynamic_fields`).

use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::{ArticleId, DynamicFieldDef, DynamicFieldValue, FieldChange, FieldDefinition, TicketId, UserId};

#[async_trait]
pub trait DynamicFieldStore: Send + Sync {
    /// The valid ticket fields that hold a value for `ticket`, in the site's field order.
    async fn ticket_values(&self, ticket: TicketId) -> DomainResult<Vec<DynamicFieldValue>>;

    /// The valid fields of tickets, in the site's field order.
    async fn ticket_fields(&self) -> DomainResult<Vec<DynamicFieldDef>>;

    /// The valid article fields that hold a value for each of `articles`, in the
    /// site's field order.
    async fn article_values(&self, articles: &[ArticleId]) -> DomainResult<Vec<(ArticleId, DynamicFieldValue)>>;

    /// The valid fields of articles, in the site's field order.
    async fn article_fields(&self) -> DomainResult<Vec<DynamicFieldDef>>;

    /// Replaces the values of each changed field of `ticket` with a
    /// `TicketDynamicFieldUpdate` history row each (naming the old value), in one
    /// transaction.
    async fn set_ticket_values(&self, ticket: TicketId, changes: &[FieldChange], by: UserId) -> DomainResult<()>;

    /// Every field of every object, valid or not, in the site's field order: what an
    /// admin maintains.
    async fn field_definitions(&self) -> DomainResult<Vec<FieldDefinition>>;

    /// Stores a new field (id 0) or changes one, keeping the settings of its config
    /// goats does not edit; returns its id.
    async fn save_field_definition(&self, field: &FieldDefinition, by: UserId) -> DomainResult<i32>;
}
