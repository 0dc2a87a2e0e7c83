//! The `goats` binary as an operator meets it: no configuration at all, environment
//! overrides, the user commands, health checks, and clear errors on bad input.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

use goats_core::password;
use goats_core::ports::AgentRepository;
use goats_sql::Db;
use goats_tests::{Engine, TestDatabase};

#[tokio::test]
async fn with_no_configuration_serve_creates_sqlite_and_a_one_time_admin_password() {
    let dir = temp_dir();
    let port = free_port();
    let server = Server::start(&mut goats(&dir.0), port);
    assert_eq!(get(port, "/healthz").unwrap().0, 200);
    assert!(dir.0.join("data/goats.db").exists());
    // What a container runtime runs: ready while it serves, not once it is gone.
    let listen = format!("127.0.0.1:{port}");
    let check = goats(&dir.0).env("GOATS_LISTEN", &listen).arg("healthcheck").output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    let out = server.stop();
    let check = goats(&dir.0).env("GOATS_LISTEN", &listen).arg("healthcheck").output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("does not answer"), "{}", stderr(&check));
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let line = err.lines().find(|l| l.contains("password:")).unwrap_or_else(|| panic!("no password printed: {err}"));
    let secret = line.rsplit(' ').next().unwrap();
    assert_eq!(secret.len(), 20);

    let db = Db::connect(&format!("sqlite://{}/data/goats.db", dir.0.display())).await.unwrap();
    let creds = AgentRepository::credentials(&db, "root@localhost").await.unwrap().unwrap();
    assert!(creds.password_hash.starts_with("BCRYPT:"), "stored in OTRS's bcrypt form");
    assert!(password::verify(secret, &creds.password_hash, "root@localhost"));
    assert!(!password::verify("root", &creds.password_hash, "root@localhost"), "never OTRS's known default");
    db.close().await;

    // A second start on the same database prints no password.
    let port = free_port();
    let out = Server::start(&mut goats(&dir.0), port).stop();
    assert!(!stderr(&out).contains("password:"), "{}", stderr(&out));
}

#[tokio::test]
async fn admin_password_from_the_environment_and_user_commands() {
    let dir = temp_dir();
    let out = goats(&dir.0).env("GOATS_ADMIN_PASSWORD", "correct horse battery").arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("correct horse"), "the configured password is never echoed");

    let mut add = goats(&dir.0)
        .args([
            "user",
            "add",
            "ada",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--email",
            "ada@example.com",
            "--password-stdin",
            "--admin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"analytical-engine\n").unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("rw on users, admin"));

    let out = goats(&dir.0).args(["user", "list"]).output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("ada") && listing.contains("ada@example.com") && listing.contains("root@localhost"),
        "{listing}"
    );

    let out = goats(&dir.0).args(["user", "passwd", "ada"]).output().unwrap();
    assert!(out.status.success());
    let new_secret = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("password: ").map(str::to_string))
        .unwrap();

    let db = Db::connect(&format!("sqlite://{}/data/goats.db", dir.0.display())).await.unwrap();
    let root = AgentRepository::credentials(&db, "root@localhost").await.unwrap().unwrap();
    assert!(password::verify("correct horse battery", &root.password_hash, "root@localhost"));
    let ada = AgentRepository::credentials(&db, "ada").await.unwrap().unwrap();
    assert!(password::verify(&new_secret, &ada.password_hash, "ada"));
    assert!(!password::verify("analytical-engine", &ada.password_hash, "ada"));
    db.close().await;

    assert_clean_failure(
        &goats(&dir.0).args(["user", "passwd", "nobody"]).output().unwrap(),
        "no agent with login `nobody`",
    );
    let out = goats(&dir.0)
        .args(["user", "add", "x", "--first-name", "X", "--last-name", "Y", "--group", "nosuch"])
        .output()
        .unwrap();
    assert_clean_failure(&out, "no group named `nosuch`");
    // The same checks as the admin API and pages, and nothing is added when one fails.
    let add = |login: &str, email: &str| {
        goats(&dir.0).args(["user", "add", login, "--first-name", "X", "--last-name", "Y", "--email", email]).output()
    };
    assert_clean_failure(&add("x", "not-an-address").unwrap(), "email: not an email address");
    assert_clean_failure(&add("ada", "ada@example.com").unwrap(), "an agent with the login ada exists");
    assert_clean_failure(&add("two words", "x@example.com").unwrap(), "login: a login of 1 to 200 characters");
    let listing = goats(&dir.0).args(["user", "list"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&listing.stdout).contains(" x "), "nothing half-added");
}

#[test]
fn bad_input_gets_one_clear_message() {
    let dir = temp_dir();
    std::fs::write(dir.0.join("goats.yaml"), "listen: 127.0.0.1:9\ndatabse:\n  url: x\n").unwrap();
    assert_clean_failure(&goats(&dir.0).arg("migrate").output().unwrap(), "unknown field `databse`");
    std::fs::remove_file(dir.0.join("goats.yaml")).unwrap();

    assert_clean_failure(
        &goats(&dir.0).args(["--config", "missing.yaml", "migrate"]).output().unwrap(),
        "cannot read missing.yaml",
    );
    assert_clean_failure(
        &goats(&dir.0).env("GOATS_DATABASE_URL", "postgres://goats:hunter2@").arg("migrate").output().unwrap(),
        "is not a URL",
    );
    assert_clean_failure(
        &goats(&dir.0).env("GOATS_DATABASE_URL", "oracle://goats:hunter2@db/x").arg("migrate").output().unwrap(),
        "scheme `oracle`",
    );
    assert_clean_failure(
        &goats(&dir.0)
            .env("GOATS_DATABASE_URL", "postgres://goats:hunter2@127.0.0.1:9/goats")
            .arg("migrate")
            .output()
            .unwrap(),
        "cannot reach the database at postgres://goats:*****@127.0.0.1:9/goats",
    );
    assert_clean_failure(
        &goats(&dir.0).env("DB_DRIVER", "oracle").arg("migrate").output().unwrap(),
        "DB_DRIVER `oracle`",
    );
    assert_clean_failure(&goats(&dir.0).args(["serve", "--listen", "nowhere"]).output().unwrap(), "not host:port");
    let out = goats(&dir.0).env("GOATS_VALKEY_URL", "redis://:hunter2@127.0.0.1:9/0").arg("migrate").output().unwrap();
    assert_clean_failure(&out, "cannot reach Valkey at redis://:*****@127.0.0.1:9/0");
    assert_eq!(out.status.code(), Some(75), "worth trying again later");
    assert!(!dir.0.join("data/goats.db").exists(), "nothing was created");
    assert_clean_failure(
        &goats(&dir.0).env("GOATS_VALKEY_URL", "memcached://cache").arg("migrate").output().unwrap(),
        "valkey.url must be a redis:// or valkey:// URL",
    );
    let traced = |k: &str, v: &str| {
        goats(&dir.0)
            .env(k, v)
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
            .arg("migrate")
            .output()
            .unwrap()
    };
    assert_clean_failure(
        &traced("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        "OTEL_EXPORTER_OTLP_PROTOCOL grpc is not one goats sends",
    );
    assert_clean_failure(
        &goats(&dir.0).env("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example:4318").arg("migrate").output().unwrap(),
        "OTEL_EXPORTER_OTLP_ENDPOINT https://otel.example:4318 must be an http:// URL",
    );
    assert!(!dir.0.join("data/goats.db").exists(), "nothing was created");
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = temp_dir();
    assert!(goats(&dir.0).arg("migrate").output().unwrap().status.success());
    let db = Db::connect(&format!("sqlite://{}/data/goats.db", dir.0.display())).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        db.connection(),
        "INSERT INTO goats_schema_version (version, description, applied_at) VALUES (42, 'future', '2030-01-01 00:00:00')",
    )
    .await
    .unwrap();
    db.close().await;
    assert_clean_failure(&goats(&dir.0).arg("serve").output().unwrap(), "schema version 42, newer than this goats");
}

#[test]
fn config_show_masks_secrets_and_logs_can_be_json() {
    let dir = temp_dir();
    let out = goats(&dir.0)
        .env("DB_DRIVER", "postgres")
        .env("DB_HOST", "db.internal")
        .env("DB_USER", "otrs")
        .env("DB_PASSWORD", "hunter2")
        .env("DB_NAME", "otrs")
        .args(["config", "show"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("postgres://otrs:*****@db.internal:5432/otrs"), "{shown}");
    assert!(!shown.contains("hunter2"));

    let out = goats(&dir.0).env("GOATS_LOG_FORMAT", "json").env("GOATS_LOG", "info").arg("migrate").output().unwrap();
    let first = stderr(&out).lines().find(|l| l.starts_with('{')).map(str::to_string).unwrap_or_default();
    let parsed: serde_json::Value = serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(parsed["level"], "INFO");
}

/// On the server databases, through the GOTRS-style variables: migrate, serve, and
/// `/readyz` turning 503 when the database goes away while `/healthz` stays 200.
#[tokio::test]
async fn server_databases_and_readiness() {
    for engine in [Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        let url = url::Url::parse(&t.url).unwrap();
        let dir = temp_dir();
        let mut cmd = goats(&dir.0);
        cmd.env("DB_DRIVER", if engine == Engine::Postgres { "postgresql" } else { "mariadb" })
            .env("DB_HOST", url.host_str().unwrap())
            .env("DB_PORT", url.port().unwrap().to_string())
            .env("DB_USER", url.username())
            .env("DB_NAME", &t.name)
            .env("GOATS_ADMIN_PASSWORD", "set-by-operator");
        let out = cmd.arg("migrate").output().unwrap();
        assert!(out.status.success(), "{engine:?}: {}", stderr(&out));

        let port = free_port();
        let server = Server::start(goats(&dir.0).env("GOATS_DATABASE_URL", &t.url), port);
        let db = t.connect().await;
        assert!(password::verify(
            "set-by-operator",
            &AgentRepository::credentials(&db, "root@localhost").await.unwrap().unwrap().password_hash,
            "root@localhost"
        ));
        db.close().await;

        let name = t.name.clone();
        t.drop_database().await;
        let start = Instant::now();
        loop {
            let (status, body) = get(port, "/readyz").unwrap();
            if status == 503 {
                assert!(body.contains("database"), "{body}");
                let check = goats(&dir.0).env("GOATS_LISTEN", format!("127.0.0.1:{port}")).arg("healthcheck").output();
                let check = check.unwrap();
                assert_eq!(check.status.code(), Some(1), "{engine:?}");
                assert!(stderr(&check).contains("not ready (HTTP 503)"), "{}", stderr(&check));
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{engine:?}: /readyz stayed {status} after {name} was dropped"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        assert_eq!(get(port, "/healthz").unwrap().0, 200);
        let out = server.stop();
        assert!(out.status.success(), "{engine:?}: {}", stderr(&out));
    }
}

/// The REST API end to end over TCP on the embedded database: log in, open a ticket,
/// read it back; and the access-token key survives a restart.
#[test]
fn the_api_over_http_on_sqlite() {
    let dir = temp_dir();
    let port = free_port();
    let metrics_token = "metrics-token-of-this-test";
    let server = Server::start(
        goats(&dir.0).env("GOATS_ADMIN_PASSWORD", "api-test-password").env("GOATS_METRICS_TOKEN", metrics_token),
        port,
    );
    let login = r#"{"login":"root@localhost","password":"api-test-password"}"#;
    let (status, body) = request(port, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    assert_eq!(status, 200, "{body}");
    let pair: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = pair["access_token"].as_str().unwrap().to_string();
    let new = r#"{"title":"Printer on fire","queue_id":2,"article":{"subject":"Help","body":"It burns."}}"#;
    let (status, body) = request(port, "POST", "/api/v1/tickets", Some(new), Some(&token)).unwrap();
    assert_eq!(status, 201, "{body}");
    let ticket: serde_json::Value = serde_json::from_str(&body).unwrap();
    let path = format!("/api/v1/tickets/{}?articles=true", ticket["id"]);
    let (status, body) = request(port, "GET", &path, None, Some(&token)).unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("It burns."), "{body}");
    let (status, spec) = get(port, "/api/openapi.json").unwrap();
    assert_eq!(status, 200);
    assert!(spec.contains("/v1/tickets"));

    // The caches' answers are counted at /metrics, for the metrics token only.
    let (status, _) = request(port, "GET", "/metrics", None, Some(&token)).unwrap();
    assert_eq!(status, 401, "an agent's token is not the metrics token");
    request(port, "GET", &path, None, Some(&token)).unwrap();
    let (status, metrics) = request(port, "GET", "/metrics", None, Some(metrics_token)).unwrap();
    assert_eq!(status, 200, "{metrics}");
    let counted = |cache: &str, outcome: &str| {
        let label = format!(r#"goats_cache_requests_total{{cache="{cache}",outcome="{outcome}"}} "#);
        metrics.lines().find_map(|l| l.strip_prefix(&label)).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0)
    };
    assert!(counted("tickets.ticket", "miss") >= 1, "{metrics}");
    assert!(counted("tickets.ticket", "hit") >= 1, "the second read within seconds is a hit: {metrics}");
    // Requests and durations by the route's name, never by the URL sent.
    let value = |line: &str| {
        metrics.lines().find_map(|l| l.strip_prefix(line)).and_then(|n| n.trim().parse::<f64>().ok()).unwrap_or(0.0)
    };
    assert_eq!(value(r#"goats_http_requests_total{route="POST /api/v1/tickets",status="2xx"} "#), 1.0, "{metrics}");
    assert_eq!(value(r#"goats_http_requests_total{route="GET /metrics",status="4xx"} "#), 1.0, "{metrics}");
    assert!(value(r#"goats_http_request_duration_seconds_count{route="GET /api/v1/tickets/:id"} "#) >= 2.0);
    assert!(
        metrics.contains(r#"goats_http_request_duration_seconds_bucket{route="GET /api/v1/tickets/:id",le="0.005"}"#)
    );
    assert!(!metrics.contains(&format!("/api/v1/tickets/{}", ticket["id"])), "no URL as a label");
    assert!(metrics.contains(r#"goats_db_connections{state="idle"}"#), "{metrics}");
    assert!(value(r#"goats_notification_deliveries_total{channel="toast",outcome="delivered"} "#) >= 1.0);
    // Throttled logins are counted.
    let wrong = r#"{"login":"nobody","password":"wrong-password"}"#;
    for _ in 0..5 {
        assert_eq!(request(port, "POST", "/api/v1/auth/login", Some(wrong), None).unwrap().0, 401);
    }
    assert_eq!(request(port, "POST", "/api/v1/auth/login", Some(wrong), None).unwrap().0, 429);
    let (_, metrics) = request(port, "GET", "/metrics", None, Some(metrics_token)).unwrap();
    assert!(metrics.lines().any(|l| l == "goats_logins_throttled_total 1"), "{metrics}");
    server.stop();

    // The generated signing key is kept in the database: the token still works.
    let port = free_port();
    let server = Server::start(&mut goats(&dir.0), port);
    let (status, body) = request(port, "GET", &path, None, Some(&token)).unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, _) = request(port, "GET", "/metrics", None, Some(metrics_token)).unwrap();
    assert_eq!(status, 404, "no metrics token configured: /metrics is off");
    server.stop();
}

/// A webhook receiver on loopback: answers 204 to every POST and keeps the bodies.
fn webhook_receiver() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then as much body as Content-Length says.
            let body = loop {
                let Ok(n) = s.read(&mut buf) else { break None };
                if n == 0 {
                    break None;
                }
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw).to_string();
                let Some(end) = text.find("\r\n\r\n") else { continue };
                let length: usize = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if raw.len() >= end + 4 + length {
                    break Some(raw[end + 4..end + 4 + length].to_vec());
                }
            };
            if let Some(body) = body.and_then(|b| serde_json::from_slice(&b).ok()) {
                keep.lock().unwrap().push(body);
            }
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        }
    });
    (port, bodies)
}

/// Two `goats serve` processes on one PostgreSQL database, both running the jobs every
/// second with their ticks queued in that database: each reminder is sent once and each
/// auto-close happens once.
#[tokio::test]
async fn two_instances_on_one_database_act_once() {
    let t = TestDatabase::create(Engine::Postgres).await;
    let dir = temp_dir();
    let (hook_port, received) = webhook_receiver();
    let config = format!(
        "jobs:\n  store: {}\n  pending_reminder:\n    schedule: '* * * * * *'\n  pending_auto_close:\n    schedule: '* * * * * *'\n\
         notifications:\n  webhooks:\n    - name: count\n      url: http://127.0.0.1:{hook_port}/hook\n      \
         secret: a-secret-of-some-length\n      filter:\n        events: [pending_reminder, ticket_updated]\n",
        t.url
    );
    std::fs::write(dir.0.join("goats.yaml"), config).unwrap();
    let instance = |port| {
        let mut cmd = goats(&dir.0);
        cmd.env("GOATS_DATABASE_URL", &t.url).env("GOATS_ADMIN_PASSWORD", "two-instances");
        Server::start(&mut cmd, port)
    };
    let (port_a, port_b) = (free_port(), free_port());
    let a = instance(port_a);
    let b = instance(port_b);

    let login = r#"{"login":"root@localhost","password":"two-instances"}"#;
    let (_, body) = request(port_a, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut ids = Vec::new();
    for state in [6, 7] {
        let new = r#"{"title":"Timed","queue_id":4,"article":{"subject":"Timed","body":"Waits."}}"#;
        let (status, body) = request(port_a, "POST", "/api/v1/tickets", Some(new), Some(&token)).unwrap();
        assert_eq!(status, 201, "{body}");
        let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_i64().unwrap();
        let patch = format!(r#"{{"state_id":{state},"pending_until":"{soon}"}}"#);
        let (status, body) =
            request(port_b, "PATCH", &format!("/api/v1/tickets/{id}"), Some(&patch), Some(&token)).unwrap();
        assert_eq!(status, 200, "{body}");
        ids.push(id);
    }
    let (reminded, closing) = (ids[0], ids[1]);

    // The agents' own changes above are announced too; count only what the jobs did.
    let jobs_events = |kind: &str, id: i64| {
        received
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["event"]["kind"] == kind && e["event"]["ticket"]["id"] == id)
            .filter(|e| kind != "ticket_updated" || e["event"]["change"] == "auto_close")
            .count()
    };
    let start = Instant::now();
    while (jobs_events("pending_reminder", reminded) == 0 || jobs_events("ticket_updated", closing) == 0)
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Several more ticks of both instances, to catch a second sending.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(jobs_events("pending_reminder", reminded), 1, "one reminder from two instances");
    assert_eq!(jobs_events("ticket_updated", closing), 1, "one auto-close from two instances");

    let (_, body) = request(port_b, "GET", &format!("/api/v1/tickets/{closing}/history"), None, Some(&token)).unwrap();
    let history: serde_json::Value = serde_json::from_str(&body).unwrap();
    let closes = history
        .as_array()
        .or_else(|| history["items"].as_array())
        .unwrap_or_else(|| panic!("{history}"))
        .iter()
        .filter(|h| h["name"].as_str().is_some_and(|n| n.contains("%%closed successful")))
        .count();
    assert_eq!(closes, 1, "{history}");
    // The ticks went through the store.
    let db = t.connect().await;
    let row = sea_orm::ConnectionTrait::query_one_raw(
        db.connection(),
        sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM apalis.jobs WHERE job_type = 'pending-reminder' AND status = 'Done'",
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(row.try_get::<i64>("", "n").unwrap() >= 2, "ticks of both instances were queued and run");
    db.close().await;
    a.stop();
    b.stop();
    t.drop_database().await;
}

/// With an SQLite job store, the ticks are queued in that file before they run.
#[test]
fn jobs_queue_their_ticks_in_an_sqlite_store() {
    let dir = temp_dir();
    let store = dir.0.join("jobs").join("goats-jobs.db");
    assert_eq!(reminders_through(&dir, &format!("sqlite://{}", store.display())), 1, "the reminder went out once");
    let count = "SELECT COUNT(*) FROM Jobs WHERE job_type = 'pending-reminder' AND status = 'Done'";
    let out = Command::new("python3")
        .args(["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])"])
        .arg(&store)
        .arg(count)
        .output()
        .unwrap();
    let done: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0);
    assert!(done >= 1, "ticks run from the store: {}", String::from_utf8_lossy(&out.stderr));
}

/// The same with the ticks queued in Valkey (the Redis on 127.0.0.1:6379).
#[test]
fn jobs_queue_their_ticks_in_valkey() {
    let dir = temp_dir();
    let redis = std::env::var("GOATS_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    assert!(
        std::net::TcpStream::connect(redis.trim_start_matches("redis://").split('/').next().unwrap()).is_ok(),
        "no Valkey/Redis at {redis}: start it (redis-server --daemonize yes) or set GOATS_TEST_REDIS_URL"
    );
    assert_eq!(reminders_through(&dir, &redis), 1, "the reminder went out once");
}

/// Runs goats with the reminder job every second and its ticks in `store`; opens a
/// ticket due in a few seconds; returns how many reminders reached the webhook.
fn reminders_through(dir: &tempdir::Dir, store: &str) -> usize {
    let (hook_port, received) = webhook_receiver();
    let config = format!(
        "jobs:\n  store: {store}\n  pending_reminder:\n    schedule: '* * * * * *'\n\
         notifications:\n  webhooks:\n    - name: count\n      url: http://127.0.0.1:{hook_port}/hook\n      \
         secret: a-secret-of-some-length\n      filter:\n        events: [pending_reminder]\n"
    );
    std::fs::write(dir.0.join("goats.yaml"), config).unwrap();
    let port = free_port();
    let server = Server::start(goats(&dir.0).env("GOATS_ADMIN_PASSWORD", "store-password"), port);
    let login = r#"{"login":"root@localhost","password":"store-password"}"#;
    let (_, body) = request(port, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    // Whole seconds: a second ahead could be in the past by the time a loaded machine
    // takes the request (the time is cut to the second).
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let new = format!(
        r#"{{"title":"Remind me","queue_id":4,"state_id":6,"pending_until":"{soon}","article":{{"subject":"R","body":"Later."}}}}"#
    );
    let (status, body) = request(port, "POST", "/api/v1/tickets", Some(&new), Some(&token)).unwrap();
    assert_eq!(status, 201, "{body}");
    let start = Instant::now();
    while received.lock().unwrap().is_empty() && start.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(200));
    }
    // A few more ticks, to catch a second sending.
    std::thread::sleep(Duration::from_secs(2));
    server.stop();
    received.lock().unwrap().len()
}

/// `goats import otrs` as an admin runs it: a dry run that changes nothing, the import
/// into the SQLite file goats uses with no configuration, and a second run refused.
#[tokio::test]
async fn importing_an_otrs_database_from_the_command_line() {
    let source = TestDatabase::create(Engine::MySql).await;
    goats_tests::znuny::load(&source);
    let dir = temp_dir();
    let report = dir.0.join("inspection.json");

    let out = goats(&dir.0)
        .args(["import", "otrs", "--from", &source.url, "--dry-run", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("no problems found") && text.contains("article storage: ArticleStorageDB"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["tables"]["ticket"], 1, "Znuny's welcome ticket");
    assert!(!dir.0.join("data/goats.db").exists(), "a dry run creates nothing");

    let report = dir.0.join("report.json");
    let out = goats(&dir.0).args(["import", "otrs", "--from", &source.url, "--report"]).arg(&report).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("122 tables verified by count and checksum"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["sampled_tickets"], serde_json::json!([1]));
    assert!(!stderr(&out).contains("\u{1b}["), "no terminal bars in a log");

    // The imported root keeps Znuny's stored password; no new one is printed.
    let db = Db::connect(&format!("sqlite://{}/data/goats.db", dir.0.display())).await.unwrap();
    let creds = AgentRepository::credentials(&db, "root@localhost").await.unwrap().unwrap();
    assert!(password::verify("root", &creds.password_hash, "root@localhost"), "Znuny's root password came along");
    db.close().await;

    let out = goats(&dir.0).args(["import", "otrs", "--from", &source.url]).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(stderr(&out).contains("already holds"), "{}", stderr(&out));

    // A second Znuny site: its welcome ticket has the first one's number, so the append
    // is refused until that is changed; then its tickets join the first site's.
    let second = TestDatabase::create(Engine::Postgres).await;
    goats_tests::znuny::load(&second);
    let out = goats(&dir.0).args(["import", "otrs", "--from", &second.url, "--append"]).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(stderr(&out).contains("2021012710123456 are in both databases"), "{}", stderr(&out));
    let db = second.connect().await;
    use sea_orm::ConnectionTrait;
    db.connection()
        .execute_unprepared("UPDATE ticket SET tn = '2021012710123457', title = 'Welcome, second site'")
        .await
        .unwrap();
    db.close().await;
    let out = goats(&dir.0).args(["import", "otrs", "--from", &second.url, "--append"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("source rows named what the target has already"), "{text}");
    let db = Db::connect(&format!("sqlite://{}/data/goats.db", dir.0.display())).await.unwrap();
    let titles = db
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT title FROM ticket ORDER BY id",
        ))
        .await
        .unwrap();
    let titles: Vec<String> = titles.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert_eq!(titles[1], "Welcome, second site");
    db.close().await;
    second.drop_database().await;
    source.drop_database().await;
}

/// An import killed outright (SIGKILL: no handler runs, the open transaction is lost)
/// continues when run again and ends verified, with every table's count and checksum
/// equal to the source's, as an uninterrupted run would.
#[tokio::test]
async fn an_import_killed_midway_continues_when_run_again() {
    let source = TestDatabase::create(Engine::MySql).await;
    goats_tests::znuny::load(&source);
    let db = source.connect().await;
    goats_sql::migrate(&db).await.unwrap();
    let plan = goats_sql::seed::SeedPlan { tickets: 2000, articles_per_ticket: 2, seed: 5 };
    goats_sql::seed::seed(&db, &plan, &goats_core::ticket_number::TicketNumberConfig::default(), |_, _| {})
        .await
        .unwrap();
    db.close().await;
    let dir = temp_dir();

    let mut child = goats(&dir.0)
        .args(["import", "otrs", "--from", &source.url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Killed as soon as the first table with rows is done: the larger ones are still to come.
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().unwrap()));
    let first = lines.find(|l| l.as_ref().is_ok_and(|l| l.contains("rows copied"))).expect("a table copied").unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    use sea_orm::ConnectionTrait;
    let target = Db::connect(&format!("sqlite://{}/data/goats.db", dir.0.display())).await.unwrap();
    let phase = target
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT phase FROM goats_import_run WHERE id = 1",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap();
    assert_eq!(phase, "copying", "killed after `{first}`, before the copy ended");
    target.close().await;

    let report = dir.0.join("report.json");
    let out = goats(&dir.0).args(["import", "otrs", "--from", &source.url, "--report"]).arg(&report).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!((json["ok"].as_bool(), json["resumed"].as_bool()), (Some(true), Some(true)), "{json:#}");
    let ticket = json["tables"].as_array().unwrap().iter().find(|t| t["table"] == "ticket").unwrap();
    assert_eq!(ticket["target_rows"], 2001, "Znuny's welcome ticket and the seeded ones");
    assert_eq!(ticket["target_checksum"], ticket["source_checksum"]);
    source.drop_database().await;
}

/// Live mode: on an OTRS database goats numbers tickets with OTRS's own settings, and
/// refuses one whose times it would misread.
#[tokio::test]
async fn on_an_otrs_database_tickets_are_numbered_by_its_sysconfig() {
    let source = TestDatabase::create(Engine::MySql).await;
    goats_tests::znuny::load(&source);
    let db = source.connect().await;
    goats_tests::znuny::deploy_setting(&db, 1, "SystemID", "''42''").await; // YAML's quoted string, quoted again for SQL
    goats_tests::znuny::deploy_setting(
        &db,
        2,
        "Ticket::NumberGenerator",
        "Kernel::System::Ticket::Number::AutoIncrement",
    )
    .await;
    goats_tests::znuny::deploy_setting(&db, 3, "Ticket::NumberGenerator::MinCounterSize", "8").await;
    let dir = temp_dir();
    let out = goats(&dir.0)
        .env("GOATS_DATABASE_URL", &source.url)
        .env("GOATS_SYSTEM_ID", "10")
        .args(["seed", "--tickets", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    use sea_orm::ConnectionTrait;
    let rows = db
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::MySql,
            "SELECT tn FROM ticket WHERE id > 1 ORDER BY id",
        ))
        .await
        .unwrap();
    let numbers: Vec<String> = rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect();
    assert_eq!(numbers.len(), 3);
    for n in &numbers {
        // AutoIncrement: SystemID, then the counter padded to MinCounterSize.
        assert!(n.starts_with("42") && n.len() == 10, "{numbers:?}");
    }

    // Article files on disk: goats needs the directory, or agents would see mails
    // without their attachments.
    goats_tests::znuny::deploy_setting(
        &db,
        5,
        "Ticket::Article::Backend::MIMEBase::ArticleStorage",
        "Kernel::System::Ticket::Article::Backend::MIMEBase::ArticleStorageFS",
    )
    .await;
    goats_tests::znuny::deploy_setting(
        &db,
        6,
        "Ticket::Article::Backend::MIMEBase::ArticleDataDir",
        "/opt/otrs/var/article",
    )
    .await;
    let out = goats(&dir.0).env("GOATS_DATABASE_URL", &source.url).arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/opt/otrs/var/article") && stderr(&out).contains("GOATS_ARTICLE_DIR"),
        "{}",
        stderr(&out)
    );
    let missing = dir.0.join("no-such-dir");
    let out = goats(&dir.0)
        .env("GOATS_DATABASE_URL", &source.url)
        .env("GOATS_ARTICLE_DIR", &missing)
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    let out = goats(&dir.0)
        .env("GOATS_DATABASE_URL", &source.url)
        .env("GOATS_ARTICLE_DIR", &dir.0)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    goats_tests::znuny::deploy_setting(&db, 4, "OTRSTimeZone", "Europe/Berlin").await;
    let out = goats(&dir.0).env("GOATS_DATABASE_URL", &source.url).arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    assert!(stderr(&out).contains("Europe/Berlin") && stderr(&out).contains("goats import otrs"), "{}", stderr(&out));
    db.close().await;
    source.drop_database().await;
}

/// Behind a trusted proxy, logins are counted by the address it reports: a stranger
/// guessing Ada's password slows down only their own tries. A forwarding header from
/// anyone else is ignored, so it cannot be used to escape the count.
#[test]
fn logins_are_throttled_by_the_client_a_trusted_proxy_names() {
    let dir = temp_dir();
    let port = free_port();
    let server = Server::start(
        goats(&dir.0).env("GOATS_ADMIN_PASSWORD", "proxy-test-password").env("GOATS_TRUSTED_PROXIES", "127.0.0.1"),
        port,
    );
    let login = |password: &str, forwarded_for: &str| {
        let body = format!(r#"{{"login":"root@localhost","password":"{password}"}}"#);
        exchange(port, "POST", "/api/v1/auth/login", Some(&body), &[("X-Forwarded-For", forwarded_for)]).unwrap().0
    };
    for _ in 0..5 {
        assert_eq!(login("guess", "203.0.113.9"), 401);
    }
    assert_eq!(login("guess", "203.0.113.9"), 429, "the guesser waits");
    assert_eq!(login("proxy-test-password", "198.51.100.20"), 200, "the owner, elsewhere, does not");
    let out = server.stop();
    assert!(stderr(&out).contains("203.0.113.9"), "the throttled try is logged with its client: {}", stderr(&out));

    // Trusting no proxy, the header is the client's own word and is ignored: all these
    // tries come from 127.0.0.1, whatever they claim.
    let port = free_port();
    let server = Server::start(goats(&dir.0).env("GOATS_TRUSTED_PROXIES", ""), port);
    let login = |password: &str, forwarded_for: &str| {
        let body = format!(r#"{{"login":"root@localhost","password":"{password}"}}"#);
        exchange(port, "POST", "/api/v1/auth/login", Some(&body), &[("X-Forwarded-For", forwarded_for)]).unwrap().0
    };
    for n in 0..5 {
        assert_eq!(login("guess", &format!("203.0.113.{n}")), 401);
    }
    assert_eq!(login("proxy-test-password", "203.0.113.77"), 429);
    server.stop();
}
