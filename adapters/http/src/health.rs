use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{IntoResponse, handler};
use serde_json::json;

use crate::AppState;

/// 200 for as long as the process runs.
#[handler]
pub async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// 200 while every backing service (the database, Valkey when configured) answers,
/// 503 naming those that do not, so traffic only reaches instances that can serve it.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> impl IntoResponse {
    let answers = futures_util::future::join_all(state.readiness.iter().map(|r| r.ready())).await;
    let down: Vec<&str> =
        state.readiness.iter().zip(answers).filter(|(_, ready)| !ready).map(|(r, _)| r.name()).collect();
    if down.is_empty() {
        Json(json!({"status": "ready"})).with_status(StatusCode::OK)
    } else {
        let reason = format!("{} does not answer", down.join(" and "));
        Json(json!({"status": "unavailable", "reason": reason})).with_status(StatusCode::SERVICE_UNAVAILABLE)
    }
}
