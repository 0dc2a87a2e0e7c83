use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::ports::{DeliveryAttempt, DeliveryFilter, DeliveryJournal};

/// The most recent delivery attempts in this process's memory, newest last: the journal
/// for tests and embedders without a database (goats itself keeps them in its database).
pub struct DeliveryLog {
    attempts: Mutex<VecDeque<DeliveryAttempt>>,
    capacity: usize,
}

impl DeliveryLog {
    pub fn new(capacity: usize) -> Self {
        Self { attempts: Mutex::new(VecDeque::with_capacity(capacity.min(1024))), capacity: capacity.max(1) }
    }

    fn all(&self) -> std::sync::MutexGuard<'_, VecDeque<DeliveryAttempt>> {
        self.attempts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl DeliveryJournal for DeliveryLog {
    async fn record(&self, attempt: &DeliveryAttempt) -> DomainResult<()> {
        let mut all = self.all();
        if all.len() == self.capacity {
            all.pop_front();
        }
        all.push_back(attempt.clone());
        Ok(())
    }

    async fn recent(&self, filter: &DeliveryFilter, offset: u64, limit: u64) -> DomainResult<Vec<DeliveryAttempt>> {
        let all = self.all();
        let mut found: Vec<&DeliveryAttempt> = all.iter().filter(|a| filter.matches(a)).collect();
        // Newest first; of one second, the one recorded last first, as the database orders.
        found.reverse();
        found.sort_by_key(|a| std::cmp::Reverse(a.at));
        Ok(found.into_iter().skip(offset as usize).take(limit as usize).cloned().collect())
    }

    async fn forget_before(&self, before: DateTime<Utc>) -> DomainResult<u64> {
        let mut all = self.all();
        let was = all.len();
        all.retain(|a| a.at >= before);
        Ok((was - all.len()) as u64)
    }
}
