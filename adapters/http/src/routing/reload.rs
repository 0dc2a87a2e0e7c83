//! The route tree in service and its replacement. [`LiveRoutes`] holds the current tree;
//! a request takes the tree of the moment and finishes on it, so swapping in a new one
//! (after the route files changed) never disturbs requests in flight. A file that fails
//! to load leaves the tree as it was and is reported: in the log and on the admin page.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use poem::endpoint::BoxEndpoint;
use poem::{Endpoint, Request, Response, Result};

use super::coverage::Coverage;
use super::manifest::Manifest;
use super::registry::Registry;
use super::{LoadError, RouteSource, RouteTable, tree};
use crate::AppState;

/// What the admin page and `goats routes coverage` show: the routes in service, their
/// hits, and how the last (re)load went.
pub struct RouteBoard {
    pub coverage: Coverage,
    pub source: String,
    state: Mutex<BoardState>,
}

#[derive(Clone)]
struct BoardState {
    manifest: Arc<Manifest>,
    loaded_at: DateTime<Utc>,
    failure: Option<ReloadFailure>,
}

/// A reload that did not happen, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReloadFailure {
    pub at: DateTime<Utc>,
    pub errors: Vec<LoadError>,
}

impl RouteBoard {
    pub fn new(source: String, manifest: Manifest) -> Self {
        let state = BoardState { manifest: Arc::new(manifest), loaded_at: Utc::now(), failure: None };
        Self { coverage: Coverage::default(), source, state: Mutex::new(state) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BoardState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn manifest(&self) -> Arc<Manifest> {
        self.lock().manifest.clone()
    }

    pub fn loaded_at(&self) -> DateTime<Utc> {
        self.lock().loaded_at
    }

    pub fn failure(&self) -> Option<ReloadFailure> {
        self.lock().failure.clone()
    }

    fn loaded(&self, manifest: Manifest) {
        let mut s = self.lock();
        *s = BoardState { manifest: Arc::new(manifest), loaded_at: Utc::now(), failure: None };
    }

    fn failed(&self, errors: Vec<LoadError>) {
        self.lock().failure = Some(ReloadFailure { at: Utc::now(), errors });
    }
}

/// The endpoint that serves whatever tree is current.
pub struct LiveRoutes {
    current: ArcSwap<BoxEndpoint<'static>>,
    registry: Registry,
    state: AppState,
    pub board: Arc<RouteBoard>,
}

impl LiveRoutes {
    pub fn new(table: &RouteTable, registry: Registry, state: AppState, source: &RouteSource) -> Self {
        let board = Arc::new(RouteBoard::new(source.describe(), Manifest::of(table, &registry)));
        let first = tree::build(table, &registry, &state, &board);
        Self { current: ArcSwap::from_pointee(first), registry, state, board }
    }

    /// Loads the files again; on success the new tree serves from the next request on.
    pub fn reload(&self, source: &RouteSource) -> Result<Manifest, Vec<LoadError>> {
        match source.load(&self.registry) {
            Ok(table) => {
                let manifest = Manifest::of(&table, &self.registry);
                let next = tree::build(&table, &self.registry, &self.state, &self.board);
                self.current.store(Arc::new(next));
                self.board.loaded(manifest.clone());
                tracing::info!(routes = manifest.routes.len(), from = %source.describe(), "routes reloaded");
                Ok(manifest)
            }
            Err(errors) => {
                for e in &errors {
                    tracing::error!(error = %e, "route files not reloaded; the previous routes stay in service");
                }
                self.board.failed(errors.clone());
                Err(errors)
            }
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

impl Endpoint for LiveRoutes {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let tree = self.current.load_full();
        tree.call(req).await
    }
}

/// What to do when the route files change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchMode {
    /// Write the manifest again (`ROUTES_WATCH=1`).
    pub manifest: bool,
    /// Swap in the new route tree (`ROUTES_HOT_RELOAD=1`).
    pub hot_reload: bool,
}

impl WatchMode {
    pub fn from_env() -> Self {
        let on = |name: &str| std::env::var(name).is_ok_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
        let hot_reload = on("ROUTES_HOT_RELOAD");
        Self { manifest: hot_reload || on("ROUTES_WATCH"), hot_reload }
    }

    pub fn any(self) -> bool {
        self.manifest || self.hot_reload
    }
}

/// How often the folder is looked at: a change serves well within a second.
const POLL: Duration = Duration::from_millis(250);

/// Watches the routes folder until the process ends. Polling a handful of small files
/// costs nothing and behaves the same on every file system (bind mounts, NFS, editors
/// that replace files instead of writing them).
pub async fn watch(live: Arc<LiveRoutes>, dir: PathBuf, mode: WatchMode, manifest_out: PathBuf) {
    let source = RouteSource::Dir(dir.clone());
    let mut seen = fingerprint(&dir);
    loop {
        tokio::time::sleep(POLL).await;
        let now = fingerprint(&dir);
        if now == seen {
            continue;
        }
        seen = now;
        let result = if mode.hot_reload {
            live.reload(&source)
        } else {
            source.load(live.registry()).map(|t| Manifest::of(&t, live.registry())).inspect_err(|errors| {
                for e in errors {
                    tracing::error!(error = %e, "route files changed but do not load");
                }
            })
        };
        if let Ok(manifest) = result
            && mode.manifest
        {
            match manifest.write(&manifest_out) {
                Ok(()) => tracing::info!(path = %manifest_out.display(), "route manifest written"),
                Err(e) => {
                    tracing::error!(error = %e, path = %manifest_out.display(), "writing the route manifest failed")
                }
            }
        }
    }
}

/// Names, sizes and modification times of the files under `dir`.
fn fingerprint(dir: &std::path::Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(meta) = entry.metadata() {
                out.push((path, meta.len(), meta.modified().ok()));
            }
        }
    }
    out.sort();
    out
}
