//! One cache: values by key, each kept for a while and handed out as an `Arc`, so a
//! hit costs a reference count under the lock, never a copy of a page of tickets.
//!
//! Every answer is counted by cache and outcome (`goats_cache_requests_total`): a value
//! kept (`hit`), one read now (`miss`), or one another caller was reading (`shared`).
//! Benchmarks read the ratio beside each figure, so a result a cache answered is seen
//! as such. Without a metrics recorder installed the counters cost nothing.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Duration, Utc};

use crate::error::DomainResult;
use crate::ports::Clock;

/// How many entries a memo keeps unless told to weigh them ([`Memo::weighing`]).
const MAX_ENTRIES: usize = 10_000;

pub struct Memo<K, V> {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    state: Mutex<State<K, V>>,
    counted: Outcomes,
    bound: Bound<V>,
}

/// What a memo may hold: at most `most` of what `weigh` counts in its values. Ten
/// thousand entries of one ticket each are little; ten thousand list pages or tickets'
/// articles are a hundred megabytes, so those are weighed by what they hold.
struct Bound<V> {
    most: usize,
    weigh: fn(&V) -> usize,
}

/// The counters of one cache's answers.
struct Outcomes {
    hit: metrics::Counter,
    miss: metrics::Counter,
    shared: metrics::Counter,
}

impl Outcomes {
    fn of(cache: &'static str) -> Self {
        let counter = |outcome: &'static str| metrics::counter!("goats_cache_requests_total", "cache" => cache, "outcome" => outcome);
        Self { hit: counter("hit"), miss: counter("miss"), shared: counter("shared") }
    }
}

struct State<K, V> {
    /// Bumped by every `forget`, so a load that began before it is not kept after it.
    generation: u64,
    entries: HashMap<K, Entry<V>>,
    /// The weight of every entry kept.
    held: usize,
    /// Keys being loaded, with the callers waiting for them. When a value expired under
    /// load, every request in flight used to read it again at once — 64 counts of the
    /// ticket table each time a list total expired; now one reads and the rest wait.
    loading: HashMap<K, Vec<Waker>>,
}

struct Entry<V> {
    at: DateTime<Utc>,
    value: Arc<V>,
    weight: usize,
}

enum Claim<V> {
    Kept(Arc<V>),
    Wait,
    Load { generation: u64 },
}

impl<K: Eq + Hash + Clone, V> Memo<K, V> {
    /// A cache named `cache` in the metrics (`tickets.pages`), keeping values `ttl`.
    pub fn new(cache: &'static str, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        let state = State { generation: 0, entries: HashMap::new(), held: 0, loading: HashMap::new() };
        let bound = Bound { most: MAX_ENTRIES, weigh: |_| 1 };
        Self { ttl, clock, state: Mutex::new(state), counted: Outcomes::of(cache), bound }
    }

    /// Holds at most `most` of what `weigh` counts in the kept values (tickets in a
    /// page, bytes of articles) instead of a number of entries.
    pub fn weighing(mut self, most: usize, weigh: fn(&V) -> usize) -> Self {
        self.bound = Bound { most, weigh };
        self
    }

    fn lock(&self) -> MutexGuard<'_, State<K, V>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The kept value of `key`, or the one `load` reads now (kept for next time). While
    /// one caller loads a key, the others asking for it wait for that value.
    pub async fn get_or_load<F, Fut>(&self, key: K, load: F) -> DomainResult<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = DomainResult<V>>,
    {
        let mut waited = false;
        let (now, generation) = loop {
            let now = self.clock.now();
            match self.claim(&key, now) {
                Claim::Kept(v) => {
                    let outcome = if waited { &self.counted.shared } else { &self.counted.hit };
                    outcome.increment(1);
                    return Ok(v);
                }
                Claim::Wait => {
                    waited = true;
                    Loaded { memo: self, key: &key }.await
                }
                Claim::Load { generation } => break (now, generation),
            }
        };
        self.counted.miss.increment(1);
        // Releases the waiters however the load ends: with a value, an error, or dropped.
        let _loading = Loading { memo: self, key: &key };
        let value = Arc::new(load().await?);
        // Even an empty value weighs something, or keys without end could pile up.
        let weight = (self.bound.weigh)(&value).max(1);
        let mut s = self.lock();
        // A value heavier than the whole bound is handed out, never kept.
        if s.generation == generation && weight <= self.bound.most {
            if s.held + weight > self.bound.most {
                self.make_room(&mut s, now);
            }
            let entry = Entry { at: now, value: value.clone(), weight };
            s.held += weight;
            if let Some(old) = s.entries.insert(key.clone(), entry) {
                s.held -= old.weight;
            }
        }
        Ok(value)
    }

    /// Drops what has expired; when that frees less than half the bound, drops all, so
    /// a full memo is swept once per half a bound's worth of loads, not on every one.
    fn make_room(&self, s: &mut State<K, V>, now: DateTime<Utc>) {
        s.entries.retain(|_, e| now - e.at < self.ttl);
        s.held = s.entries.values().map(|e| e.weight).sum();
        if s.held > self.bound.most / 2 {
            s.entries.clear();
            s.held = 0;
        }
    }

    fn claim(&self, key: &K, now: DateTime<Utc>) -> Claim<V> {
        let mut s = self.lock();
        if let Some(e) = s.entries.get(key)
            && now - e.at < self.ttl
        {
            return Claim::Kept(Arc::clone(&e.value));
        }
        if s.loading.contains_key(key) {
            return Claim::Wait;
        }
        s.loading.insert(key.clone(), Vec::new());
        Claim::Load { generation: s.generation }
    }

    /// Drops every kept value (after a write that may have changed any of them).
    pub fn forget(&self) {
        let mut s = self.lock();
        s.generation += 1;
        s.entries.clear();
        s.held = 0;
    }

    /// Drops the kept value of one key; a load of it already on its way is not kept.
    pub fn forget_key<Q: Hash + Eq + ?Sized>(&self, key: &Q)
    where
        K: Borrow<Q>,
    {
        let mut s = self.lock();
        s.generation += 1;
        if let Some(gone) = s.entries.remove(key) {
            s.held -= gone.weight;
        }
    }
}

/// Ends a load: the key is no longer loading and its waiters look again.
struct Loading<'a, K: Eq + Hash, V> {
    memo: &'a Memo<K, V>,
    key: &'a K,
}

impl<K: Eq + Hash, V> Drop for Loading<'_, K, V> {
    fn drop(&mut self) {
        let waiters = {
            let mut s = self.memo.state.lock().unwrap_or_else(|p| p.into_inner());
            s.loading.remove(self.key).unwrap_or_default()
        };
        waiters.into_iter().for_each(Waker::wake);
    }
}

/// Ready once nobody loads the key any more.
struct Loaded<'a, K, V> {
    memo: &'a Memo<K, V>,
    key: &'a K,
}

impl<K: Eq + Hash, V> Future for Loaded<'_, K, V> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.memo.state.lock().unwrap_or_else(|p| p.into_inner());
        match s.loading.get_mut(self.key) {
            Some(waiters) => {
                if !waiters.iter().any(|w| w.will_wake(cx.waker())) {
                    waiters.push(cx.waker().clone());
                }
                Poll::Pending
            }
            None => Poll::Ready(()),
        }
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
        let memo: Memo<u8, u32> = Memo::new("test", Duration::seconds(10), clock.clone());
        let loads = AtomicU32::new(0);
        let load = || async { Ok(loads.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(*memo.get_or_load(1, load).await.unwrap(), 0);
        assert_eq!(*memo.get_or_load(1, load).await.unwrap(), 0, "kept");
        assert_eq!(*memo.get_or_load(2, load).await.unwrap(), 1, "another key loads");
        clock.advance(Duration::seconds(11));
        assert_eq!(*memo.get_or_load(1, load).await.unwrap(), 2, "expired");
        memo.forget();
        assert_eq!(*memo.get_or_load(1, load).await.unwrap(), 3, "forgotten");
        memo.forget_key(&2);
        assert_eq!(*memo.get_or_load(1, load).await.unwrap(), 3, "another key forgotten");
        assert_eq!(*memo.get_or_load(2, load).await.unwrap(), 4, "this key forgotten");
    }

    #[tokio::test]
    async fn a_load_overtaken_by_a_write_is_not_kept() {
        let clock = Arc::new(FixedClock::at(Utc::now()));
        let memo: Memo<u8, &str> = Memo::new("test", Duration::seconds(10), clock);
        // The write lands while the read is on its way to the database.
        let stale = memo.get_or_load(1, || async {
            memo.forget();
            Ok("before the write")
        });
        assert_eq!(*stale.await.unwrap(), "before the write");
        assert_eq!(*memo.get_or_load(1, || async { Ok("after") }).await.unwrap(), "after");
    }

    #[tokio::test]
    async fn a_weighed_memo_holds_no_more_than_its_bound() {
        let clock = Arc::new(FixedClock::at(Utc::now()));
        let memo: Memo<u8, Vec<u8>> = Memo::new("test", Duration::seconds(10), clock.clone()).weighing(10, Vec::len);
        let loads = AtomicU32::new(0);
        let load = |n: usize| {
            let loads = &loads;
            move || async move {
                loads.fetch_add(1, Ordering::SeqCst);
                Ok(vec![0; n])
            }
        };
        let held = |memo: &Memo<u8, Vec<u8>>| memo.lock().held;
        memo.get_or_load(1, load(4)).await.unwrap();
        clock.advance(Duration::seconds(6));
        memo.get_or_load(2, load(4)).await.unwrap();
        assert_eq!(held(&memo), 8);
        clock.advance(Duration::seconds(5));
        // Key 1 has expired: making room for key 3 drops it and keeps key 2.
        memo.get_or_load(3, load(4)).await.unwrap();
        assert_eq!(held(&memo), 8);
        memo.get_or_load(2, load(4)).await.unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 3, "key 2 was kept");
        // Nothing has expired and sweeping would free too little: all goes.
        memo.get_or_load(4, load(4)).await.unwrap();
        assert_eq!(held(&memo), 4);
        memo.get_or_load(2, load(4)).await.unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 5, "key 2 went with the rest");
        // Heavier than the bound: handed out, not kept.
        assert_eq!(memo.get_or_load(5, load(11)).await.unwrap().len(), 11);
        assert_eq!(held(&memo), 8);
        memo.forget_key(&2);
        assert_eq!(held(&memo), 4);
        memo.forget();
        assert_eq!(held(&memo), 0);
    }

    fn memo(ttl_seconds: i64) -> Arc<Memo<u8, u32>> {
        Arc::new(Memo::new("test", Duration::seconds(ttl_seconds), Arc::new(FixedClock::at(Utc::now()))))
    }

    /// Asks for key 1 with a load that takes a moment, counting the loads.
    fn ask(
        memo: &Arc<Memo<u8, u32>>,
        loads: &Arc<AtomicU32>,
        fails: bool,
    ) -> tokio::task::JoinHandle<DomainResult<u32>> {
        let (memo, loads) = (memo.clone(), loads.clone());
        tokio::spawn(async move {
            memo.get_or_load(1, || async {
                let n = loads.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                if fails { Err(crate::DomainError::Storage("down".into())) } else { Ok(n) }
            })
            .await
            .map(|v| *v)
        })
    }

    #[tokio::test]
    async fn callers_asking_at_once_share_one_load() {
        let (memo, loads) = (memo(10), Arc::new(AtomicU32::new(0)));
        let asked: Vec<_> = (0..20).map(|_| ask(&memo, &loads, false)).collect();
        for a in asked {
            assert_eq!(a.await.unwrap().unwrap(), 0);
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_or_abandoned_load_lets_a_waiter_load() {
        let (memo, loads) = (memo(10), Arc::new(AtomicU32::new(0)));
        let failing = ask(&memo, &loads, true);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let waiting = ask(&memo, &loads, false);
        assert!(failing.await.unwrap().is_err());
        assert_eq!(waiting.await.unwrap().unwrap(), 1, "the waiter loaded after the failure");

        let (memo, loads) = (self::memo(10), Arc::new(AtomicU32::new(0)));
        let abandoned = ask(&memo, &loads, false);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let waiting = ask(&memo, &loads, false);
        abandoned.abort();
        assert_eq!(waiting.await.unwrap().unwrap(), 1, "the waiter loaded after the abandoned load");
    }
}
