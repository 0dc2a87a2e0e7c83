use async_trait::async_trait;

use super::{MemoryStore, by_name};
use crate::error::{DomainError, DomainResult};
use crate::model::{AnswerTemplate, UserId};
use crate::ports::AnswerTemplates;

#[async_trait]
impl AnswerTemplates for MemoryStore {
    async fn answer_templates(&self) -> DomainResult<Vec<AnswerTemplate>> {
        Ok(by_name(self.lock().templates.clone(), |t| &t.name))
    }

    async fn save_answer_template(&self, mut t: AnswerTemplate, _by: UserId) -> DomainResult<i32> {
        let mut s = self.lock();
        // As the database's unique name refuses it.
        if s.templates.iter().any(|x| x.id != t.id && x.name == t.name) {
            return Err(DomainError::Conflict(format!("a template named {} exists", t.name)));
        }
        t.queue_ids.sort_unstable();
        if t.id == 0 {
            t.id = s.templates.iter().map(|x| x.id).max().unwrap_or(0) + 1;
            let id = t.id;
            s.templates.push(t);
            return Ok(id);
        }
        let stored = s
            .templates
            .iter_mut()
            .find(|x| x.id == t.id)
            .ok_or_else(|| DomainError::not_found("standard_template", t.id))?;
        let id = t.id;
        *stored = t;
        Ok(id)
    }
}
