//! The route manifest: every route the server answers, with what serves it and the
//! middleware it runs, in a stable order — written by `goats routes generate`, compared
//! with the committed baseline by `goats routes verify`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::guard::Guard;
use super::registry::{HandlerKind, Registry};
use super::table::{RouteTable, Target, shape};

pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub routes: Vec<ManifestRoute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRoute {
    /// `GET`, `POST`, …; `*` for a mounted service as a whole.
    pub method: String,
    pub path: String,
    pub handler: Option<String>,
    /// The operation of a mounted service (the REST API's operation id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub template: Option<String>,
    pub middleware: Vec<String>,
    pub redirect: Option<Redirect>,
    // Where it is declared: shown, not compared.
    pub group: String,
    pub source: String,
    pub line: usize,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub to: String,
    pub status: u16,
}

impl Manifest {
    pub fn of(table: &RouteTable, registry: &Registry) -> Self {
        let mut routes = Vec::new();
        for r in &table.routes {
            let middleware: Vec<String> = r.guards.iter().map(|g| g.token()).collect();
            let entry = ManifestRoute {
                method: r.method.clone(),
                path: r.path.clone(),
                handler: r.handler().map(str::to_string),
                operation: None,
                template: r.template.clone(),
                middleware: middleware.clone(),
                redirect: match &r.target {
                    Target::Redirect { to, status } => Some(Redirect { to: to.clone(), status: *status }),
                    Target::Handler(_) => None,
                },
                group: r.group.clone(),
                source: format!("routes/{}", r.file),
                line: r.line,
                description: r.description.clone(),
            };
            if let Some(HandlerKind::Mount { routes: listed, .. }) =
                r.handler().and_then(|h| registry.get(h)).map(|s| &s.kind)
            {
                let base = if r.path == "/" { "" } else { r.path.as_str() };
                for m in listed() {
                    let mut mw = middleware.clone();
                    if m.bearer {
                        mw.push(Guard::Bearer.token());
                    }
                    routes.push(ManifestRoute {
                        method: m.method,
                        path: format!("{base}{}", m.path),
                        operation: Some(m.operation),
                        middleware: mw,
                        description: String::new(),
                        ..entry.clone()
                    });
                }
            }
            routes.push(entry);
        }
        routes.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
        Manifest { format: FORMAT, routes }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        // Written beside and renamed, so a reader never sees half a manifest.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, self.to_json())?;
        std::fs::rename(tmp, path)
    }

    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not a route manifest: {e}", path.display()))
    }
}

/// How much a change matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A route is gone, or runs less middleware than before (e.g. lost `auth`).
    Breaking,
    /// The same route is served differently (handler, template, redirect).
    Warning,
    /// A new route, or more middleware.
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub severity: Severity,
    pub method: String,
    pub path: String,
    pub what: String,
}

/// What changed from `baseline` to `current`, most severe first.
pub fn diff(baseline: &Manifest, current: &Manifest) -> Vec<Change> {
    let index = |m: &Manifest| -> BTreeMap<(String, String), ManifestRoute> {
        m.routes.iter().map(|r| ((r.method.clone(), shape(&r.path)), r.clone())).collect()
    };
    let (before, after) = (index(baseline), index(current));
    let mut changes = Vec::new();
    let mut change = |severity, r: &ManifestRoute, what: String| {
        changes.push(Change { severity, method: r.method.clone(), path: r.path.clone(), what });
    };
    for (key, old) in &before {
        let Some(new) = after.get(key) else {
            change(Severity::Breaking, old, "removed".into());
            continue;
        };
        let lost: Vec<&String> = old.middleware.iter().filter(|m| !new.middleware.contains(m)).collect();
        let gained: Vec<&String> = new.middleware.iter().filter(|m| !old.middleware.contains(m)).collect();
        if !lost.is_empty() {
            change(Severity::Breaking, new, format!("middleware loosened: lost {}", join(&lost)));
        }
        if !gained.is_empty() {
            change(Severity::Info, new, format!("middleware tightened: added {}", join(&gained)));
        }
        if old.handler != new.handler || old.operation != new.operation {
            let show = |r: &ManifestRoute| {
                let h = r.handler.clone().unwrap_or_else(|| "(redirect)".into());
                r.operation.as_ref().map(|o| format!("{h}#{o}")).unwrap_or(h)
            };
            change(Severity::Warning, new, format!("handler changed: {} → {}", show(old), show(new)));
        }
        if old.template != new.template {
            let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "none".into());
            change(
                Severity::Warning,
                new,
                format!("template changed: {} → {}", show(&old.template), show(&new.template)),
            );
        }
        if old.redirect != new.redirect {
            let show =
                |r: &Option<Redirect>| r.as_ref().map(|r| format!("{} ({})", r.to, r.status)).unwrap_or("none".into());
            change(
                Severity::Warning,
                new,
                format!("redirect changed: {} → {}", show(&old.redirect), show(&new.redirect)),
            );
        }
    }
    for (key, new) in &after {
        if !before.contains_key(key) {
            change(Severity::Info, new, format!("added ({}:{})", new.source, new.line));
        }
    }
    changes.sort_by(|a, b| (a.severity, &a.path, &a.method).cmp(&(b.severity, &b.path, &b.method)));
    changes
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// Whether the changes should stop a build: anything breaking or a warning.
pub fn fails(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.severity != Severity::Info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str, handler: &str, middleware: &[&str]) -> ManifestRoute {
        ManifestRoute {
            method: method.into(),
            path: path.into(),
            handler: Some(handler.into()),
            operation: None,
            template: None,
            middleware: middleware.iter().map(|s| s.to_string()).collect(),
            redirect: None,
            group: "g".into(),
            source: "routes/g.yaml".into(),
            line: 1,
            description: String::new(),
        }
    }

    fn manifest(routes: Vec<ManifestRoute>) -> Manifest {
        Manifest { format: FORMAT, routes }
    }

    #[test]
    fn grades_each_kind_of_change() {
        let base = manifest(vec![
            route("GET", "/a", "a", &["session", "auth"]),
            route("GET", "/b", "b", &[]),
            route("GET", "/c/:id", "c", &["session"]),
        ]);
        let mut moved = route("GET", "/c/:ticket", "c2", &["session"]);
        moved.line = 40;
        let now = manifest(vec![
            route("GET", "/a", "a", &["session"]),
            moved,
            route("POST", "/d", "d", &["session", "csrf"]),
        ]);
        let changes = diff(&base, &now);
        let summary: Vec<(Severity, &str, &str)> =
            changes.iter().map(|c| (c.severity, c.path.as_str(), c.what.as_str())).collect();
        assert_eq!(
            summary,
            vec![
                (Severity::Breaking, "/a", "middleware loosened: lost `auth`"),
                (Severity::Breaking, "/b", "removed"),
                (Severity::Warning, "/c/:ticket", "handler changed: c → c2"),
                (Severity::Info, "/d", "added (routes/g.yaml:1)"),
            ]
        );
        assert!(fails(&changes));
    }

    #[test]
    fn moving_a_route_within_its_file_is_no_change() {
        let base = manifest(vec![route("GET", "/a", "a", &[])]);
        let mut r = route("GET", "/a", "a", &[]);
        r.line = 99;
        r.description = "now described".into();
        let changes = diff(&base, &manifest(vec![r]));
        assert!(changes.is_empty());
        assert!(!fails(&[Change {
            severity: Severity::Info,
            method: "GET".into(),
            path: "/x".into(),
            what: "added".into()
        }]));
    }
}
