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

/// 200 while the database answers, 503 otherwise, so traffic only reaches instances
/// that can serve it.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> impl IntoResponse {
    if state.readiness.ready().await {
        Json(json!({"status": "ready"})).with_status(StatusCode::OK)
    } else {
        Json(json!({"status": "unavailable", "reason": "the database does not answer"}))
            .with_status(StatusCode::SERVICE_UNAVAILABLE)
    }
}
