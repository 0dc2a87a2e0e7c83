//! `GET /metrics`: goats' counters in Prometheus's text format, for a scraper that
//! holds the configured token. Off (404) until a token is configured: the counters say
//! how busy the help desk is, which is nobody's business but its operators'.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{IntoResponse, Request, Response, handler};

use crate::AppState;

/// Who may read the metrics, and how they are written out.
pub struct MetricsAccess {
    token: String,
    render: Box<dyn Fn() -> String + Send + Sync>,
}

impl MetricsAccess {
    pub fn new(token: String, render: impl Fn() -> String + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(Self { token, render: Box::new(render) })
    }

    /// Whether `given` is the token, compared in time that does not depend on where
    /// the two first differ.
    fn admits(&self, given: &str) -> bool {
        given.len() == self.token.len() && given.bytes().zip(self.token.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
    }
}

#[handler]
pub async fn metrics(state: Data<&AppState>, req: &Request) -> Response {
    let Some(access) = &state.metrics else {
        return "metrics are off: set metrics.token (GOATS_METRICS_TOKEN) to read them\n"
            .with_status(StatusCode::NOT_FOUND)
            .into_response();
    };
    let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !given.and_then(|v| v.strip_prefix("Bearer ")).is_some_and(|t| access.admits(t)) {
        return "the metrics token is missing or wrong\n"
            .with_status(StatusCode::UNAUTHORIZED)
            .with_header(header::WWW_AUTHENTICATE, "Bearer")
            .into_response();
    }
    (access.render)()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
        .with_header(header::CACHE_CONTROL, "no-store")
        .into_response()
}
