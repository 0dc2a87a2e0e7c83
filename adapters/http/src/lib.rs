//! The goats HTTP edge, on poem. This slice serves the health checks that process
//! supervisors and load balancers ask: `/healthz` (the process runs) and `/readyz` (it
//! can serve: the database answers).

mod health;

use std::sync::Arc;

use goats_core::ports::Readiness;
use poem::{Endpoint, EndpointExt, Route, get};

/// What the HTTP edge needs from the application.
#[derive(Clone)]
pub struct AppState {
    pub readiness: Arc<dyn Readiness>,
}

/// The route tree of the server.
pub fn router(state: AppState) -> impl Endpoint {
    Route::new().at("/healthz", get(health::healthz)).at("/readyz", get(health::readyz)).data(state)
}
