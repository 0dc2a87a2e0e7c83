//! The route files in service: the guards they name run before the handlers, admins see
//! every route with its hits (page and API), and no page is mounted from code around
//! the route files.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use poem::http::StatusCode;

#[tokio::test]
async fn admins_see_every_route_with_its_hits_and_no_one_else_does() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    for _ in 0..3 {
        root.get("/tickets").await.assert_status_is_ok();
    }
    let page = root.get("/admin/routes").await;
    page.assert_status_is_ok();
    let html = text(page).await;
    assert!(html.contains("routes/agent/tickets.yaml:"), "the page names where routes are declared");
    assert!(html.contains("session csrf auth ticket:note"), "and the middleware each runs");
    let unused = text(root.get("/admin/routes?unused=true").await).await;
    assert!(unused.contains("/tickets/:id/history") && !unused.contains("ticket_list"), "only routes not hit");

    let token = w.login("root@localhost", "root-password").await;
    let r = w.cli.get("/api/v1/admin/routes").header("Authorization", format!("Bearer {token}")).send().await;
    r.assert_status_is_ok();
    let body = json(r).await;
    let route = |method: &str, path: &str| {
        body["routes"].as_array().unwrap().iter().find(|r| r["method"] == method && r["path"] == path).cloned()
    };
    let list = route("GET", "/tickets").expect("the ticket list");
    assert_eq!(list["hits"], 3);
    assert_eq!(list["handler"], "ticket_list");
    assert_eq!(route("POST", "/tickets/:id/state").unwrap()["hits"], 0);
    let me = route("GET", "/api/v1/admin/routes").expect("the REST operations are listed one by one");
    assert_eq!(me["middleware"], serde_json::json!(["bearer"]));
    assert_eq!(me["hits"], 1);
    assert_eq!(route("GET", "/api/v1/users/me").unwrap()["middleware"], serde_json::json!(["bearer"]));
    assert!(route("POST", "/api/v1/auth/login").unwrap()["middleware"].as_array().unwrap().is_empty());

    let agent = w.agent("mo", &[(1, Permission::Rw)]).await;
    let r = w.cli.get("/api/v1/admin/routes").header("Authorization", format!("Bearer {agent}")).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    mo.get("/admin/routes").await.assert_status(StatusCode::FORBIDDEN);
    assert!(!text(mo.get("/dashboard").await).await.contains("/admin/"), "no link to pages mo may not open");
    assert!(text(root.get("/dashboard").await).await.contains("href=\"/admin/users\""));
}

#[tokio::test]
async fn a_reload_that_fails_is_shown_on_the_admin_page_and_changes_nothing() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let dir = std::env::temp_dir().join(format!("goats-routes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in goats_http::routing::builtin_files().iter().map(|f| (&f.name, &f.text)) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let broken = std::fs::read_to_string(dir.join("agent/dashboard.yaml"))
        .unwrap()
        .replace("[session, auth]", "[session, auht]");
    std::fs::write(dir.join("agent/dashboard.yaml"), broken).unwrap();
    let source = goats_http::routing::RouteSource::Dir(dir.clone());
    let errors = w.routes.reload(&source).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "agent/dashboard.yaml:9: unknown middleware `auht` (known: session, csrf, login-csrf, auth, customer, admin, ticket:<permission>)"
    );

    let html = text(root.get("/admin/routes").await).await;
    assert!(html.contains("role=\"alert\""), "the failure is shown");
    assert!(html.contains("agent/dashboard.yaml:9: unknown middleware `auht`"), "{html}");
    // The routes in service did not change: the dashboard still wants a signed-in agent.
    assert_eq!(location(&w.cli.get("/dashboard").send().await), "/login");

    // Fixed, the reload goes through and the report is gone.
    let fixed = std::fs::read_to_string(dir.join("agent/dashboard.yaml")).unwrap().replace("auht", "auth");
    std::fs::write(dir.join("agent/dashboard.yaml"), fixed).unwrap();
    w.routes.reload(&source).unwrap();
    assert!(!text(root.get("/admin/routes").await).await.contains("role=\"alert\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn ticket_guards_refuse_before_the_handler_runs() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let ticket = w.create_ticket(&root, 2).await;
    let id = ticket["id"].as_i64().unwrap();
    // Reads the Raw queue's group (users, 1) but holds nothing else there.
    w.agent("reader", &[(1, Permission::Ro)]).await;
    let reader = Browser::sign_in(&w, "reader", "agent-password").await;
    reader.get(&format!("/tickets/{id}")).await.assert_status_is_ok();
    let r = reader.htmx_post(&format!("/tickets/{id}/priority"), &[("priority_id", "5")]).await;
    r.assert_status(StatusCode::FORBIDDEN);
    let r = reader.form_post(&format!("/tickets/{id}/state"), &[("state_id", "2")]).await;
    r.assert_status(StatusCode::FORBIDDEN);
    // A ticket that does not exist, or an id that is none, is not found.
    reader.get("/tickets/999999").await.assert_status(StatusCode::NOT_FOUND);
    reader.get("/tickets/abc").await.assert_status(StatusCode::NOT_FOUND);

    // No rights on the queue's group at all: the ticket is not there.
    w.agent("stranger", &[(2, Permission::Ro)]).await;
    let stranger = Browser::sign_in(&w, "stranger", "agent-password").await;
    stranger.get(&format!("/tickets/{id}")).await.assert_status(StatusCode::NOT_FOUND);
    stranger.get(&format!("/tickets/{id}/history")).await.assert_status(StatusCode::NOT_FOUND);
}

/// Pages live in the route files; a route added in code would bypass them (and the
/// manifest that reviews them). The REST API's own composition (its spec and docs) is
/// the one exception, and it is listed operation by operation in the manifest.
#[test]
fn no_route_is_registered_in_code_outside_the_route_tree() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = ["routing/tree.rs", "api/mod.rs"];
    let mut offenders = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            if !rel.ends_with(".rs") || allowed.contains(&rel.as_str()) {
                continue;
            }
            let code = std::fs::read_to_string(&path).unwrap();
            for (n, line) in code.lines().enumerate() {
                let t = line.trim_start();
                if t.starts_with("//") {
                    continue;
                }
                if ["Route::new(", ".at(\"", ".nest(\"", ".nest_no_strip("].iter().any(|p| t.contains(p)) {
                    offenders.push(format!("src/{rel}:{}: {t}", n + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "routes registered in code; declare them in routes/ instead:\n{}",
        offenders.join("\n")
    );
}
