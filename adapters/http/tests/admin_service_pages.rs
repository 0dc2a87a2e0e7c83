//! Services and SLAs (`routes/admin/{services,slas}.yaml`), and setting them on a
//! ticket: admins add and change them with mistakes shown beside the fields and nothing
//! stored; agents set a ticket's service and SLA in the zoom, integrators through the
//! REST API and OTRS's GenericInterface; the pages are for admins only.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use goats_core::ports::{ServiceCatalog, TicketRepository};
use poem::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_admin_builds_services_and_an_sla_with_mistakes_beside_the_fields() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    assert!(text(root.get("/admin/services").await).await.contains("No services yet."));

    let r = root.form_post("/admin/services", &[("name", "Email"), ("parent_id", ""), ("comments", "")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let email = w.store.services().await.unwrap()[0].id;
    assert_eq!(location(&r), format!("/admin/services/{email}"));
    let child = [("name", "Outlook"), ("parent_id", &email.to_string()), ("comments", "The desktop client")];
    root.form_post("/admin/services", &child).await.assert_status(StatusCode::SEE_OTHER);

    // A path typed as a name, a taken name and a parent below itself: each beside its field.
    let r = root.form_post("/admin/services", &[("name", "Email::Thunderbird"), ("parent_id", "")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="s-name-error""#) && html.contains(r#"value="Email::Thunderbird""#));
    let r = root.form_post("/admin/services", &[("name", "Outlook"), ("parent_id", &email.to_string())]).await;
    assert!(text(r).await.contains("A service of this name exists here already."));
    let outlook = w.store.services().await.unwrap().into_iter().find(|s| s.name == "Email::Outlook").unwrap().id;
    let r = root
        .form_post(&format!("/admin/services/{email}"), &[("name", "Email"), ("parent_id", &outlook.to_string())])
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="s-parent-error""#));
    let list = text(root.get("/admin/services").await).await;
    assert!(list.contains("Email::</span>Outlook") && list.contains("The desktop client"), "{list}");

    // The SLA: bad minutes come back as typed; then it is stored with its service.
    let form = |minutes: &'static str| {
        vec![
            ("name", "Gold"),
            ("calendar_name", ""),
            ("first_response_time", minutes),
            ("first_response_notify", "50"),
            ("update_time", "0"),
            ("update_notify", "0"),
            ("solution_time", "480"),
            ("solution_notify", "0"),
            ("service_ids", "1"),
            ("comments", ""),
        ]
    };
    let r = root.form_post("/admin/slas", &form("soon")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="l-first_response-error""#) && html.contains(r#"value="soon""#));
    assert!(w.store.slas().await.unwrap().is_empty(), "nothing stored");
    let r = root.form_post("/admin/slas", &form("-5")).await;
    assert!(text(r).await.contains(r#"id="l-first_response-error""#), "refused by the service, beside the clock");
    root.form_post("/admin/slas", &form("30")).await.assert_status(StatusCode::SEE_OTHER);
    let gold = &w.store.slas().await.unwrap()[0];
    assert_eq!((gold.first_response.minutes, gold.first_response.notify_percent), (30, 50));
    assert_eq!(gold.service_ids, vec![email]);
    let r = root.form_post("/admin/slas", &form("30")).await;
    assert!(text(r).await.contains("An SLA of this name exists already."));
    let list = text(root.get("/admin/slas").await).await;
    assert!(list.contains("30 min") && list.contains("480 min") && list.contains(">Email<"), "{list}");
}

#[tokio::test]
async fn an_admin_names_the_customers_who_may_have_a_service() {
    use goats_core::ports::CustomerRepository;
    let w = world().await;
    w.store.create_user(goats_core::testing::contact("jane", "acme"), None, 1).await.unwrap();
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let form = text(root.get("/admin/services/new").await).await;
    assert!(form.contains(r#"name="every_customer" value="1" checked"#), "a new service is a default one");

    let typed = [("name", "VPN"), ("parent_id", ""), ("customers", "jane\nghost")];
    let r = root.form_post("/admin/services", &typed).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="s-customers-error""#) && html.contains("There is no customer user ghost."), "{html}");
    assert!(html.contains("jane\nghost</textarea>"), "what was typed comes back");
    assert!(!html.contains(r#"name="every_customer" value="1" checked"#), "unchecked as posted");
    assert!(w.store.services().await.unwrap().is_empty(), "nothing stored");

    let r = root.form_post("/admin/services", &[("name", "VPN"), ("parent_id", ""), ("customers", " jane \n")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let page = text(root.get(&location(&r)).await).await;
    assert!(
        page.contains(">jane</textarea>") && !page.contains(r#"name="every_customer" value="1" checked"#),
        "{page}"
    );
    let vpn = w.store.services().await.unwrap()[0].id;
    let given = w.store.customer_service_ids("jane").await.unwrap();
    assert_eq!((given.own, given.by_default), (vec![vpn], vec![]));
}

#[tokio::test]
async fn an_agent_sets_the_service_then_its_sla_in_the_zoom() {
    let w = world().await;
    let (email, phone, gold) = catalog(&w).await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let zoom = text(root.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(r#"id="set-service""#) && !zoom.contains(r#"data-field="sla""#));

    // The service changed: the SLA list was the old service's, so only the service is set.
    let path = format!("/tickets/{id}/service");
    let r = root.htmx_post(&path, &[("service", &email), ("service_was", ""), ("sla", "")]).await;
    r.assert_status_is_ok();
    let part = text(r).await;
    assert!(part.contains(r#"data-field="service">Email<"#) && part.contains(">Gold</option>"), "{part}");
    let r = root.htmx_post(&path, &[("service", &email), ("service_was", &email), ("sla", &gold)]).await;
    assert!(text(r).await.contains(r#"data-field="sla">Gold<"#));
    let t = TicketRepository::get(&w.store, id).await.unwrap().unwrap();
    assert_eq!((t.service.as_deref(), t.sla.as_deref()), (Some("Email"), Some("Gold")));

    // Gold is not offered for Phone: a forged form asking for both is refused whole.
    let r = root.htmx_post(&path, &[("service", &phone), ("service_was", &phone), ("sla", &gold)]).await;
    assert_eq!(r.0.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let t = TicketRepository::get(&w.store, id).await.unwrap().unwrap();
    assert_eq!(t.service.as_deref(), Some("Email"), "nothing half-applied");

    // Without rw on the queue the form is not offered, and the post is refused.
    w.agent("ro", &[(1, Permission::Ro)]).await;
    let ro = Browser::sign_in(&w, "ro", "agent-password").await;
    assert!(!text(ro.get(&format!("/tickets/{id}")).await).await.contains(r#"id="set-service""#));
    let r = ro.htmx_post(&path, &[("service", ""), ("service_was", &email), ("sla", "")]).await;
    assert_eq!(r.0.status(), StatusCode::FORBIDDEN);
    let r = w.cli.post(&path).header("cookie", root.cookie()).form(&[("service", "")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn integrators_set_service_and_sla_through_both_apis() {
    let w = world().await;
    let (email, _, gold) = catalog(&w).await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let patch = |body: serde_json::Value| {
        w.cli
            .patch(format!("/api/v1/tickets/{id}"))
            .header("Authorization", format!("Bearer {token}"))
            .body_json(&body)
            .send()
    };
    let r = patch(json!({"sla_id": gold.parse::<i32>().unwrap()})).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = patch(json!({"service_id": email.parse::<i32>().unwrap(), "sla_id": gold.parse::<i32>().unwrap()})).await;
    r.assert_status_is_ok();
    let t = json(r).await;
    assert_eq!((t["service"].as_str(), t["sla"].as_str()), (Some("Email"), Some("Gold")));
    let r = patch(json!({"service_id": 0})).await;
    let t = json(r).await;
    assert!(t.get("service").is_none() && t.get("sla").is_none(), "{t}");

    let gi = "/otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorREST";
    let creds = json!({"UserLogin": "root@localhost", "Password": "root-password"});
    let mut update = creds.clone();
    update["Ticket"] = json!({"Service": "Email", "SLA": "Gold"});
    let r = w.cli.patch(format!("{gi}/Ticket/{id}")).body_json(&update).send().await;
    let answer = json(r).await;
    assert!(answer.get("Error").is_none(), "{answer}");
    let r = w.cli.get(format!("{gi}/Ticket/{id}?UserLogin=root%40localhost&Password=root-password")).send().await;
    let got = json(r).await;
    let t = &got["Ticket"][0];
    assert_eq!(
        (t["Service"].as_str(), t["SLA"].as_str(), t["SLAID"].as_str()),
        (Some("Email"), Some("Gold"), Some(gold.as_str()))
    );
    update["Ticket"] = json!({"SLA": "Platinum"});
    let r = w.cli.patch(format!("{gi}/Ticket/{id}")).body_json(&update).send().await;
    assert_eq!(json(r).await["Error"]["ErrorCode"].as_str(), Some("TicketUpdate.InvalidParameter"));
}

#[tokio::test]
async fn the_service_and_sla_pages_are_for_admins_only() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for kind in ["services", "slas"] {
        for path in [format!("/admin/{kind}"), format!("/admin/{kind}/new"), format!("/admin/{kind}/1")] {
            mo.get(&path).await.assert_status(StatusCode::FORBIDDEN);
        }
        mo.form_post(&format!("/admin/{kind}"), &[("name", "eve")]).await.assert_status(StatusCode::FORBIDDEN);
    }
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/services").header("cookie", root.cookie()).form(&[("name", "eve")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(w.store.services().await.unwrap().is_empty() && w.store.slas().await.unwrap().is_empty());
    root.get("/admin/slas/404").await.assert_status(StatusCode::NOT_FOUND);
}
