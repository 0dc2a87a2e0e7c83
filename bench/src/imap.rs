//! Mail read from a mail account over IMAP, as a help desk receives most of it: a
//! Dovecot of the bench's own holds messages of the shapes the pipe case sends (a
//! short mail, an HTML newsletter, a 200 KB attachment, a follow-up), and goats — one
//! long-running process, its mail-fetch job ticking every second — reads them into
//! its queues. The rate counts from the first message goats flags deleted on the
//! server (its ticket stored) to the last, so the wait for the job's first tick is not
//! in it. Cache hit ratio: none applies, every message is a write of its own.

use std::time::{Duration, Instant};

use goats_test_servers::Dovecot;

use crate::Settings;
use crate::server::{AGENT, Database, PASSWORD, Running};

const USER: &str = "helpdesk";
const USER_PASSWORD: &str = "helpdesk-mail-0123";
/// How long the whole inbox may take before the case gives up.
const LIMIT: Duration = Duration::from_secs(300);

#[derive(Debug, serde::Serialize)]
pub struct ImapMeasured {
    pub engine: &'static str,
    pub messages: usize,
    pub per_second: f64,
    pub seconds: f64,
    /// goats' peak resident memory over the run.
    pub peak_rss_mb: f64,
}

pub fn measure(s: &Settings, engine: &'static str, db: &Database, messages: usize) -> Result<ImapMeasured, String> {
    let dovecot = Dovecot::start(&[(USER, USER_PASSWORD)]);
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    for n in 0..messages {
        dovecot.deliver(USER, &crate::mail::message(n, run));
    }
    let config = s.out.join("imap.yaml");
    std::fs::write(&config, "mail:\n  fetch_schedule: \"* * * * * *\"\n")
        .map_err(|e| format!("{}: {e}", config.display()))?;
    let running = Running::start_with(s, db, Some(&config))?;
    let admin = Admin::sign_in(&running.base)?;
    let account = admin.save_account(None, dovecot.imap_port, true)?;

    let waited = Instant::now();
    let mut first = None;
    loop {
        let left = dovecot.waiting(USER);
        if left < messages && first.is_none() {
            first = Some(Instant::now());
        }
        if left == 0 {
            break;
        }
        if waited.elapsed() > LIMIT {
            return Err(format!("imap: {left} of {messages} messages still unread after {LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let seconds = first.map_or(0.0, |t| t.elapsed().as_secs_f64());
    let peak_rss_mb = running.peak_rss_kb() as f64 / 1024.0;
    // The bench's database is kept for the next run, whose Dovecot has another port.
    admin.save_account(Some(&account), dovecot.imap_port, false)?;
    drop(running);
    Ok(ImapMeasured {
        engine,
        messages,
        per_second: if seconds > 0.0 { (messages - 1) as f64 / seconds } else { 0.0 },
        seconds,
        peak_rss_mb,
    })
}

/// An admin signed in to the admin pages.
struct Admin {
    agent: ureq::Agent,
    base: String,
    cookie: String,
}

impl Admin {
    fn sign_in(base: &str) -> Result<Self, String> {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let cookie = crate::cases::form_login(&agent, base, "/login", AGENT, PASSWORD, "goats_session")?;
        Ok(Self { agent, base: base.to_string(), cookie })
    }

    /// Posts the mail account form (a new account without `id`), as an admin would;
    /// the account's id.
    fn save_account(&self, id: Option<&str>, port: u16, valid: bool) -> Result<String, String> {
        let (page, action) = match id {
            Some(id) => (format!("/admin/mail-accounts/{id}"), format!("/admin/mail-accounts/{id}")),
            None => ("/admin/mail-accounts/new".to_string(), "/admin/mail-accounts".to_string()),
        };
        let html = self
            .agent
            .get(&format!("{}{page}", self.base))
            .set("cookie", &self.cookie)
            .call()
            .map_err(|e| format!("imap: {page}: {e}"))?
            .into_string()
            .map_err(|e| format!("imap: {page}: {e}"))?;
        let csrf = html
            .split_once("name=\"_csrf\" value=\"")
            .and_then(|(_, rest)| rest.split('"').next())
            .ok_or_else(|| format!("imap: {page} has no CSRF token"))?;
        let host = format!("127.0.0.1:{port}");
        let form = [
            ("_csrf", csrf),
            ("login", USER),
            ("password", USER_PASSWORD),
            ("host", host.as_str()),
            ("kind", "IMAP"),
            ("queue_id", ""),
            ("trusted", "0"),
            ("folder", ""),
            ("valid", if valid { "1" } else { "0" }),
        ];
        let resp = match self.agent.post(&format!("{}{action}", self.base)).set("cookie", &self.cookie).send_form(&form)
        {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(format!("imap: {action}: {e}")),
        };
        let location = resp.header("location").unwrap_or_default().to_string();
        match location.strip_prefix("/admin/mail-accounts/") {
            Some(id) if resp.status() == 303 => Ok(id.to_string()),
            _ => Err(format!("imap: {action} answered {}: {}", resp.status(), resp.into_string().unwrap_or_default())),
        }
    }
}

pub fn print(all: &[ImapMeasured]) {
    println!("\nmail read from an IMAP account (one goats, the fetch job every second)");
    println!("{:<10} {:>9} {:>10} {:>9} {:>14}", "engine", "messages", "msgs/s", "seconds", "peak RSS MB");
    for m in all {
        println!(
            "{:<10} {:>9} {:>10.1} {:>9.1} {:>14.1}",
            m.engine, m.messages, m.per_second, m.seconds, m.peak_rss_mb
        );
    }
}
