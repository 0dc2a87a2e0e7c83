//! What the load generator sends: one case per kind of request the issue names, each a
//! method, a path, headers and a body, prepared with a logged-in agent.

use serde_json::{Value, json};

use crate::server::{AGENT, PASSWORD};

/// Whether a case changes data (targets differ for reads and writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Ceiling,
    Read,
    Write,
}

pub struct Case {
    pub name: &'static str,
    pub kind: Kind,
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// More paths the requests go to, picked at random with `path` (empty: only `path`).
    pub also: Vec<String>,
}

impl Case {
    /// Whether a run asking for `words` (any of them in the name; all when none) measures
    /// this case. The ceiling is always measured: every other case is a share of it.
    pub fn wanted(&self, words: &[String]) -> bool {
        words.is_empty() || matches!(self.kind, Kind::Ceiling) || words.iter().any(|w| self.name.contains(w.as_str()))
    }
}

/// What the cases need from the running server: an access token, a page session, and
/// the tickets they read and write.
pub struct Fixture {
    token: String,
    cookie: String,
    /// A ticket from the middle of the seeded data.
    typical: i64,
    /// A ticket with 50 articles, for the zoom page.
    zoom: i64,
    /// Tickets of this run's own for the articles added under load, as agents each work
    /// their own tickets. One ticket taking thousands of articles a second measured
    /// PostgreSQL's dead versions of that one row (each change leaves one until vacuum)
    /// rather than goats; docs/performance.md has that case too.
    scratch: Vec<i64>,
    queue_id: i64,
}

/// How many tickets the articles added under load go to.
const SCRATCH_TICKETS: usize = 100;

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("preparing the cases: {what}: {e}")
}

impl Fixture {
    /// `seeded`: how many tickets the database holds; the typical ticket is from the middle.
    pub fn create(base: &str, seeded: u64) -> Result<Self, String> {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let login = json!({ "login": AGENT, "password": PASSWORD }).to_string();
        let resp = agent
            .post(&format!("{base}/api/v1/auth/login"))
            .set("content-type", "application/json")
            .send_string(&login)
            .map_err(|e| err("API login", e))?;
        let token = body(resp)?["access_token"].as_str().unwrap_or_default().to_string();
        let auth = format!("Bearer {token}");
        let api = |method: &str, path: &str, payload: Option<Value>| -> Result<Value, String> {
            let req = agent.request(method, &format!("{base}/api/v1{path}")).set("authorization", &auth);
            let resp = match payload {
                Some(p) => req.set("content-type", "application/json").send_string(&p.to_string()),
                None => req.call(),
            };
            body(resp.map_err(|e| err(path, e))?)
        };
        let middle = (seeded / 2).max(1);
        let page = api("GET", &format!("/tickets?per_page=1&page={middle}&sort=created&order=asc"), None)?;
        let typical = page["items"][0]["id"].as_i64().ok_or_else(|| err("a seeded ticket", "none found"))?;
        let queue_id = page["items"][0]["queue_id"].as_i64().unwrap_or(2);
        let created = api("POST", "/tickets", Some(new_ticket(queue_id, "Zoom with fifty articles")))?;
        let zoom = created["id"].as_i64().ok_or_else(|| err("the zoom ticket", "no id"))?;
        let mut scratch = Vec::new();
        for _ in 0..SCRATCH_TICKETS {
            let t = api("POST", "/tickets", Some(new_ticket(queue_id, "Articles added under load")))?;
            scratch.push(t["id"].as_i64().ok_or_else(|| err("a scratch ticket", "no id"))?);
        }
        for i in 2..=50 {
            api("POST", &format!("/tickets/{zoom}/articles"), Some(new_article(i)))?;
        }

        // A browser session for the pages: the login form's CSRF cookie, then the login.
        let form = agent.get(&format!("{base}/login")).call().map_err(|e| err("login page", e))?;
        let csrf = cookie(&form, "goats_login_csrf").ok_or_else(|| err("login page", "no CSRF cookie"))?;
        let resp = match agent
            .post(&format!("{base}/login"))
            .set("cookie", &format!("goats_login_csrf={csrf}"))
            .send_form(&[("_csrf", &csrf), ("login", AGENT), ("password", PASSWORD), ("next", "")])
        {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(err("page login", e)),
        };
        let session = cookie(&resp, "goats_session").ok_or_else(|| err("page login", resp.status()))?;
        Ok(Fixture { token, cookie: format!("goats_session={session}"), typical, zoom, scratch, queue_id })
    }
}

pub fn body(resp: ureq::Response) -> Result<Value, String> {
    serde_json::from_str(&resp.into_string().map_err(|e| err("reading", e))?).map_err(|e| err("JSON", e))
}

fn cookie(resp: &ureq::Response, name: &str) -> Option<String> {
    resp.all("set-cookie")
        .into_iter()
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(|v| v.split(';').next().unwrap_or("").to_string()))
        .filter(|v| !v.is_empty())
}

pub fn new_ticket(queue_id: i64, title: &str) -> Value {
    json!({
        "title": title,
        "queue_id": queue_id,
        "customer_user_id": "bench@example.com",
        "article": { "subject": title, "body": "Measured by make bench.", "channel": "phone", "sender_type": "customer", "visible_for_customer": true }
    })
}

fn new_article(i: u32) -> Value {
    json!({ "subject": format!("Update {i}"), "body": "Still measuring. ".repeat(20), "visible_for_customer": i.is_multiple_of(2) })
}

pub fn all(f: &Fixture) -> Vec<Case> {
    let bearer = vec![("authorization".to_string(), format!("Bearer {}", f.token))];
    let json_bearer = {
        let mut h = bearer.clone();
        h.push(("content-type".into(), "application/json".into()));
        h
    };
    let cookie = vec![("cookie".to_string(), f.cookie.clone())];
    vec![
        Case {
            name: "healthz",
            kind: Kind::Ceiling,
            method: "GET",
            path: "/healthz".into(),
            headers: vec![],
            body: None,
            also: vec![],
        },
        Case {
            name: "api ticket get",
            kind: Kind::Read,
            method: "GET",
            path: format!("/api/v1/tickets/{}", f.typical),
            headers: bearer.clone(),
            body: None,
            also: vec![],
        },
        // Lists sort by age, newest first, as OTRS's queue view does by default.
        Case {
            name: "api ticket list",
            kind: Kind::Read,
            method: "GET",
            path: "/api/v1/tickets?state_type=new&state_type=open&sort=created&order=desc&per_page=50".into(),
            headers: bearer.clone(),
            body: None,
            also: vec![],
        },
        Case {
            name: "page ticket list",
            kind: Kind::Read,
            method: "GET",
            path: "/tickets?state=active".into(),
            headers: cookie.clone(),
            body: None,
            also: vec![],
        },
        Case {
            name: "page zoom 50 articles",
            kind: Kind::Read,
            method: "GET",
            path: format!("/tickets/{}", f.zoom),
            headers: cookie,
            body: None,
            also: vec![],
        },
        Case {
            name: "api ticket create",
            kind: Kind::Write,
            method: "POST",
            path: "/api/v1/tickets".into(),
            headers: json_bearer.clone(),
            body: Some(new_ticket(f.queue_id, "Created under load").to_string()),
            also: vec![],
        },
        Case {
            name: "api article add",
            kind: Kind::Write,
            method: "POST",
            path: format!("/api/v1/tickets/{}/articles", f.scratch[0]),
            headers: json_bearer,
            body: Some(new_article(7).to_string()),
            also: f.scratch[1..].iter().map(|id| format!("/api/v1/tickets/{id}/articles")).collect(),
        },
        Case {
            name: "api login",
            kind: Kind::Write,
            method: "POST",
            path: "/api/v1/auth/login".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(json!({ "login": AGENT, "password": PASSWORD }).to_string()),
            also: vec![],
        },
    ]
}
