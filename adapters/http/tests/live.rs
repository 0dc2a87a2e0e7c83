//! What the pages follow live: the event stream with its permission filter and replay,
//! the due reminders, and snoozing one.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use chrono::Utc;
use common::*;
use futures_util::StreamExt;
use goats_core::event::{Event, TicketRef};
use goats_core::history::{HistoryEntry, HistoryType};
use goats_core::permission::Permission;
use goats_core::ports::{AgentRepository, EventBus, TicketRepository};
use poem::http::StatusCode;
use poem::test::TestResponse;

/// Reads a server-sent event stream until `wanted` events arrived or a second passed.
async fn events(resp: TestResponse, wanted: usize) -> Vec<(String, String, serde_json::Value)> {
    resp.assert_status_is_ok();
    assert_eq!(resp.0.content_type(), Some("text/event-stream"));
    let mut stream = resp.0.into_body().into_bytes_stream();
    let mut text = String::new();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    while seen.len() < wanted {
        let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(deadline, stream.next()).await else { break };
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let field = |name: &str| {
                block.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")).map(String::from)).unwrap_or_default()
            };
            if !field("data").is_empty() {
                seen.push((field("id"), field("event"), serde_json::from_str(&field("data")).unwrap()));
            }
        }
    }
    seen
}

fn follow<'a>(
    b: &'a Browser<'a>,
    last_id: Option<&str>,
) -> poem::test::TestRequestBuilder<'a, poem::endpoint::BoxEndpoint<'static, poem::Response>> {
    let mut req = b.w.cli.get("/api/events").header("cookie", b.cookie());
    if let Some(id) = last_id {
        req = req.header("Last-Event-ID", id);
    }
    req
}

#[tokio::test]
async fn agents_follow_the_tickets_they_may_read_and_their_own_reminders() {
    let w = world().await;
    let root_token = w.login("root@localhost", "root-password").await;
    w.agent("eve", &[(2, Permission::Rw)]).await;
    let eve_id = AgentRepository::by_login(&w.store, "eve").await.unwrap().unwrap().id;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let eve = Browser::sign_in(&w, "eve", "agent-password").await;
    let root_stream = follow(&root, None).send().await;
    let eve_stream = follow(&eve, None).send().await;

    // A ticket in Raw (group users): root may read it, eve may not.
    let id = w.create_ticket(&root_token, 2).await["id"].as_i64().unwrap();
    let ticket = TicketRepository::get(&w.store, id).await.unwrap().unwrap();
    w.events
        .publish(Event::PendingReminder { ticket: TicketRef::from(&ticket), recipient: eve_id, due: Utc::now() })
        .await;

    let seen = events(root_stream, 2).await;
    let kinds: Vec<&str> = seen.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["ticket_created"], "root sees the news but not eve's reminder");
    assert_eq!(seen[0].2["ticket_id"], id);
    assert_eq!(seen[0].2["number"], ticket.number);
    let created_id: u64 = seen[0].0.parse().unwrap();

    let seen = events(eve_stream, 2).await;
    let kinds: Vec<&str> = seen.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["pending_reminder"], "eve gets her reminder and nothing about a ticket she cannot read");
    let message = seen[0].2["message"].as_str().unwrap();
    assert!(message.starts_with("Reminder: ") && message.contains(&ticket.number), "{message}");

    // Reconnecting with the last id seen replays what came after it.
    let replay = events(follow(&root, Some(&(created_id - 1).to_string())).send().await, 1).await;
    assert_eq!(replay.len(), 1);
    assert_eq!(replay[0].1, "ticket_created");
}

#[tokio::test]
async fn the_event_stream_needs_a_session() {
    let w = world().await;
    let r = w.cli.get("/api/events").send().await;
    r.assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn due_reminders_are_listed_for_their_agent_and_snoozed_in_place() {
    let w = world().await;
    let root_token = w.login("root@localhost", "root-password").await;
    w.agent("eve", &[(1, Permission::Rw)]).await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let eve = Browser::sign_in(&w, "eve", "agent-password").await;
    let id = w.create_ticket(&root_token, 2).await["id"].as_i64().unwrap();
    let soon = (Utc::now() + chrono::Duration::seconds(1)).format("%Y-%m-%dT%H:%M:%S").to_string();
    root.htmx_post(&format!("/tickets/{id}/state"), &[("state", "6"), ("pending_until", &soon)])
        .await
        .assert_status_is_ok();

    assert_eq!(json(root.get("/api/notifications/pending").await).await, serde_json::json!([]), "not due yet");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let due = json(root.get("/api/notifications/pending").await).await;
    assert_eq!(due.as_array().unwrap().len(), 1, "{due}");
    assert_eq!(due[0]["ticket_id"], id);
    let snooze = &due[0]["snooze"];
    assert_eq!(
        (snooze["method"].as_str(), snooze["url"].as_str()),
        (Some("POST"), Some(&*format!("/api/tickets/{id}/status")))
    );
    assert_eq!(json(eve.get("/api/notifications/pending").await).await, serde_json::json!([]), "not eve's");

    // Snoozing needs the session's CSRF token like every form.
    let url = format!("/api/tickets/{id}/status");
    let forged = w.cli.post(&url).header("cookie", root.cookie()).form(&[("snooze_minutes", "60")]).send().await;
    forged.assert_status(StatusCode::FORBIDDEN);
    let bad = root.htmx_post(&url, &[("snooze_minutes", "0")]).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = root.htmx_post(&url, &[("snooze_minutes", "60")]).await;
    r.assert_status_is_ok();
    let html = text(r).await;
    assert!(html.contains(&format!(r#"id="reminder-{id}""#)) && html.contains("pending until"), "{html}");
    assert_eq!(json(root.get("/api/notifications/pending").await).await, serde_json::json!([]));
    let until = TicketRepository::get(&w.store, id).await.unwrap().unwrap().until_time;
    assert!(until > Utc::now().timestamp() + 3500, "snoozed for an hour");

    // Or the reminder is settled with a state.
    let r = root.htmx_post(&url, &[("state", "open")]).await;
    r.assert_status_is_ok();
    assert_eq!(TicketRepository::get(&w.store, id).await.unwrap().unwrap().state, "open");
}

#[tokio::test]
async fn admins_read_the_delivery_log_and_no_one_else_does() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let eve = w.agent("eve", &[(1, Permission::Rw)]).await;
    let ticket = w.create_ticket(&root, 2).await;
    let url = "/api/v1/admin/notifications/deliveries?limit=10";
    let mut log = serde_json::Value::Null;
    for _ in 0..50 {
        let r = w.cli.get(url).header("Authorization", format!("Bearer {root}")).send().await;
        r.assert_status_is_ok();
        log = json(r).await;
        if !log.as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(log[0]["channel"], "toast");
    assert_eq!(log[0]["event"], "ticket_created");
    assert_eq!(log[0]["ticket_number"], ticket["number"]);
    assert_eq!((log[0]["attempt"].as_u64(), log[0]["outcome"].as_str()), (Some(1), Some("delivered")));
    let r = w.cli.get(url).header("Authorization", format!("Bearer {eve}")).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(r.0.content_type(), Some("application/problem+json"));
}

/// The dashboard's due reminders and the toasts follow the reminder job's rule: the
/// responsible agent's, or the owner's when there is no valid responsible agent.
#[tokio::test]
async fn the_dashboard_and_the_toasts_agree_on_whose_reminder_it_is() {
    let w = world().await;
    let root_token = w.login("root@localhost", "root-password").await;
    w.agent("eve", &[(1, Permission::Rw)]).await;
    let eve_id = AgentRepository::by_login(&w.store, "eve").await.unwrap().unwrap().id;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let eve = Browser::sign_in(&w, "eve", "agent-password").await;
    let id = w.create_ticket(&root_token, 2).await["id"].as_i64().unwrap();
    let soon = (Utc::now() + chrono::Duration::seconds(1)).format("%Y-%m-%dT%H:%M:%S").to_string();
    root.htmx_post(&format!("/tickets/{id}/state"), &[("state", "6"), ("pending_until", &soon)])
        .await
        .assert_status_is_ok();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let on_dashboard = |html: String| {
        let start = html.find(r#"id="dash-reminders""#).unwrap();
        let section = &html[start..start + html[start..].find("</section>").unwrap()];
        section.contains(&format!(r#"href="/tickets/{id}""#))
    };
    let listed = |due: serde_json::Value| due.as_array().unwrap().iter().any(|r| r["ticket_id"] == id);
    // Root owns it and is its responsible agent.
    assert!(on_dashboard(text(root.get("/dashboard").await).await));
    assert!(listed(json(root.get("/api/notifications/pending").await).await));

    // Eve becomes responsible: it is hers now, on both, and no longer root's.
    root.htmx_post(&format!("/tickets/{id}/responsible"), &[("responsible", &eve_id.to_string())])
        .await
        .assert_status_is_ok();
    assert!(on_dashboard(text(eve.get("/dashboard").await).await));
    assert!(listed(json(eve.get("/api/notifications/pending").await).await));
    assert!(
        !on_dashboard(text(root.get("/dashboard").await).await),
        "the owner is not reminded beside a valid responsible"
    );
    assert!(!listed(json(root.get("/api/notifications/pending").await).await));

    // Eve's account is switched off: the owner is reminded again.
    AgentRepository::set_valid(&w.store, eve_id, false, 1).await.unwrap();
    assert!(on_dashboard(text(root.get("/dashboard").await).await));
    assert!(listed(json(root.get("/api/notifications/pending").await).await));
}

/// A watcher reaches a ticket whatever their groups (OTRS's rule), so the live stream
/// brings them its news too: the same rule decides reads and the stream.
#[tokio::test]
async fn a_watcher_follows_a_watched_ticket_they_could_not_otherwise_read() {
    let w = world().await;
    let root_token = w.login("root@localhost", "root-password").await;
    w.agent("eve", &[(2, Permission::Rw)]).await;
    let eve_id = AgentRepository::by_login(&w.store, "eve").await.unwrap().unwrap().id;
    let eve = Browser::sign_in(&w, "eve", "agent-password").await;
    // Two tickets in Raw (group users), which eve has no grant on; she watches one.
    let watched = w.create_ticket(&root_token, 2).await["id"].as_i64().unwrap();
    let other = w.create_ticket(&root_token, 2).await["id"].as_i64().unwrap();
    let subscribe = HistoryEntry::new(HistoryType::Subscribe, "%%Eve%%Agent%%eve");
    TicketRepository::set_watching(&w.store, watched, eve_id, true, subscribe, 1).await.unwrap();
    let stream = follow(&eve, None).send().await;
    for id in [other, watched] {
        w.cli
            .patch(format!("/api/v1/tickets/{id}"))
            .header("Authorization", format!("Bearer {root_token}"))
            .body_json(&serde_json::json!({"title": "Changed while eve follows"}))
            .send()
            .await
            .assert_status_is_ok();
    }
    // News published a moment before the stream opened may come too; only of the watched one.
    let seen = events(stream, 3).await;
    assert!(seen.iter().all(|(_, _, data)| data["ticket_id"] == watched), "the watched ticket only: {seen:?}");
    assert!(seen.iter().any(|(_, kind, _)| kind == "ticket_updated"), "{seen:?}");
}

/// A customer's open portal page hears of an answer meant for them, not of an internal
/// note on the same ticket nor of another customer's ticket; the stream needs the
/// portal's own session.
#[tokio::test]
async fn a_customer_follows_only_what_they_may_see_of_their_own_tickets() {
    let w = world().await;
    for (login, company) in [("jane", "ACME"), ("zed", "OTHER")] {
        let user = goats_core::testing::contact(login, company);
        let hash = goats_core::password::hash_with_cost("customer-password", 4);
        goats_core::ports::CustomerRepository::create_user(&w.store, user, Some(hash), 1).await.unwrap();
    }
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let mut ids = Vec::new();
    for (who, company) in [("jane", "ACME"), ("zed", "OTHER")] {
        let body = serde_json::json!({"title": format!("{who}'s printer"), "queue_id": 4, "customer_user_id": who,
            "customer_id": company, "article": {"subject": "Printer", "body": "It jams.", "visible_for_customer": true}});
        let r = w.cli.post("/api/v1/tickets").header("Authorization", &root).body_json(&body).send().await;
        r.assert_status(StatusCode::CREATED);
        ids.push(json(r).await["id"].as_i64().unwrap());
    }
    w.cli.get("/customer/events").send().await.assert_status(StatusCode::SEE_OTHER);
    let login = customer_login(&w, "jane", "customer-password").await;
    let session = cookie_value(&set_cookie(&login, "goats_customer_session").unwrap());
    let stream =
        w.cli.get("/customer/events").header("cookie", format!("goats_customer_session={session}")).send().await;

    let add = |id: i64, body: &'static str, visible: bool| {
        let root = root.clone();
        let w = &w;
        async move {
            let article = serde_json::json!({"subject": "Re", "body": body, "visible_for_customer": visible});
            let url = format!("/api/v1/tickets/{id}/articles");
            w.cli
                .post(url)
                .header("Authorization", root)
                .body_json(&article)
                .send()
                .await
                .assert_status(StatusCode::CREATED);
        }
    };
    add(ids[0], "An internal note.", false).await;
    add(ids[1], "Zed's answer.", true).await;
    add(ids[0], "Jane's answer.", true).await;

    let seen = events(stream, 3).await;
    let news: Vec<(&str, i64)> = seen.iter().map(|(_, k, d)| (k.as_str(), d["ticket_id"].as_i64().unwrap())).collect();
    assert_eq!(news, [("article_added", ids[0])], "only the answer on her own ticket: {seen:?}");
    assert!(seen[0].2.get("title").is_none(), "the page fetches what she may read; the stream says which ticket");
}
