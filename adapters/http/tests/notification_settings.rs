//! `/preferences/notifications`: an agent chooses which notifications reach them and by
//! which way, and their "My Queues"; a queue they may not read is refused with the
//! message beside the queues, and nothing is stored; a form without the CSRF token
//! changes nothing.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::agent_notifications::{TRANSPORT_PREFERENCE, TicketNotification, Transport, TransportChoices};
use goats_core::permission::Permission;
use goats_core::ports::{AgentNotificationStore, AgentRepository, PreferenceStore};
use poem::http::StatusCode;

fn notification(id: i32, name: &str, visible: bool) -> TicketNotification {
    let mut items = vec![
        ("Events".to_string(), "NotificationNewTicket".to_string()),
        ("Transports".into(), "Email".into()),
        ("Transports".into(), "NotificationView".into()),
        ("AgentEnabledByDefault".into(), "Email".into()),
    ];
    if visible {
        items.push(("VisibleForAgent".into(), "1".into()));
    }
    TicketNotification::from_items(id, name.into(), items, vec![]).0
}

#[tokio::test]
async fn an_agent_chooses_their_notifications_and_queues() {
    let w = world().await;
    w.store.set_notifications(vec![notification(1, "New ticket in my queues", true), notification(2, "Hidden", false)]);
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let id = AgentRepository::by_login(&w.store, "mo").await.unwrap().unwrap().id;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;

    let page = text(mo.get("/preferences/notifications").await).await;
    assert!(page.contains("New ticket in my queues"), "a choosable notification is listed");
    assert!(!page.contains("Hidden"), "one agents cannot choose is not");
    assert!(page.contains(r#"value="1:Email" checked"#), "on by default");
    assert!(page.contains(r#"value="1:NotificationView">"#), "off by default");
    assert!(page.contains(r#"name="queue" value="2""#), "the queues mo may read");

    let r = mo
        .form_post("/preferences/notifications", &[("notify", "1:NotificationView"), ("queue", "2"), ("queue", "4")])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let stored = w.store.preference(id, TRANSPORT_PREFERENCE).await.unwrap();
    let choices = TransportChoices::parse(stored.as_deref());
    let visible = notification(1, "x", true);
    assert!(!choices.wants(&visible, Transport::Email) && choices.wants(&visible, Transport::NotificationView));
    assert_eq!(w.store.my_queues(id).await.unwrap(), [2, 4]);
    let page = text(mo.get("/preferences/notifications").await).await;
    assert!(page.contains(r#"value="1:NotificationView" checked"#) && page.contains(r#"value="4" checked"#));
}

#[tokio::test]
async fn a_queue_the_agent_may_not_read_is_refused_and_nothing_is_stored() {
    let w = world().await;
    w.store.set_notifications(vec![notification(1, "New ticket in my queues", true)]);
    w.agent("mo", &[(3, Permission::Rw)]).await;
    let id = AgentRepository::by_login(&w.store, "mo").await.unwrap().unwrap().id;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    let page = text(mo.get("/preferences/notifications").await).await;
    assert!(!page.contains(r#"name="queue" value="2""#), "queues of the users group are not offered");

    let r = mo.form_post("/preferences/notifications", &[("queue", "2")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="notify-queues-error""#), "beside the queues");
    assert!(w.store.my_queues(id).await.unwrap().is_empty());
    assert_eq!(w.store.preference(id, TRANSPORT_PREFERENCE).await.unwrap(), None);

    // Without the CSRF token: refused, nothing changes.
    let r = w
        .cli
        .post("/preferences/notifications")
        .header("cookie", mo.cookie())
        .form(&[("notify", "1:Email")])
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(w.store.preference(id, TRANSPORT_PREFERENCE).await.unwrap(), None);
}

#[tokio::test]
async fn an_agent_chooses_my_services_and_an_invalid_one_is_refused() {
    use goats_core::model::Service;
    use goats_core::ports::ServiceCatalog;
    let w = world().await;
    w.store.set_notifications(vec![notification(1, "New ticket in my queues", true)]);
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let id = AgentRepository::by_login(&w.store, "mo").await.unwrap().unwrap().id;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    let page = text(mo.get("/preferences/notifications").await).await;
    assert!(!page.contains("My services"), "no services, no section");

    let service = |name: &str, valid| Service { id: 0, name: name.into(), comments: None, valid };
    let vpn = w.store.save_service(service("VPN", true), None, 1).await.unwrap().to_string();
    let old = w.store.save_service(service("Fax", false), None, 1).await.unwrap().to_string();
    let page = text(mo.get("/preferences/notifications").await).await;
    assert!(page.contains(&format!(r#"name="service" value="{vpn}">"#)), "{page}");
    assert!(!page.contains(&format!(r#"name="service" value="{old}""#)), "an invalid service is not offered");

    let r = mo.form_post("/preferences/notifications", &[("queue", "2"), ("service", &old)]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="notify-services-error""#), "beside the services");
    assert!(w.store.my_services(id).await.unwrap().is_empty() && w.store.my_queues(id).await.unwrap().is_empty());

    let r = mo.form_post("/preferences/notifications", &[("queue", "2"), ("service", &vpn)]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(w.store.my_services(id).await.unwrap(), [vpn.parse::<i32>().unwrap()]);
    let page = text(mo.get("/preferences/notifications").await).await;
    assert!(page.contains(&format!(r#"name="service" value="{vpn}" checked"#)));
    mo.form_post("/preferences/notifications", &[("queue", "2")]).await.assert_status(StatusCode::SEE_OTHER);
    assert!(w.store.my_services(id).await.unwrap().is_empty(), "unticked, gone");
}
