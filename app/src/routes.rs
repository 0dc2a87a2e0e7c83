//! `goats routes …`: the route files seen from the command line — the manifest, the
//! drift check against the committed baseline, the link map, and a running server's
//! coverage. Nothing here opens a database.

use std::path::Path;

use goats_http::routing::handlers;
use goats_http::routing::manifest::{self, Manifest, Severity};
use goats_http::routing::map::RouteMap;
use goats_http::routing::{LoadError, RouteSource};

use crate::cli::RoutesCommand;
use crate::error::AppError;

pub async fn run(cmd: RoutesCommand) -> Result<(), AppError> {
    match cmd {
        RoutesCommand::Generate { out } => {
            let m = current()?;
            m.write(&out)?;
            println!("{} routes → {}", m.routes.len(), out.display());
            Ok(())
        }
        RoutesCommand::Verify { manifest, baseline, json } => verify(&manifest, &baseline, json),
        RoutesCommand::Map { out_dir } => map(&out_dir),
        RoutesCommand::Coverage { url, token, unused } => coverage(&url, &token, unused).await,
    }
}

/// The manifest of the route files as they are now.
fn current() -> Result<Manifest, AppError> {
    let source = RouteSource::from_env();
    let registry = handlers::standard();
    let table = source.load(&registry).map_err(|errors| not_loaded(&source, &errors))?;
    Ok(Manifest::of(&table, &registry))
}

pub fn not_loaded(source: &RouteSource, errors: &[LoadError]) -> AppError {
    let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
    AppError::Usage(format!("the route files in {} do not load:\n{}", source.describe(), lines.join("\n")))
}

fn verify(path: &Path, baseline: &Path, json: bool) -> Result<(), AppError> {
    if !path.exists() {
        current()?.write(path)?;
    }
    let now = Manifest::read(path).map_err(AppError::Usage)?;
    let before = Manifest::read(baseline)
        .map_err(|e| AppError::Usage(format!("{e} (accept the current routes with `make routes-baseline-update`)")))?;
    let changes = manifest::diff(&before, &now);
    if json {
        println!("{}", serde_json::to_string_pretty(&changes).unwrap_or_default());
    } else {
        for c in &changes {
            let label = match c.severity {
                Severity::Breaking => "BREAKING",
                Severity::Warning => "WARNING ",
                Severity::Info => "info    ",
            };
            println!("{label} {} {}: {}", c.method, c.path, c.what);
        }
    }
    let count = |s| changes.iter().filter(|c| c.severity == s).count();
    let (breaking, warnings, infos) = (count(Severity::Breaking), count(Severity::Warning), count(Severity::Info));
    if manifest::fails(&changes) {
        return Err(AppError::Usage(format!(
            "routes drifted from {}: {breaking} breaking, {warnings} warning(s), {infos} info; \
             if intended, accept them with `make routes-baseline-update`",
            baseline.display()
        )));
    }
    if !json {
        println!("routes match {} ({} routes, {infos} added)", baseline.display(), now.routes.len());
    }
    Ok(())
}

fn map(out_dir: &Path) -> Result<(), AppError> {
    let map = RouteMap::of(&current()?);
    std::fs::create_dir_all(out_dir)?;
    let json = serde_json::to_string_pretty(&map).unwrap_or_default();
    std::fs::write(out_dir.join("routes-map.json"), json + "\n")?;
    std::fs::write(out_dir.join("routes-map.mmd"), map.mermaid())?;
    std::fs::write(out_dir.join("routes-map.dot"), map.dot())?;
    println!(
        "{} links, {} routes nothing links to → {}/routes-map.{{json,mmd,dot}}",
        map.links.len(),
        map.unlinked.len(),
        out_dir.display()
    );
    Ok(())
}

#[derive(serde::Deserialize)]
struct Coverage {
    source: String,
    routes: Vec<CoveredRoute>,
}

#[derive(serde::Deserialize)]
struct CoveredRoute {
    method: String,
    path: String,
    handler: Option<String>,
    operation: Option<String>,
    redirect_to: Option<String>,
    hits: u64,
}

async fn coverage(url: &str, token: &str, unused_only: bool) -> Result<(), AppError> {
    let endpoint = format!("{}/api/v1/admin/routes", url.trim_end_matches('/'));
    let failed = |e: reqwest::Error| AppError::Usage(format!("asking {endpoint}: {e}"));
    let resp = reqwest::Client::new().get(&endpoint).bearer_auth(token).send().await.map_err(failed)?;
    if !resp.status().is_success() {
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        return Err(AppError::Usage(format!("{endpoint} answered {status}: {body}")));
    }
    let c: Coverage = resp.json().await.map_err(failed)?;
    let mut unused = 0;
    for r in &c.routes {
        if r.hits == 0 {
            unused += 1;
        } else if unused_only {
            continue;
        }
        let serves = match (&r.handler, &r.operation, &r.redirect_to) {
            (_, _, Some(to)) => format!("→ {to}"),
            (Some(h), Some(op), _) => format!("{h} · {op}"),
            (Some(h), None, _) => h.clone(),
            _ => String::new(),
        };
        println!("{:>8}  {:<7} {:<60} {serves}", r.hits, r.method, r.path);
    }
    println!("{} routes from {}, {unused} not hit since the server started", c.routes.len(), c.source);
    Ok(())
}
