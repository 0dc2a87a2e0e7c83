//! One cache: values by key, each kept for a while.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::error::DomainResult;
use crate::ports::Clock;

/// Past this many entries the memo starts over rather than grow without bound.
const MAX_ENTRIES: usize = 10_000;

pub struct Memo<K, V> {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    state: Mutex<State<K, V>>,
}

struct State<K, V> {
    /// Bumped by every `forget`, so a load that began before it is not kept after it.
    generation: u64,
    entries: HashMap<K, (DateTime<Utc>, V)>,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self { ttl, clock, state: Mutex::new(State { generation: 0, entries: HashMap::new() }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<K, V>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The kept value of `key`, or the one `load` reads now (kept for next time).
    pub async fn get_or_load<F, Fut>(&self, key: K, load: F) -> DomainResult<V>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = DomainResult<V>>,
    {
        let now = self.clock.now();
        let generation = {
            let s = self.lock();
            if let Some((at, v)) = s.entries.get(&key)
                && now - *at < self.ttl
            {
                return Ok(v.clone());
            }
            s.generation
        };
        let value = load().await?;
        let mut s = self.lock();
        if s.generation == generation {
            if s.entries.len() >= MAX_ENTRIES {
                s.entries.clear();
            }
            s.entries.insert(key, (now, value.clone()));
        }
        Ok(value)
    }

    /// Drops every kept value (after a write that may have changed any of them).
    pub fn forget(&self) {
        let mut s = self.lock();
        s.generation += 1;
        s.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::FixedClock;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn keeps_values_for_their_time_and_forgets_on_demand() {
        let clock = Arc::new(FixedClock::at(Utc::now()));
        let memo: Memo<u8, u32> = Memo::new(Duration::seconds(10), clock.clone());
        let loads = AtomicU32::new(0);
        let load = || async { Ok(loads.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(memo.get_or_load(1, load).await.unwrap(), 0);
        assert_eq!(memo.get_or_load(1, load).await.unwrap(), 0, "kept");
        assert_eq!(memo.get_or_load(2, load).await.unwrap(), 1, "another key loads");
        clock.advance(Duration::seconds(11));
        assert_eq!(memo.get_or_load(1, load).await.unwrap(), 2, "expired");
        memo.forget();
        assert_eq!(memo.get_or_load(1, load).await.unwrap(), 3, "forgotten");
    }

    #[tokio::test]
    async fn a_load_overtaken_by_a_write_is_not_kept() {
        let clock = Arc::new(FixedClock::at(Utc::now()));
        let memo: Memo<u8, &str> = Memo::new(Duration::seconds(10), clock);
        // The write lands while the read is on its way to the database.
        let stale = memo.get_or_load(1, || async {
            memo.forget();
            Ok("before the write")
        });
        assert_eq!(stale.await.unwrap(), "before the write");
        assert_eq!(memo.get_or_load(1, || async { Ok("after") }).await.unwrap(), "after");
    }
}
