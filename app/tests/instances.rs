//! Two `goats serve` on one PostgreSQL and one Valkey (the Redis on this machine, or
//! `GOATS_TEST_REDIS_URL`) behave as one: sessions, grants, the live feed and login
//! throttling hold across them, and across a restart.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use goats_tests::{Engine, Nginx, TestDatabase};

const PASSWORD: &str = "two-instances-password";

fn redis_url() -> String {
    std::env::var("GOATS_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A form post with cookies: status and response head.
fn post_form(port: u16, path: &str, form: &str, cookie: &str, csrf: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let csrf = csrf.map(|t| format!("X-CSRF-Token: {t}\r\n")).unwrap_or_default();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {cookie}\r\n{csrf}\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, text.split_once("\r\n\r\n").map(|(h, _)| h.to_string()).unwrap_or(text))
}

/// `name=value` of each cookie the response sets.
fn cookies(head: &str) -> Vec<String> {
    head.lines()
        .filter_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie")))
        .filter_map(|(_, v)| v.trim().split(';').next().map(str::to_string))
        .collect()
}

fn hidden_csrf(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + "name=\"_csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// Signs root in through the login form on `port`: the session cookie.
fn browser_login(port: u16) -> String {
    let (status, head, body) = exchange(port, "GET", "/login", None, &[]).unwrap();
    assert_eq!(status, 200);
    let login_cookie = cookies(&head).join("; ");
    let form = format!("_csrf={}&next=%2Fdashboard&login=root%40localhost&password={PASSWORD}", hidden_csrf(&body));
    let (status, head) = post_form(port, "/login", &form, &login_cookie, None);
    assert_eq!(status, 303, "{head}");
    cookies(&head).into_iter().find(|c| c.starts_with("goats_session=")).expect("a session cookie")
}

fn page(port: u16, path: &str, cookie: &str) -> (u16, String) {
    let (status, _, body) = exchange(port, "GET", path, None, &[("Cookie", cookie)]).unwrap();
    (status, body)
}

fn api_login(port: u16, login: &str, password: &str) -> (u16, String) {
    let body = format!(r#"{{"login":"{login}","password":"{password}"}}"#);
    let (status, body) = request(port, "POST", "/api/v1/auth/login", Some(&body), None).unwrap();
    let token = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["access_token"].as_str().map(str::to_string))
        .unwrap_or_default();
    (status, token)
}

fn json(port: u16, method: &str, path: &str, body: Option<&str>, token: &str) -> serde_json::Value {
    let (status, body) = request(port, method, path, body, Some(token)).unwrap();
    assert!((200..300).contains(&status), "{method} {path}: {status} {body}");
    serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
}

/// Reads a server-sent event stream until `needle` arrives: all read so far.
fn read_stream_until(stream: &mut (TcpStream, String), needle: &str, within: Duration) -> String {
    let (stream, seen) = stream;
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    while !seen.contains(needle) {
        assert!(start.elapsed() < within, "`{needle}` did not arrive within {within:?}: {seen}");
        if let Ok(n) = stream.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    seen.clone()
}

/// A browser following the live feed: the connection and what it has read.
fn follow_events(port: u16, cookie: &str, last_event_id: Option<u64>) -> (TcpStream, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let last = last_event_id.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
    write!(
        s,
        "GET /api/events HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n{last}\r\n"
    )
    .unwrap();
    let mut stream = (s, String::new());
    read_stream_until(&mut stream, "\r\n\r\n", Duration::from_secs(5));
    stream
}

/// The id of the event that names ticket `number` in a stream's text.
fn event_id_of(text: &str, number: &str) -> u64 {
    let block = text.split("\n\n").find(|b| b.contains(number)).expect("the event");
    block.lines().find_map(|l| l.strip_prefix("id:")).expect("an id").trim().parse().unwrap()
}

/// A `goats serve` on `database` and the Valkey the tests use, its keys under `prefix`,
/// trusting a proxy on loopback to name the client.
fn shared_instance(dir: &tempdir::Dir, database: &str, prefix: &str, port: u16) -> Server {
    let mut cmd = goats(&dir.0);
    cmd.env("GOATS_DATABASE_URL", database)
        .env("GOATS_VALKEY_URL", redis_url())
        .env("GOATS_VALKEY_PREFIX", prefix)
        .env("GOATS_TRUSTED_PROXIES", "127.0.0.1")
        .env("GOATS_ADMIN_PASSWORD", PASSWORD);
    Server::start(&mut cmd, port)
}

#[tokio::test]
async fn two_instances_on_one_postgres_and_valkey_behave_as_one() {
    let database = TestDatabase::create(Engine::Postgres).await;
    let prefix = format!("goats-test-{}:", std::process::id());
    let dir = temp_dir();
    let instance = |port: u16| shared_instance(&dir, &database.url, &prefix, port);
    let (pa, pb) = (free_port(), free_port());
    let a = instance(pa);
    let b = instance(pb);

    // A browser session made through one instance is valid on the other.
    let cookie = browser_login(pa);
    let (status, dashboard) = page(pb, "/dashboard", &cookie);
    assert_eq!(status, 200, "signed in on the other instance too");
    let csrf = hidden_csrf(&dashboard);

    // A ticket created through one reaches a browser following the other.
    let mut stream = follow_events(pb, &cookie, None);
    let (_, root) = api_login(pa, "root@localhost", PASSWORD);
    let new = r#"{"title":"Shared","queue_id":4,"article":{"subject":"S","body":"Seen everywhere."}}"#;
    let ticket = json(pa, "POST", "/api/v1/tickets", Some(new), &root);
    let number = ticket["number"].as_str().unwrap().to_string();
    let ticket_id = ticket["id"].as_i64().unwrap();
    let seen = read_stream_until(&mut stream, &number, Duration::from_secs(3));
    let event_id = event_id_of(&seen, &number);

    // A grant revoked through one is enforced by the other within a second.
    let ada = r#"{"login":"ada","first_name":"Ada","last_name":"Lovelace","password":"ada-password-1"}"#;
    let ada_id = json(pa, "POST", "/api/v1/admin/agents", Some(ada), &root)["id"].as_i64().unwrap();
    json(pa, "PUT", &format!("/api/v1/admin/agents/{ada_id}/grants/1/rw"), None, &root);
    let (_, ada) = api_login(pb, "ada", "ada-password-1");
    let path = format!("/api/v1/tickets/{ticket_id}");
    assert_eq!(request(pb, "GET", &path, None, Some(&ada)).unwrap().0, 200, "Ada reads it through the other");
    json(pa, "DELETE", &format!("/api/v1/admin/agents/{ada_id}/grants/1/rw"), None, &root);
    let revoked = Instant::now();
    while request(pb, "GET", &path, None, Some(&ada)).unwrap().0 == 200 {
        assert!(revoked.elapsed() < Duration::from_secs(1), "the other instance still let Ada read it");
        std::thread::sleep(Duration::from_millis(20));
    }

    // A one-shot command's change reaches the running instances: it does not exit
    // before its notices are out.
    let queues = || json(pb, "GET", "/api/v1/admin/queues", None, &root).to_string();
    assert!(!queues().contains("\"Escalations\""), "the other instance now holds the queues");
    let added = goats(&dir.0)
        .env("GOATS_DATABASE_URL", &database.url)
        .env("GOATS_VALKEY_URL", redis_url())
        .env("GOATS_VALKEY_PREFIX", &prefix)
        .args(["queue", "add", "Escalations", "--group", "users"])
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let exited = Instant::now();
    while !queues().contains("\"Escalations\"") {
        assert!(exited.elapsed() < Duration::from_secs(1), "the running instance still lacks the new queue");
        std::thread::sleep(Duration::from_millis(20));
    }

    // Failed logins count on both: five wrong passwords spread over the two lock Ada
    // out of the next try from this client on either.
    for n in 0..5 {
        let port = if n % 2 == 0 { pa } else { pb };
        assert_eq!(api_login(port, "ada", "wrong-password").0, 401);
    }
    assert_eq!(api_login(pb, "ada", "ada-password-1").0, 429);
    assert_eq!(api_login(pa, "ada", "ada-password-1").0, 429);

    // A logout through one ends the session on the other at once.
    let (status, _) = post_form(pa, "/logout", "", &cookie, Some(&csrf));
    assert_eq!(status, 303);
    let (status, _) = page(pb, "/dashboard", &cookie);
    assert_eq!(status, 303, "signed out everywhere");

    // Restarted, an instance resumes the feed where a browser left it.
    a.stop();
    b.stop();
    let a = instance(pa);
    let cookie = browser_login(pa);
    let mut stream = follow_events(pa, &cookie, Some(event_id - 1));
    let replayed = read_stream_until(&mut stream, &number, Duration::from_secs(3));
    assert_eq!(event_id_of(&replayed, &number), event_id, "the same event, by the same id");
    a.stop();

    forget_keys(&prefix);
    database.drop_database().await;
}

fn forget_keys(prefix: &str) {
    let out = Command::new("redis-cli")
        .args(["-u", &redis_url(), "--scan", "--pattern", &format!("{prefix}*")])
        .output()
        .expect("redis-cli");
    for key in String::from_utf8_lossy(&out.stdout).lines() {
        let _ = Command::new("redis-cli").args(["-u", &redis_url(), "DEL", key]).output();
    }
}

/// A Valkey of the test's own (`redis-server`, as on this machine) on a free port, to
/// stop and start again under a running goats.
struct OwnValkey {
    port: u16,
    child: Option<Child>,
}

impl OwnValkey {
    fn start(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (the Valkey/Redis server this machine runs)");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(10), "redis-server did not start on {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { port, child: Some(child) }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnValkey {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Valkey gone while goats runs: what needs it answers 503 at once (never hangs),
/// `/readyz` says why, what does not need it goes on; once Valkey is back, everything
/// works again by itself, the live feed included.
#[test]
fn valkey_lost_while_running_fails_fast_and_recovers_by_itself() {
    let mut valkey = OwnValkey::start(free_port());
    let dir = temp_dir();
    let port = free_port();
    let server = Server::start(
        goats(&dir.0)
            .env("GOATS_VALKEY_URL", format!("redis://127.0.0.1:{}", valkey.port))
            .env("GOATS_ADMIN_PASSWORD", PASSWORD),
        port,
    );
    let cookie = browser_login(port);
    assert_eq!(page(port, "/dashboard", &cookie).0, 200);
    let (_, root) = api_login(port, "root@localhost", PASSWORD);

    valkey.stop();
    let asked = Instant::now();
    assert_eq!(page(port, "/dashboard", &cookie).0, 503, "a session cannot be read");
    assert!(asked.elapsed() < Duration::from_secs(3), "answered in {:?}", asked.elapsed());
    let (status, body) = get(port, "/readyz").unwrap();
    assert_eq!(status, 503);
    assert!(body.contains("Valkey does not answer"), "{body}");
    assert_eq!(api_login(port, "root@localhost", PASSWORD).0, 503, "failed logins cannot be counted");
    assert_eq!(request(port, "GET", "/api/v1/tickets", None, Some(&root)).unwrap().0, 200, "the API needs no Valkey");

    let valkey = OwnValkey::start(valkey.port);
    let back = Instant::now();
    while get(port, "/readyz").unwrap().0 != 200 {
        assert!(back.elapsed() < Duration::from_secs(10), "not ready again");
        std::thread::sleep(Duration::from_millis(100));
    }
    // This Valkey kept nothing, so the session went with it; a new login works.
    assert_eq!(page(port, "/dashboard", &cookie).0, 303);
    let cookie = browser_login(port);
    let mut stream = follow_events(port, &cookie, None);
    let new = r#"{"title":"After the outage","queue_id":4,"article":{"subject":"S","body":"Back."}}"#;
    let number = json(port, "POST", "/api/v1/tickets", Some(new), &root)["number"].as_str().unwrap().to_string();
    read_stream_until(&mut stream, &number, Duration::from_secs(10));
    server.stop();
    drop(valkey);
}

/// Creates tickets through `port` from `clients` threads until `total` were tried, calling
/// `progress` with the number answered so far; returns each answer: the ticket's id and
/// number when created, the status otherwise.
fn create_tickets(
    port: u16,
    token: &str,
    clients: usize,
    total: usize,
    progress: impl Fn(usize) + Sync,
) -> Vec<Result<(i64, String), u16>> {
    let tried = std::sync::atomic::AtomicUsize::new(0);
    let answers = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..clients {
            s.spawn(|| {
                while tried.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < total {
                    let new = r#"{"title":"Load","queue_id":4,"article":{"subject":"L","body":"Many at once."}}"#;
                    let answer = match request(port, "POST", "/api/v1/tickets", Some(new), Some(token)) {
                        Some((201, body)) => {
                            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                            Ok((v["id"].as_i64().unwrap(), v["number"].as_str().unwrap().to_string()))
                        }
                        Some((status, _)) => Err(status),
                        None => Err(0),
                    };
                    let done = {
                        let mut all = answers.lock().unwrap();
                        all.push(answer);
                        all.len()
                    };
                    progress(done);
                }
            });
        }
    });
    answers.into_inner().unwrap()
}

/// Two goats behind nginx on one PostgreSQL and one Valkey: a browser session holds
/// whichever instance nginx picks, 500 tickets created at once through it get 500
/// distinct numbers, and an instance killed (SIGKILL) in the middle of creations loses
/// none that were acknowledged.
#[tokio::test]
async fn two_instances_behind_nginx_lose_no_acknowledged_write() {
    let database = TestDatabase::create(Engine::Postgres).await;
    let prefix = format!("goats-test-nginx-{}:", std::process::id());
    let dir = temp_dir();
    let instance = |port: u16| shared_instance(&dir, &database.url, &prefix, port);
    let (pa, pb) = (free_port(), free_port());
    let a = instance(pa);
    let mut b = instance(pb);
    let nginx = Nginx::start(&[pa, pb]).unwrap();

    // Round-robin: the pages go to both instances, the session holds on each.
    let cookie = browser_login(nginx.port);
    for _ in 0..4 {
        assert_eq!(page(nginx.port, "/dashboard", &cookie).0, 200);
    }

    let (_, token) = api_login(nginx.port, "root@localhost", PASSWORD);
    let answers = create_tickets(nginx.port, &token, 32, 500, |_| {});
    let created: Vec<_> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
    assert_eq!(created.len(), 500, "every creation acknowledged: {:?}", answers.iter().filter(|a| a.is_err()).count());
    let numbers: std::collections::HashSet<_> = created.iter().map(|(_, n)| n).collect();
    assert_eq!(numbers.len(), 500, "500 distinct ticket numbers");

    // One instance killed while creations run: those acknowledged are all stored.
    let mut b_child = b.0.take().unwrap();
    let pid = b_child.id().to_string();
    let killed = std::sync::atomic::AtomicBool::new(false);
    let answers = create_tickets(nginx.port, &token, 16, 400, |done| {
        if done >= 100 && !killed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            Command::new("kill").args(["-KILL", &pid]).status().unwrap();
        }
    });
    let status = b_child.wait().unwrap();
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "killed mid-load");
    drop(b);
    let acknowledged: Vec<_> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
    let refused: Vec<_> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
    assert!(acknowledged.len() >= 300, "nginx moved on to the live instance: {refused:?}");
    assert!(refused.iter().all(|s| [0, 502, 503, 504].contains(*s)), "only the killed instance's: {refused:?}");

    let db = goats_sql::Db::connect(&database.url).await.unwrap();
    let rows = sea_orm::ConnectionTrait::query_all_raw(
        db.connection(),
        sea_orm::Statement::from_string(sea_orm::DatabaseBackend::Postgres, "SELECT id, tn FROM ticket".to_string()),
    )
    .await
    .unwrap();
    let stored: std::collections::HashMap<i64, String> =
        rows.iter().map(|r| (r.try_get::<i64>("", "id").unwrap(), r.try_get::<String>("", "tn").unwrap())).collect();
    for (id, number) in created.iter().chain(&acknowledged) {
        assert_eq!(stored.get(id), Some(number), "acknowledged ticket {id} is stored with its number");
    }
    let distinct: std::collections::HashSet<_> = stored.values().collect();
    assert_eq!(distinct.len(), stored.len(), "no number given twice");
    db.close().await;

    drop(nginx);
    a.stop();
    forget_keys(&prefix);
    database.drop_database().await;
}
