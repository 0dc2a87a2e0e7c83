//! The admin pages for customer contacts and companies (`routes/admin/customer-*.yaml`):
//! searched and paged, added and changed with each problem beside its field and what was
//! typed kept, a contact given a portal password they then log in with, and every page
//! refused to agents outside the admin group.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::model::CustomerCompany;
use goats_core::permission::Permission;
use goats_core::ports::CustomerRepository;
use poem::http::StatusCode;

fn contact<'a>(login: &'a str, first: &'a str, email: &'a str, company: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("login", login),
        ("first_name", first),
        ("last_name", "Zorn"),
        ("email", email),
        ("customer_id", company),
        ("city", "Springfield"),
    ]
}

#[tokio::test]
async fn an_admin_adds_a_company_and_a_contact_who_then_logs_in_to_the_portal() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;

    let r = root.form_post("/admin/customer-companies", &[("customer_id", " "), ("name", "Acme")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="f-customer_id-error""#) && html.contains(r#"value="Acme""#));
    let r = root.form_post("/admin/customer-companies", &[("customer_id", "ACME"), ("name", "Acme Inc.")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/admin/customer-companies/ACME");
    let r = root.form_post("/admin/customer-companies", &[("customer_id", "ACME"), ("name", "Other")]).await;
    assert!(text(r).await.contains("A company with this customer id exists."));

    // A contact of no such company, with a bad address and a short password: each
    // beside its field, nothing added.
    let mut form = contact("abe", "Abe", "abe@", "NOPE");
    form.push(("password", "short"));
    let r = root.form_post("/admin/customer-users", &form).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="f-email-error""#), "{html}");
    assert!(html.contains(r#"value="Springfield""#), "what was typed is kept");
    assert!(w.store.user("abe").await.unwrap().is_none());
    let mut form = contact("abe", "Abe", "abe@acme.example", "NOPE");
    form.push(("password", "portal-password"));
    let r = root.form_post("/admin/customer-users", &form).await;
    assert!(text(r).await.contains(r#"id="f-customer_id-error""#));
    let mut form = contact("abe", "Abe", "abe@acme.example", "ACME");
    form.push(("password", "short"));
    let r = root.form_post("/admin/customer-users", &form).await;
    assert!(text(r).await.contains(r#"id="f-password-error""#));
    // Longer than OTRS's columns hold (a first name 100, a title 50): beside the field.
    let long_name = "A".repeat(101);
    let mut form = contact("abe", &long_name, "abe@acme.example", "ACME");
    form.extend([("password", "portal-password"), ("title", "Dr.")]);
    let html = text(root.form_post("/admin/customer-users", &form).await).await;
    assert!(html.contains(r#"id="f-first_name-error""#) && !html.contains(r#"id="f-title-error""#), "{html}");
    let long_title = "T".repeat(51);
    let mut form = contact("abe", "Abe", "abe@acme.example", "ACME");
    form.extend([("password", "portal-password"), ("title", long_title.as_str())]);
    let html = text(root.form_post("/admin/customer-users", &form).await).await;
    assert!(html.contains(r#"id="f-title-error""#) && !html.contains(r#"id="f-first_name-error""#), "{html}");
    assert!(w.store.user("abe").await.unwrap().is_none());

    let mut form = contact("abe", "Abe", "abe@acme.example", "ACME");
    form.push(("password", "portal-password"));
    let r = root.form_post("/admin/customer-users", &form).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/admin/customer-users/abe");
    let abe = w.store.user("abe").await.unwrap().expect("added");
    assert_eq!((abe.customer_id.as_str(), abe.city.as_deref(), abe.valid), ("ACME", Some("Springfield"), true));
    let r = customer_login(&w, "abe", "portal-password").await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/customer", "abe logs in to the portal");

    // Changed: a phone number, and set invalid; the login stays.
    let mut change = contact("ignored", "Abraham", "abe@acme.example", "ACME");
    change.push(("phone", "+1 555 0100"));
    root.form_post("/admin/customer-users/abe", &change).await.assert_status(StatusCode::SEE_OTHER);
    let abe = w.store.user("abe").await.unwrap().unwrap();
    assert_eq!((abe.first_name.as_str(), abe.phone.as_deref(), abe.valid), ("Abraham", Some("+1 555 0100"), false));
    assert!(w.store.user("ignored").await.unwrap().is_none());
}

#[tokio::test]
async fn long_lists_are_searched_and_paged() {
    let w = world().await;
    for i in 0..30 {
        let c = CustomerCompany { customer_id: format!("C{i:02}"), name: format!("Company {i}"), ..Default::default() };
        w.store.create_company(c, 1).await.unwrap();
    }
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let first = text(root.get("/admin/customer-companies").await).await;
    assert!(first.contains(">C00<") && first.contains(">C24<") && !first.contains(">C25<"));
    assert!(first.contains(r#"href="/admin/customer-companies?q=&#38;page=2" rel="next""#), "{first}");
    let second = text(root.get("/admin/customer-companies?q=&page=2").await).await;
    assert!(second.contains(">C25<") && second.contains(">C29<") && !second.contains(r#"rel="next""#));
    assert!(second.contains(r#"rel="prev""#));
    let found = text(root.get("/admin/customer-companies?q=company+7").await).await;
    assert!(found.contains(">C07<") && !found.contains(">C08<") && !found.contains(r#"rel="next""#));
    let none = text(root.get("/admin/customer-users?q=nobody").await).await;
    assert!(none.contains("No contacts match."));
}

#[tokio::test]
async fn the_customer_admin_pages_are_for_admins_only() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in [
        "/admin/customer-users",
        "/admin/customer-users/new",
        "/admin/customer-companies",
        "/admin/customer-companies/new",
    ] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    let form = contact("eve", "Eve", "eve@example.com", "");
    mo.form_post("/admin/customer-users", &form).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/customer-companies", &[("customer_id", "EVE"), ("name", "Eve")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // A forged form without the CSRF token changes nothing, even for an admin.
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/customer-users").header("cookie", root.cookie()).form(&form).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(w.store.user("eve").await.unwrap().is_none());
    assert!(w.store.company("EVE").await.unwrap().is_none());
    root.get("/admin/customer-users/nobody").await.assert_status(StatusCode::NOT_FOUND);
}
