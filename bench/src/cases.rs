//! What the load generator sends: one case per kind of request the issues name, each a
//! method, paths, headers and a body, prepared with a logged-in agent and customer.
//! Every read case picks at random among thousands of different requests — tickets from
//! all over the seeded data, list pages with varied filters and sorts, searches for
//! different words — as agents and customers make them, so what is measured is goats
//! and its database, not a cache answering one URL again.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::server::{AGENT, PASSWORD};

/// Whether a case changes data (targets differ for reads and writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Ceiling,
    Read,
    Write,
    /// Reads and writes at once (see [`Mix`]).
    Mixed,
}

#[derive(Clone)]
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

/// What the cases need from the running server: an access token, page sessions for an
/// agent and a customer, and the tickets, queues and words the requests pick from.
pub struct Fixture {
    token: String,
    cookie: String,
    /// The portal session of a customer of the seeded data.
    customer_cookie: String,
    /// Tickets from all over the seeded data, read at random.
    sample: Vec<i64>,
    /// The customer's own tickets.
    customer_tickets: Vec<i64>,
    queues: Vec<i64>,
    /// Words of the seeded tickets' titles, searched for at random.
    words: Vec<String>,
    /// A ticket with 50 articles, among those the zoom opens.
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
/// How many different requests each read case picks from: more than the caches keep
/// (10,000 tickets; 25,000 tickets of list pages) and than a case makes in its seconds,
/// so what the database answers is measured. (At 2,000, nearly every random ticket and
/// list page came from the cache: 99 % hits.)
const VARIANTS: usize = 20_000;
/// How many tickets the random ones are picked from, in pages of 500.
const SAMPLED_PAGES: usize = 40;
/// The customer whose portal is measured gets this password.
const CUSTOMER_PASSWORD: &str = "bench-customer-0123";

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("preparing the cases: {what}: {e}")
}

impl Fixture {
    /// The agent's access token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A ticket of this run's own, to change at will.
    pub fn scratch_ticket(&self) -> i64 {
        self.scratch[0]
    }

    /// How many tickets the database holds, as the agent sees them.
    pub fn tickets_held(base: &str) -> Result<u64, String> {
        let (agent, token) = api_login(base)?;
        let resp = agent
            .get(&format!("{base}/api/v1/tickets?per_page=1"))
            .set("authorization", &format!("Bearer {token}"))
            .call()
            .map_err(|e| err("the ticket count", e))?;
        body(resp)?["total"].as_u64().ok_or_else(|| err("the ticket count", "no total"))
    }

    /// `seeded`: how many tickets the database holds; the sample is drawn from all of them.
    pub fn create(base: &str, seeded: u64) -> Result<Self, String> {
        let (agent, token) = api_login(base)?;
        let auth = format!("Bearer {token}");
        let api = |method: &str, path: &str, payload: Option<Value>| -> Result<Value, String> {
            let req = agent.request(method, &format!("{base}/api/v1{path}")).set("authorization", &auth);
            let resp = match payload {
                Some(p) => req.set("content-type", "application/json").send_string(&p.to_string()),
                None => req.call(),
            };
            body(resp.map_err(|e| err(path, e))?)
        };

        // Pages of 500 from all over the seeded tickets.
        let mut rng = StdRng::seed_from_u64(7);
        let pages = (seeded / 500).max(1);
        let mut items = Vec::new();
        for _ in 0..SAMPLED_PAGES {
            let page = rng.random_range(1..=pages);
            let found = api("GET", &format!("/tickets?per_page=500&page={page}&sort=created&order=asc"), None)?;
            items.extend(found["items"].as_array().cloned().unwrap_or_default());
        }
        let first = items.first().ok_or_else(|| err("the seeded tickets", "none found"))?.clone();
        let mut sample: Vec<i64> = items.iter().filter_map(|t| t["id"].as_i64()).collect();
        let mut queues: Vec<i64> = items.iter().filter_map(|t| t["queue_id"].as_i64()).collect();
        queues.sort_unstable();
        queues.dedup();
        let mut words: Vec<String> = items
            .iter()
            .filter_map(|t| t["title"].as_str())
            .flat_map(|title| title.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| w.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect();
        words.sort();
        words.dedup();
        let queue_id = first["queue_id"].as_i64().unwrap_or(2);

        let created = api("POST", "/tickets", Some(new_ticket(queue_id, "Zoom with fifty articles")))?;
        let zoom = created["id"].as_i64().ok_or_else(|| err("the zoom ticket", "no id"))?;
        for i in 2..=50 {
            api("POST", &format!("/tickets/{zoom}/articles"), Some(new_article(i)))?;
        }
        sample.push(zoom);
        let mut scratch = Vec::new();
        for _ in 0..SCRATCH_TICKETS {
            let t = api("POST", "/tickets", Some(new_ticket(queue_id, "Articles added under load")))?;
            scratch.push(t["id"].as_i64().ok_or_else(|| err("a scratch ticket", "no id"))?);
        }

        // The customer of the first sampled ticket, with a password for the portal.
        let customer = first["customer_user_id"].as_str().ok_or_else(|| err("a customer", "none"))?.to_string();
        api("PATCH", &format!("/admin/customer-users/{customer}"), Some(json!({ "password": CUSTOMER_PASSWORD })))?;
        let theirs = api("GET", &format!("/tickets?customer_user_id={customer}&per_page=500"), None)?;
        let customer_tickets = theirs["items"].as_array().map(|a| a.iter().filter_map(|t| t["id"].as_i64()).collect());
        let customer_tickets: Vec<i64> = customer_tickets.unwrap_or_default();
        if customer_tickets.is_empty() {
            return Err(err("the customer's tickets", format!("{customer} has none")));
        }

        let cookie = form_login(&agent, base, "/login", AGENT, PASSWORD, "goats_session")?;
        let customer_cookie =
            form_login(&agent, base, "/customer/login", &customer, CUSTOMER_PASSWORD, "goats_customer_session")?;
        Ok(Fixture { token, cookie, customer_cookie, sample, customer_tickets, queues, words, zoom, scratch, queue_id })
    }
}

/// Logs in through a login form (its CSRF cookie first) and returns the session cookie.
pub fn form_login(
    agent: &ureq::Agent,
    base: &str,
    path: &str,
    login: &str,
    password: &str,
    session: &str,
) -> Result<String, String> {
    let form = agent.get(&format!("{base}{path}")).call().map_err(|e| err(path, e))?;
    let csrf = cookie(&form, "goats_login_csrf").ok_or_else(|| err(path, "no CSRF cookie"))?;
    let resp = match agent
        .post(&format!("{base}{path}"))
        .set("cookie", &format!("goats_login_csrf={csrf}"))
        .send_form(&[("_csrf", &csrf), ("login", login), ("password", password), ("next", "")])
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(err(path, e)),
    };
    let value = cookie(&resp, session).ok_or_else(|| err(path, resp.status()))?;
    Ok(format!("{session}={value}"))
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

/// Several cases at once, each with its share of the clients: what a help desk's server
/// sees while its agents work.
pub struct Mix {
    pub name: &'static str,
    pub parts: Vec<(u32, Case)>,
}

impl Mix {
    pub fn wanted(&self, words: &[String]) -> bool {
        words.is_empty() || words.iter().any(|w| self.name.contains(w.as_str()))
    }
}

/// Agents at work: lists (varied), tickets opened at random, searches, notes added, and
/// tickets opened and closed (two streams setting the same tickets open and closed, so
/// most requests change a state), as 3 : 3 : 2 : 1 : 1 : 1. `cases` are [`all`]'s.
pub fn mixes(f: &Fixture, cases: &[Case]) -> Vec<Mix> {
    let find = |name: &str| cases.iter().find(|c| c.name == name).cloned();
    let state = |name: &'static str, state_id: i32| Case {
        name,
        kind: Kind::Write,
        method: "PATCH",
        path: format!("/api/v1/tickets/{}", f.scratch[0]),
        headers: vec![
            ("authorization".into(), format!("Bearer {}", f.token)),
            ("content-type".into(), "application/json".into()),
        ],
        body: Some(json!({ "state_id": state_id }).to_string()),
        also: f.scratch[1..].iter().map(|id| format!("/api/v1/tickets/{id}")).collect(),
    };
    let parts = [
        (3, find("page list varied")),
        (3, find("page zoom random")),
        (2, find("page search words")),
        (1, find("api article add")),
        (1, Some(state("state open", 4))),
        (1, Some(state("state closed", 2))),
    ];
    vec![Mix { name: "mixed agent work", parts: parts.into_iter().filter_map(|(w, c)| Some((w, c?))).collect() }]
}

/// An HTTP agent that follows no redirects, and an API token of the bench's agent.
fn api_login(base: &str) -> Result<(ureq::Agent, String), String> {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let login = json!({ "login": AGENT, "password": PASSWORD }).to_string();
    let resp = agent
        .post(&format!("{base}/api/v1/auth/login"))
        .set("content-type", "application/json")
        .send_string(&login)
        .map_err(|e| err("API login", e))?;
    let token = body(resp)?["access_token"].as_str().unwrap_or_default().to_string();
    Ok((agent, token))
}

/// `count` paths made by `make` from a generator seeded alike on every run, so two runs
/// ask for the same mix.
fn varied(count: usize, mut make: impl FnMut(&mut StdRng) -> String) -> (String, Vec<String>) {
    let mut rng = StdRng::seed_from_u64(42);
    let mut paths: Vec<String> = (0..count).map(|_| make(&mut rng)).collect();
    let first = paths.remove(0);
    (first, paths)
}

/// Words from the seeded text, as agents search: a title's word (thousands of tickets), two
/// words, a phrase, a device or place, an excluded word, an asset tag or invoice number
/// (a ticket or a few), a word no ticket has.
fn search(rng: &mut StdRng, title_words: &[String]) -> String {
    const NAMED: [&str; 12] = [
        "thinkpad",
        "laserjet",
        "anyconnect",
        "outlook",
        "bitlocker",
        "münchen",
        "zürich",
        "0x80070005",
        "cf259a",
        "nxdomain",
        "kraków",
        "quota",
    ];
    let word = pick(rng, title_words).clone();
    let named = *pick(rng, &NAMED);
    match rng.random_range(0..8) {
        0 | 1 => word,
        2 => format!("{word} {named}"),
        3 => "\"paper jam\"".to_string(),
        4 => named.to_string(),
        5 => format!("{word} -{named}"),
        6 => format!("\"AT-{:05}\"", rng.random_range(0..40_000)),
        _ => format!("{word}x{}", rng.random_range(0..1000)),
    }
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn pick<'a, T>(rng: &mut StdRng, from: &'a [T]) -> &'a T {
    &from[rng.random_range(0..from.len())]
}

/// A read case over many different paths.
fn read(name: &'static str, headers: &[(String, String)], (path, also): (String, Vec<String>)) -> Case {
    Case { name, kind: Kind::Read, method: "GET", path, headers: headers.to_vec(), body: None, also }
}

pub fn all(f: &Fixture) -> Vec<Case> {
    let bearer = vec![("authorization".to_string(), format!("Bearer {}", f.token))];
    let json_bearer = {
        let mut h = bearer.clone();
        h.push(("content-type".into(), "application/json".into()));
        h
    };
    let cookie = vec![("cookie".to_string(), f.cookie.clone())];
    let customer = vec![("cookie".to_string(), f.customer_cookie.clone())];
    let api_states = ["", "&state_type=new&state_type=open", "&state_type=closed", "&state_type=pending_reminder"];
    let api_sorts = ["created", "changed", "priority", "number", "title", "state", "queue"];
    let orders = ["asc", "desc"];
    let page_states = ["active", "closed", "all"];
    let page_sorts = ["created", "changed", "priority", "number", "title", "state", "queue", "owner"];
    let queue = |rng: &mut StdRng| match rng.random_range(0..3) {
        0 => None,
        _ => Some(*pick(rng, &f.queues)),
    };
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
        read("api ticket random", &bearer, varied(VARIANTS, |rng| format!("/api/v1/tickets/{}", pick(rng, &f.sample)))),
        // A page of 50 out of the first 20, any states, any queue, any order.
        read(
            "api list varied",
            &bearer,
            varied(VARIANTS, |rng| {
                let q = queue(rng).map(|q| format!("&queue_id={q}")).unwrap_or_default();
                format!(
                    "/api/v1/tickets?per_page=50&page={}{}{q}&sort={}&order={}",
                    rng.random_range(1..=20),
                    pick(rng, &api_states),
                    pick(rng, &api_sorts),
                    pick(rng, &orders)
                )
            }),
        ),
        read(
            "api search words",
            &bearer,
            varied(VARIANTS, |rng| format!("/api/v1/tickets?per_page=50&text={}", encode(&search(rng, &f.words)))),
        ),
        read(
            "page search words",
            &cookie,
            varied(VARIANTS, |rng| format!("/tickets?q={}", encode(&search(rng, &f.words)))),
        ),
        read(
            "page list varied",
            &cookie,
            varied(VARIANTS, |rng| {
                let q = queue(rng).map(|q| format!("&queue={q}")).unwrap_or_default();
                format!(
                    "/tickets?state={}{q}&sort={}&dir={}&page={}",
                    pick(rng, &page_states),
                    pick(rng, &page_sorts),
                    pick(rng, &orders),
                    rng.random_range(1..=10)
                )
            }),
        ),
        read(
            "page zoom random",
            &cookie,
            varied(VARIANTS, |rng| {
                // One request in twenty opens the ticket with fifty articles.
                let id = if rng.random_range(0..20) == 0 { f.zoom } else { *pick(rng, &f.sample) };
                format!("/tickets/{id}")
            }),
        ),
        read(
            "portal list varied",
            &customer,
            varied(VARIANTS, |rng| {
                format!(
                    "/customer?state={}&whose={}&sort={}&page={}",
                    pick(rng, &["open", "closed", "all"]),
                    pick(rng, &["mine", "company"]),
                    pick(rng, &["newest", "oldest", "changed"]),
                    rng.random_range(1..=4)
                )
            }),
        ),
        read(
            "portal ticket random",
            &customer,
            varied(VARIANTS, |rng| format!("/customer/tickets/{}", pick(rng, &f.customer_tickets))),
        ),
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
