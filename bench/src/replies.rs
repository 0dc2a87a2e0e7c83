//! Replies that leave: agents answer customers through the API as fast as they can,
//! each answer an email article, and goats' sender hands them to a real SMTP peer
//! (aiosmtpd from the test tools, writing each message to a maildir). Measured: how many
//! replies a second the API accepts, and how many a second reach the peer, from the
//! first answer to the last message received, with the default send schedule.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::Settings;
use crate::cases::{body, new_ticket};
use crate::server::{AGENT, Database, PASSWORD, Running, free_port};

/// Replies per run, spread over this many tickets and clients.
const REPLIES: usize = 600;
const TICKETS: usize = 30;
const CLIENTS: usize = 8;
/// Longest wait for the last message to arrive.
const DELIVERY_LIMIT: Duration = Duration::from_secs(180);

#[derive(Debug, serde::Serialize)]
pub struct RepliesMeasured {
    pub engine: &'static str,
    pub replies: usize,
    pub clients: usize,
    pub accepted_per_second: f64,
    pub delivered_per_second: f64,
    /// From the first answer to the last message at the peer.
    pub seconds_to_last: f64,
}

/// aiosmtpd writing what it receives to `maildir`, until dropped.
struct Peer {
    child: Child,
    maildir: PathBuf,
}

impl Peer {
    fn start(s: &Settings, port: u16) -> Result<Self, String> {
        let target = s.goats.parent().and_then(Path::parent).ok_or("no target directory")?;
        let python = target.join("test-venv/bin/python");
        if !python.exists() {
            return Err(format!("{} is missing: `make bench` runs `make test-tools` first", python.display()));
        }
        let maildir = s.out.join("replies-maildir");
        let _ = std::fs::remove_dir_all(&maildir);
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("aiosmtpd: {e}"))?;
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Peer { child, maildir });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err("aiosmtpd did not start".into())
    }

    fn received(&self) -> usize {
        std::fs::read_dir(self.maildir.join("new")).map(|d| d.count()).unwrap_or(0)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn measure(s: &Settings, engine: &'static str, db: &Database) -> Result<RepliesMeasured, String> {
    let port = free_port()?;
    let peer = Peer::start(s, port)?;
    let config = s.out.join("replies.yaml");
    std::fs::write(&config, format!("mail:\n  smtp: {{host: 127.0.0.1, port: {port}, security: none}}\n"))
        .map_err(|e| format!("{}: {e}", config.display()))?;
    let running = Running::start_with(s, db, Some(&config))?;
    let base = running.base.clone();

    let agent = ureq::AgentBuilder::new().build();
    let login = json!({ "login": AGENT, "password": PASSWORD }).to_string();
    let resp = agent
        .post(&format!("{base}/api/v1/auth/login"))
        .set("content-type", "application/json")
        .send_string(&login)
        .map_err(|e| format!("replies: login: {e}"))?;
    let auth = format!("Bearer {}", body(resp)?["access_token"].as_str().unwrap_or_default());
    let mut tickets = Vec::new();
    for _ in 0..TICKETS {
        let resp = agent
            .post(&format!("{base}/api/v1/tickets"))
            .set("authorization", &auth)
            .set("content-type", "application/json")
            .send_string(&new_ticket(2, "Waiting for an answer").to_string())
            .map_err(|e| format!("replies: a ticket: {e}"))?;
        tickets.push(body(resp)?["id"].as_i64().ok_or("replies: a ticket without id")?);
    }
    // Anything still queued from an earlier run leaves first; count from here.
    std::thread::sleep(Duration::from_secs(6));
    let before = peer.received();

    let next = Arc::new(AtomicUsize::new(0));
    let (tickets, auth, base) = (Arc::new(tickets), Arc::new(auth), Arc::new(base));
    let started = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (next, tickets, auth, base, agent) =
                (next.clone(), tickets.clone(), auth.clone(), base.clone(), agent.clone());
            std::thread::spawn(move || -> Result<(), String> {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= REPLIES {
                        return Ok(());
                    }
                    let ticket = tickets[n % tickets.len()];
                    let reply = json!({
                        "subject": format!("RE: Waiting for an answer ({n})"),
                        "body": format!("Dear customer,\n\nhere is answer {n}.\n\n> When will it work?\n"),
                        "channel": "email",
                        "visible_for_customer": true,
                        "to": format!("customer{}@example.com", n % 97),
                    });
                    agent
                        .post(&format!("{base}/api/v1/tickets/{ticket}/articles"))
                        .set("authorization", &auth)
                        .set("content-type", "application/json")
                        .send_string(&reply.to_string())
                        .map_err(|e| format!("replies: answer {n}: {e}"))?;
                }
            })
        })
        .collect();
    for w in workers {
        w.join().map_err(|_| "replies: a client panicked".to_string())??;
    }
    let accepted = started.elapsed();
    while peer.received() - before < REPLIES {
        if started.elapsed() > DELIVERY_LIMIT {
            return Err(format!(
                "replies: {} of {REPLIES} reached the SMTP peer in {DELIVERY_LIMIT:?}",
                peer.received() - before
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let last = started.elapsed();
    drop(running);
    Ok(RepliesMeasured {
        engine,
        replies: REPLIES,
        clients: CLIENTS,
        accepted_per_second: REPLIES as f64 / accepted.as_secs_f64(),
        delivered_per_second: REPLIES as f64 / last.as_secs_f64(),
        seconds_to_last: last.as_secs_f64(),
    })
}

pub fn print(all: &[RepliesMeasured]) {
    println!("\nreplies through the API to a real SMTP peer (default send schedule, every 5 s)");
    println!(
        "{:<10} {:>8} {:>8} {:>12} {:>13} {:>10}",
        "engine", "replies", "clients", "accepted/s", "delivered/s", "last at s"
    );
    for r in all {
        println!(
            "{:<10} {:>8} {:>8} {:>12.1} {:>13.1} {:>10.1}",
            r.engine, r.replies, r.clients, r.accepted_per_second, r.delivered_per_second, r.seconds_to_last
        );
    }
}
