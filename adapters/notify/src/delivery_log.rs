use std::collections::VecDeque;
use std::sync::Mutex;

use goats_core::ports::{DeliveryAttempt, DeliveryJournal};

/// The most recent delivery attempts, newest last, for admins to look at.
pub struct DeliveryLog {
    attempts: Mutex<VecDeque<DeliveryAttempt>>,
    capacity: usize,
}

impl DeliveryLog {
    pub fn new(capacity: usize) -> Self {
        Self { attempts: Mutex::new(VecDeque::with_capacity(capacity.min(1024))), capacity: capacity.max(1) }
    }

    pub fn record(&self, attempt: DeliveryAttempt) {
        let mut all = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() == self.capacity {
            all.pop_front();
        }
        all.push_back(attempt);
    }
}

impl DeliveryJournal for DeliveryLog {
    /// Newest first.
    fn recent(&self, limit: usize) -> Vec<DeliveryAttempt> {
        let all = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        all.iter().rev().take(limit).cloned().collect()
    }
}
