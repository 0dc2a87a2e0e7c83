//! `/admin/routes`: every route in service with its middleware, where it is declared and
//! how often it was hit since start-up — so dead routes are visible — and the last
//! reload of the route files that failed, if any.

use std::sync::Arc;

use askama::Template;
use poem::web::{Data, Query};
use poem::{Response, handler};

use crate::routing::coverage::key;
use crate::routing::reload::RouteBoard;
use crate::web::desk::Desk;
use crate::web::page::{Chrome, Nav, html};

struct Row {
    method: String,
    path: String,
    serves: String,
    middleware: String,
    source: String,
    hits: u64,
}

#[derive(Template)]
#[template(path = "pages/admin_routes.html")]
struct RoutesPage {
    c: Chrome,
    source: String,
    loaded_at: String,
    rows: Vec<Row>,
    unused: usize,
    only_unused: bool,
    failure: Option<(String, Vec<String>)>,
}

#[derive(serde::Deserialize)]
pub struct Filter {
    /// Only the routes not hit since start-up.
    #[serde(default)]
    unused: bool,
}

#[handler]
pub fn page(desk: Desk, board: Data<&Arc<RouteBoard>>, Query(filter): Query<Filter>) -> Response {
    let hits = board.coverage.snapshot();
    let rows: Vec<Row> = board
        .manifest()
        .routes
        .iter()
        .map(|r| Row {
            method: r.method.clone(),
            path: r.path.clone(),
            serves: match (&r.handler, &r.operation, &r.redirect) {
                (_, _, Some(to)) => format!("→ {}", to.to),
                (Some(h), Some(op), _) => format!("{h} · {op}"),
                (Some(h), None, _) => h.clone(),
                (None, _, None) => String::new(),
            },
            middleware: r.middleware.join(" "),
            source: format!("{}:{}", r.source, r.line),
            hits: hits.get(&key(&r.method, &r.path)).copied().unwrap_or(0),
        })
        .collect();
    let unused = rows.iter().filter(|r| r.hits == 0).count();
    let rows = if filter.unused { rows.into_iter().filter(|r| r.hits == 0).collect() } else { rows };
    let failure = board
        .failure()
        .map(|f| (f.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(), f.errors.iter().map(|e| e.to_string()).collect()));
    let title = desk.tr().t("admin-routes-title");
    html(&RoutesPage {
        c: Chrome::for_desk(&desk, Nav::Admin, title),
        source: board.source.clone(),
        loaded_at: board.loaded_at().format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        rows,
        unused,
        only_unused: filter.unused,
        failure,
    })
}
