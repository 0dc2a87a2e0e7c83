//! Requests and their durations per route, for `/metrics`, and a span for each request
//! (its trace continuing the caller's `traceparent`): taken where the route tree counts
//! coverage, so every route — a reloaded one too — is measured and traced under the name
//! its route file gives it (`GET /tickets/:id`), never under the URL a client sent.

use std::time::{Duration, Instant};

use metrics::{Counter, Histogram};
use opentelemetry::trace::TraceContextExt;
use poem::http::{HeaderMap, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The target of the request spans: logs and traces take them whatever level is
/// configured (see `goats::traces`).
pub const SPANS: &str = "goats::span";

/// The handles of one route's metrics, taken when the tree is built so a request only
/// adds to them.
pub struct RouteMeter {
    route: String,
    /// By status class: 1xx … 5xx.
    requests: [Counter; 5],
    duration: Histogram,
}

impl RouteMeter {
    pub fn new(method: &str, path: &str) -> Self {
        let route = format!("{method} {path}");
        let requests = ["1xx", "2xx", "3xx", "4xx", "5xx"]
            .map(|class| metrics::counter!("goats_http_requests_total", "route" => route.clone(), "status" => class));
        let duration = metrics::histogram!("goats_http_request_duration_seconds", "route" => route.clone());
        Self { route, requests, duration }
    }

    pub fn record(&self, status: StatusCode, took: Duration) {
        let class = (status.as_u16() / 100).clamp(1, 5) as usize - 1;
        self.requests[class].increment(1);
        self.duration.record(took.as_secs_f64());
    }

    /// Calls `inner` with `req` in the request's span, measuring the answer (an error by
    /// its status).
    pub async fn measure<E: Endpoint>(&self, inner: &E, req: Request) -> Result<Response> {
        let span = self.span(req.headers());
        let started = Instant::now();
        let answer = inner.call(req).instrument(span.clone()).await.map(IntoResponse::into_response);
        let status = match &answer {
            Ok(r) => r.status(),
            Err(e) => e.status(),
        };
        span.record("http.response.status_code", status.as_u16());
        self.record(status, started.elapsed());
        answer
    }

    /// The request's span, named by its route, in the trace the caller's `traceparent`
    /// names (or a new one), with the trace id as a field so its log lines show it.
    fn span(&self, headers: &HeaderMap) -> tracing::Span {
        let span = tracing::info_span!(
            target: SPANS,
            "request",
            otel.name = %self.route,
            otel.kind = "server",
            http.route = %self.route,
            http.response.status_code = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(headers)));
        let _ = span.set_parent(parent);
        let trace = span.context().span().span_context().trace_id();
        if trace != opentelemetry::trace::TraceId::INVALID {
            span.record("trace_id", tracing::field::display(trace));
        }
        span
    }
}

/// A request's headers, as the propagator reads them.
struct Headers<'a>(&'a HeaderMap);

impl opentelemetry::propagation::Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}
