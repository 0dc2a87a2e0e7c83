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
