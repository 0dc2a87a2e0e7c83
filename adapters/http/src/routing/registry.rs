//! What route files may name: the handlers the HTTP edge registers from code (see
//! [`handlers`](super::handlers)), and the templates compiled into the binary.

use std::collections::BTreeMap;

use poem::Response;
use poem::endpoint::BoxEndpoint;

use crate::AppState;

include!(concat!(env!("OUT_DIR"), "/sources.rs"));

/// An endpoint a route may mount.
pub type MakeEndpoint = fn() -> BoxEndpoint<'static, Response>;

/// One registered handler.
pub struct HandlerSpec {
    pub kind: HandlerKind,
    /// The templates it renders; a route naming a template must name one of these.
    pub templates: &'static [&'static str],
}

pub enum HandlerKind {
    /// Answers the one method and path its route gives.
    Endpoint(MakeEndpoint),
    /// A whole service mounted at its route's path, answering the paths it lists (the
    /// REST API); its routes appear in the manifest one by one.
    Mount { make: fn(&AppState) -> BoxEndpoint<'static, Response>, routes: fn() -> Vec<MountedRoute> },
}

/// A route a mount answers, relative to where it is mounted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountedRoute {
    pub method: String,
    /// In route-file syntax (`/v1/tickets/:id`).
    pub path: String,
    /// What the mount calls it (the OpenAPI operation id).
    pub operation: String,
    /// Whether the route demands a bearer token itself.
    pub bearer: bool,
}

/// Handlers by name.
#[derive(Default)]
pub struct Registry {
    handlers: BTreeMap<&'static str, HandlerSpec>,
}

impl Registry {
    pub fn add(&mut self, name: &'static str, templates: &'static [&'static str], make: MakeEndpoint) -> &mut Self {
        self.handlers.insert(name, HandlerSpec { kind: HandlerKind::Endpoint(make), templates });
        self
    }

    pub fn add_mount(
        &mut self,
        name: &'static str,
        make: fn(&AppState) -> BoxEndpoint<'static, Response>,
        routes: fn() -> Vec<MountedRoute>,
    ) -> &mut Self {
        self.handlers.insert(name, HandlerSpec { kind: HandlerKind::Mount { make, routes }, templates: &[] });
        self
    }

    pub fn get(&self, name: &str) -> Option<&HandlerSpec> {
        self.handlers.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }

    /// The registered name closest to a mistyped one, for the error message.
    pub fn closest(&self, name: &str) -> Option<&'static str> {
        closest(name, self.names())
    }
}

/// Whether a template of this name is compiled into the binary.
pub fn template_exists(name: &str) -> bool {
    TEMPLATES.iter().any(|(n, _)| *n == name)
}

/// The candidate within a few edits of `wanted`, if one is.
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates.map(|c| (edit_distance(wanted, c), c)).filter(|(d, c)| *d <= 2.max(c.len() / 4)).min().map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_name() {
        let names = ["ticket_zoom", "ticket_list", "dashboard"];
        assert_eq!(closest("ticket_zom", names.into_iter()), Some("ticket_zoom"));
        assert_eq!(closest("dashbord", names.into_iter()), Some("dashboard"));
        assert_eq!(closest("nothing_alike", names.into_iter()), None);
    }

    #[test]
    fn knows_the_compiled_templates() {
        assert!(template_exists("pages/ticket.html"));
        assert!(!template_exists("pages/nothing.html"));
    }
}
