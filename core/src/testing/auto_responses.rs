//! Auto-responses, system addresses and the daily count of automatic mail, in memory.

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

    async fn update_auto_response(&self, id: i32, r: NewAutoResponse, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        if !s.auto_responses.iter().any(|(x, _)| *x == id) {
            return Err(DomainError::not_found("auto-response", id));
        }
        if s.auto_responses.iter().any(|(x, other)| *x != id && other.name == r.name) {
            return Err(DomainError::Conflict(format!("auto-response {} exists", r.name)));
        }
        for stored in s.auto_responses.iter_mut().filter(|(x, _)| *x == id) {
            stored.1 = r.clone();
        }
        Ok(())
    }

    async fn system_addresses(&self) -> DomainResult<Vec<(i32, SystemAddress)>> {
        let s = self.lock();
        Ok(s.system_addresses.iter().filter(|a| a.valid).map(|a| (a.id, a.address.clone())).collect())
    }

    async fn all_system_addresses(&self) -> DomainResult<Vec<SystemAddressRecord>> {
        Ok(self.lock().system_addresses.clone())
    }

    async fn save_system_address(&self, mut a: SystemAddressRecord, _by: UserId) -> DomainResult<i32> {
        let mut s = self.lock();
        if a.id == 0 {
            a.id = s.system_addresses.len() as i32 + 1;
            s.system_addresses.push(a.clone());
            return Ok(a.id);
        }
        let stored = s.system_addresses.iter_mut().find(|x| x.id == a.id);
        *stored.ok_or_else(|| DomainError::not_found("system address", a.id))? = a.clone();
        Ok(a.id)
    }

    async fn auto_responses(&self) -> DomainResult<Vec<(i32, NewAutoResponse)>> {
        Ok(self.lock().auto_responses.clone())
    }

    async fn queue_auto_responses(&self, queue: QueueId) -> DomainResult<Vec<i32>> {
        let mut ids: Vec<i32> =
            self.lock().queue_auto_responses.iter().filter(|(q, _)| *q == queue).map(|(_, id)| *id).collect();
        ids.sort_unstable();
        Ok(ids)
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
            .find_map(|(_, id)| s.auto_responses.iter().find(|(x, r)| x == id && r.kind == kind && r.valid));
        let sender = |r: &NewAutoResponse| {
            s.system_addresses.iter().find(|a| a.id == r.system_address_id && a.valid).map(|a| a.address.clone())
        };
        Ok(found.and_then(|(_, r)| {
            Some(AutoResponse { subject: r.subject.clone(), body: r.body.clone(), sender: sender(r)? })
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
