//! Requests and their durations per route, for `/metrics`: counted where the route tree
//! counts coverage, so every route — a reloaded one too — is measured under the name its
//! route file gives it (`GET /tickets/:id`), never under the URL a client sent.

use std::time::{Duration, Instant};

use metrics::{Counter, Histogram};
use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

/// The handles of one route's metrics, taken when the tree is built so a request only
/// adds to them.
pub struct RouteMeter {
    /// By status class: 1xx … 5xx.
    requests: [Counter; 5],
    duration: Histogram,
}

impl RouteMeter {
    pub fn new(method: &str, path: &str) -> Self {
        let route = format!("{method} {path}");
        let requests = ["1xx", "2xx", "3xx", "4xx", "5xx"]
            .map(|class| metrics::counter!("goats_http_requests_total", "route" => route.clone(), "status" => class));
        let duration = metrics::histogram!("goats_http_request_duration_seconds", "route" => route);
        Self { requests, duration }
    }

    pub fn record(&self, status: StatusCode, took: Duration) {
        let class = (status.as_u16() / 100).clamp(1, 5) as usize - 1;
        self.requests[class].increment(1);
        self.duration.record(took.as_secs_f64());
    }

    /// Calls `inner` with `req`, measuring the answer (an error by its status).
    pub async fn measure<E: Endpoint>(&self, inner: &E, req: Request) -> Result<Response> {
        let started = Instant::now();
        let answer = inner.call(req).await.map(IntoResponse::into_response);
        let status = match &answer {
            Ok(r) => r.status(),
            Err(e) => e.status(),
        };
        self.record(status, started.elapsed());
        answer
    }
}
