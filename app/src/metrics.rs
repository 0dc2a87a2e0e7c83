//! The process's metrics recorder: the counters goats keeps (cache answers, …), written
//! out at `/metrics` in Prometheus's text format when a token is configured.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Installs the recorder once per process (several apps in one test process share it)
/// and hands out its handle. Counters are taken when the caches are made, so this runs
/// before them; without it they cost nothing and `/metrics` stays off.
pub fn recorder() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new().install_recorder() {
            Ok(handle) => Some(handle),
            Err(e) => {
                tracing::warn!(error = %e, "metrics are off: another metrics recorder is installed");
                None
            }
        })
        .clone()
}
