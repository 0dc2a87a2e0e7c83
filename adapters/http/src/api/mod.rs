//! The REST API under `/api/v1`, described by the OpenAPI document poem-openapi derives
//! from these types (`/api/openapi.json`, rendered at `/api/docs`), so the docs cannot
//! drift from the behaviour.

mod admin;
mod admin_customers;
mod admin_mail;
mod admin_services;
mod allowed_methods;
mod api_tokens;
mod auth;
mod body_limit;
mod caller;
mod deliveries;
mod json_body;
mod links;
mod lookups;
pub mod problem;
mod routes_admin;
mod text;
mod tickets;
pub mod tokens;

use std::sync::Arc;

use poem::endpoint::BoxEndpoint;
use poem::http::{StatusCode, header};
use poem::{Endpoint, EndpointExt, IntoResponse, Route};
use poem_openapi::{OpenApi, OpenApiService};

use crate::AppState;
use crate::routing::registry::MountedRoute;

/// Request bodies larger than this are refused with 413 before they are read — unless
/// attachments may be larger: then room for one at the limit, in base64, and the rest.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

fn body_limit(state: &AppState) -> usize {
    let for_attachment = state.tickets.max_attachment_bytes().saturating_mul(4) / 3 + 1024 * 1024;
    MAX_BODY_BYTES.max(usize::try_from(for_attachment).unwrap_or(usize::MAX))
}

type Apis = (
    auth::AuthApi,
    api_tokens::TokenApi,
    tickets::TicketApi,
    links::LinkApi,
    lookups::LookupApi,
    deliveries::DeliveryApi,
    admin::AdminApi,
    admin_customers::CustomerAdminApi,
    admin_mail::MailAdminApi,
    admin_services::ServiceAdminApi,
    routes_admin::RoutesApi,
);

pub fn service(state: &AppState) -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            auth::AuthApi { state: state.clone() },
            api_tokens::TokenApi { state: state.clone() },
            tickets::TicketApi { state: state.clone() },
            links::LinkApi { state: state.clone() },
            lookups::LookupApi { state: state.clone() },
            deliveries::DeliveryApi { state: state.clone() },
            admin::AdminApi { state: state.clone() },
            admin_customers::CustomerAdminApi { state: state.clone() },
            admin_mail::MailAdminApi { state: state.clone() },
            admin_services::ServiceAdminApi { state: state.clone() },
            routes_admin::RoutesApi { state: state.clone() },
        ),
        "goats",
        env!("CARGO_PKG_VERSION"),
    )
    .description("The REST API of goats, an OTRS-compatible help desk. Errors are application/problem+json (RFC 9457).")
    .server("/api")
}

/// The REST API as a mounted service of the route files (`routes/api/rest.yaml`).
pub fn mount(state: &AppState) -> BoxEndpoint<'static> {
    routes(state).map_to_response().boxed()
}

/// What the REST API answers, relative to where it is mounted: each operation from the
/// OpenAPI metadata poem-openapi derives (so the list cannot drift from the code), the
/// spec and the docs.
pub fn mounted_routes() -> Vec<MountedRoute> {
    let mut out = vec![
        MountedRoute { method: "GET".into(), path: "/openapi.json".into(), operation: "openapi".into(), bearer: false },
        MountedRoute { method: "GET".into(), path: "/docs".into(), operation: "swagger_ui".into(), bearer: false },
    ];
    for api in <Apis as OpenApi>::meta() {
        for path in api.paths {
            let route_path = path.path.replace('{', ":").replace('}', "");
            for op in path.operations {
                let method = op.method.as_str().to_string();
                let operation = op.operation_id.map(str::to_string).unwrap_or_else(|| format!("{method} {route_path}"));
                out.push(MountedRoute { method, path: route_path.clone(), operation, bearer: !op.security.is_empty() });
            }
        }
    }
    out
}

/// `/api`: the operations, the spec and the docs. Every error leaves as problem+json,
/// and a 405 names the methods the path does allow.
pub fn routes(state: &AppState) -> impl Endpoint + use<> {
    let api = service(state);
    let allowed = Arc::new(allowed_methods::AllowedMethods::from_spec(&api.spec()));
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    Route::new()
        .nest("/", api.with(body_limit::BodyLimit(body_limit(state))))
        .at("/openapi.json", spec)
        .nest("/docs", docs)
        .around(move |ep, req| {
            let allowed = allowed.clone();
            async move {
                let path = req.uri().path().trim_start_matches("/api").to_string();
                match ep.call(req).await {
                    Ok(resp) => Ok(resp.into_response()),
                    Err(err) => {
                        let mut resp = problem::from_poem_error(err);
                        let allow = (resp.status() == StatusCode::METHOD_NOT_ALLOWED)
                            .then(|| allowed.for_path(&path))
                            .flatten();
                        if let Some(methods) = allow {
                            resp.headers_mut().insert(header::ALLOW, methods);
                        }
                        Ok(resp)
                    }
                }
            }
        })
}
