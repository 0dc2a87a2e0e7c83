//! Slowing down password guessing: failed logins counted per key in a sliding window,
//! and a wait that doubles with every further failure.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::DomainResult;
use crate::ports::FailedLogins;

/// From the `limit`-th failure of a key within `window` on, each next try must wait:
/// `first_wait`, then twice as long after every further failure, at most the window.
pub struct LoginThrottle {
    window: Duration,
    limit: usize,
    first_wait: Duration,
    /// Each throttle counts under its own prefix, so several can share one store.
    prefix: &'static str,
    failures: Arc<dyn FailedLogins>,
}

impl LoginThrottle {
    pub fn new(
        prefix: &'static str,
        limit: usize,
        window: Duration,
        first_wait: Duration,
        failures: Arc<dyn FailedLogins>,
    ) -> Self {
        Self { window, limit, first_wait, prefix, failures }
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    /// Seconds until `key` may try again, if it must wait now.
    pub async fn locked_for(&self, key: &str, now: DateTime<Utc>) -> DomainResult<Option<u64>> {
        let list = self.failures.since(&self.key(key), now - self.window).await?;
        if list.len() < self.limit {
            return Ok(None);
        }
        let Some(latest) = list.iter().max() else { return Ok(None) };
        let doublings = (list.len() - self.limit).min(20) as u32;
        let wait = (self.first_wait * 2i32.pow(doublings)).min(self.window);
        let until = *latest + wait;
        // Rounded up: a store that keeps milliseconds must not make it look shorter.
        Ok((until > now).then(|| ((until - now).num_milliseconds().max(1) as u64).div_ceil(1000)))
    }

    pub async fn fail(&self, key: &str, now: DateTime<Utc>) -> DomainResult<()> {
        self.failures.add(&self.key(key), now, self.window).await
    }

    pub async fn clear(&self, key: &str) -> DomainResult<()> {
        self.failures.clear(&self.key(key)).await
    }
}

/// Failures counted in this process: enough for one instance.
#[derive(Default)]
pub struct LocalFailures {
    by_key: Mutex<HashMap<String, Vec<Failure>>>,
}

/// When a failure happened, and until when it is kept.
type Failure = (DateTime<Utc>, DateTime<Utc>);

/// Past this many keys, those whose failures have all expired are dropped.
const PRUNE_OVER: usize = 10_000;

impl LocalFailures {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Failure>>> {
        self.by_key.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl FailedLogins for LocalFailures {
    async fn add(&self, key: &str, at: DateTime<Utc>, keep: Duration) -> DomainResult<()> {
        let mut map = self.lock();
        if map.len() > PRUNE_OVER {
            map.retain(|_, list| list.iter().any(|(_, until)| *until > at));
        }
        map.entry(key.to_string()).or_default().push((at, at + keep));
        Ok(())
    }

    async fn since(&self, key: &str, since: DateTime<Utc>) -> DomainResult<Vec<DateTime<Utc>>> {
        Ok(self
            .lock()
            .get(key)
            .map(|list| list.iter().map(|(at, _)| *at).filter(|at| *at > since).collect())
            .unwrap_or_default())
    }

    async fn clear(&self, key: &str) -> DomainResult<()> {
        self.lock().remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waits_grow_from_the_limit_on_and_a_good_login_clears_them() {
        let throttle = LoginThrottle::new(
            "t",
            3,
            Duration::minutes(15),
            Duration::seconds(30),
            Arc::new(LocalFailures::default()),
        );
        let t0 = Utc::now();
        for i in 0..2 {
            throttle.fail("ada", t0 + Duration::seconds(i)).await.unwrap();
        }
        assert_eq!(throttle.locked_for("ada", t0 + Duration::seconds(2)).await.unwrap(), None, "under the limit");
        throttle.fail("ada", t0 + Duration::seconds(2)).await.unwrap();
        assert_eq!(throttle.locked_for("ada", t0 + Duration::seconds(2)).await.unwrap(), Some(30));
        assert_eq!(throttle.locked_for("bob", t0).await.unwrap(), None, "another key is free");
        throttle.fail("ada", t0 + Duration::seconds(40)).await.unwrap();
        assert_eq!(throttle.locked_for("ada", t0 + Duration::seconds(40)).await.unwrap(), Some(60), "doubled");
        assert_eq!(
            throttle.locked_for("ada", t0 + Duration::minutes(20)).await.unwrap(),
            None,
            "the window slid past every failure"
        );
        throttle.fail("ada", t0 + Duration::minutes(21)).await.unwrap();
        throttle.clear("ada").await.unwrap();
        assert!(LocalFailures::default().since("t:ada", t0).await.unwrap().is_empty());
        assert_eq!(throttle.locked_for("ada", t0 + Duration::minutes(21)).await.unwrap(), None);
    }
}
