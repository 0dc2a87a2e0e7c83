//! The admin resources through the API: only the admin group may use them, nothing is
//! deleted, and what an admin sets up takes effect for the agents.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use poem::http::StatusCode;
use serde_json::{Value, json};

impl World {
    async fn call(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let req = match method {
            "GET" => self.cli.get(path),
            "POST" => self.cli.post(path),
            "PATCH" => self.cli.patch(path),
            "PUT" => self.cli.put(path),
            "DELETE" => self.cli.delete(path),
            other => panic!("{other}"),
        }
        .header("Authorization", format!("Bearer {token}"));
        let resp = match body {
            Some(b) => req.body_json(&b).send().await,
            None => req.send().await,
        };
        let status = resp.0.status();
        let text = resp.0.into_body().into_string().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn agents_outside_the_admin_group_are_refused_everywhere() {
    let w = world().await;
    let agent = w.agent("ann", &[(1, Permission::Rw)]).await;
    let calls: [(&str, &str, Option<Value>); 14] = [
        ("GET", "/api/v1/admin/queues", None),
        ("POST", "/api/v1/admin/queues", Some(json!({"name": "Mine", "group_id": 1}))),
        ("GET", "/api/v1/admin/queues/1", None),
        ("PATCH", "/api/v1/admin/queues/1", Some(json!({"valid": false}))),
        ("GET", "/api/v1/admin/states", None),
        ("POST", "/api/v1/admin/priorities", Some(json!({"name": "6 mine"}))),
        ("PATCH", "/api/v1/admin/types/1", Some(json!({"name": "Mine"}))),
        ("GET", "/api/v1/admin/groups", None),
        ("POST", "/api/v1/admin/groups", Some(json!({"name": "mine"}))),
        ("POST", "/api/v1/admin/roles", Some(json!({"name": "mine"}))),
        ("GET", "/api/v1/admin/agents", None),
        (
            "POST",
            "/api/v1/admin/agents",
            Some(json!({"login": "x", "first_name": "X", "last_name": "Y", "password": "12345678"})),
        ),
        ("PUT", "/api/v1/admin/agents/1/grants/2/rw", None),
        ("PATCH", "/api/v1/admin/agents/1", Some(json!({"valid": false}))),
    ];
    for (method, path, body) in calls {
        let (status, problem) = w.call(&agent, method, path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {problem}");
        assert_eq!(problem["status"], 403);
    }
    // Nothing changed on the way.
    let root = w.login("root@localhost", "root-password").await;
    let (_, queues) = w.call(&root, "GET", "/api/v1/admin/queues", None).await;
    assert_eq!(queues.as_array().unwrap().len(), 4);
    assert!(queues.as_array().unwrap().iter().all(|q| q["valid"] == true));
}

#[tokio::test]
async fn queues_are_created_changed_and_switched_off() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let (status, q) = w
        .call(
            &root,
            "POST",
            "/api/v1/admin/queues",
            Some(json!({"name": "Support", "group_id": 1, "first_response_time": 60})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{q}");
    assert_eq!(
        (q["name"].as_str(), q["first_response_time"].as_i64(), q["valid"].as_bool()),
        (Some("Support"), Some(60), Some(true))
    );
    let id = q["id"].as_i64().unwrap();

    let (status, _) =
        w.call(&root, "POST", "/api/v1/admin/queues", Some(json!({"name": "Support", "group_id": 1}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, problem) =
        w.call(&root, "POST", "/api/v1/admin/queues", Some(json!({"name": "Lost", "group_id": 77}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");

    let path = format!("/api/v1/admin/queues/{id}");
    let patch = json!({"calendar_name": "2", "comments": "first line", "update_time": 120});
    let (status, q) = w.call(&root, "PATCH", &path, Some(patch)).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    assert_eq!(
        (q["calendar_name"].as_str(), q["update_time"].as_i64(), q["first_response_time"].as_i64()),
        (Some("2"), Some(120), Some(60))
    );
    let (_, q) = w.call(&root, "PATCH", &path, Some(json!({"calendar_name": null, "valid": false}))).await;
    assert_eq!(
        (q["calendar_name"].clone(), q["valid"].as_bool(), q["comments"].as_str()),
        (Value::Null, Some(false), Some("first line"))
    );
    let (status, _) = w.call(&root, "PATCH", "/api/v1/admin/queues/999", Some(json!({"valid": false}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An invalid queue takes no new tickets.
    let r = w
        .cli
        .post("/api/v1/tickets")
        .header("Authorization", format!("Bearer {root}"))
        .body_json(&json!({"title": "Into the void", "queue_id": id, "article": {"subject": "x", "body": "y"}}))
        .send()
        .await;
    assert!(r.0.status().is_client_error(), "{}", r.0.status());
}

#[tokio::test]
async fn states_priorities_and_types_are_added_renamed_and_switched_off() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let (status, problem) = w.call(&root, "POST", "/api/v1/admin/states", Some(json!({"name": "waiting"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a state needs its type: {problem}");
    let (status, s) =
        w.call(&root, "POST", "/api/v1/admin/states", Some(json!({"name": "waiting", "state_type": "open"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["state_type"], "open");
    let state = format!("/api/v1/admin/states/{}", s["id"]);
    let (status, s) = w.call(&root, "PATCH", &state, Some(json!({"state_type": "pending_reminder"}))).await;
    assert_eq!((status, s["state_type"].as_str()), (StatusCode::OK, Some("pending_reminder")), "{s}");
    let (status, _) = w.call(&root, "PATCH", &state, Some(json!({"name": "x", "state_type": "merged"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "only the merged state is merged");
    let (status, p) = w.call(&root, "POST", "/api/v1/admin/priorities", Some(json!({"name": "6 urgent"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let path = format!("/api/v1/admin/priorities/{}", p["id"]);
    let (_, p) = w.call(&root, "PATCH", &path, Some(json!({"name": "6 critical", "valid": false}))).await;
    assert_eq!((p["name"].as_str(), p["valid"].as_bool()), (Some("6 critical"), Some(false)));
    let (status, _) = w.call(&root, "PATCH", &path, Some(json!({"name": "3 normal"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, t) = w.call(&root, "POST", "/api/v1/admin/types", Some(json!({"name": "Incident"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let (_, types) = w.call(&root, "GET", "/api/v1/admin/types", None).await;
    assert_eq!(types.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_admin_sets_up_an_agent_who_can_then_work() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let new = json!({"login": "dana", "first_name": "Dana", "last_name": "Diaz", "email": "dana@example.com", "password": "dana-password"});
    let (status, dana) = w.call(&root, "POST", "/api/v1/admin/agents", Some(new.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{dana}");
    let (status, _) = w.call(&root, "POST", "/api/v1/admin/agents", Some(new)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let id = dana["id"].as_i64().unwrap();

    // She can log in but sees no queue until she is granted one, directly or by role.
    let token = w.login("dana", "dana-password").await;
    let (_, queues) = w.call(&token, "GET", "/api/v1/queues", None).await;
    assert_eq!(queues, json!([]));
    let (status, role) = w.call(&root, "POST", "/api/v1/admin/roles", Some(json!({"name": "First line"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let role_id = role["id"].as_i64().unwrap();
    let (status, _) = w.call(&root, "PUT", &format!("/api/v1/admin/roles/{role_id}/grants/1/ro"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = w.call(&root, "PUT", &format!("/api/v1/admin/roles/{role_id}/agents/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, queues) = w.call(&token, "GET", "/api/v1/queues", None).await;
    assert_eq!(queues.as_array().unwrap().len(), 4, "the role's ro on users shows its queues");
    let (status, _) = w.call(&root, "PUT", &format!("/api/v1/admin/agents/{id}/grants/3/rw"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = w.call(&root, "PUT", &format!("/api/v1/admin/agents/{id}/grants/3/sudo"), None).await;
    assert!(status.is_client_error());

    let path = format!("/api/v1/admin/agents/{id}");
    let (_, dana) = w.call(&root, "PATCH", &path, Some(json!({"email": null, "last_name": "Díaz"}))).await;
    assert_eq!((dana["email"].clone(), dana["last_name"].as_str()), (Value::Null, Some("Díaz")));
    let (_, dana) = w.call(&root, "PATCH", &path, Some(json!({"valid": false}))).await;
    assert_eq!(dana["valid"], false);
    let r =
        w.cli.post("/api/v1/auth/login").body_json(&json!({"login": "dana", "password": "dana-password"})).send().await;
    r.assert_status(StatusCode::UNAUTHORIZED);

    // An admin cannot lock themselves out.
    let (status, _) = w.call(&root, "PATCH", "/api/v1/admin/agents/1", Some(json!({"valid": false}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = w.call(&root, "PATCH", "/api/v1/admin/groups/2", Some(json!({"valid": false}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = w.call(&root, "DELETE", "/api/v1/admin/agents/1/grants/2/rw", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, g) =
        w.call(&root, "POST", "/api/v1/admin/groups", Some(json!({"name": "sales", "comments": "Sales team"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{g}");
    let (_, g) =
        w.call(&root, "PATCH", &format!("/api/v1/admin/groups/{}", g["id"]), Some(json!({"valid": false}))).await;
    assert_eq!(g["valid"], false);
}

#[tokio::test]
async fn companies_and_contacts_are_kept_by_admins() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let agent = w.agent("ann", &[(1, Permission::Rw)]).await;
    let (status, _) = w.call(&agent, "GET", "/api/v1/admin/customer-users", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = w
        .call(&agent, "POST", "/api/v1/admin/customer-companies", Some(json!({"customer_id": "X", "name": "X"})))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, acme) = w
        .call(
            &root,
            "POST",
            "/api/v1/admin/customer-companies",
            Some(json!({"customer_id": "ACME", "name": "Acme Inc.", "city": "Springfield"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{acme}");
    let (status, _) = w
        .call(&root, "POST", "/api/v1/admin/customer-companies", Some(json!({"customer_id": "ACME", "name": "Again"})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, acme) = w
        .call(
            &root,
            "PATCH",
            "/api/v1/admin/customer-companies/ACME",
            Some(json!({"city": null, "url": "https://acme.example"})),
        )
        .await;
    assert_eq!((acme.get("city"), acme["url"].as_str()), (None, Some("https://acme.example")));

    let jane = json!({"login": "jane", "email": "jane@acme.example", "customer_id": "ACME", "first_name": "Jane", "last_name": "Doe", "password": "jane-password"});
    let (status, created) = w.call(&root, "POST", "/api/v1/admin/customer-users", Some(jane)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let lost = json!({"login": "lost", "email": "lost@example.com", "customer_id": "NOPE", "first_name": "L", "last_name": "L"});
    let (status, _) = w.call(&root, "POST", "/api/v1/admin/customer-users", Some(lost)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown company");

    // Jane logs in as a customer; switched off, she cannot.
    let login = json!({"login": "jane", "password": "jane-password", "kind": "customer"});
    let r = w.cli.post("/api/v1/auth/login").body_json(&login).send().await;
    r.assert_status_is_ok();
    let (_, found) = w.call(&root, "GET", "/api/v1/admin/customer-users?search=JAN", None).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (_, jane) = w
        .call(&root, "PATCH", "/api/v1/admin/customer-users/jane", Some(json!({"phone": "+1 555", "valid": false})))
        .await;
    assert_eq!((jane["phone"].as_str(), jane["valid"].as_bool()), (Some("+1 555"), Some(false)));
    let r = w.cli.post("/api/v1/auth/login").body_json(&login).send().await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    let (status, _) = w.call(&root, "GET", "/api/v1/admin/customer-users/nobody", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn mail_accounts_filters_and_auto_responses_are_administered() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let agent = w.agent("ann", &[(1, Permission::Rw)]).await;
    assert_eq!(w.call(&agent, "GET", "/api/v1/admin/mail-accounts", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(w.call(&agent, "GET", "/api/v1/admin/postmaster-filters", None).await.0, StatusCode::FORBIDDEN);

    // Accounts: a bad host is refused beside the field; the password is never shown.
    let account = json!({"login": "help@example.com", "password": "s3cret", "host": "imap example", "kind": "IMAPS"});
    let (status, body) = w.call(&root, "POST", "/api/v1/admin/mail-accounts", Some(account.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("host"), "{body}");
    let mut good = account;
    good["host"] = json!("imap.example.com");
    good["queue_id"] = json!(2);
    let (status, body) = w.call(&root, "POST", "/api/v1/admin/mail-accounts", Some(good)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, list) = w.call(&root, "GET", "/api/v1/admin/mail-accounts", None).await;
    assert_eq!(list[0]["kind"], "IMAPS", "{list}");
    assert_eq!(list[0]["queue_id"], 2, "{list}");
    assert!(!list.to_string().contains("s3cret") && list[0].get("password").is_none(), "{list}");

    // Filters: a pattern that is no regular expression is refused; one kept is listed.
    let broken = json!({"matches": [{"header": "Subject", "pattern": "(unclosed"}], "sets": [{"header": "X-OTRS-Queue", "value": "Junk"}]});
    let (status, body) = w.call(&root, "PUT", "/api/v1/admin/postmaster-filters/spam", Some(broken)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let spam = json!({"stop": true, "matches": [{"header": "Subject", "pattern": "lottery"}], "sets": [{"header": "X-OTRS-Queue", "value": "Junk"}]});
    let (status, body) = w.call(&root, "PUT", "/api/v1/admin/postmaster-filters/spam", Some(spam)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, filters) = w.call(&root, "GET", "/api/v1/admin/postmaster-filters", None).await;
    assert_eq!((filters[0]["name"].as_str(), filters[0]["stop"].as_bool()), (Some("spam"), Some(true)), "{filters}");
    let not_x_otrs =
        json!({"matches": [{"header": "Subject", "pattern": "x"}], "sets": [{"header": "Subject", "value": "y"}]});
    assert_eq!(
        w.call(&root, "PUT", "/api/v1/admin/postmaster-filters/x", Some(not_x_otrs)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(w.call(&root, "DELETE", "/api/v1/admin/postmaster-filters/spam", None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(w.call(&root, "DELETE", "/api/v1/admin/postmaster-filters/spam", None).await.0, StatusCode::NOT_FOUND);

    // Auto-responses, and their queues: at most one of a kind, only ones that exist.
    let reply = json!({"name": "thanks", "kind": "reply", "subject": "RE: <OTRS_CUSTOMER_SUBJECT[20]>", "body": "Thanks.", "system_address_id": 1});
    let mut nowhere = reply.clone();
    nowhere["system_address_id"] = json!(99);
    assert_eq!(
        w.call(&root, "POST", "/api/v1/admin/auto-responses", Some(nowhere)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, created) = w.call(&root, "POST", "/api/v1/admin/auto-responses", Some(reply.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let mut second = reply;
    second["name"] = json!("thanks again");
    let (_, other) = w.call(&root, "POST", "/api/v1/admin/auto-responses", Some(second)).await;
    let (first, other) = (created["id"].clone(), other["id"].clone());
    let assign = |ids: Value| Some(json!({ "ids": ids }));
    assert_eq!(
        w.call(&root, "PUT", "/api/v1/admin/queues/2/auto-responses", assign(json!([first]))).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        w.call(&root, "PUT", "/api/v1/admin/queues/2/auto-responses", assign(json!([first, other]))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "two of one kind"
    );
    assert_eq!(
        w.call(&root, "PUT", "/api/v1/admin/queues/2/auto-responses", assign(json!([77]))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, all) = w.call(&root, "GET", "/api/v1/admin/auto-responses", None).await;
    assert_eq!(all.as_array().map(Vec::len), Some(2), "{all}");
}
