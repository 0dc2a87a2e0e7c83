//! `goats routes …` and the route files of a running server: the drift check graded by
//! severity, files that do not load, the link map, and a hot reload under load — new
//! routes within a second, no failed request, a broken file leaving the old routes in
//! service.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A folder with a copy of the shipped route files and the committed baseline.
fn project() -> tempdir::Dir {
    let dir = temp_dir();
    copy_dir(&repo().join("routes"), &dir.0.join("routes"));
    std::fs::create_dir_all(dir.0.join("runtime")).unwrap();
    let baseline = "runtime/routes-manifest.baseline.json";
    std::fs::copy(repo().join(baseline), dir.0.join(baseline)).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", file.display());
    std::fs::write(file, text.replace(from, to)).unwrap();
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn routes(dir: &Path, args: &[&str]) -> std::process::Output {
    goats(dir).arg("routes").args(args).output().unwrap()
}

#[test]
fn verify_grades_drift_from_the_baseline() {
    let dir = project();
    // The shipped files match the committed baseline (the manifest is made first).
    let out = routes(&dir.0, &["verify"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("routes match"), "{}", stdout(&out));
    // The same files give the same bytes.
    let manifest = dir.0.join("runtime/routes-manifest.json");
    let first = std::fs::read(&manifest).unwrap();
    assert!(routes(&dir.0, &["generate"]).status.success());
    assert_eq!(std::fs::read(&manifest).unwrap(), first);

    // A new route is news, not a failure.
    let extra = "apiVersion: v1\nkind: RouteGroup\nmetadata:\n  name: help\nspec:\n  routes:\n    - path: /help\n      method: GET\n      redirectTo: /dashboard\n";
    std::fs::write(dir.0.join("routes/help.yaml"), extra).unwrap();
    assert!(routes(&dir.0, &["generate"]).status.success());
    let out = routes(&dir.0, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("info     GET /help: added (routes/help.yaml:7)"), "{}", stdout(&out));

    // The dashboard group loses `auth`, and an alias now leads elsewhere.
    edit(&dir.0.join("routes/agent/dashboard.yaml"), "middleware: [session, auth]", "middleware: [session]");
    edit(
        &dir.0.join("routes/redirects.yaml"),
        "    - path: /otrs/index.pl\n      method: GET\n      redirectTo: /dashboard",
        "    - path: /otrs/index.pl\n      method: GET\n      redirectTo: /tickets",
    );
    assert!(routes(&dir.0, &["generate"]).status.success());
    let out = routes(&dir.0, &["verify"]);
    let text = stdout(&out);
    assert!(!out.status.success());
    assert!(text.contains("BREAKING GET /dashboard: middleware loosened: lost `auth`"), "{text}");
    assert!(text.contains("BREAKING POST /preferences: middleware loosened: lost `auth`"), "{text}");
    assert!(
        text.contains("WARNING  GET /otrs/index.pl: redirect changed: /dashboard (302) → /tickets (302)"),
        "{text}"
    );
    assert!(text.contains("BREAKING GET /preferences/notifications: middleware loosened: lost `auth`"), "{text}");
    assert!(text.contains("BREAKING POST /preferences/password: middleware loosened: lost `auth`"), "{text}");
    assert!(stderr(&out).contains("8 breaking, 1 warning(s), 1 info"), "{}", stderr(&out));
    // Breaking changes come first.
    assert!(text.find("BREAKING").unwrap() < text.find("WARNING").unwrap());

    let out = routes(&dir.0, &["verify", "--json"]);
    let changes: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(changes[0]["severity"], "breaking");
    assert_eq!(changes.as_array().unwrap().len(), 10);
}

#[test]
fn route_files_that_do_not_load_stop_the_server_with_file_and_line() {
    let dir = project();
    edit(&dir.0.join("routes/agent/tickets.yaml"), "handler: ticket_history", "handler: ticket_histroy");
    edit(
        &dir.0.join("routes/health.yaml"),
        "      description: The process runs.",
        "      descripton: The process runs.",
    );
    let out = goats(&dir.0).args(["serve", "--listen", "127.0.0.1:0"]).output().unwrap();
    assert_clean_failure(&out, "the route files in routes do not load");
    let err = stderr(&out);
    // The line of the mistyped handler, wherever other routes put it.
    let tickets = std::fs::read_to_string(dir.0.join("routes/agent/tickets.yaml")).unwrap();
    let line = tickets.lines().position(|l| l.contains("handler: ticket_histroy")).unwrap() + 1;
    assert!(
        err.contains(&format!(
            "agent/tickets.yaml:{line}: unknown handler `ticket_histroy` (did you mean `ticket_history`?)"
        )),
        "{err}"
    );
    assert!(err.contains("health.yaml:16: Unknown field `descripton`"), "{err}");
    // The manifest is not written from files that do not load.
    let out = routes(&dir.0, &["generate"]);
    assert!(!out.status.success());
    assert!(!dir.0.join("runtime/routes-manifest.json").exists());
}

#[test]
fn the_map_links_templates_and_scripts_to_the_routes_they_call() {
    let dir = project();
    let out = routes(&dir.0, &["map"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let map: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.0.join("runtime/routes-map.json")).unwrap()).unwrap();
    let linked = |from: &str, method: &str, path: &str| {
        map["links"].as_array().unwrap().iter().any(|l| l["from"] == from && l["method"] == method && l["path"] == path)
    };
    assert!(linked("static/src/app.js", "POST", "/api/tickets/:id/status"));
    assert!(linked("templates/partials/ticket.html", "POST", "/tickets/:id/state"));
    assert!(linked("templates/layouts/base.html", "GET", "/api/events"));
    let unlinked: Vec<&str> = map["unlinked"].as_array().unwrap().iter().filter_map(|u| u["path"].as_str()).collect();
    assert!(unlinked.contains(&"/api/notifications/pending"), "nothing in the front end calls it: {unlinked:?}");
    assert!(!unlinked.contains(&"/tickets/:id/state"));
    let mermaid = std::fs::read_to_string(dir.0.join("runtime/routes-map.mmd")).unwrap();
    assert!(mermaid.starts_with("flowchart LR\n") && mermaid.contains("POST /tickets/:id/state"));
    let dot = std::fs::read_to_string(dir.0.join("runtime/routes-map.dot")).unwrap();
    assert!(dot.contains("\"templates/partials/ticket.html\" -> \"POST /tickets/:id/state\";"));
}

/// Requests the load generator sent and those that failed.
struct Load {
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicU64>,
    failed: Arc<std::sync::Mutex<Vec<String>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

/// Clients asking for a page behind the session middleware, a redirect and the health
/// check, as fast as they can.
fn load(port: u16, clients: usize) -> Load {
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(std::sync::Mutex::new(Vec::new()));
    let threads = (0..clients)
        .map(|i| {
            let (stop, sent, failed) = (stop.clone(), sent.clone(), failed.clone());
            std::thread::spawn(move || {
                let cases = [("/login", 200), ("/", 302), ("/healthz", 200)];
                let mut n = i;
                while !stop.load(Ordering::Relaxed) {
                    let (path, want) = cases[n % cases.len()];
                    n += 1;
                    sent.fetch_add(1, Ordering::Relaxed);
                    match get(port, path) {
                        Some((status, _)) if status == want => {}
                        other => failed.lock().unwrap().push(format!("{path}: {:?}", other.map(|o| o.0))),
                    }
                }
            })
        })
        .collect();
    Load { stop, sent, failed, threads }
}

impl Load {
    fn finish(self) -> (u64, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads {
            t.join().unwrap();
        }
        (self.sent.load(Ordering::Relaxed), self.failed.lock().unwrap().clone())
    }
}

fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "{what} did not happen within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

fn routes_api(port: u16, token: &str) -> serde_json::Value {
    let (status, body) = request(port, "GET", "/api/v1/admin/routes", None, Some(token)).unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn hot_reload_swaps_routes_under_load_and_keeps_them_when_a_file_breaks() {
    let dir = project();
    let port = free_port();
    let server =
        Server::start(goats(&dir.0).env("ROUTES_HOT_RELOAD", "1").env("GOATS_ADMIN_PASSWORD", "reload-password"), port);
    let login = r#"{"login":"root@localhost","password":"reload-password"}"#;
    let (_, body) = request(port, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    assert_eq!(get(port, "/help").unwrap().0, 404);

    let load = load(port, 4);
    std::thread::sleep(Duration::from_millis(300));

    // A new file: its route answers within a second, and the manifest follows.
    let help = "apiVersion: v1\nkind: RouteGroup\nmetadata:\n  name: help\nspec:\n  routes:\n    - path: /help\n      method: GET\n      redirectTo: /dashboard\n";
    std::fs::write(dir.0.join("routes/help.yaml"), help).unwrap();
    let took = wait_for("/help", Duration::from_secs(5), || get(port, "/help").is_some_and(|r| r.0 == 302));
    assert!(took < Duration::from_secs(1), "the new route answered after {took:?}");
    let manifest = dir.0.join("runtime/routes-manifest.json");
    wait_for("the manifest", Duration::from_secs(5), || {
        std::fs::read_to_string(&manifest).is_ok_and(|m| m.contains("\"/help\""))
    });

    // A broken file: reported, and the routes in service stay as they were.
    let broken = help
        .replace("name: help", "name: broken")
        .replace("/help", "/oops")
        .replace("redirectTo: /dashboard", "handler: nope");
    std::fs::write(dir.0.join("routes/broken.yaml"), broken).unwrap();
    wait_for("the failed reload", Duration::from_secs(5), || {
        routes_api(port, &token)["failed_reload"].as_array().is_some_and(|e| !e.is_empty())
    });
    let status = routes_api(port, &token);
    assert_eq!(status["failed_reload"][0]["file"], "broken.yaml");
    assert_eq!(status["failed_reload"][0]["line"], 9);
    assert_eq!(status["failed_reload"][0]["reason"], "unknown handler `nope`");
    assert_eq!(get(port, "/help").unwrap().0, 302);
    assert_eq!(get(port, "/oops").unwrap().0, 404);

    // Fixed: the next load clears the report; a changed route serves its new target.
    std::fs::remove_file(dir.0.join("routes/broken.yaml")).unwrap();
    edit(&dir.0.join("routes/help.yaml"), "redirectTo: /dashboard", "redirectTo: /tickets");
    wait_for("the fixed reload", Duration::from_secs(5), || {
        routes_api(port, &token)["failed_reload"].as_array().is_some_and(|e| e.is_empty())
    });
    let (status, _) = get(port, "/help").unwrap();
    assert_eq!(status, 302);

    std::thread::sleep(Duration::from_millis(300));
    let (sent, failed) = load.finish();
    assert!(
        failed.is_empty(),
        "{} of {sent} requests failed during the reloads: {:?}",
        failed.len(),
        &failed[..failed.len().min(10)]
    );
    assert!(sent > 100, "the load generator sent only {sent} requests");

    // The reloaded tree keeps counting, and `goats routes coverage` reads it.
    let out = goats(&dir.0)
        .args(["routes", "coverage", "--url", &format!("http://127.0.0.1:{port}")])
        .env("GOATS_TOKEN", &token)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let hits = |path: &str| -> u64 {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().nth(2) == Some(path))
            .unwrap_or_else(|| panic!("{path} in {text}"));
        line.split_whitespace().next().unwrap().parse().unwrap()
    };
    assert!(hits("/healthz") > 10, "{text}");
    assert!(hits("/help") >= 2, "{text}");
    assert!(text.contains("not hit since the server started"), "{text}");
    let out = goats(&dir.0)
        .args(["routes", "coverage", "--unused", "--url", &format!("http://127.0.0.1:{port}")])
        .env("GOATS_TOKEN", &token)
        .output()
        .unwrap();
    assert!(!stdout(&out).lines().any(|l| l.split_whitespace().nth(2) == Some("/healthz")), "{}", stdout(&out));
    server.stop();
}

#[test]
fn watching_regenerates_the_manifest_but_serves_the_routes_it_started_with() {
    let dir = project();
    let port = free_port();
    let server = Server::start(goats(&dir.0).env("ROUTES_WATCH", "1"), port);
    let help = "apiVersion: v1\nkind: RouteGroup\nmetadata:\n  name: help\nspec:\n  routes:\n    - path: /help\n      method: GET\n      redirectTo: /dashboard\n";
    std::fs::write(dir.0.join("routes/help.yaml"), help).unwrap();
    let manifest = dir.0.join("runtime/routes-manifest.json");
    wait_for("the manifest", Duration::from_secs(5), || {
        std::fs::read_to_string(&manifest).is_ok_and(|m| m.contains("\"/help\""))
    });
    assert_eq!(get(port, "/help").unwrap().0, 404, "without ROUTES_HOT_RELOAD the routes stay as started");
    server.stop();
}
