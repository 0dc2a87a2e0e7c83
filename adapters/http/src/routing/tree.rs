//! The poem route tree of a [`RouteTable`]: each route's handler (or redirect) behind its
//! guards, counted for coverage. The same function builds the tree at start-up and on a
//! hot reload, so a reloaded route gets exactly the middleware a started one does.

use std::collections::BTreeMap;
use std::sync::Arc;

use poem::endpoint::BoxEndpoint;
use poem::http::{Method, StatusCode, header};
use poem::{EndpointExt, Request, Response, RouteMethod};

use super::coverage::{Counted, CountedMount, MountCounter};
use super::guard::Guard;
use super::meter::RouteMeter;
use super::registry::{HandlerKind, Registry};
use super::reload::RouteBoard;
use super::table::{Route, RouteTable, Target};
use crate::AppState;
use crate::web::guards;

/// The endpoint serving every route of the table.
pub fn build(
    table: &RouteTable,
    registry: &Registry,
    state: &AppState,
    board: &Arc<RouteBoard>,
) -> BoxEndpoint<'static> {
    let mut by_path: BTreeMap<&str, Vec<&Route>> = BTreeMap::new();
    for r in &table.routes {
        by_path.entry(r.path.as_str()).or_default().push(r);
    }
    let mut tree = poem::Route::new();
    for (path, routes) in by_path {
        let mut methods = RouteMethod::new();
        let mut any_method = false;
        for r in routes {
            let kind = r.handler().and_then(|h| registry.get(h)).map(|s| &s.kind);
            if let Some(HandlerKind::Mount { make, routes: listed }) = kind {
                let base = if r.path == "/" { "" } else { r.path.as_str() };
                let counted = listed()
                    .into_iter()
                    .map(|m| {
                        let route = format!("{base}{}", m.path);
                        let c = board.coverage.counter(&m.method, &route);
                        MountCounter::new(m.method, &m.path, &route, c)
                    })
                    .collect();
                let rest = board.coverage.counter("*", &r.path);
                let rest_meter = RouteMeter::new("*", &r.path);
                tree = tree.nest(path, CountedMount { inner: make(state), routes: counted, rest, rest_meter });
                continue;
            }
            let Ok(method) = Method::from_bytes(r.method.as_bytes()) else { continue };
            let endpoint = match (&r.target, kind) {
                (Target::Redirect { to, status }, _) => redirect(to.clone(), *status),
                (Target::Handler(_), Some(HandlerKind::Endpoint(make))) => make(),
                // The table only holds known handlers; this cannot happen.
                _ => continue,
            };
            let counter = board.coverage.counter(&r.method, &r.path);
            let meter = RouteMeter::new(&r.method, &r.path);
            methods = methods.method(method, Counted { inner: guarded(endpoint, &r.guards), counter, meter });
            any_method = true;
        }
        if any_method {
            tree = tree.at(path, methods);
        }
    }
    tree.data(state.clone()).data(board.clone()).boxed()
}

/// Wraps the handler in its guards, the first guard outermost.
fn guarded(endpoint: BoxEndpoint<'static>, guards_in_order: &[Guard]) -> BoxEndpoint<'static> {
    guards_in_order.iter().rev().fold(endpoint, |ep, g| guards::wrap(ep, *g))
}

fn redirect(to: String, status: u16) -> BoxEndpoint<'static> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
    poem::endpoint::make_sync(move |_: Request| -> Response {
        Response::builder().status(status).header(header::LOCATION, to.as_str()).finish()
    })
    .map_to_response()
    .boxed()
}
