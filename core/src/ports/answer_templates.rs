//! Where the answer templates and the queues offering them are kept.

use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::{AnswerTemplate, UserId};

#[async_trait]
pub trait AnswerTemplates: Send + Sync {
    /// Every template of every kind, valid or not, by name in any case, each with its
    /// queues.
    async fn answer_templates(&self) -> DomainResult<Vec<AnswerTemplate>>;
    /// Stores a new one (id 0) or replaces the one with its id, its queues with it, in
    /// one transaction; returns the id.
    async fn save_answer_template(&self, template: AnswerTemplate, by: UserId) -> DomainResult<i32>;
}
