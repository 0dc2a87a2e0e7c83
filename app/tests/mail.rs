//! `goats mail ingest` as an MTA runs it: one message on standard input, an exit status
//! that says whether to try again, and a line saying what became of the message.
// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{goats, temp_dir};

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../tests/fixtures/mail/{name}.eml", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn pipe(mut cmd: Command, message: &[u8]) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(message).unwrap();
    child.wait_with_output().unwrap()
}

/// The agent Nina, with an address, on a database made with the tests' admin password.
fn add_nina(dir: &std::path::Path) {
    let mut add = goats(dir);
    add.env("GOATS_ADMIN_PASSWORD", "mail-test-password")
        .args(["user", "add", "nina", "--first-name", "Nina", "--last-name", "Nye", "--email", "nina@example.com"])
        .arg("--password-stdin");
    let out = pipe(add, b"nina-password\n");
    assert!(out.status.success(), "{}", said(&out));
}

fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_piped_message_becomes_a_ticket_once_and_its_reply_a_follow_up() {
    let dir = temp_dir();
    let ingest = || {
        let mut c = goats(&dir.0);
        c.env("GOATS_ADMIN_PASSWORD", "mail-test-password").args(["mail", "ingest"]);
        c
    };
    let out = pipe(ingest(), &corpus("plain"));
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    let tn = line.strip_prefix("new ticket ").and_then(|r| r.split(' ').next()).unwrap_or_else(|| panic!("{line}"));

    let again = pipe(ingest(), &corpus("plain"));
    assert_eq!(again.status.code(), Some(0), "{}", said(&again));
    assert!(said(&again).starts_with("delivered before"), "{}", said(&again));

    let reply = format!(
        "From: jane.doe@example.com\r\nSubject: Re: [Ticket#{tn}] Printer on fire\r\nMessage-ID: <r@example.com>\r\n\r\nOut now.\r\n"
    );
    let out = pipe(ingest(), reply.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(said(&out).starts_with(&format!("follow-up to ticket {tn}")), "{}", said(&out));

    let out = pipe(ingest(), &corpus("auto-reply"));
    assert!(said(&out).contains("(sent automatically)"), "{}", said(&out));
}

#[test]
fn the_exit_status_tells_the_mta_what_to_do() {
    let dir = temp_dir();
    let mut wrong_queue = goats(&dir.0);
    wrong_queue.env("GOATS_ADMIN_PASSWORD", "mail-test-password").args(["mail", "ingest", "--queue", "Nowhere"]);
    let out = pipe(wrong_queue, &corpus("plain"));
    assert_eq!(out.status.code(), Some(64), "a wrong command line: {}", said(&out));
    assert!(said(&out).contains("there is no queue named `Nowhere`"), "{}", said(&out));

    let mut empty = goats(&dir.0);
    empty.args(["mail", "ingest"]);
    let out = pipe(empty, b"");
    assert_eq!(out.status.code(), Some(64), "{}", said(&out));

    // The database cannot be reached: the MTA keeps the message and tries again.
    let mut down = goats(&dir.0);
    down.env("GOATS_DATABASE_URL", "postgres://goats@127.0.0.1:9/goats").args(["mail", "ingest"]);
    let out = pipe(down, &corpus("plain"));
    assert_eq!(out.status.code(), Some(75), "{}", said(&out));
}

/// A message with one attachment of `bytes` bytes, base64 as mail carries it.
fn with_attachment(bytes: usize) -> Vec<u8> {
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    let mut m = b"From: Bob <bob@example.com>\r\nSubject: The scan\r\nMessage-ID: <scan@example.com>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n\
        Content-Type: text/plain\r\n\r\nAttached.\r\n--B\r\nContent-Type: application/pdf; name=\"scan.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    for _ in 0..bytes / 54 {
        m.extend_from_slice(line.as_bytes());
    }
    m.extend_from_slice(b"--B--\r\n");
    m
}

#[test]
fn mail_with_a_file_larger_than_an_upload_arrives_and_a_message_over_the_mail_limit_is_bounced() {
    let dir = temp_dir();
    let ingest = |config: Option<&std::path::Path>| {
        let mut c = goats(&dir.0);
        c.env("GOATS_ADMIN_PASSWORD", "mail-test-password").args(["mail", "ingest"]);
        if let Some(file) = config {
            c.env("GOATS_CONFIG", file);
        }
        c
    };
    // 12 MB: over the 10 MB an agent may upload, well within the 50 MB of a message.
    let big = with_attachment(12 * 1024 * 1024);
    let out = pipe(ingest(None), &big);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(said(&out).starts_with("new ticket"), "{}", said(&out));

    let small_limit = dir.0.join("small-limit.yaml");
    std::fs::write(&small_limit, "mail:\n  max_message_mb: 5\n").unwrap();
    let mut bigger = big.clone();
    bigger = String::from_utf8(bigger).unwrap().replace("<scan@example.com>", "<scan-2@example.com>").into_bytes();
    let out = pipe(ingest(Some(&small_limit)), &bigger);
    assert_eq!(out.status.code(), Some(65), "refused, so the mail server bounces it: {}", said(&out));
    assert!(said(&out).contains("mail.max_message_mb (5 MB)"), "{}", said(&out));
    // Refused means not stored: the same message under the default limit is new.
    let out = pipe(ingest(None), &bigger);
    assert!(said(&out).starts_with("new ticket"), "{}", said(&out));
}

/// A mail server delivering over LMTP, as `goats serve` takes it with `mail.lmtp`.
struct Lmtp {
    read: std::io::BufReader<std::net::TcpStream>,
    write: std::net::TcpStream,
}

impl Lmtp {
    fn connect(port: u16) -> Self {
        let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        let mut c = Self { read: std::io::BufReader::new(stream.try_clone().unwrap()), write: stream };
        assert!(c.reply().starts_with("220 "));
        c.send("LHLO mx.example.com\r\n");
        assert!(c.reply().contains("PIPELINING"));
        c
    }

    fn send(&mut self, text: &str) {
        self.write.write_all(text.as_bytes()).unwrap();
    }

    fn reply(&mut self) -> String {
        use std::io::BufRead;
        let mut all = String::new();
        loop {
            let mut line = String::new();
            assert!(self.read.read_line(&mut line).unwrap() > 0, "the server closed the connection");
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all.trim_end().to_string();
            }
        }
    }

    /// Delivers `message` to `recipients`: the reply for each.
    fn deliver(&mut self, message: &[u8], recipients: &[&str]) -> Vec<String> {
        let mut envelope = String::from("MAIL FROM:<mx@example.com>\r\n");
        for to in recipients {
            envelope.push_str(&format!("RCPT TO:<{to}>\r\n"));
        }
        envelope.push_str("DATA\r\n");
        self.send(&envelope);
        for _ in 0..recipients.len() + 2 {
            let r = self.reply();
            assert!(r.starts_with('2') || r.starts_with("354"), "{r}");
        }
        // Lines that begin with a dot get another, as SMTP sends them.
        let text = String::from_utf8(message.to_vec()).unwrap().replace("\r\n", "\n");
        let mut data = String::new();
        for line in text.lines() {
            if line.starts_with('.') {
                data.push('.');
            }
            data.push_str(line);
            data.push_str("\r\n");
        }
        data.push_str(".\r\n");
        self.send(&data);
        recipients.iter().map(|_| self.reply()).collect()
    }
}

#[test]
fn a_mail_server_delivers_over_lmtp_to_goats_serve() {
    let dir = temp_dir();
    let (port, lmtp_port) = (common::free_port(), common::free_port());
    let mut cmd = goats(&dir.0);
    cmd.env("GOATS_ADMIN_PASSWORD", "mail-test-password")
        .env("GOATS_MAIL_LMTP_LISTEN", format!("127.0.0.1:{lmtp_port}"));
    let server = common::Server::start(&mut cmd, port);
    let mut mx = Lmtp::connect(lmtp_port);

    let replies = mx.deliver(&corpus("plain"), &["support@example.org", "sales@example.org"]);
    assert_eq!(replies.len(), 2);
    assert!(replies.iter().all(|r| r == &replies[0]), "one message, one answer for each recipient: {replies:?}");
    let tn = replies[0]
        .strip_prefix("250 2.0.0 new ticket ")
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("{replies:?}"))
        .to_string();
    // The mail server tries again after a lost answer: the message is taken once.
    let again = mx.deliver(&corpus("plain"), &["support@example.org"]);
    assert!(again[0].starts_with("250 2.0.0 delivered before"), "{again:?}");
    let reply = format!(
        "From: jane.doe@example.com\r\nSubject: Re: [Ticket#{tn}] Printer on fire\r\nMessage-ID: <lmtp-r@example.com>\r\n\r\n.sig\r\nOut now.\r\n"
    );
    let follow_up = mx.deliver(reply.as_bytes(), &["support@example.org"]);
    assert!(follow_up[0].starts_with(&format!("250 2.0.0 follow-up to ticket {tn}")), "{follow_up:?}");
    mx.send("QUIT\r\n");
    assert!(mx.reply().starts_with("221"));

    // The ticket holds both, the line that began with a dot as it was written.
    let login = r#"{"login":"root@localhost","password":"mail-test-password"}"#;
    let (_, body) = common::request(port, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    let (_, body) = common::request(port, "GET", "/api/v1/tickets", None, Some(&token)).unwrap();
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let items = list["items"].as_array().unwrap_or_else(|| panic!("{body}"));
    let ticket = items.iter().find(|t| t["number"] == tn.as_str()).unwrap_or_else(|| panic!("{tn} in {body}"));
    let path = format!("/api/v1/tickets/{}?articles=true", ticket["id"]);
    let (status, body) = common::request(port, "GET", &path, None, Some(&token)).unwrap();
    assert_eq!(status, 200, "{body}");
    let ticket: serde_json::Value = serde_json::from_str(&body).unwrap();
    let bodies: Vec<&str> =
        ticket["articles"].as_array().unwrap().iter().map(|a| a["body"].as_str().unwrap()).collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(bodies[1].starts_with(".sig") && bodies[1].contains("Out now."), "{bodies:?}");
    let out = server.stop();
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
fn goats_serve_refuses_an_lmtp_setting_it_cannot_honour() {
    let dir = temp_dir();
    let mut bad = goats(&dir.0);
    bad.env("GOATS_MAIL_LMTP_LISTEN", "not an address").args(["serve", "--listen", "127.0.0.1:0"]);
    common::assert_clean_failure(&bad.output().unwrap(), "mail.lmtp.listen must be an address and port");

    let config = dir.0.join("lmtp-queue.yaml");
    std::fs::write(&config, "mail:\n  lmtp:\n    listen: 127.0.0.1:0\n    queue: Nowhere\n").unwrap();
    let mut wrong_queue = goats(&dir.0);
    wrong_queue.env("GOATS_CONFIG", &config).args(["serve", "--listen", "127.0.0.1:0"]);
    common::assert_clean_failure(&wrong_queue.output().unwrap(), "there is no queue named `Nowhere`");
}

/// aiosmtpd, from the venv `make test-tools` builds under the target directory.
fn smtp_python() -> std::path::PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let python = target.join("test-venv/bin/python");
    assert!(python.exists(), "{} is missing: run `make test-tools` (it installs aiosmtpd)", python.display());
    python
}

/// A real SMTP server on loopback that writes what it takes into a maildir.
struct SmtpPeer(std::process::Child);

impl SmtpPeer {
    fn start(port: u16, maildir: &std::path::Path) -> Self {
        let child = Command::new(smtp_python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self(child)
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn received(maildir: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(maildir.join("new")) {
        Ok(entries) => entries.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The delivery of the ticket's last article, as the API reports it.
fn last_delivery(port: u16, token: &str, ticket: i64) -> serde_json::Value {
    let (status, body) =
        common::request(port, "GET", &format!("/api/v1/tickets/{ticket}/articles"), None, Some(token)).unwrap();
    assert_eq!(status, 200, "{body}");
    let articles: serde_json::Value = serde_json::from_str(&body).unwrap();
    articles.as_array().unwrap().last().unwrap()["delivery"].clone()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(60) {
        if done() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("timed out waiting until {what}");
}

/// A reply written through the API leaves by SMTP; with the server down it waits in the
/// queue, shows why, and leaves exactly once when the server is back.
#[test]
fn a_reply_leaves_by_smtp_once_the_server_takes_it() {
    let dir = temp_dir();
    let smtp_port = common::free_port();
    let maildir = dir.0.join("maildir");
    std::fs::write(
        dir.0.join("goats.yaml"),
        format!(
            "mail:\n  smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none}}\n  send_schedule: \"* * * * * *\"\n  \
             retry: {{attempts: 10, first_wait_seconds: 1, longest_wait_seconds: 2}}\n"
        ),
    )
    .unwrap();
    let port = common::free_port();
    let server = common::Server::start(goats(&dir.0).env("GOATS_ADMIN_PASSWORD", "mail-test-password"), port);
    let login = r#"{"login":"root@localhost","password":"mail-test-password"}"#;
    let (_, body) = common::request(port, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    let new = r#"{"title":"Printer on fire","queue_id":2,"customer_user_id":"jane@example.com","article":{"subject":"Help","body":"It burns."}}"#;
    let (status, body) = common::request(port, "POST", "/api/v1/tickets", Some(new), Some(&token)).unwrap();
    assert_eq!(status, 201, "{body}");
    let ticket: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (id, tn) = (ticket["id"].as_i64().unwrap(), ticket["number"].as_str().unwrap().to_string());

    // The server is down: the reply is stored and waits, saying why.
    let reply = r#"{"subject":"RE: Printer on fire","body":"The brigade is on its way.","channel":"email","visible_for_customer":true,"to":"Jane Doe <jane@example.com>"}"#;
    let (status, body) =
        common::request(port, "POST", &format!("/api/v1/tickets/{id}/articles"), Some(reply), Some(&token)).unwrap();
    assert_eq!(status, 201, "{body}");
    wait_until("an attempt failed", || last_delivery(port, &token, id)["error"].is_string());
    let waiting = last_delivery(port, &token, id);
    assert_eq!(waiting["state"], "queued", "{waiting}");

    // Back: it leaves, once.
    let _smtp = SmtpPeer::start(smtp_port, &maildir);
    wait_until("the reply was sent", || last_delivery(port, &token, id)["state"] == "sent");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mails = received(&maildir);
    assert_eq!(mails.len(), 1, "exactly once: {mails:?}");
    let mail = &mails[0];
    assert!(mail.contains(&format!("Subject: RE: [Ticket#{tn}] Printer on fire")), "{mail}");
    assert!(
        mail.contains("From: \"Help Desk\" <helpdesk@localhost>")
            || mail.contains("From: Help Desk <helpdesk@localhost>"),
        "{mail}"
    );
    assert!(mail.contains("jane@example.com"), "{mail}");
    assert!(mail.contains("The brigade is on its way."), "{mail}");
    server.stop();
}

/// An agent made owner of a ticket hears of it by mail, through the mail queue, once.
#[test]
fn the_new_owner_gets_a_notification_by_smtp() {
    let dir = temp_dir();
    let smtp_port = common::free_port();
    let maildir = dir.0.join("maildir");
    std::fs::write(
        dir.0.join("goats.yaml"),
        format!(
            "mail:\n  smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none}}\n  send_schedule: \"* * * * * *\"\n\
             notifications:\n  agents: {{sender_name: Desk Notes, sender_email: notes@example.com}}\n"
        ),
    )
    .unwrap();
    let _smtp = SmtpPeer::start(smtp_port, &maildir);
    add_nina(&dir.0);
    let port = common::free_port();
    let server = common::Server::start(&mut goats(&dir.0), port);
    let login = r#"{"login":"root@localhost","password":"mail-test-password"}"#;
    let (_, body) = common::request(port, "POST", "/api/v1/auth/login", Some(login), None).unwrap();
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    let new = r#"{"title":"Printer on fire","queue_id":2,"article":{"subject":"Help","body":"It burns."}}"#;
    let (status, body) = common::request(port, "POST", "/api/v1/tickets", Some(new), Some(&token)).unwrap();
    assert_eq!(status, 201, "{body}");
    let ticket: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = ticket["id"].as_i64().unwrap();
    let (_, body) = common::request(port, "GET", "/api/v1/admin/agents", None, Some(&token)).unwrap();
    let nina = serde_json::from_str::<serde_json::Value>(&body)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["login"] == "nina")
        .expect("nina is listed")["id"]
        .as_i64()
        .unwrap();

    let owner = format!(r#"{{"owner_id":{nina}}}"#);
    let (status, body) =
        common::request(port, "PATCH", &format!("/api/v1/tickets/{id}"), Some(&owner), Some(&token)).unwrap();
    assert_eq!(status, 200, "{body}");
    wait_until("the notification arrived", || !received(&maildir).is_empty());
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mails = received(&maildir);
    assert_eq!(mails.len(), 1, "exactly once: {mails:?}");
    let mail = &mails[0];
    assert!(mail.contains("Subject: You own: Printer on fire"), "{mail}");
    assert!(mail.contains("notes@example.com") && mail.contains("nina@example.com"), "{mail}");
    assert!(mail.contains("Hello Nina,"), "{mail}");
    assert!(mail.contains("Auto-Submitted:"), "no one answers it automatically: {mail}");
    server.stop();
}

/// A piped message's new ticket is announced to the agents who have its queue among
/// their "My Queues" before `mail ingest` exits: the notification's mail is queued.
#[tokio::test]
async fn a_piped_new_ticket_notifies_the_agents_of_its_queue_before_the_process_ends() {
    use goats_core::ports::{AgentNotificationStore, AgentRepository, MailQueue};
    let dir = temp_dir();
    // An SMTP server is configured (nothing listens there: the mail waits in the queue).
    let smtp_port = common::free_port();
    std::fs::write(
        dir.0.join("goats.yaml"),
        format!("mail:\n  smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none}}\n"),
    )
    .unwrap();
    add_nina(&dir.0);
    let db = goats_sql::Db::connect(&format!("sqlite://{}/data/goats.db", dir.0.display())).await.unwrap();
    let nina = AgentRepository::by_login(&db, "nina").await.unwrap().unwrap();
    db.set_my_queues(nina.id, &[2]).await.unwrap();

    let mut ingest = goats(&dir.0);
    ingest.args(["mail", "ingest", "--queue", "Raw"]);
    let out = pipe(ingest, &corpus("plain"));
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let queued = MailQueue::due(&db, chrono::Utc::now() + chrono::Duration::minutes(1), 10).await.unwrap();
    let to_nina: Vec<_> = queued.iter().filter(|m| m.envelope.recipients == ["nina@example.com"]).collect();
    assert_eq!(to_nina.len(), 1, "one notification for Nina: {queued:?}");
    let raw = String::from_utf8_lossy(&to_nina[0].raw);
    assert!(raw.contains("Subject: New ticket:"), "{raw}");
    db.close().await;
}
