//! The route table: every route file checked against the registry and against each
//! other, resolved to full paths and effective guards. Nothing unknown loads: a file
//! that names an unknown handler, middleware or template, a malformed path, a method
//! and path claimed twice, or a redirect loop is refused with its file and line.

use std::collections::{BTreeMap, HashMap};

use marked_yaml::Spanned;

use super::LoadError;
use super::file::{GroupDoc, Located, RouteDoc, RouteFile, parse};
use super::guard::{self, Guard};
use super::registry::{HandlerKind, Registry, template_exists};

/// A route as served: one method at one full path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `POST`, …; `*` for a mount, which answers whatever its service does.
    pub method: String,
    pub path: String,
    pub target: Target,
    pub template: Option<String>,
    /// The guards it runs, in order (see [`guard::effective`]).
    pub guards: Vec<Guard>,
    pub group: String,
    pub file: String,
    pub line: usize,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Handler(String),
    Redirect { to: String, status: u16 },
}

impl Route {
    pub fn handler(&self) -> Option<&str> {
        match &self.target {
            Target::Handler(h) => Some(h),
            Target::Redirect { .. } => None,
        }
    }
}

/// The checked routes of all files, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteTable {
    pub routes: Vec<Route>,
}

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

impl RouteTable {
    /// Loads the files in order; every problem found is reported, not just the first.
    pub fn load(files: &[RouteFile], registry: &Registry) -> Result<RouteTable, Vec<LoadError>> {
        let mut errors = Vec::new();
        let mut routes = Vec::new();
        let mut groups: HashMap<String, (String, usize)> = HashMap::new();
        for file in files {
            let docs = match parse(file) {
                Ok(docs) => docs,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            for doc in docs {
                let name = doc.doc.metadata.name.as_str().to_string();
                let line = doc.line_of(&doc.doc.metadata.name);
                if let Some((f, l)) = groups.get(&name) {
                    errors.push(LoadError::at(
                        &doc.file,
                        line,
                        format!("group `{name}` is already defined at {f}:{l}"),
                    ));
                    continue;
                }
                groups.insert(name, (doc.file.clone(), line));
                group_routes(&doc, registry, &mut routes, &mut errors);
            }
        }
        check_duplicates(&routes, registry, &mut errors);
        check_redirects(&routes, registry, &mut errors);
        if errors.is_empty() { Ok(RouteTable { routes }) } else { Err(errors) }
    }
}

fn group_routes(doc: &Located<GroupDoc>, registry: &Registry, routes: &mut Vec<Route>, errors: &mut Vec<LoadError>) {
    let d = &doc.doc;
    let err =
        |errors: &mut Vec<LoadError>, line: usize, reason: String| errors.push(LoadError::at(&doc.file, line, reason));
    if d.api_version.as_str() != "v1" {
        err(errors, doc.line_of(&d.api_version), format!("apiVersion `{}` is not supported (use v1)", *d.api_version));
    }
    if d.kind.as_str() != "RouteGroup" {
        err(errors, doc.line_of(&d.kind), format!("kind `{}` is not supported (use RouteGroup)", *d.kind));
    }
    if d.metadata.name.trim().is_empty() {
        err(errors, doc.line_of(&d.metadata.name), "metadata.name is empty".into());
    }
    if !d.metadata.enabled {
        return;
    }
    let prefix = match &d.spec.prefix {
        Some(p) if !p.is_empty() => match check_path(p) {
            Ok(()) if p.as_str() == "/" => String::new(),
            Ok(()) => p.to_string(),
            Err(why) => return err(errors, doc.line_of(p), format!("prefix `{}`: {why}", **p)),
        },
        _ => String::new(),
    };
    let group_guards = guards(doc, &d.spec.middleware, errors);
    for route in &d.spec.routes {
        if let Some(r) = one_route(doc, route, &prefix, &group_guards, registry, errors) {
            routes.extend(r);
        }
    }
}

fn guards(doc: &Located<GroupDoc>, tokens: &[Spanned<String>], errors: &mut Vec<LoadError>) -> Vec<Guard> {
    tokens
        .iter()
        .filter_map(|t| Guard::parse(t).map_err(|why| errors.push(LoadError::at(&doc.file, doc.line_of(t), why))).ok())
        .collect()
}

/// One route entry: a route per method, or nothing (with errors) if it is wrong.
fn one_route(
    doc: &Located<GroupDoc>,
    spanned: &Spanned<RouteDoc>,
    prefix: &str,
    group_guards: &[Guard],
    registry: &Registry,
    errors: &mut Vec<LoadError>,
) -> Option<Vec<Route>> {
    let r: &RouteDoc = spanned;
    let line = doc.line_of(&r.path);
    let before = errors.len();
    let err =
        |errors: &mut Vec<LoadError>, line: usize, reason: String| errors.push(LoadError::at(&doc.file, line, reason));

    let path = if r.path.is_empty() { prefix.to_string() } else { format!("{prefix}{}", *r.path) };
    let path = if path.is_empty() { "/".to_string() } else { path };
    if r.path.is_empty() && prefix.is_empty() {
        err(errors, line, "the path is empty (give a path, or a prefix for the group)".into());
    } else if !r.path.is_empty() && !r.path.starts_with('/') {
        err(errors, line, format!("path `{}` must start with /", *r.path));
    } else if let Err(why) = check_path(&path) {
        err(errors, line, format!("path `{path}`: {why}"));
    }

    let handler = r.handler.as_ref().map(|h| (h, registry.get(h)));
    let is_mount = matches!(handler, Some((_, Some(spec))) if matches!(spec.kind, HandlerKind::Mount { .. }));
    let target = match (&handler, &r.redirect_to) {
        (Some(_), Some(to)) => {
            err(errors, doc.line_of(to), "a route has a handler or a redirectTo, not both".into());
            None
        }
        (None, None) => {
            err(errors, line, "the route needs a handler or a redirectTo".into());
            None
        }
        (Some((name, None)), None) => {
            let hint = registry.closest(name).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
            err(errors, doc.line_of(name), format!("unknown handler `{}`{hint}", ***name));
            None
        }
        (Some((name, Some(_))), None) => Some(Target::Handler(name.to_string())),
        (None, Some(to)) => {
            let status = r.status.as_ref().map(|s| **s).unwrap_or(302);
            if !to.starts_with('/') || to.starts_with("//") {
                err(errors, doc.line_of(to), format!("redirectTo `{}` must be a path on this server", **to));
            } else if let Err(why) = check_path(to.split(['?', '#']).next().unwrap_or_default()) {
                err(errors, doc.line_of(to), format!("redirectTo `{}`: {why}", **to));
            }
            if !REDIRECT_STATUSES.contains(&status) {
                let line = r.status.as_ref().map(|s| doc.line_of(s)).unwrap_or(line);
                err(errors, line, format!("redirect status {status} is not one of 301, 302, 303, 307, 308"));
            }
            Some(Target::Redirect { to: to.to_string(), status })
        }
    };
    if let (Some(s), None) = (&r.status, &r.redirect_to) {
        err(errors, doc.line_of(s), "status is only for redirects (redirectTo)".into());
    }

    let methods: Vec<String> = match (&r.method, is_mount) {
        (Some(m), true) => {
            err(errors, doc.line_of(m), "a mounted service answers its own methods; remove `method`".into());
            vec![]
        }
        (None, true) => vec!["*".into()],
        (None, false) => {
            err(errors, line, "the route needs a method".into());
            vec![]
        }
        (Some(m), false) => {
            let mut all = Vec::new();
            for name in &m.0 {
                let upper = name.to_ascii_uppercase();
                if !METHODS.contains(&upper.as_str()) {
                    err(errors, doc.line_of(m), format!("unknown method `{name}`"));
                } else if all.contains(&upper) {
                    err(errors, doc.line_of(m), format!("method {upper} is listed twice"));
                } else {
                    all.push(upper);
                }
            }
            if all.is_empty() && m.0.is_empty() {
                err(errors, doc.line_of(m), "the method list is empty".into());
            }
            all
        }
    };

    if let Some(t) = &r.template {
        let renders = handler.as_ref().and_then(|(_, spec)| spec.as_ref()).map(|s| s.templates).unwrap_or(&[]);
        if !template_exists(t) {
            err(errors, doc.line_of(t), format!("unknown template `{}` (not compiled into goats)", **t));
        } else if matches!(handler, Some((_, Some(_)))) && !renders.contains(&t.as_str()) {
            let known = if renders.is_empty() { "none".to_string() } else { renders.join(", ") };
            let name = r.handler.as_ref().map(|h| h.as_str()).unwrap_or_default();
            err(errors, doc.line_of(t), format!("handler `{name}` does not render `{}` (it renders: {known})", **t));
        } else if r.redirect_to.is_some() {
            err(errors, doc.line_of(t), "a redirect renders no template".into());
        }
    }

    let named: Vec<Guard> = group_guards.iter().copied().chain(guards(doc, &r.middleware, errors)).collect();
    let effective = guard::effective(named);
    if effective.iter().any(|g| matches!(g, Guard::Ticket(_))) && !path.split('/').any(|s| s == ":id") {
        err(errors, line, "ticket:<permission> needs the ticket in the path as `:id`".into());
    }
    let has_session = effective.contains(&Guard::Session);
    let has_csrf = effective.iter().any(|g| g.is_csrf());
    for m in &methods {
        if has_session && !has_csrf && !matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS") {
            err(errors, line, format!("{m} {path} changes state under a session but has no `csrf` middleware"));
        }
    }
    if is_mount && has_session {
        err(errors, line, "a mounted service authenticates its own requests; it takes no session middleware".into());
    }

    if errors.len() > before {
        return None;
    }
    let target = target?;
    Some(
        methods
            .into_iter()
            .map(|method| Route {
                method,
                path: path.clone(),
                target: target.clone(),
                template: r.template.as_ref().map(|t| t.to_string()),
                guards: effective.clone(),
                group: doc.doc.metadata.name.to_string(),
                file: doc.file.clone(),
                line,
                description: r.description.clone().unwrap_or_default(),
            })
            .collect(),
    )
}

/// A path poem can route: `/` and segments that are literal text, `:name` parameters
/// or a final `*name` catching the rest.
pub fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err("must start with /".into());
    }
    if path == "/" {
        return Ok(());
    }
    if path.ends_with('/') {
        return Err("must not end with /".into());
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let mut params: Vec<&str> = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        if seg.is_empty() {
            return Err("has an empty segment (//)".into());
        }
        let param = seg.strip_prefix(':').or_else(|| seg.strip_prefix('*'));
        if let Some(name) = param {
            let ident = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ident {
                return Err(format!("parameter `{seg}` needs a name of letters, digits and _"));
            }
            if seg.starts_with('*') && i + 1 != segments.len() {
                return Err(format!("`{seg}` catches the rest of the path, so it must come last"));
            }
            if params.contains(&name) {
                return Err(format!("parameter `{name}` appears twice"));
            }
            params.push(name);
        } else if let Some(bad) = seg.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~!$&'()+,;=@".contains(*c))) {
            return Err(format!("segment `{seg}` has `{bad}`, which a path segment cannot hold"));
        }
    }
    Ok(())
}

/// The path with parameter names dropped: `/tickets/:id` and `/tickets/:ticket` are
/// the same route.
pub fn shape(path: &str) -> String {
    path.split('/')
        .map(|s| match s.chars().next() {
            Some(':') => ":",
            Some('*') => "*",
            _ => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every method and path the table serves, with the route that claims it; mounts
/// contribute each route their service answers.
pub fn claims<'a>(routes: &'a [Route], registry: &Registry) -> Vec<(String, String, &'a Route)> {
    let mut out = Vec::new();
    for r in routes {
        match r.handler().and_then(|h| registry.get(h)).map(|s| &s.kind) {
            Some(HandlerKind::Mount { routes: listed, .. }) => {
                let base = if r.path == "/" { "" } else { r.path.as_str() };
                out.push(("*".to_string(), r.path.clone(), r));
                for m in listed() {
                    out.push((m.method, format!("{base}{}", m.path), r));
                }
            }
            _ => out.push((r.method.clone(), r.path.clone(), r)),
        }
    }
    out
}

fn check_duplicates(routes: &[Route], registry: &Registry, errors: &mut Vec<LoadError>) {
    let mut seen: BTreeMap<(String, String), &Route> = BTreeMap::new();
    for (method, path, route) in claims(routes, registry) {
        match seen.get(&(method.clone(), shape(&path))) {
            Some(first) if !std::ptr::eq(*first, route) => errors.push(LoadError::at(
                &route.file,
                route.line,
                format!("{method} {path} is already claimed at {}:{}", first.file, first.line),
            )),
            Some(_) => {}
            None => {
                seen.insert((method, shape(&path)), route);
            }
        }
    }
}

/// A redirect must land on a route that answers, and never come back round to itself.
fn check_redirects(routes: &[Route], registry: &Registry, errors: &mut Vec<LoadError>) {
    let claims = claims(routes, registry);
    let answering = |path: &str| {
        claims.iter().find(|(m, p, _)| (m == "GET" || m == "*") && (matches(p, path) || is_under_mount(m, p, path)))
    };
    for r in routes {
        let Target::Redirect { to, .. } = &r.target else { continue };
        let mut chain = vec![r.path.clone()];
        let mut next = to.split(['?', '#']).next().unwrap_or_default().to_string();
        loop {
            if chain.contains(&next) {
                chain.push(next);
                errors.push(LoadError::at(&r.file, r.line, format!("redirect loop: {}", chain.join(" → "))));
                break;
            }
            chain.push(next.clone());
            match answering(&next) {
                None => {
                    errors.push(LoadError::at(
                        &r.file,
                        r.line,
                        format!("redirectTo {next}: no route answers GET {next}"),
                    ));
                    break;
                }
                Some((_, _, Route { target: Target::Redirect { to, .. }, .. })) => {
                    next = to.split(['?', '#']).next().unwrap_or_default().to_string();
                }
                Some(_) => break,
            }
        }
    }
}

/// Whether a concrete path is one a route pattern answers (`:name` takes one non-empty
/// segment, a final `*name` the rest). It allocates nothing: coverage asks it on every
/// request to the API.
pub fn matches(pattern: &str, path: &str) -> bool {
    let (mut want, mut got) = (pattern.split('/'), path.split('/'));
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with('*') => return !g.is_empty(),
            (Some(w), Some(g)) if w.starts_with(':') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

fn is_under_mount(method: &str, mount: &str, path: &str) -> bool {
    method == "*" && (path == mount || path.starts_with(&format!("{}/", mount.trim_end_matches('/'))))
}

#[cfg(test)]
mod tests;
