//! Which templates and scripts call which routes: every path literal in the compiled
//! templates and in `static/src/*.js`, matched against the manifest. Routes nothing
//! links to are listed, so an endpoint the front end no longer calls is noticed.

use std::collections::BTreeSet;

use serde::Serialize;

use super::manifest::Manifest;
use super::registry::{SCRIPTS, TEMPLATES};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteMap {
    pub links: Vec<Link>,
    /// Routes no template or script refers to (the REST API is for integrators, so most
    /// of it is here by design).
    pub unlinked: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Link {
    /// `templates/pages/ticket.html` or `static/src/app.js`.
    pub from: String,
    pub method: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Endpoint {
    pub method: String,
    pub path: String,
}

impl RouteMap {
    pub fn of(manifest: &Manifest) -> Self {
        let sources = TEMPLATES
            .iter()
            .map(|(n, t)| (format!("templates/{n}"), *t))
            .chain(SCRIPTS.iter().map(|(n, t)| (format!("static/src/{n}"), *t)));
        let mut links = BTreeSet::new();
        for (from, text) in sources {
            for (method, url) in references(text) {
                let fits: Vec<_> = manifest
                    .routes
                    .iter()
                    .filter(|r| method.is_none_or(|m| m == r.method) && r.method != "*")
                    .filter(|r| same_shape(&r.path, &url) && !r.path.starts_with("/static/"))
                    .collect();
                // `/tickets/new` is the new-ticket page, not the ticket `new`.
                let exact: Vec<_> = fits.iter().filter(|r| r.path == url).copied().collect();
                for r in if exact.is_empty() { fits } else { exact } {
                    links.insert(Link { from: from.clone(), method: r.method.clone(), path: r.path.clone() });
                }
            }
        }
        let linked: BTreeSet<(&str, &str)> = links.iter().map(|l| (l.method.as_str(), l.path.as_str())).collect();
        let unlinked = manifest
            .routes
            .iter()
            .filter(|r| r.method != "*" && !linked.contains(&(r.method.as_str(), r.path.as_str())))
            .map(|r| Endpoint { method: r.method.clone(), path: r.path.clone() })
            .collect();
        RouteMap { links: links.into_iter().collect(), unlinked }
    }

    /// The links as a Mermaid flowchart.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for l in &self.links {
            out.push_str(&format!(
                "  {}[\"{}\"] --> {}[\"{} {}\"]\n",
                id(&l.from),
                l.from,
                id(&l.path),
                l.method,
                l.path
            ));
        }
        out
    }

    /// The links as a Graphviz digraph.
    pub fn dot(&self) -> String {
        let mut out = String::from("digraph routes {\n  rankdir=LR;\n  node [shape=box];\n");
        for l in &self.links {
            out.push_str(&format!("  \"{}\" -> \"{} {}\";\n", l.from, l.method, l.path));
        }
        out.push_str("}\n");
        out
    }
}

fn id(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// The paths a template or script names in quotes, with the method when the attribute
/// says (`hx-post` → POST); template and script expressions become `:` segments.
pub fn references(text: &str) -> Vec<(Option<&'static str>, String)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let q = bytes[i];
        if matches!(q, b'"' | b'\'' | b'`') && bytes[i + 1] == b'/' && bytes.get(i + 2) != Some(&b'/') {
            let start = i + 1;
            let Some(len) = text[start..].find(q as char) else { break };
            let mut literal = text[start..start + len].to_string();
            i = start + len + 1;
            // `"/api/tickets/" + id + "/status"` in a script.
            while literal.ends_with('/')
                && let Some((next, end)) = concatenated(text, i)
            {
                literal = format!("{literal}:/{next}");
                i = end;
            }
            if !literal.contains('\n') && literal != "/" {
                out.push((method_of(&text[..start - 1]), normalise(&literal)));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// After a literal: `+ expression + "/rest"` on the same line gives `/rest` and where
/// it ends.
fn concatenated(text: &str, from: usize) -> Option<(String, usize)> {
    let line = &text[from..text[from..].find('\n').map_or(text.len(), |n| from + n)];
    let rest = line.trim_start().strip_prefix('+')?;
    let q = rest.find(['"', '\'', '`'])?;
    if rest[..q].matches('+').count() != 1 {
        return None;
    }
    let quote = rest[q..].chars().next()?;
    let body = &rest[q + 1..];
    let len = body.find(quote)?;
    let next = &body[..len];
    let consumed = line.len() - rest.len() + q + 1 + len + 1;
    next.starts_with('/').then(|| (next.trim_start_matches('/').to_string(), from + consumed))
}

fn method_of(before: &str) -> Option<&'static str> {
    let attr = before.trim_end().strip_suffix('=')?.trim_end();
    let name = attr.rsplit(|c: char| c.is_whitespace() || c == '<').next()?;
    match name {
        "hx-get" | "href" | "src" => Some("GET"),
        "hx-post" => Some("POST"),
        "hx-put" => Some("PUT"),
        "hx-patch" => Some("PATCH"),
        "hx-delete" => Some("DELETE"),
        _ => None,
    }
}

/// `/tickets/{{ t.id }}/state?x=1` → `/tickets/:/state`.
fn normalise(literal: &str) -> String {
    let path = literal.split(['?', '#']).next().unwrap_or_default();
    path.split('/')
        .map(|seg| if seg.contains("{{") || seg.contains("${") || seg.contains("{%") { ":" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn same_shape(pattern: &str, url: &str) -> bool {
    let (p, u): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), url.split('/').collect());
    p.len() == u.len() && p.iter().zip(&u).all(|(p, u)| p == u || p.starts_with(':') || *u == ":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_paths_and_methods() {
        let html = r#"<form hx-post="/tickets/{{ ticket.id }}/state?x=1"><a href="/dashboard">"#;
        let js = "fetch(`/api/tickets/${id}/status`, { method: 'POST' }); new EventSource('/api/events');\n\
                  fetch(\"/api/tickets/\" + data.ticket_id + \"/status\"); x.split('/');";
        assert_eq!(
            references(html),
            vec![(Some("POST"), "/tickets/:/state".to_string()), (Some("GET"), "/dashboard".to_string())]
        );
        assert_eq!(
            references(js),
            vec![
                (None, "/api/tickets/:/status".to_string()),
                (None, "/api/events".to_string()),
                (None, "/api/tickets/:/status".to_string())
            ]
        );
        assert!(references("see https://example.org/x and '//cdn'").is_empty());
    }

    #[test]
    fn matches_route_shapes() {
        assert!(same_shape("/tickets/:id/state", "/tickets/:/state"));
        assert!(same_shape("/tickets/:id", "/tickets/7"));
        assert!(!same_shape("/tickets/:id", "/tickets"));
    }
}
