//! The channels against real peers on loopback: an HTTP receiver for webhooks; a
//! failing channel beside working ones; the in-app feed's replay.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::event::{Event, TicketRef};
use goats_core::model::UserId;
use goats_core::ports::*;
use goats_core::testing::{FixedClock, MemoryStore};
use goats_notify::*;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{EndpointExt, Request, Route, Server, handler, http::StatusCode};

fn due() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z").unwrap().with_timezone(&Utc)
}

fn ticket(queue: &str, owner: UserId) -> TicketRef {
    TicketRef {
        id: 7,
        number: "2026112510000071".into(),
        title: "Printer on \"fire\"".into(),
        queue_id: 4,
        queue: queue.into(),
        priority_id: 3,
        priority: "3 normal".into(),
        state: "pending reminder".into(),
        owner_id: owner,
        responsible_id: owner,
    }
}

/// A store with agent 2, Jane, who has an address and reads German.
async fn people() -> MemoryStore {
    let store = MemoryStore::with_defaults(Arc::new(FixedClock::at(due())));
    let jane = NewAgent {
        login: "jane".into(),
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        email: Some("jane@example.com".into()),
        password_hash: "!".into(),
    };
    let id = AgentRepository::create(&store, jane, 1).await.unwrap();
    assert_eq!(id, 2);
    store.set_preference(2, "UserLanguage", "de").await.unwrap();
    store
}

fn quick() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(50),
        timeout: Duration::from_secs(5),
    }
}

fn dispatcher(store: &MemoryStore, log: &Arc<DeliveryLog>) -> Dispatcher {
    let store = Arc::new(store.clone());
    Dispatcher::new(store.clone(), store, log.clone(), quick())
}

async fn wait_for(log: &DeliveryLog, what: impl Fn(&[DeliveryAttempt]) -> bool) -> Vec<DeliveryAttempt> {
    let seen = || async { log.recent(&DeliveryFilter::default(), 0, 100).await.unwrap() };
    for _ in 0..200 {
        let now = seen().await;
        if what(&now) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the delivery log never showed what was expected: {:?}", seen().await);
}

/// One request the receiver got: its signature and event headers and its body.
type Delivery = (Option<String>, Option<String>, String);

#[derive(Default, Clone)]
struct Received(Arc<Mutex<Vec<Delivery>>>);

#[handler]
async fn receive(req: &Request, body: String, seen: Data<&Received>) -> StatusCode {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(String::from);
    let mut all = seen.0.0.lock().unwrap();
    all.push((header(SIGNATURE_HEADER), header("X-Goats-Event"), body));
    // The first delivery fails, to show the retry.
    if all.len() == 1 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::NO_CONTENT }
}

async fn receiver() -> (String, Received) {
    let received = Received::default();
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().cloned().unwrap();
    let app = Route::new().at("/hook", poem::post(receive)).data(received.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    (format!("http://{addr}/hook"), received)
}

#[tokio::test]
async fn webhooks_are_signed_retried_and_filtered() {
    let store = people().await;
    let log = Arc::new(DeliveryLog::new(100));
    let (url, received) = receiver().await;
    let text = MessageText::new(Some("https://desk.example.com".into()));
    let hook = WebhookChannel::new("ops", &url, "s3cret", None, text.clone(), Duration::from_secs(5)).unwrap();
    let only_raw = ChannelFilter { queues: vec!["Raw".into()], ..Default::default() };
    let elsewhere = WebhookChannel::new("raw", &url, "other", None, text, Duration::from_secs(5)).unwrap();
    let bus =
        dispatcher(&store, &log).route(Arc::new(hook), ChannelFilter::default()).route(Arc::new(elsewhere), only_raw);

    bus.publish(Event::PendingReminder { ticket: ticket("Misc", 2), recipient: 2, due: due() }).await;
    let attempts = wait_for(&log, |a| a.iter().any(|a| a.outcome == "delivered")).await;
    let outcomes: Vec<(&str, u32, &str)> =
        attempts.iter().rev().map(|a| (a.channel.as_str(), a.attempt, a.outcome.as_str())).collect();
    assert_eq!(outcomes, [("webhook:ops", 1, "failed"), ("webhook:ops", 2, "delivered")]);
    assert!(attempts[1].error.as_deref().unwrap().contains("500"), "{attempts:?}");

    let seen = received.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "the Raw-only hook took nothing");
    let (signature_header, kind, body) = &seen[1];
    assert_eq!(signature_header.as_deref(), Some(signature("s3cret", body.as_bytes()).as_str()));
    assert_eq!(kind.as_deref(), Some("pending_reminder"));
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["event"]["kind"], "pending_reminder");
    assert_eq!(json["event"]["ticket"]["number"], "2026112510000071");
    assert_eq!(json["recipients"], serde_json::json!(["jane"]));
    assert_eq!(json["url"], "https://desk.example.com/tickets/7");
}

#[tokio::test]
async fn chat_style_webhooks_fill_a_body_template() {
    let store = people().await;
    let log = Arc::new(DeliveryLog::new(100));
    let (url, received) = receiver().await;
    let template = r#"{"text":"Ticket {{ticket.number}} escalated: {{ticket.title}} ({{clock}})"}"#;
    let hook =
        WebhookChannel::new("chat", &url, "k", Some(template.into()), MessageText::default(), Duration::from_secs(5))
            .unwrap();
    let bus = dispatcher(&store, &log).route(Arc::new(hook), ChannelFilter::default());
    let clock = goats_core::escalation::EscalationKind::Solution;
    bus.publish(Event::Escalated { ticket: ticket("Misc", 2), clock, due: due() }).await;
    wait_for(&log, |a| a.iter().any(|a| a.outcome == "delivered")).await;
    let body = received.0.lock().unwrap()[1].2.clone();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["text"], "Ticket 2026112510000071 escalated: Printer on \"fire\" (solution)");
}

struct Broken;

#[async_trait]
impl NotificationChannel for Broken {
    fn name(&self) -> String {
        "broken".into()
    }
    async fn deliver(&self, _: &Event, _: &[Recipient]) -> Result<(), ChannelError> {
        Err(ChannelError("always down".into()))
    }
}

#[tokio::test]
async fn a_failing_channel_neither_blocks_the_others_nor_goes_unrecorded() {
    let store = people().await;
    let log = Arc::new(DeliveryLog::new(100));
    let hub = Arc::new(ToastHub::new(10));
    let bus = dispatcher(&store, &log)
        .route(Arc::new(Broken), ChannelFilter::default())
        .route(hub.clone(), ChannelFilter::default());
    assert_eq!(hub.last_id(), 0);
    bus.publish(Event::PendingReminder { ticket: ticket("Misc", 2), recipient: 2, due: due() }).await;
    let live = hub.after(0, Duration::from_secs(2)).await;
    assert_eq!(live.len(), 1);
    assert_eq!((live[0].id, live[0].recipients.as_slice()), (1, [2].as_slice()));
    let attempts = wait_for(&log, |a| a.iter().any(|a| a.outcome == "gave_up")).await;
    let broken: Vec<_> = attempts.iter().filter(|a| a.channel == "broken").map(|a| a.outcome.as_str()).collect();
    assert_eq!(broken, ["gave_up", "failed", "failed"]);
}

#[tokio::test]
async fn the_live_feed_waits_for_news_and_replays_what_a_follower_missed() {
    let hub = Arc::new(ToastHub::new(2));
    let waiting = {
        let hub = hub.clone();
        tokio::spawn(async move { hub.after(0, Duration::from_secs(5)).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let news = Event::TicketCreated {
        ticket: ticket("Misc", 1),
        by: 2,
        article_id: 1,
        history: goats_core::history::HistoryType::PhoneCallCustomer,
    };
    hub.deliver(&news, &[]).await.unwrap();
    let got = waiting.await.unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0].recipients.is_empty());
    hub.deliver(&news, &[]).await.unwrap();
    hub.deliver(&news, &[]).await.unwrap();
    // Only the newest two are kept; a follower that saw id 1 gets 2 and 3.
    let ids: Vec<u64> = hub.after(1, Duration::ZERO).await.iter().map(|e| e.id).collect();
    assert_eq!(ids, [2, 3]);
    assert!(hub.after(3, Duration::from_millis(20)).await.is_empty());
}
