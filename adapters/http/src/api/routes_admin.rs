//! `/api/v1/admin/routes`: the routes in service with their hits since start-up and how
//! the last reload of the route files went — what `goats routes coverage` reads.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use crate::AppState;
use crate::routing::coverage::key;
use crate::routing::reload::RouteBoard;

#[derive(Tags)]
enum Tag {
    /// The routes in service and their coverage (admin group only).
    Routes,
}

#[derive(Object)]
struct RouteDto {
    /// `GET`, `POST`, …; `*` for a mounted service as a whole.
    method: String,
    path: String,
    #[oai(skip_serializing_if_is_none)]
    handler: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    operation: Option<String>,
    middleware: Vec<String>,
    #[oai(skip_serializing_if_is_none)]
    redirect_to: Option<String>,
    /// Where it is declared (`routes/agent/tickets.yaml:12`).
    source: String,
    /// Requests since this instance started.
    hits: u64,
}

#[derive(Object)]
struct LoadErrorDto {
    file: String,
    line: u64,
    reason: String,
}

#[derive(Object)]
struct RoutesDto {
    /// Where the route files were read from.
    source: String,
    loaded_at: DateTime<Utc>,
    routes: Vec<RouteDto>,
    /// The last change to the route files that did not load (the previous routes stayed
    /// in service), if it has not been fixed since.
    #[oai(skip_serializing_if_is_none)]
    failed_reload_at: Option<DateTime<Utc>>,
    failed_reload: Vec<LoadErrorDto>,
}

pub struct RoutesApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1", tag = "Tag::Routes")]
impl RoutesApi {
    /// Every route with its hits since start-up; routes nobody calls show 0.
    #[oai(path = "/admin/routes", method = "get")]
    async fn routes(&self, auth: BearerAuth, board: Data<&Arc<RouteBoard>>) -> Result<Json<RoutesDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        if !caller.is_admin() {
            return Err(ApiError::forbidden("the route list is for members of the admin group"));
        }
        let hits = board.coverage.snapshot();
        let routes = board
            .manifest()
            .routes
            .iter()
            .map(|r| RouteDto {
                method: r.method.clone(),
                path: r.path.clone(),
                handler: r.handler.clone(),
                operation: r.operation.clone(),
                middleware: r.middleware.clone(),
                redirect_to: r.redirect.as_ref().map(|r| r.to.clone()),
                source: format!("{}:{}", r.source, r.line),
                hits: hits.get(&key(&r.method, &r.path)).copied().unwrap_or(0),
            })
            .collect();
        let failure = board.failure();
        Ok(Json(RoutesDto {
            source: board.source.clone(),
            loaded_at: board.loaded_at(),
            routes,
            failed_reload_at: failure.as_ref().map(|f| f.at),
            failed_reload: failure
                .map(|f| {
                    f.errors
                        .into_iter()
                        .map(|e| LoadErrorDto { file: e.file, line: e.line as u64, reason: e.reason })
                        .collect()
                })
                .unwrap_or_default(),
        }))
    }
}
