//! `/api/v1/admin/services`, `/slas` and `/templates`: integrators keep services, SLAs
//! and answer templates as admins do on the pages — created, read, changed, set
//! invalid; refused with a problem naming the field and nothing stored; only for the
//! admin group.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use poem::http::StatusCode;
use poem::test::TestResponse;
use serde_json::{Value, json};

struct Admin<'a> {
    w: &'a World,
    bearer: String,
}

impl Admin<'_> {
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> TestResponse {
        let url = format!("/api/v1/admin{path}");
        let req = match method {
            "GET" => self.w.cli.get(url),
            "POST" => self.w.cli.post(url),
            "PUT" => self.w.cli.put(url),
            _ => self.w.cli.patch(url),
        };
        let req = req.header("Authorization", &self.bearer);
        match body {
            Some(b) => req.body_json(&b).send().await,
            None => req.send().await,
        }
    }

    async fn ok(&self, method: &str, path: &str, body: Option<Value>, status: StatusCode) -> Value {
        let r = self.send(method, path, body).await;
        r.assert_status(status);
        json(r).await
    }
}

#[tokio::test]
async fn services_are_created_moved_renamed_and_switched_off() {
    let w = world().await;
    let a = Admin { w: &w, bearer: format!("Bearer {}", w.login("root@localhost", "root-password").await) };
    let email = a.ok("POST", "/services", Some(json!({"name": "Email"})), StatusCode::CREATED).await;
    let email_id = email["id"].as_i64().unwrap();
    let outlook =
        a.ok("POST", "/services", Some(json!({"name": "Outlook", "parent_id": email_id})), StatusCode::CREATED).await;
    assert_eq!((outlook["name"].as_str(), outlook["parent_id"].as_i64()), (Some("Email::Outlook"), Some(email_id)));
    let outlook_id = outlook["id"].as_i64().unwrap();

    // A path typed as a name, a parent below itself, a taken name: refused, nothing stored.
    let r = a.send("POST", "/services", Some(json!({"name": "Email::Thunderbird"}))).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(r).await["errors"][0]["field"], "name");
    let r = a.send("PATCH", &format!("/services/{email_id}"), Some(json!({"parent_id": outlook_id}))).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    a.send("POST", "/services", Some(json!({"name": "Email"}))).await.assert_status(StatusCode::CONFLICT);
    assert_eq!(a.ok("GET", "/services", None, StatusCode::OK).await.as_array().unwrap().len(), 2);

    // Renaming the parent takes the child along; moving the child to the top keeps its name.
    let renamed = a.ok("PATCH", &format!("/services/{email_id}"), Some(json!({"name": "Mail"})), StatusCode::OK).await;
    assert_eq!(renamed["name"], "Mail");
    let child = a.ok("GET", &format!("/services/{outlook_id}"), None, StatusCode::OK).await;
    assert_eq!(child["name"], "Mail::Outlook");
    let top = a
        .ok(
            "PATCH",
            &format!("/services/{outlook_id}"),
            Some(json!({"parent_id": null, "valid": false})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (top["name"].as_str(), top.get("parent_id"), top["valid"].as_bool()),
        (Some("Outlook"), None, Some(false))
    );
    a.send("GET", "/services/999", None).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_service_is_given_to_customers_by_name_or_to_everyone() {
    use goats_core::ports::CustomerRepository;
    let w = world().await;
    w.store.create_user(goats_core::testing::contact("jane", "acme"), None, 1).await.unwrap();
    let a = Admin { w: &w, bearer: format!("Bearer {}", w.login("root@localhost", "root-password").await) };
    let vpn = a.ok("POST", "/services", Some(json!({"name": "VPN"})), StatusCode::CREATED).await;
    let path = format!("/services/{}/customers", vpn["id"]);
    let given = a.ok("GET", &path, None, StatusCode::OK).await;
    assert_eq!(given, json!({"every_customer": true, "customers": []}), "a new service is a default one");

    let r = a.send("PUT", &path, Some(json!({"every_customer": false, "customers": ["jane", "ghost"]}))).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json(r).await;
    assert_eq!(problem["errors"][0]["field"], "customers", "{problem}");
    assert!(problem.to_string().contains("ghost"), "{problem}");
    assert_eq!(a.ok("GET", &path, None, StatusCode::OK).await["every_customer"], true, "nothing changed");

    let body = json!({"every_customer": false, "customers": ["jane"]});
    assert_eq!(a.ok("PUT", &path, Some(body.clone()), StatusCode::OK).await, body);
    let only_named =
        a.ok("POST", "/services", Some(json!({"name": "Fax", "every_customer": false})), StatusCode::CREATED);
    let fax = only_named.await;
    let r = a.send("GET", &format!("/services/{}/customers", fax["id"]), None).await;
    assert_eq!(json(r).await, json!({"every_customer": false, "customers": []}));
    a.send("GET", "/services/999/customers", None).await.assert_status(StatusCode::NOT_FOUND);
    a.send("PUT", "/services/999/customers", Some(body)).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn slas_and_templates_are_kept_through_the_api() {
    let w = world().await;
    let a = Admin { w: &w, bearer: format!("Bearer {}", w.login("root@localhost", "root-password").await) };
    let service = a.ok("POST", "/services", Some(json!({"name": "VPN"})), StatusCode::CREATED).await;
    let sid = service["id"].as_i64().unwrap();
    let sla = a
        .ok(
            "POST",
            "/slas",
            Some(json!({"name": "Gold", "first_response_time": 60, "first_response_notify": 80, "service_ids": [sid]})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!((sla["first_response_time"].as_i64(), sla["solution_time"].as_i64()), (Some(60), Some(0)));
    assert_eq!(sla["service_ids"], json!([sid]));
    let id = sla["id"].as_i64().unwrap();
    let r = a.send("PATCH", &format!("/slas/{id}"), Some(json!({"first_response_notify": 150}))).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = a.send("PATCH", &format!("/slas/{id}"), Some(json!({"service_ids": [9999]}))).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let changed = a
        .ok("PATCH", &format!("/slas/{id}"), Some(json!({"solution_time": 480, "valid": false})), StatusCode::OK)
        .await;
    assert_eq!((changed["first_response_notify"].as_i64(), changed["solution_time"].as_i64()), (Some(80), Some(480)));
    assert_eq!((changed["service_ids"].clone(), changed["valid"].as_bool()), (json!([sid]), Some(false)));

    let t = a
        .ok(
            "POST",
            "/templates",
            Some(json!({"name": "Callback", "text": "We will call you back.", "queue_ids": [2, 4]})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!((t["template_type"].as_str(), t["queue_ids"].clone()), (Some("Answer"), json!([2, 4])));
    let tid = t["id"].as_i64().unwrap();
    a.send("POST", "/templates", Some(json!({"name": "Callback"}))).await.assert_status(StatusCode::CONFLICT);
    let r = a.send("PATCH", &format!("/templates/{tid}"), Some(json!({"queue_ids": [999]}))).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let t = a
        .ok("PATCH", &format!("/templates/{tid}"), Some(json!({"queue_ids": [4], "comments": "phone"})), StatusCode::OK)
        .await;
    assert_eq!(
        (t["queue_ids"].clone(), t["comments"].as_str(), t["text"].as_str()),
        (json!([4]), Some("phone"), Some("We will call you back."))
    );
    let all = a.ok("GET", "/templates", None, StatusCode::OK).await;
    assert!(all.as_array().unwrap().iter().any(|t| t["name"] == "empty answer"), "OTRS's default is listed");
}

#[tokio::test]
async fn only_admins_keep_them() {
    let w = world().await;
    let mo = Admin { w: &w, bearer: format!("Bearer {}", w.agent("mo", &[(1, Permission::Rw)]).await) };
    for path in ["/services", "/slas", "/templates"] {
        mo.send("GET", path, None).await.assert_status(StatusCode::FORBIDDEN);
        mo.send("POST", path, Some(json!({"name": "Eve"}))).await.assert_status(StatusCode::FORBIDDEN);
    }
    let root = Admin { w: &w, bearer: format!("Bearer {}", w.login("root@localhost", "root-password").await) };
    assert!(root.ok("GET", "/services", None, StatusCode::OK).await.as_array().unwrap().is_empty(), "nothing made");
}
