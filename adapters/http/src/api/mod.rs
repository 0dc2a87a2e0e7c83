//! The REST API under `/api/v1`, described by the OpenAPI document poem-openapi derives
//! from these types (`/api/openapi.json`, rendered at `/api/docs`), so the docs cannot
//! drift from the behaviour.

mod auth;
mod body_limit;
mod caller;
mod lookups;
pub mod problem;
mod tickets;
pub mod tokens;

use poem::{Endpoint, EndpointExt, Route};
use poem_openapi::OpenApiService;

use crate::AppState;

/// Request bodies larger than this are refused with 413 before they are read.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn service(state: &AppState) -> OpenApiService<(auth::AuthApi, tickets::TicketApi, lookups::LookupApi), ()> {
    OpenApiService::new(
        (
            auth::AuthApi { state: state.clone() },
            tickets::TicketApi { state: state.clone() },
            lookups::LookupApi { state: state.clone() },
        ),
        "goats",
        env!("CARGO_PKG_VERSION"),
    )
    .description("The REST API of goats, an OTRS-compatible help desk. Errors are application/problem+json (RFC 9457).")
    .server("/api")
}

/// `/api`: the operations, the spec and the docs. Every error leaves as problem+json.
pub fn routes(state: &AppState) -> impl Endpoint + use<> {
    let api = service(state);
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    Route::new()
        .nest("/", api.with(body_limit::BodyLimit(MAX_BODY_BYTES)))
        .at("/openapi.json", spec)
        .nest("/docs", docs)
        .catch_all_error(|err| async move { problem::from_poem_error(err) })
}
