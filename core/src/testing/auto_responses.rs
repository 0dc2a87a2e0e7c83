//! Auto-responses and the daily count of automatic mail, in memory.

use async_trait::async_trait;
use chrono::NaiveDate;

use super::MemoryStore;
use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::ports::*;

#[async_trait]
impl AutoResponses for MemoryStore {
    async fn create_auto_response(&self, r: NewAutoResponse, _by: UserId) -> DomainResult<i32> {
        let mut s = self.lock();
        if s.auto_responses.iter().any(|(_, x)| x.name == r.name) {
            return Err(DomainError::Conflict(format!("auto-response {} exists", r.name)));
        }
        let id = s.auto_responses.len() as i32 + 1;
        s.auto_responses.push((id, r));
        Ok(id)
    }

    async fn system_addresses(&self) -> DomainResult<Vec<(i32, SystemAddress)>> {
        Ok(vec![(1, SystemAddress { email: "helpdesk@localhost".into(), name: "Help Desk".into() })])
    }

    async fn auto_responses(&self) -> DomainResult<Vec<(i32, NewAutoResponse)>> {
        Ok(self.lock().auto_responses.clone())
    }

    async fn assign_auto_responses(&self, queue: QueueId, ids: &[i32], _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        s.queue_auto_responses.retain(|(q, _)| *q != queue);
        s.queue_auto_responses.extend(ids.iter().map(|id| (queue, *id)));
        Ok(())
    }

    async fn auto_response(&self, queue: QueueId, kind: AutoResponseKind) -> DomainResult<Option<AutoResponse>> {
        let s = self.lock();
        let found = s
            .queue_auto_responses
            .iter()
            .filter(|(q, _)| *q == queue)
            .find_map(|(_, id)| s.auto_responses.iter().find(|(x, r)| x == id && r.kind == kind));
        Ok(found.map(|(_, r)| AutoResponse {
            subject: r.subject.clone(),
            body: r.body.clone(),
            sender: SystemAddress { email: "helpdesk@localhost".into(), name: "Help Desk".into() },
        }))
    }

    async fn count_automatic_mail(&self, address: &str, day: NaiveDate, limit: u32) -> DomainResult<bool> {
        let mut s = self.lock();
        let sent = s.automatic_mail.iter().filter(|(a, d)| a == address && *d == day).count() as u32;
        if sent >= limit {
            return Ok(false);
        }
        s.automatic_mail.push((address.to_string(), day));
        Ok(true)
    }
}
