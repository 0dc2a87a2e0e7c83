use async_trait::async_trait;

use super::{MemoryStore, by_name};
use crate::error::{DomainError, DomainResult};
use crate::model::UserId;
use crate::ports::{QueueText, QueueTextKind, QueueTexts};

#[async_trait]
impl QueueTexts for MemoryStore {
    async fn queue_texts(&self, kind: QueueTextKind) -> DomainResult<Vec<QueueText>> {
        let all = self.lock().queue_texts.iter().filter(|(k, _)| *k == kind).map(|(_, t)| t.clone()).collect();
        Ok(by_name(all, |t| &t.name))
    }

    async fn save_queue_text(&self, kind: QueueTextKind, mut text: QueueText, _by: UserId) -> DomainResult<i32> {
        let mut s = self.lock();
        if text.id == 0 {
            text.id = s.queue_texts.iter().filter(|(k, _)| *k == kind).map(|(_, t)| t.id).max().unwrap_or(0) + 1;
            let id = text.id;
            s.queue_texts.push((kind, text));
            return Ok(id);
        }
        let stored = s
            .queue_texts
            .iter_mut()
            .find(|(k, t)| *k == kind && t.id == text.id)
            .ok_or_else(|| DomainError::not_found(kind.table(), text.id))?;
        let id = text.id;
        stored.1 = text;
        Ok(id)
    }
}
