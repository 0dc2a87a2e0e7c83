//! What a new ticket gets when nobody chose (`/admin/ticket-defaults`) and opening a
//! ticket with a service and an SLA: on the agent's new-ticket page, through the REST
//! API and through OTRS's GenericInterface TicketCreate.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::model::{Service, ServiceAudience, TicketFilter, TicketSort};
use goats_core::permission::Permission;
use goats_core::ports::ServiceCatalog;
use goats_core::ports::{LookupRepository, TicketRepository};
use poem::http::StatusCode;
use serde_json::json;

/// The options of the select `id` on `page`, and which one is selected.
fn select<'a>(page: &'a str, id: &str) -> &'a str {
    page.split(&format!(r#"id="{id}""#)).nth(1).and_then(|rest| rest.split("</select>").next()).unwrap()
}

#[tokio::test]
async fn an_admin_sets_what_new_tickets_get_and_the_agents_page_offers_it() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(root.get("/admin/ticket-defaults").await).await;
    assert!(select(&page, "d-queue").contains(r#"<option value="">"#));
    assert!(!select(&page, "d-queue").contains(" selected"), "no default queue at first");
    assert!(select(&page, "d-priority").contains(r#"<option value="3" selected>3 normal"#));
    assert!(!select(&page, "d-state").contains("pending"), "pending states are not offered");

    // A pending state (forged: the page does not offer it) comes back beside its field.
    let form = |state: &'static str| vec![("queue", "2"), ("state", state), ("priority", "4"), ("type", "1")];
    let r = root.form_post("/admin/ticket-defaults", &form("6")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="d-state-error""#) && html.contains(r#"<option value="2" selected>Raw"#), "{html}");
    let new_page = text(root.get("/tickets/new").await).await;
    assert!(!select(&new_page, "new-queue").contains(r#"value="2" selected"#), "nothing saved");

    let r = root.form_post("/admin/ticket-defaults", &form("4")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/admin/ticket-defaults");
    let new_page = text(root.get("/tickets/new?kind=email").await).await;
    assert!(select(&new_page, "new-queue").contains(r#"<option value="2" selected>Raw"#), "{new_page}");
    assert!(select(&new_page, "new-priority").contains(r#"<option value="4" selected>4 high"#));
    assert!(select(&new_page, "new-state").contains(r#"<option value="4" selected>open"#));
    assert!(select(&new_page, "new-type").contains(r#"<option value="1" selected>Unclassified"#));

    // A default queue an agent may not open tickets in is not preselected for them.
    let sales = w.store.create_queue(goats_core::testing::queue("Sales", 3), 1).await.unwrap().to_string();
    let form = [("queue", sales.as_str()), ("state", "4"), ("priority", "4"), ("type", "1")];
    root.form_post("/admin/ticket-defaults", &form).await.assert_status(StatusCode::SEE_OTHER);
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    let page = text(mo.get("/tickets/new").await).await;
    assert!(select(&page, "new-queue").contains(r#"<option value="" selected>"#), "{page}");
    assert!(select(&page, "new-priority").contains(r#"<option value="4" selected>"#), "the rest still applies");
}

#[tokio::test]
async fn the_defaults_page_is_for_admins_and_needs_its_csrf_token() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    mo.get("/admin/ticket-defaults").await.assert_status(StatusCode::FORBIDDEN);
    let form = [("queue", "2"), ("state", "1"), ("priority", "3"), ("type", "1")];
    mo.form_post("/admin/ticket-defaults", &form).await.assert_status(StatusCode::FORBIDDEN);
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/ticket-defaults").header("cookie", root.cookie()).form(&form).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let page = text(root.get("/tickets/new").await).await;
    assert!(select(&page, "new-queue").contains(r#"<option value="" selected>"#), "nothing saved");
}

#[tokio::test]
async fn an_agent_opens_a_ticket_with_a_service_and_an_sla_offered_for_it() {
    let w = world().await;
    let (email, phone, gold) = catalog(&w).await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(root.get("/tickets/new").await).await;
    assert!(!select(&page, "new-service").contains(">Email</option>"), "no customer typed, no services yet");
    // The services follow the customer typed: Jane has Phone of her own, everyone else
    // the default ones.
    let only_phone = ServiceAudience { every_customer: true, customers: vec!["jane".into()] };
    let phone_service = Service { id: phone.parse().unwrap(), name: "Phone".into(), valid: true, comments: None };
    w.store.save_service(phone_service, Some(only_phone), 1).await.unwrap();
    let email_service = Service { id: email.parse().unwrap(), name: "Email".into(), valid: true, comments: None };
    w.store.save_service(email_service, Some(ServiceAudience::every_customer()), 1).await.unwrap();
    let options = text(root.get("/tickets/new/services?customer=jane").await).await;
    assert!(options.contains(">Phone</option>") && !options.contains("Email"), "{options}");
    let options = text(root.get("/tickets/new/services?customer=a%40b.example").await).await;
    assert!(options.contains(">Phone</option>") && options.contains(">Email</option>"), "{options}");
    let options = text(root.get("/tickets/new/services?customer=").await).await;
    assert!(!options.contains("Phone"), "{options}");
    // The SLAs follow the service chosen.
    let options = text(root.get(&format!("/tickets/new/slas?service={email}")).await).await;
    assert!(options.contains(&format!(r#"<option value="{gold}">Gold</option>"#)), "{options}");
    let options = text(root.get(&format!("/tickets/new/slas?service={phone}")).await).await;
    assert!(!options.contains("Gold"), "{options}");

    let r = root.htmx_post("/tickets/new", &phoned_in(&phone, &gold)).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let trigger: serde_json::Value =
        serde_json::from_str(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap()).unwrap();
    assert_eq!(trigger["goats:field-error"]["field"], "sla", "{trigger}");
    assert_eq!(count(&w).await, 0, "nothing stored");

    root.htmx_post("/tickets/new", &phoned_in(&email, &gold)).await.assert_status_is_ok();
    let t = only_ticket(&w).await;
    assert_eq!((t.service.as_deref(), t.sla.as_deref(), t.type_id), (Some("Email"), Some("Gold"), Some(1)));
}

#[tokio::test]
async fn integrators_open_tickets_with_the_defaults_and_a_service_through_both_apis() {
    let w = world().await;
    let (email, _, gold) = catalog(&w).await;
    let token = w.login("root@localhost", "root-password").await;
    let create = |body: serde_json::Value| {
        w.cli.post("/api/v1/tickets").header("Authorization", format!("Bearer {token}")).body_json(&body).send()
    };
    let article = json!({"subject": "VPN", "body": "Down.", "channel": "phone", "sender_type": "customer"});
    let r = create(json!({"title": "No queue", "customer_user_id": "jane", "article": article})).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("queue_id"));

    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let defaults = [("queue", "4"), ("state", "4"), ("priority", "5"), ("type", "1")];
    root.form_post("/admin/ticket-defaults", &defaults).await.assert_status(StatusCode::SEE_OTHER);
    let r = create(json!({
        "title": "Defaults",
        "customer_user_id": "jane",
        "service_id": email.parse::<i32>().unwrap(),
        "sla_id": gold.parse::<i32>().unwrap(),
        "article": article
    }))
    .await;
    r.assert_status(StatusCode::CREATED);
    let t = json(r).await;
    assert_eq!(
        (t["queue_id"].as_i64(), t["state"].as_str(), t["priority_id"].as_i64()),
        (Some(4), Some("open"), Some(5)),
        "{t}"
    );
    assert_eq!((t["service"].as_str(), t["sla"].as_str()), (Some("Email"), Some("Gold")));

    let gi = "/otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorREST/Ticket";
    let body = |service: &str, sla: &str| {
        json!({
            "UserLogin": "root@localhost",
            "Password": "root-password",
            "Ticket": {"Title": "From OTRS", "Queue": "Raw", "State": "new", "Priority": "3 normal",
                       "CustomerUser": "jane", "Service": service, "SLA": sla},
            "Article": {"Subject": "Hi", "Body": "There", "ContentType": "text/plain; charset=utf8"}
        })
    };
    let r = w.cli.post(gi).body_json(&body("Phone", "Gold")).send().await;
    let answer = json(r).await;
    assert_eq!(answer["Error"]["ErrorCode"].as_str(), Some("TicketCreate.InvalidParameter"), "{answer}");
    let r = w.cli.post(gi).body_json(&body("Email", "Gold")).send().await;
    let answer = json(r).await;
    let id: i64 = answer["TicketID"].as_str().expect("created").parse().unwrap();
    let t = TicketRepository::get(&w.store, id).await.unwrap().unwrap();
    assert_eq!((t.service.as_deref(), t.sla.as_deref()), (Some("Email"), Some("Gold")));
    assert_eq!(count(&w).await, 2, "the refused TicketCreate stored nothing");
}

/// The new-ticket form for a call about `service` under `sla`.
fn phoned_in<'a>(service: &'a str, sla: &'a str) -> [(&'static str, &'a str); 7] {
    [
        ("kind", "phone"),
        ("customer", "a@b.example"),
        ("title", "Mail is down"),
        ("body", "Since nine."),
        ("queue", "2"),
        ("service", service),
        ("sla", sla),
    ]
}

async fn count(w: &World) -> u64 {
    let page = goats_core::model::PageRequest::default();
    TicketRepository::list(&w.store, &TicketFilter::default(), TicketSort::default(), page).await.unwrap().total
}

async fn only_ticket(w: &World) -> goats_core::model::Ticket {
    let page = goats_core::model::PageRequest::default();
    let mut all =
        TicketRepository::list(&w.store, &TicketFilter::default(), TicketSort::default(), page).await.unwrap().items;
    assert_eq!(all.len(), 1);
    all.remove(0)
}
