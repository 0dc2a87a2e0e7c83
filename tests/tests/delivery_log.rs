//! The notification delivery log: the database keeps what every instance's channels did,
//! and answers admins' questions (newest first, by channel, outcome or ticket, a page
//! at a time) as the in-memory log does, on SQLite, PostgreSQL and MariaDB; old attempts
//! are forgotten; long texts are cut to the columns, never refused.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use goats_core::ports::{DeliveryAttempt, DeliveryFilter, DeliveryJournal};
use goats_notify::DeliveryLog;
use goats_sql::migrate;
use goats_tests::backends::assert_stores_agree;
use goats_tests::{Backend, TestDatabase};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

fn attempt(minute: i64, channel: &str, ticket: &str, attempt: u32, outcome: &str) -> DeliveryAttempt {
    DeliveryAttempt {
        at: start() + Duration::minutes(minute),
        channel: channel.into(),
        event: "ticket_created".into(),
        ticket_number: ticket.into(),
        attempt,
        outcome: outcome.into(),
        error: (outcome != "delivered").then(|| format!("HTTP 503 on try {attempt}")),
    }
}

fn line(a: &DeliveryAttempt) -> String {
    format!(
        "{} {} {} {} #{} {} {:?}",
        a.at.format("%d %H:%M"),
        a.channel,
        a.event,
        a.ticket_number,
        a.attempt,
        a.outcome,
        a.error
    )
}

/// The questions an admin asks of the log, with their answers as lines.
async fn transcript(journal: &dyn DeliveryJournal) -> Vec<String> {
    let mut out = Vec::new();
    for (minute, channel, ticket, n, outcome) in [
        (0, "toast", "2026120110000001", 1, "delivered"),
        (1, "webhook:ops", "2026120110000001", 1, "failed"),
        (2, "webhook:ops", "2026120110000001", 2, "gave_up"),
        (3, "agent-notifications", "2026120110000002", 1, "delivered"),
        (3, "toast", "2026120110000002", 1, "delivered"),
        (40 * 24 * 60, "toast", "2026120110000003", 1, "delivered"),
    ] {
        journal.record(&attempt(minute, channel, ticket, n, outcome)).await.unwrap();
    }
    let mut long = attempt(50 * 24 * 60, &"w".repeat(300), "2026120110000004", 1, "failed");
    long.error = Some("é".repeat(1500));
    journal.record(&long).await.unwrap();

    let ask = |f: DeliveryFilter, offset, limit| async move { journal.recent(&f, offset, limit).await.unwrap() };
    let all = ask(DeliveryFilter::default(), 0, 100).await;
    out.push(format!("all: {}", all.len()));
    let cut = &all[0];
    out.push(format!("long channel kept: {} chars", cut.channel.chars().count()));
    out.push(format!("long error kept: {} chars", cut.error.as_deref().unwrap().chars().count()));
    out.extend(all[1..].iter().map(|a| format!("newest first: {}", line(a))));
    let page = ask(DeliveryFilter::default(), 2, 2).await;
    out.extend(page.iter().map(|a| format!("page 2 of 2: {}", line(a))));
    let ops = DeliveryFilter { channel: Some("webhook:ops".into()), ..Default::default() };
    out.extend(ask(ops, 0, 100).await.iter().map(|a| format!("channel webhook:ops: {}", line(a))));
    let gave_up = DeliveryFilter { outcome: Some("gave_up".into()), ..Default::default() };
    out.extend(ask(gave_up, 0, 100).await.iter().map(|a| format!("gave up: {}", line(a))));
    let ticket = DeliveryFilter {
        ticket_number: Some("2026120110000002".into()),
        channel: Some("toast".into()),
        ..Default::default()
    };
    out.extend(ask(ticket, 0, 100).await.iter().map(|a| format!("ticket 2 on toast: {}", line(a))));
    let nothing = DeliveryFilter { outcome: Some("delivered'; --".into()), ..Default::default() };
    out.push(format!("a quote matches nothing: {}", ask(nothing, 0, 100).await.len()));

    let forgotten = journal.forget_before(start() + Duration::days(30)).await.unwrap();
    out.push(format!("forgotten before day 30: {forgotten}"));
    out.push(format!("left: {}", ask(DeliveryFilter::default(), 0, 100).await.len()));
    out
}

#[tokio::test]
async fn the_database_log_answers_as_the_memory_log_does_on_every_engine() {
    let memory = transcript(&DeliveryLog::new(100)).await;
    assert_eq!(goats_tests::backends::answer(&memory, "all"), "7");
    assert_eq!(goats_tests::backends::answer(&memory, "forgotten before day 30"), "5");
    assert!(memory.contains(&"long error kept: 1500 chars".to_string()), "memory keeps it whole: {memory:?}");
    // The database cuts long texts to its columns; the rest must agree line for line.
    let comparable =
        |lines: Vec<String>| -> Vec<String> { lines.into_iter().filter(|l| !l.starts_with("long ")).collect() };
    let memory = comparable(memory);
    assert_stores_agree(&memory, |backend| async move {
        let Backend::Sql(engine) = backend else { unreachable!("only SQL engines are compared") };
        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        migrate(&db).await.unwrap();
        let journal: Arc<dyn DeliveryJournal> = Arc::new(db.clone());
        let lines = transcript(journal.as_ref()).await;
        assert!(lines.contains(&"long channel kept: 200 chars".to_string()), "{engine:?}: {lines:?}");
        assert!(lines.contains(&"long error kept: 1000 chars".to_string()), "{engine:?}: {lines:?}");
        db.close().await;
        t.drop_database().await;
        comparable(lines)
    })
    .await;
}
