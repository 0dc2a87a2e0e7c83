//! The example binary as a team would run it: goats serving, and the team's channel
//! writing what happens to its file.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn every_event_lands_in_the_teams_file() {
    let dir = std::env::temp_dir().join(format!("goats-file-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("events.jsonl");
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_goats-file-log"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(&dir)
        .env_clear()
        .env("GOATS_ADMIN_PASSWORD", "file-log-password")
        .env("GOATS_EVENT_LOG", &log)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let start = Instant::now();
    while http.get(format!("{base}/readyz")).send().await.map(|r| !r.status().is_success()).unwrap_or(true) {
        assert!(start.elapsed() < Duration::from_secs(60), "goats-file-log did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let login: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"login": "root@localhost", "password": "file-log-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap();
    let ticket: serde_json::Value = http
        .post(format!("{base}/api/v1/tickets"))
        .bearer_auth(token)
        .json(&serde_json::json!({"title": "Logged", "queue_id": 4, "article": {"subject": "Log", "body": "Write me down."}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let start = Instant::now();
    let lines = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        // A whole line, not one being written.
        if text.ends_with('\n') || start.elapsed() > Duration::from_secs(10) {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().expect("a line in the file")).unwrap();
    assert_eq!(first["event"]["kind"], "ticket_created");
    assert_eq!(first["event"]["ticket"]["id"], ticket["id"]);
    assert_eq!(first["event"]["ticket"]["title"], "Logged");
}
