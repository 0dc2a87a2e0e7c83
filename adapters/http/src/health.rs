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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use goats_core::ports::Readiness;
    use poem::test::TestClient;

    use crate::{AppState, router};

    struct Switch(AtomicBool);

    #[async_trait::async_trait]
    impl Readiness for Switch {
        async fn ready(&self) -> bool {
            self.0.load(Ordering::SeqCst)
        }
    }

    #[tokio::test]
    async fn readiness_follows_the_database() {
        let switch = Arc::new(Switch(AtomicBool::new(true)));
        let cli = TestClient::new(router(AppState { readiness: switch.clone() }));
        cli.get("/healthz").send().await.assert_status_is_ok();
        cli.get("/readyz").send().await.assert_status_is_ok();
        switch.0.store(false, Ordering::SeqCst);
        cli.get("/readyz").send().await.assert_status(poem::http::StatusCode::SERVICE_UNAVAILABLE);
        cli.get("/healthz").send().await.assert_status_is_ok();
    }
}
