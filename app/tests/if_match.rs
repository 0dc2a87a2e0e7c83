//! `If-Match` holds under concurrency through the real binary on every engine: of many
//! clients changing one ticket with the same entity tag, exactly one succeeds and the
//! others get 412 with the tag the ticket has now, round after round.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Barrier};

use common::*;
use goats_tests::{Engine, TestDatabase};

const CLIENTS: usize = 16;
const ROUNDS: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_with_one_tag_let_exactly_one_through() {
    for engine in Engine::ALL {
        let dir = temp_dir();
        let server_db = match engine {
            Engine::Sqlite => None,
            _ => Some(TestDatabase::create(engine).await),
        };
        let port = free_port();
        let mut cmd = goats(&dir.0);
        cmd.env("GOATS_ADMIN_PASSWORD", "if-match-password");
        if let Some(t) = &server_db {
            cmd.env("GOATS_DATABASE_URL", &t.url);
        }
        let server = Server::start(&mut cmd, port);
        tokio::task::spawn_blocking(move || contend(engine, port)).await.unwrap();
        server.stop();
        if let Some(t) = server_db {
            t.drop_database().await;
        }
    }
}

fn contend(engine: Engine, port: u16) {
    let login = r#"{"login":"root@localhost","password":"if-match-password"}"#;
    let (status, body) = request(port, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    assert_eq!(status, 200, "{engine:?}: {body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    let new = r#"{"title":"Contended","queue_id":2,"article":{"subject":"Help","body":"Everyone at once."}}"#;
    let (status, body) = request(port, "POST", "/api/v1/tickets", Some(new), Some(&token)).unwrap();
    assert_eq!(status, 201, "{engine:?}: {body}");
    let path = format!("/api/v1/tickets/{}", serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]);
    let auth = format!("Bearer {token}");
    for round in 0..ROUNDS {
        let (status, head, _) = exchange(port, "GET", &path, None, &[("Authorization", &auth)]).unwrap();
        assert_eq!(status, 200, "{engine:?}");
        let tag = header(&head, "etag").expect("an ETag");
        let start = Arc::new(Barrier::new(CLIENTS));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let (path, auth, tag, start) = (path.clone(), auth.clone(), tag.clone(), start.clone());
                std::thread::spawn(move || {
                    let body = format!(r#"{{"title":"round {round} client {n}"}}"#);
                    start.wait();
                    let headers = [("Authorization", auth.as_str()), ("If-Match", tag.as_str())];
                    let (status, head, _) = exchange(port, "PATCH", &path, Some(&body), &headers).unwrap();
                    (n, status, header(&head, "etag"))
                })
            })
            .collect();
        let outcomes: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        let winners: Vec<_> = outcomes.iter().filter(|o| o.1 == 200).collect();
        let refused = outcomes.iter().filter(|o| o.1 == 412).count();
        assert_eq!((winners.len(), refused), (1, CLIENTS - 1), "{engine:?} round {round}: {outcomes:?}");
        let (status, head, body) = exchange(port, "GET", &path, None, &[("Authorization", &auth)]).unwrap();
        assert_eq!(status, 200);
        assert!(body.contains(&format!("round {round} client {}", winners[0].0)), "{engine:?}: {body}");
        assert_eq!(header(&head, "etag"), winners[0].2, "{engine:?}: the winner's tag is the ticket's");
    }
}
