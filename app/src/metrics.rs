//! The process's metrics recorder, written out at `/metrics` in Prometheus's text format
//! when a token is configured: requests and their durations per route, the database
//! pool, cache answers, scheduled job runs, notification deliveries, live-feed clients
//! and throttled logins.

use std::sync::OnceLock;

use goats_sql::Db;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Upper bounds of the request duration histogram, in seconds.
const DURATION_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Installs the recorder once per process (several apps in one test process share it)
/// and hands out its handle. Counters are taken when the caches are made, so this runs
/// before them; without it they cost nothing and `/metrics` stays off.
pub fn recorder() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_duration_seconds".into()), DURATION_BUCKETS)
                .map_err(|e| e.to_string());
            match builder.and_then(|b| b.install_recorder().map_err(|e| e.to_string())) {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics are off: the recorder cannot be installed");
                    None
                }
            }
        })
        .clone()
}

/// What `/metrics` answers: the database pool as it is at that moment, then every
/// metric kept.
pub fn render(handle: PrometheusHandle, db: Db) -> impl Fn() -> String + Send + Sync + 'static {
    move || {
        let (size, idle) = db.pool_use();
        metrics::gauge!("goats_db_connections", "state" => "idle").set(idle as f64);
        metrics::gauge!("goats_db_connections", "state" => "busy").set(size.saturating_sub(idle as u32) as f64);
        handle.render()
    }
}
