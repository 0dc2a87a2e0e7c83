use super::*;
use crate::routing::handlers::standard;
use crate::routing::{LoadError, builtin_files};

fn group(name: &str, prefix: &str, middleware: &str, routes: &str) -> String {
    format!(
        "apiVersion: v1\nkind: RouteGroup\nmetadata:\n  name: {name}\nspec:\n  prefix: \"{prefix}\"\n  middleware: [{middleware}]\n  routes:\n{routes}"
    )
}

fn load(files: &[(&str, String)]) -> Result<RouteTable, Vec<LoadError>> {
    let files: Vec<RouteFile> = files.iter().map(|(n, t)| RouteFile { name: n.to_string(), text: t.clone() }).collect();
    RouteTable::load(&files, &standard())
}

/// The one error of a file that should not load.
fn error_of(text: String) -> LoadError {
    let errors = load(&[("g.yaml", text)]).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn the_shipped_route_files_load() {
    let table = RouteTable::load(&builtin_files(), &standard()).unwrap();
    let zoom = table.routes.iter().find(|r| r.path == "/tickets/:id" && r.method == "GET").unwrap();
    assert_eq!(zoom.handler(), Some("ticket_zoom"));
    assert_eq!(zoom.file, "agent/tickets.yaml");
    assert_eq!(
        zoom.guards.iter().map(|g| g.token()).collect::<Vec<_>>(),
        ["session", "auth", "ticket:ro"].map(String::from)
    );
    let home = table.routes.iter().find(|r| r.path == "/").unwrap();
    assert!(matches!(&home.target, Target::Redirect { to, .. } if to == "/dashboard"));
}

#[test]
fn every_registered_handler_is_mounted_by_the_shipped_files() {
    let table = RouteTable::load(&builtin_files(), &standard()).unwrap();
    let unused: Vec<&str> =
        standard().names().filter(|n| !table.routes.iter().any(|r| r.handler() == Some(n))).collect();
    assert!(unused.is_empty(), "handlers no route mounts: {unused:?}");
}

#[test]
fn an_unknown_handler_is_refused_with_a_suggestion() {
    let e = error_of(group("g", "", "", "    - path: /a\n      method: GET\n      handler: dashbord\n"));
    assert_eq!((e.file.as_str(), e.line), ("g.yaml", 11));
    assert_eq!(e.reason, "unknown handler `dashbord` (did you mean `dashboard`?)");
}

#[test]
fn unknown_middleware_and_templates_are_refused() {
    let e = error_of(group("g", "", "session, auht", "    - path: /a\n      method: GET\n      handler: dashboard\n"));
    assert_eq!(e.line, 7);
    assert!(e.reason.starts_with("unknown middleware `auht`"), "{e}");

    let e = error_of(group(
        "g",
        "",
        "",
        "    - path: /a\n      method: GET\n      handler: dashboard\n      template: pages/nope.html\n",
    ));
    assert_eq!((e.line, e.reason.as_str()), (12, "unknown template `pages/nope.html` (not compiled into goats)"));

    let e = error_of(group(
        "g",
        "",
        "",
        "    - path: /a\n      method: GET\n      handler: dashboard\n      template: pages/login.html\n",
    ));
    assert_eq!(e.reason, "handler `dashboard` does not render `pages/login.html` (it renders: pages/dashboard.html)");
}

#[test]
fn malformed_paths_are_refused() {
    for (path, why) in [
        ("/a//b", "has an empty segment"),
        ("/a/", "must not end with /"),
        ("a", "must start with /"),
        ("/a/:", "needs a name"),
        ("/a/*rest/b", "must come last"),
        ("/a/:id/:id", "appears twice"),
        ("/a b", "cannot hold"),
    ] {
        let e = error_of(group(
            "g",
            "",
            "",
            &format!("    - path: \"{path}\"\n      method: GET\n      handler: dashboard\n"),
        ));
        assert!(e.reason.contains(why), "{path}: {e}");
        assert_eq!(e.line, 9, "{path}");
    }
}

#[test]
fn the_same_method_and_path_cannot_be_claimed_twice() {
    let a = group("a", "", "", "    - path: /x/:id\n      method: GET\n      handler: dashboard\n");
    let b = group("b", "/x", "", "    - path: /:ticket\n      method: [POST, GET]\n      handler: dashboard\n");
    let errors = load(&[("a.yaml", a), ("b.yaml", b)]).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].to_string(), "b.yaml:9: GET /x/:ticket is already claimed at a.yaml:9");

    // A route inside the REST API's space collides with the operation there.
    let api = group("api", "", "", "    - path: /api\n      handler: rest_api\n");
    let mine = group("mine", "", "", "    - path: /api/v1/queues\n      method: GET\n      handler: dashboard\n");
    let errors = load(&[("api.yaml", api), ("mine.yaml", mine)]).unwrap_err();
    assert!(errors[0].reason.starts_with("GET /api/v1/queues is already claimed at api.yaml:9"), "{errors:?}");
}

#[test]
fn redirects_must_land_and_must_not_loop() {
    let loop_ = group(
        "g",
        "",
        "",
        "    - path: /a\n      method: GET\n      redirectTo: /b\n    - path: /b\n      method: GET\n      redirectTo: /a\n",
    );
    let errors = load(&[("g.yaml", loop_)]).unwrap_err();
    assert_eq!(errors[0].reason, "redirect loop: /a → /b → /a");

    let e = error_of(group("g", "", "", "    - path: /a\n      method: GET\n      redirectTo: /nowhere\n"));
    assert_eq!(e.reason, "redirectTo /nowhere: no route answers GET /nowhere");

    let e = error_of(group("g", "", "", "    - path: /a\n      method: GET\n      redirectTo: https://evil.example\n"));
    assert!(e.reason.contains("must be a path on this server"), "{e}");

    let ok = group(
        "g",
        "",
        "",
        "    - path: /a\n      method: GET\n      redirectTo: /t/7\n      status: 301\n    - path: /t/:id\n      method: GET\n      handler: dashboard\n",
    );
    let table = load(&[("g.yaml", ok)]).unwrap();
    assert_eq!(table.routes[0].target, Target::Redirect { to: "/t/7".into(), status: 301 });
}

#[test]
fn a_state_change_under_a_session_needs_csrf() {
    let e = error_of(group(
        "g",
        "",
        "session, auth",
        "    - path: /a\n      method: POST\n      handler: preferences_save\n",
    ));
    assert_eq!(e.reason, "POST /a changes state under a session but has no `csrf` middleware");
}

#[test]
fn ticket_permissions_need_the_ticket_in_the_path() {
    let e = error_of(group(
        "g",
        "",
        "",
        "    - path: /a\n      method: GET\n      handler: dashboard\n      middleware: [ticket:ro]\n",
    ));
    assert_eq!(e.reason, "ticket:<permission> needs the ticket in the path as `:id`");
}

#[test]
fn a_route_needs_exactly_one_target_and_a_method() {
    let e = error_of(group("g", "", "", "    - path: /a\n      method: GET\n"));
    assert_eq!(e.reason, "the route needs a handler or a redirectTo");
    let e = error_of(group("g", "", "", "    - path: /a\n      handler: dashboard\n"));
    assert_eq!(e.reason, "the route needs a method");
    let e = error_of(group("g", "", "", "    - path: /a\n      method: FETCH\n      handler: dashboard\n"));
    assert_eq!(e.reason, "unknown method `FETCH`");
    let e = error_of(group("g", "", "", "    - path: /api\n      method: GET\n      handler: rest_api\n"));
    assert!(e.reason.starts_with("a mounted service answers its own methods"), "{e}");
}

#[test]
fn unknown_fields_and_versions_are_refused() {
    let e = error_of(group(
        "g",
        "",
        "",
        "    - path: /a\n      method: GET\n      handler: dashboard\n      midleware: [auth]\n",
    ));
    assert_eq!(e.line, 12);
    assert!(e.reason.contains("midleware"), "{e}");
    let e = error_of(
        group("g", "", "", "    - path: /a\n      method: GET\n      handler: dashboard\n").replace("v1", "v2"),
    );
    assert_eq!((e.line, e.reason.as_str()), (1, "apiVersion `v2` is not supported (use v1)"));
}

#[test]
fn a_disabled_group_does_not_load_and_group_names_are_unique() {
    let off = group("g", "", "", "    - path: /a\n      method: GET\n      handler: dashboard\n")
        .replace("  name: g\n", "  name: g\n  enabled: false\n");
    assert!(load(&[("g.yaml", off)]).unwrap().routes.is_empty());

    let a = group("same", "", "", "    - path: /a\n      method: GET\n      handler: dashboard\n");
    let b = group("same", "", "", "    - path: /b\n      method: GET\n      handler: dashboard\n");
    let errors = load(&[("a.yaml", a), ("b.yaml", b)]).unwrap_err();
    assert_eq!(errors[0].to_string(), "b.yaml:4: group `same` is already defined at a.yaml:4");
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = group(
        "g",
        "",
        "",
        "    - path: /a\n      method: GET\n      handler: nope\n    - path: /b//c\n      method: GET\n      handler: dashboard\n",
    );
    let errors = load(&[("g.yaml", text)]).unwrap_err();
    assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![11, 12]);
}

#[test]
fn paths_match_their_patterns() {
    assert!(matches("/tickets/:id", "/tickets/7"));
    assert!(!matches("/tickets/:id", "/tickets/"));
    assert!(!matches("/tickets/:id", "/tickets/7/history"));
    assert!(matches("/static/*file", "/static/css/app.css"));
    assert!(!matches("/static/*file", "/static/"));
    assert!(!matches("/static/*file", "/static"));
    assert!(matches("/", "/"));
}
