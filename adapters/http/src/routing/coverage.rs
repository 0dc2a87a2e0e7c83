//! Hits per route since the server started, so routes nothing uses stand out. Counters
//! are keyed by method and path and survive a hot reload of the route tree.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use poem::{Endpoint, Request, Response, Result};

use super::meter::RouteMeter;
use super::table::matches;

#[derive(Default)]
pub struct Coverage {
    counters: Mutex<HashMap<String, Arc<AtomicU64>>>,
}

impl Coverage {
    /// The counter of one route, made on first use; taken when a tree is built, so
    /// requests only add to an atomic.
    pub fn counter(&self, method: &str, path: &str) -> Arc<AtomicU64> {
        let mut all = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(key(method, path)).or_default().clone()
    }

    /// Every counted route's hits.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        let all = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        all.iter().map(|(k, v)| (k.clone(), v.load(Ordering::Relaxed))).collect()
    }

    pub fn hits(&self, method: &str, path: &str) -> u64 {
        let all = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        all.get(&key(method, path)).map(|c| c.load(Ordering::Relaxed)).unwrap_or(0)
    }
}

pub fn key(method: &str, path: &str) -> String {
    format!("{method} {path}")
}

/// Counts the requests a route's endpoint receives, and measures them.
pub struct Counted<E> {
    pub inner: E,
    pub counter: Arc<AtomicU64>,
    pub meter: RouteMeter,
}

impl<E: Endpoint> Endpoint for Counted<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        self.counter.fetch_add(1, Ordering::Relaxed);
        self.meter.measure(&self.inner, req).await
    }
}

/// Counts a mounted service's requests per route it lists; anything else it answers
/// counts for the mount itself.
pub struct CountedMount<E> {
    pub inner: E,
    pub routes: Vec<MountCounter>,
    pub rest: Arc<AtomicU64>,
    pub rest_meter: RouteMeter,
}

/// One route of a mount: its method, its path (relative to the mount, as the nested
/// service sees the request) and its counter.
pub struct MountCounter {
    method: String,
    pattern: String,
    counter: Arc<AtomicU64>,
    meter: RouteMeter,
}

impl MountCounter {
    /// `route` is the pattern's full path, as `/metrics` names it.
    pub fn new(method: String, pattern: &str, route: &str, counter: Arc<AtomicU64>) -> Self {
        let meter = RouteMeter::new(&method, route);
        Self { method, pattern: pattern.to_string(), counter, meter }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method == method && matches(&self.pattern, path)
    }
}

impl<E: Endpoint> Endpoint for CountedMount<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let (method, path) = (req.method().as_str(), req.uri().path());
        let hit = self.routes.iter().find(|r| r.matches(method, path));
        let (counter, meter) = hit.map(|r| (&r.counter, &r.meter)).unwrap_or((&self.rest, &self.rest_meter));
        counter.fetch_add(1, Ordering::Relaxed);
        meter.measure(&self.inner, req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mount_counter_matches_its_method_and_path_shape() {
        let c = MountCounter::new("GET".into(), "/v1/tickets/:id", "/api/v1/tickets/:id", Arc::default());
        assert!(c.matches("GET", "/v1/tickets/7"));
        assert!(!c.matches("PATCH", "/v1/tickets/7"));
        assert!(!c.matches("GET", "/v1/tickets"));
        assert!(!c.matches("GET", "/v1/tickets/7/articles"));
        assert!(!c.matches("GET", "/v1/queues/7"));
    }
}
