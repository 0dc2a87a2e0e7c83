//! The Valkey adapter against the real server on this machine (127.0.0.1:6379, or
//! `GOATS_TEST_REDIS_URL`), each test under a prefix of its own that it removes after.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use goats_core::event::{Event, TicketRef};
use goats_core::history::HistoryType;
use goats_core::login_throttle::LoginThrottle;
use goats_core::model::UserId;
use goats_core::ports::{
    LiveEvent, NotificationChannel, Recipient, SessionStore, Stale, StaleNotices, WebSessionRecord,
};
use goats_core::web_session::SessionTimeouts;
use goats_valkey::{LiveStream, StaleAnnouncer, Valkey, ValkeyFailures, ValkeySessions, listen_for_stale};

fn url() -> String {
    std::env::var("GOATS_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A connection under a fresh prefix; the test calls [`clean`] at its end.
async fn valkey() -> Valkey {
    let prefix = format!("goats-test-{:08x}:", rand::random::<u32>());
    Valkey::connect(&url(), &prefix)
        .await
        .unwrap_or_else(|e| panic!("{e}: start it (redis-server --daemonize yes) or set GOATS_TEST_REDIS_URL"))
}

async fn clean(v: &Valkey) {
    let client = redis::Client::open(url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{}*", v.prefix())).query_async(&mut conn).await.unwrap();
    if !keys.is_empty() {
        redis::cmd("DEL").arg(&keys).query_async::<()>(&mut conn).await.unwrap();
    }
}

async fn ttl_of(v: &Valkey, key: &str) -> i64 {
    let client = redis::Client::open(url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("PTTL").arg(format!("{}{key}", v.prefix())).query_async(&mut conn).await.unwrap()
}

fn session(hash: &str, holder: UserId) -> WebSessionRecord {
    let now = Utc::now();
    WebSessionRecord {
        id_hash: hash.into(),
        holder,
        csrf_token: format!("csrf-{hash}"),
        created_at: now,
        last_seen_at: now,
    }
}

#[tokio::test]
async fn a_session_written_by_one_instance_is_read_and_ended_by_another() {
    let v = valkey().await;
    let timeouts = SessionTimeouts { idle: chrono::Duration::minutes(30), absolute: chrono::Duration::hours(8) };
    let one: ValkeySessions<UserId> = ValkeySessions::new(v.clone(), timeouts);
    let other: ValkeySessions<UserId> = ValkeySessions::new(v.clone(), timeouts);
    let customers: ValkeySessions<String> = ValkeySessions::new(v.clone(), timeouts);

    let s = session("aaa", 7);
    one.insert(&s).await.unwrap();
    let read = other.find("aaa").await.unwrap().expect("the other instance finds it");
    assert_eq!(read.holder, 7);
    assert_eq!(read.csrf_token, "csrf-aaa");
    assert_eq!(read.created_at.timestamp_millis(), s.created_at.timestamp_millis());
    assert!(customers.find("aaa").await.unwrap().is_none(), "an agent's session is no customer's");
    let ttl = ttl_of(&v, "session:agent:aaa").await;
    assert!(ttl > 29 * 60 * 1000 && ttl <= 30 * 60 * 1000, "expires after the idle timeout: {ttl} ms");

    let later = s.created_at + chrono::Duration::minutes(5);
    other.touch("aaa", later).await.unwrap();
    assert_eq!(one.find("aaa").await.unwrap().unwrap().last_seen_at.timestamp_millis(), later.timestamp_millis());
    let ttl = ttl_of(&v, "session:agent:aaa").await;
    assert!(ttl > 34 * 60 * 1000, "a touch moves the idle end: {ttl} ms");

    // A password change through one ends every other session of the agent.
    one.insert(&session("bbb", 7)).await.unwrap();
    one.insert(&session("ccc", 7)).await.unwrap();
    one.insert(&session("ddd", 8)).await.unwrap();
    assert_eq!(other.delete_others(&7, "bbb").await.unwrap(), 2);
    assert!(one.find("aaa").await.unwrap().is_none() && one.find("ccc").await.unwrap().is_none());
    assert!(one.find("bbb").await.unwrap().is_some(), "the session that changed it stays");
    assert!(one.find("ddd").await.unwrap().is_some(), "another agent's stays");

    other.delete("bbb").await.unwrap();
    assert!(one.find("bbb").await.unwrap().is_none(), "a logout ends it everywhere");
    other.touch("bbb", Utc::now()).await.unwrap();
    assert!(one.find("bbb").await.unwrap().is_none(), "touching an ended session does not revive it");

    // Near its absolute end a session lives only until then, however recently used.
    let mut old = session("eee", 9);
    old.created_at = Utc::now() - chrono::Duration::hours(8) + chrono::Duration::seconds(60);
    one.insert(&old).await.unwrap();
    let ttl = ttl_of(&v, "session:agent:eee").await;
    assert!(ttl > 0 && ttl <= 60_000, "bounded by the absolute end: {ttl} ms");
    clean(&v).await;
}

#[tokio::test]
async fn failed_logins_count_across_instances() {
    let v = valkey().await;
    let window = chrono::Duration::minutes(15);
    let throttle = |v: &Valkey| {
        LoginThrottle::new(
            "account",
            3,
            window,
            chrono::Duration::seconds(30),
            Arc::new(ValkeyFailures::new(v.clone())),
        )
    };
    let (one, other) = (throttle(&v), throttle(&v));
    let now = Utc::now();
    one.fail("ada", now).await.unwrap();
    other.fail("ada", now).await.unwrap();
    assert_eq!(one.locked_for("ada", now).await.unwrap(), None);
    // Two failures in the same millisecond are two.
    one.fail("ada", now).await.unwrap();
    assert_eq!(other.locked_for("ada", now).await.unwrap(), Some(30), "the third, through either, locks");
    assert_eq!(other.locked_for("bob", now).await.unwrap(), None);
    let ttl = ttl_of(&v, "login-failures:account:ada").await;
    assert!(ttl > 14 * 60 * 1000 && ttl <= 15 * 60 * 1000, "kept for the window: {ttl} ms");
    assert_eq!(one.locked_for("ada", now + window).await.unwrap(), None, "the window slid past them");
    other.clear("ada").await.unwrap();
    assert_eq!(one.locked_for("ada", now).await.unwrap(), None, "a good login clears them everywhere");
    clean(&v).await;
}

#[tokio::test]
async fn a_change_announced_by_one_instance_is_forgotten_by_the_others_only() {
    let v = valkey().await;
    let announcer = StaleAnnouncer::start(v.clone());
    let other = StaleAnnouncer::start(v.clone());
    let me = announcer.instance().to_string();
    let heard_here = Arc::new(Mutex::new(Vec::new()));
    let heard_there = Arc::new(Mutex::new(Vec::new()));
    let (h, t) = (heard_here.clone(), heard_there.clone());
    let _here = listen_for_stale(v.clone(), me, move |w| h.lock().unwrap().push(w));
    let _there = listen_for_stale(v.clone(), "someone else".into(), move |w| t.lock().unwrap().push(w));
    // Each listener forgets everything once it is subscribed: anything missed before.
    let subscribed = |heard: &Arc<Mutex<Vec<Stale>>>| heard.lock().unwrap().len() == 5;
    wait_until(|| subscribed(&heard_here) && subscribed(&heard_there)).await;
    heard_here.lock().unwrap().clear();
    heard_there.lock().unwrap().clear();

    let sent = Instant::now();
    announcer.announce(Stale::People);
    wait_until(|| heard_there.lock().unwrap().contains(&Stale::People)).await;
    assert!(sent.elapsed() < Duration::from_secs(1), "heard within a second: {:?}", sent.elapsed());
    other.announce(Stale::TicketFields);
    wait_until(|| heard_here.lock().unwrap().contains(&Stale::TicketFields)).await;
    assert!(!heard_here.lock().unwrap().contains(&Stale::People), "an instance does not hear itself");

    // A command that exits right after its change waits for its notices to be out.
    heard_there.lock().unwrap().clear();
    announcer.announce(Stale::Lookups);
    assert!(announcer.flush(Duration::from_secs(2)).await, "flushed");
    drop(announcer);
    wait_until(|| heard_there.lock().unwrap().contains(&Stale::Lookups)).await;
    clean(&v).await;
}

async fn wait_until(done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(5), "not within 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn event(number: &str) -> Event {
    let ticket = TicketRef {
        id: 1,
        number: number.into(),
        title: "Printer".into(),
        queue_id: 1,
        queue: "Raw".into(),
        priority_id: 3,
        priority: "3 normal".into(),
        state: "new".into(),
        owner_id: 1,
        responsible_id: 1,
    };
    Event::TicketCreated { ticket, by: 1, article_id: 1, history: HistoryType::NewTicket }
}

fn agent(id: UserId) -> Recipient {
    Recipient { id, login: format!("a{id}"), name: "A".into(), email: None, language: None }
}

#[tokio::test]
async fn events_reach_every_follower_with_ids_that_never_go_backwards() {
    let v = valkey().await;
    let one = Arc::new(LiveStream::new(v.clone(), 3));
    let other = Arc::new(LiveStream::new(v.clone(), 3));
    let followed = Arc::new(Mutex::new(Vec::<LiveEvent>::new()));
    let f = followed.clone();
    let _follow = other.clone().follow(0, move |e| f.lock().unwrap().push(e));

    one.deliver(&event("1001"), &[agent(4)]).await.unwrap();
    other.deliver(&event("1002"), &[]).await.unwrap();
    wait_until(|| followed.lock().unwrap().len() == 2).await;
    let got = followed.lock().unwrap().clone();
    assert_eq!(got[0].event, event("1001"));
    assert_eq!(got[0].recipients, vec![4]);
    assert_eq!(got[1].event, event("1002"));
    assert!(got[1].id > got[0].id);

    for n in 3..=6 {
        one.deliver(&event(&format!("100{n}")), &[]).await.unwrap();
    }
    // A new instance starts from the newest few the stream keeps.
    let recent = LiveStream::new(v.clone(), 3).recent().await.unwrap();
    assert!(recent.len() >= 3, "trimmed near its capacity: {}", recent.len());
    assert_eq!(recent.last().unwrap().event, event("1006"));
    assert!(recent.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    let newest = recent.last().unwrap().id;

    // Lost the counter, or all of Valkey's data: ids go on growing, and a follower
    // takes the new events as newer.
    let client = redis::Client::open(url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("DEL").arg(format!("{}live:id", v.prefix())).query_async::<()>(&mut conn).await.unwrap();
    one.deliver(&event("1007"), &[]).await.unwrap();
    let after_lost_counter = one.recent().await.unwrap().last().unwrap().id;
    assert!(after_lost_counter > newest, "{after_lost_counter} after {newest}");
    wait_until(|| followed.lock().unwrap().len() == 7).await;
    let keys = [format!("{}live:id", v.prefix()), format!("{}live", v.prefix())];
    redis::cmd("DEL").arg(&keys).query_async::<()>(&mut conn).await.unwrap();
    one.deliver(&event("1008"), &[]).await.unwrap();
    let after_lost_stream = one.recent().await.unwrap().last().unwrap().id;
    assert!(after_lost_stream > after_lost_counter, "{after_lost_stream} after {after_lost_counter}");
    wait_until(|| followed.lock().unwrap().len() == 8).await;
    assert!(followed.lock().unwrap().windows(2).all(|w| w[0].id < w[1].id));
    clean(&v).await;
}

#[tokio::test]
async fn an_unreachable_valkey_is_named_without_its_password() {
    let err = Valkey::connect("redis://:hunter2@127.0.0.1:1/0", "goats:").await.err().expect("refused");
    let text = err.to_string();
    assert!(text.contains("127.0.0.1:1") && text.contains("*****"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}
