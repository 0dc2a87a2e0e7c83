use std::path::PathBuf;
use std::sync::Arc;

use goats_http::routing::registry::Registry;
use goats_http::routing::reload::{LiveRoutes, WatchMode, watch};
use goats_http::routing::{RouteSource, RouteTable, handlers};
use poem::Server;
use poem::listener::TcpListener;

use crate::app::App;
use crate::error::AppError;

/// The route files, checked before anything else is set up: `goats serve` refuses to
/// start on files that do not load.
pub struct CheckedRoutes {
    source: RouteSource,
    registry: Registry,
    table: RouteTable,
}

impl CheckedRoutes {
    pub fn load() -> Result<Self, AppError> {
        let source = RouteSource::from_env();
        let registry = handlers::standard();
        let table = source.load(&registry).map_err(|errors| crate::routes::not_loaded(&source, &errors))?;
        Ok(Self { source, registry, table })
    }
}

fn start_watching(routes: &Arc<LiveRoutes>) {
    let mode = WatchMode::from_env();
    if !mode.any() {
        return;
    }
    match RouteSource::from_env() {
        RouteSource::Dir(dir) => {
            tracing::info!(dir = %dir.display(), hot_reload = mode.hot_reload, "watching the route files");
            tokio::spawn(watch(routes.clone(), dir, mode, PathBuf::from("runtime/routes-manifest.json")));
        }
        RouteSource::Builtin => {
            tracing::warn!("ROUTES_WATCH/ROUTES_HOT_RELOAD: there is no routes folder to watch (set ROUTES_DIR)")
        }
    }
}

/// The LMTP server, when `mail.lmtp` asks for one: listening before HTTP does, so a
/// port taken refuses the start.
async fn start_lmtp(app: &App) -> Result<Option<tokio::task::JoinHandle<()>>, AppError> {
    let Some(config) = &app.config.mail.lmtp else { return Ok(None) };
    let route = goats_core::mail::Route {
        queue: crate::mail::queue_named(app, config.queue.as_deref()).await?,
        trusted: config.trusted,
    };
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| AppError::Usage(format!("cannot listen for LMTP on {}: {e}", config.listen)))?;
    let inbox = Arc::new(crate::mail::LmtpInbox { postmaster: app.postmaster.clone(), route });
    let settings = goats_mail::lmtp::LmtpSettings {
        hostname: "goats".into(),
        max_message_bytes: app.config.mail.max_message_bytes() as usize,
        max_connections: config.max_connections,
        idle: std::time::Duration::from_secs(5 * 60),
    };
    tracing::info!(listen = %config.listen, "goats takes mail over LMTP on {}", config.listen);
    Ok(Some(tokio::spawn(goats_mail::lmtp::serve(listener, inbox, settings))))
}

/// Serves HTTP until SIGINT or SIGTERM, then lets requests in flight finish.
pub async fn serve(app: App, routes: CheckedRoutes) -> Result<(), AppError> {
    let addr = app.config.listen_addr()?;
    let lmtp = start_lmtp(&app).await?;
    let scheduler = crate::scheduler::Scheduler::start(&app).await?;
    let mut state = app.http_state();
    state.readiness.push(scheduler.health());
    let CheckedRoutes { source, registry, table } = routes;
    tracing::info!(routes = table.routes.len(), from = %source.describe(), "routes loaded");
    let routes = Arc::new(LiveRoutes::new(&table, registry, state, &source));
    let listener = TcpListener::bind(addr);
    if !goats_http::web::assets::built() {
        tracing::warn!("the front-end assets are not built: pages will be unstyled; run `make assets` (or `make run`)");
    }
    let (sessions, customer_sessions) = (app.sessions.clone(), app.customer_sessions.clone());
    // Expired sessions are refused when used; this only keeps the table small.
    let sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
        loop {
            every.tick().await;
            if let Err(e) = sessions.sweep().await {
                tracing::warn!(error = %e, "sweeping expired sessions failed");
            }
            if let Err(e) = customer_sessions.sweep().await {
                tracing::warn!(error = %e, "sweeping expired customer sessions failed");
            }
        }
    });
    start_watching(&routes);
    tracing::info!(%addr, channels = ?app.events.channels(), "goats is listening on http://{addr}");
    Server::new(listener)
        .run_with_graceful_shutdown(routes, shutdown_signal(), Some(std::time::Duration::from_secs(10)))
        .await
        .map_err(|e| AppError::Usage(format!("cannot serve on {addr}: {e}")))?;
    sweeper.abort();
    if let Some(lmtp) = lmtp {
        lmtp.abort();
    }
    scheduler.stop();
    app.close().await;
    tracing::info!("goats stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return ctrl_c.await.unwrap_or(()),
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
