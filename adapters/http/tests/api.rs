//! The REST API through poem's test client, over the in-memory ports: authentication,
//! tickets, lookups, the permission model, problem+json errors and the OpenAPI document.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;

use chrono::{DateTime, Duration, Utc};
use common::{json, world};
use goats_core::permission::Permission;
use goats_core::ports::*;
use poem::http::StatusCode;
use serde_json::{Value, json};

fn assert_problem(status: u16, body: &Value) {
    assert_eq!(body["status"], status, "{body}");
    assert!(body["type"].as_str().unwrap().starts_with("https://goats.dev/problems/"), "{body}");
    assert!(body["title"].is_string(), "{body}");
}

#[tokio::test]
async fn health_and_readiness() {
    let w = world().await;
    w.cli.get("/healthz").send().await.assert_status_is_ok();
    w.cli.get("/readyz").send().await.assert_status_is_ok();
    w.ready.0.store(false, Ordering::SeqCst);
    w.cli.get("/readyz").send().await.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    w.cli.get("/healthz").send().await.assert_status_is_ok();
}

#[tokio::test]
async fn login_refresh_rotation_and_logout() {
    let w = world().await;
    let r = w
        .cli
        .post("/api/v1/auth/login")
        .body_json(&json!({"login": "root@localhost", "password": "root-password"}))
        .send()
        .await;
    r.assert_status_is_ok();
    let pair = json(r).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    let access = pair["access_token"].as_str().unwrap();
    let me = json(w.cli.get("/api/v1/users/me").header("Authorization", format!("Bearer {access}")).send().await).await;
    assert_eq!((me["login"].as_str(), me["is_admin"].as_bool()), (Some("root@localhost"), Some(true)));

    let first = pair["refresh_token"].as_str().unwrap().to_string();
    let r = w.cli.post("/api/v1/auth/refresh").body_json(&json!({"refresh_token": first})).send().await;
    r.assert_status_is_ok();
    let second = json(r).await["refresh_token"].as_str().unwrap().to_string();
    // Replaying the used token revokes the family, the current token with it.
    let r = w.cli.post("/api/v1/auth/refresh").body_json(&json!({"refresh_token": first})).send().await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    r.assert_header("content-type", "application/problem+json");
    w.cli
        .post("/api/v1/auth/refresh")
        .body_json(&json!({"refresh_token": second}))
        .send()
        .await
        .assert_status(StatusCode::UNAUTHORIZED);

    let r = w
        .cli
        .post("/api/v1/auth/login")
        .body_json(&json!({"login": "root@localhost", "password": "root-password"}))
        .send()
        .await;
    let refresh = json(r).await["refresh_token"].as_str().unwrap().to_string();
    w.cli
        .post("/api/v1/auth/logout")
        .body_json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .assert_status(StatusCode::NO_CONTENT);
    w.cli
        .post("/api/v1/auth/refresh")
        .body_json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_are_401_and_then_429_with_retry_after() {
    let w = world().await;
    for _ in 0..5 {
        let r = w
            .cli
            .post("/api/v1/auth/login")
            .body_json(&json!({"login": "root@localhost", "password": "nope"}))
            .send()
            .await;
        r.assert_status(StatusCode::UNAUTHORIZED);
        assert_problem(401, &json(r).await);
    }
    let r = w
        .cli
        .post("/api/v1/auth/login")
        .body_json(&json!({"login": "root@localhost", "password": "root-password"}))
        .send()
        .await;
    r.assert_status(StatusCode::TOO_MANY_REQUESTS);
    let headers = format!("{:?}", r.0.headers());
    let retry: u64 =
        r.0.headers().get("retry-after").unwrap_or_else(|| panic!("{headers}")).to_str().unwrap().parse().unwrap();
    assert!(retry > 0);
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused() {
    let w = world().await;
    let r = w.cli.get("/api/v1/tickets").send().await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    assert_problem(401, &json(r).await);
    let r = w.cli.get("/api/v1/tickets").header("Authorization", "Bearer forged.token.value").send().await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    assert_problem(401, &json(r).await);
}

#[tokio::test]
async fn tickets_round_trip() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let auth = format!("Bearer {root}");
    let t = w.create_ticket(&root, 2).await;
    assert_eq!(
        (t["queue"].as_str(), t["state"].as_str(), t["priority"].as_str()),
        (Some("Raw"), Some("new"), Some("3 normal"))
    );
    assert_eq!(t["number"].as_str().unwrap().len(), 16);
    let id = t["id"].as_i64().unwrap();

    let until: DateTime<Utc> = Utc::now() + Duration::days(2);
    let r = w
        .cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", &auth)
        .body_json(&json!({"queue_id": 4, "priority_id": 4, "state_id": 6, "pending_until": until.to_rfc3339(), "lock": "lock", "title": "VPN down in Berlin"}))
        .send()
        .await;
    r.assert_status_is_ok();
    let t = json(r).await;
    assert_eq!(
        (t["queue"].as_str(), t["state_type"].as_str(), t["lock"].as_str()),
        (Some("Misc"), Some("pending_reminder"), Some("lock"))
    );
    assert!(t["pending_until"].is_string());

    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", &auth)
        .body_json(&json!({"subject": "Called back", "body": "Router replaced."}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let arts =
        json(w.cli.get(format!("/api/v1/tickets/{id}/articles")).header("Authorization", &auth).send().await).await;
    assert_eq!(arts.as_array().unwrap().len(), 2);
    assert_eq!(arts[1]["channel"], "internal");
    assert_eq!(arts[1]["visible_for_customer"], false);

    let full =
        json(w.cli.get(format!("/api/v1/tickets/{id}?articles=true")).header("Authorization", &auth).send().await)
            .await;
    assert_eq!(full["articles"].as_array().unwrap().len(), 2);

    let history =
        json(w.cli.get(format!("/api/v1/tickets/{id}/history")).header("Authorization", &auth).send().await).await;
    let kinds: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["history_type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "NewTicket",
            "CustomerUpdate",
            "PhoneCallCustomer",
            "TitleUpdate",
            "Move",
            "PriorityUpdate",
            "StateUpdate",
            "SetPendingTime",
            "Lock",
            "AddNote"
        ]
    );

    let page = json(
        w.cli
            .get("/api/v1/tickets?queue_id=4&queue_id=2&state_type=pending_reminder&sort=title&order=asc&per_page=10")
            .header("Authorization", &auth)
            .send()
            .await,
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], id);
    let typed = json(
        w.cli
            .get("/api/v1/tickets?type_id=1&created_from=2000-01-01T00:00:00Z")
            .header("Authorization", &auth)
            .send()
            .await,
    )
    .await;
    assert_eq!(typed["total"], 1);
    let future = json(
        w.cli.get("/api/v1/tickets?changed_from=2999-01-01T00:00:00Z").header("Authorization", &auth).send().await,
    )
    .await;
    assert_eq!(future["total"], 0);
    let none = json(w.cli.get("/api/v1/tickets?title=printer").header("Authorization", &auth).send().await).await;
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn bad_input_gets_the_right_4xx_as_problem_json() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let auth = format!("Bearer {root}");
    let cases: Vec<(poem::test::TestRequestBuilder<'_, _>, u16)> = vec![
        (
            w.cli
                .post("/api/v1/tickets")
                .header("Authorization", &auth)
                .content_type("application/json")
                .body("{not json"),
            400,
        ),
        (w.cli.post("/api/v1/tickets").header("Authorization", &auth).body_json(&json!({"title": 5})), 400),
        (
            w.cli
                .post("/api/v1/tickets")
                .header("Authorization", &auth)
                .body_json(&json!({"title": "x", "queue_id": 999, "article": {"subject": "s", "body": "b"}})),
            404,
        ),
        (
            w.cli.post("/api/v1/tickets").header("Authorization", &auth).body_json(
                &json!({"title": "x", "queue_id": 2, "state_id": 6, "article": {"subject": "s", "body": "b"}}),
            ),
            422,
        ),
        (w.cli.get("/api/v1/tickets/424242").header("Authorization", &auth), 404),
        (w.cli.get("/api/v1/tickets/not-a-number").header("Authorization", &auth), 400),
        (w.cli.get("/api/v1/tickets?per_page=100000").header("Authorization", &auth), 400),
        (w.cli.get("/api/v1/tickets?state_type=bogus").header("Authorization", &auth), 400),
        (w.cli.get("/api/v1/nothing-here").header("Authorization", &auth), 404),
        (
            w.cli
                .post("/api/v1/tickets")
                .header("Authorization", &auth)
                .content_type("application/json")
                // More than an attachment at the default limit (10 MiB) takes in base64.
                .header("content-length", "16777216")
                .body(vec![b' '; 16 * 1024 * 1024]),
            413,
        ),
    ];
    for (req, status) in cases {
        let r = req.send().await;
        let got = r.0.status().as_u16();
        let body = json(r).await;
        assert_eq!(got, status, "{body}");
        assert_problem(status, &body);
    }
    let r = w
        .cli
        .post("/api/v1/tickets")
        .header("Authorization", &auth)
        .body_json(&json!({"title": "x", "queue_id": 2, "state_id": 6, "article": {"subject": "s", "body": "b"}}))
        .send()
        .await;
    let body = json(r).await;
    assert_eq!(body["errors"][0]["field"], "pending_until", "{body}");
}

/// The OTRS permission model, as seen through the API by agents with different rights,
/// including one probing another team's ticket ids.
#[tokio::test]
async fn permissions_matrix() {
    let w = world().await;
    let team = w.store.create_group("second-level", None, 1).await.unwrap();
    let q = w.store.create_queue(goats_core::testing::queue("2nd level", team), 1).await.unwrap();
    w.store.grant_user(1, team, Permission::Rw, 1).await.unwrap();
    let root = w.login("root@localhost", "root-password").await;
    let t = w.create_ticket(&root, q).await;
    let id = t["id"].as_i64().unwrap();

    let outsider = w.agent("outsider", &[(1, Permission::Rw)]).await;
    let reader = w.agent("reader", &[(team, Permission::Ro)]).await;
    let noter = w.agent("noter", &[(team, Permission::Ro), (team, Permission::Note)]).await;
    let mover = w.agent("mover", &[(team, Permission::Ro), (1, Permission::MoveInto)]).await;
    let bearer = |t: &str| format!("Bearer {t}");

    // Reading: the outsider cannot tell the ticket exists.
    let r = w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", bearer(&outsider)).send().await;
    r.assert_status(StatusCode::NOT_FOUND);
    let list = json(w.cli.get("/api/v1/tickets").header("Authorization", bearer(&outsider)).send().await).await;
    assert_eq!(list["total"], 0);
    let queues = json(w.cli.get("/api/v1/queues").header("Authorization", bearer(&outsider)).send().await).await;
    assert!(queues.as_array().unwrap().iter().all(|q| q["name"] != "2nd level"));
    for path in ["history", "articles"] {
        w.cli
            .get(format!("/api/v1/tickets/{id}/{path}"))
            .header("Authorization", bearer(&outsider))
            .send()
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    w.cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", bearer(&outsider))
        .body_json(&json!({"priority_id": 5}))
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
    w.cli
        .get(format!("/api/v1/tickets/{id}"))
        .header("Authorization", bearer(&reader))
        .send()
        .await
        .assert_status_is_ok();

    // Writing needs the matching permission.
    let note = json!({"subject": "n", "body": "b"});
    w.cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", bearer(&reader))
        .body_json(&note)
        .send()
        .await
        .assert_status(StatusCode::FORBIDDEN);
    w.cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", bearer(&noter))
        .body_json(&note)
        .send()
        .await
        .assert_status(StatusCode::CREATED);
    let visible = json!({"subject": "n", "body": "b", "visible_for_customer": true});
    w.cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", bearer(&noter))
        .body_json(&visible)
        .send()
        .await
        .assert_status(StatusCode::FORBIDDEN);
    w.cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", bearer(&reader))
        .body_json(&json!({"state_id": 4}))
        .send()
        .await
        .assert_status(StatusCode::FORBIDDEN);
    w.cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", bearer(&reader))
        .body_json(&json!({"queue_id": 2}))
        .send()
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let r = w
        .cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", bearer(&mover))
        .body_json(&json!({"queue_id": 2}))
        .send()
        .await;
    r.assert_status_is_ok();
    // Creating needs `create` on the queue's group.
    let r = w
        .cli
        .post("/api/v1/tickets")
        .header("Authorization", bearer(&reader))
        .body_json(&json!({"title": "x", "queue_id": q, "article": {"subject": "s", "body": "b"}}))
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);

    // A grant removed takes effect on the next request, without a new token.
    w.store.revoke_user(2, 1, Permission::Rw).await.unwrap();
    let list = json(w.cli.get("/api/v1/queues").header("Authorization", bearer(&outsider)).send().await).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_openapi_document_describes_every_operation() {
    let w = world().await;
    let r = w.cli.get("/api/openapi.json").send().await;
    r.assert_status_is_ok();
    let spec = json(r).await;
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    for p in [
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
        "/v1/users/me",
        "/v1/tickets",
        "/v1/tickets/{id}",
        "/v1/tickets/{id}/articles",
        "/v1/tickets/{id}/history",
        "/v1/queues",
        "/v1/states",
        "/v1/priorities",
        "/v1/types",
    ] {
        assert!(paths.contains_key(p), "{p} missing from {:?}", paths.keys());
    }
    assert_eq!(spec["components"]["securitySchemes"]["BearerAuth"]["scheme"], "bearer");
    let get = &spec["paths"]["/v1/tickets/{id}"]["get"]["responses"];
    assert!(get["404"]["content"]["application/problem+json"].is_object(), "{get}");
    let docs = w.cli.get("/api/docs").send().await;
    docs.assert_status_is_ok();
    assert!(docs.0.into_body().into_string().await.unwrap().contains("swagger"));
}

/// Personal API tokens: created with a login session, shown once, scoped, revocable.
#[tokio::test]
async fn api_tokens_for_integrations() {
    let w = world().await;
    let session = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let r = w
        .cli
        .post("/api/v1/users/me/tokens")
        .header("Authorization", &session)
        .body_json(&json!({"name": "reporting", "scope": "read-only", "expires_in_days": 30}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let created = json(r).await;
    let read_only = format!("Bearer {}", created["secret"].as_str().unwrap());
    assert!(read_only.starts_with("Bearer goats_"));
    assert_eq!(created["scope"], "read-only");

    // It reads, but it does not write.
    w.cli.get("/api/v1/tickets").header("Authorization", &read_only).send().await.assert_status_is_ok();
    let r = w
        .cli
        .post("/api/v1/tickets")
        .header("Authorization", &read_only)
        .body_json(&json!({"title": "x", "queue_id": 2, "article": {"subject": "s", "body": "b"}}))
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    // Nor does it mint more tokens.
    let r = w
        .cli
        .post("/api/v1/users/me/tokens")
        .header("Authorization", &read_only)
        .body_json(&json!({"name": "more", "scope": "read-write"}))
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);

    let r = w
        .cli
        .post("/api/v1/users/me/tokens")
        .header("Authorization", &session)
        .body_json(&json!({"name": "sync", "scope": "read-write"}))
        .send()
        .await;
    let rw = json(r).await;
    let read_write = format!("Bearer {}", rw["secret"].as_str().unwrap());
    w.create_ticket(read_write.trim_start_matches("Bearer "), 2).await;

    let listed = json(w.cli.get("/api/v1/users/me/tokens").header("Authorization", &session).send().await).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(listed.to_string().find("goats_").is_none(), "secrets are never listed");
    assert!(listed[0]["last_used_at"].is_string());

    let id = rw["id"].as_i64().unwrap();
    w.cli
        .delete(format!("/api/v1/users/me/tokens/{id}"))
        .header("Authorization", &session)
        .send()
        .await
        .assert_status(StatusCode::NO_CONTENT);
    w.cli
        .get("/api/v1/tickets")
        .header("Authorization", &read_write)
        .send()
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
    // Another agent cannot revoke someone else's token.
    let other = format!("Bearer {}", w.agent("other", &[]).await);
    let rid = created["id"].as_i64().unwrap();
    w.cli
        .delete(format!("/api/v1/users/me/tokens/{rid}"))
        .header("Authorization", &other)
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn watching_and_time_accounting_through_the_api() {
    let w = world().await;
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let t = w.create_ticket(root.trim_start_matches("Bearer "), 2).await;
    let id = t["id"].as_i64().unwrap();
    w.cli
        .put(format!("/api/v1/tickets/{id}/watch"))
        .header("Authorization", &root)
        .send()
        .await
        .assert_status(StatusCode::NO_CONTENT);
    w.cli
        .delete(format!("/api/v1/tickets/{id}/watch"))
        .header("Authorization", &root)
        .send()
        .await
        .assert_status(StatusCode::NO_CONTENT);
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/time-accounting"))
        .header("Authorization", &root)
        .body_json(&json!({"time_unit": 15}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    assert_eq!(json(r).await["total"], 15.0);
    let total =
        json(w.cli.get(format!("/api/v1/tickets/{id}/time-accounting")).header("Authorization", &root).send().await)
            .await;
    assert_eq!(total["total"], 15.0);
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/time-accounting"))
        .header("Authorization", &root)
        .body_json(&json!({"time_unit": 0}))
        .send()
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // Time that comes with an article is stored with it.
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", &root)
        .body_json(&json!({"subject": "Call", "body": "Talked it through", "time_unit": 4.5}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let total =
        json(w.cli.get(format!("/api/v1/tickets/{id}/time-accounting")).header("Authorization", &root).send().await)
            .await;
    assert_eq!(total["total"], 19.5);
    let reader = format!("Bearer {}", w.agent("reader", &[(1, Permission::Ro)]).await);
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/time-accounting"))
        .header("Authorization", &reader)
        .body_json(&json!({"time_unit": 5}))
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
}

/// Two agents edit the same ticket: the second, holding a stale ETag, gets 412 instead
/// of silently overwriting the first one's change.
#[tokio::test]
async fn optimistic_concurrency_with_etags() {
    let w = world().await;
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let t = w.create_ticket(root.trim_start_matches("Bearer "), 2).await;
    let id = t["id"].as_i64().unwrap();
    let r = w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", &root).send().await;
    r.assert_status_is_ok();
    let tag = r.0.headers().get("etag").unwrap().to_str().unwrap().to_string();

    let r = w
        .cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", &root)
        .header("If-Match", &tag)
        .body_json(&json!({"priority_id": 4}))
        .send()
        .await;
    r.assert_status_is_ok();
    let new_tag = r.0.headers().get("etag").unwrap().to_str().unwrap().to_string();
    assert_ne!(tag, new_tag);

    let r = w
        .cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", &root)
        .header("If-Match", &tag)
        .body_json(&json!({"priority_id": 1}))
        .send()
        .await;
    r.assert_status(StatusCode::PRECONDITION_FAILED);
    let body = json(r).await;
    assert_eq!(body["status"], 412);
    let now = json(w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", &root).send().await).await;
    assert_eq!(now["priority_id"], 4, "the stale change was not applied");
    w.cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", &root)
        .header("If-Match", "*")
        .body_json(&json!({"priority_id": 2}))
        .send()
        .await
        .assert_status_is_ok();
}

/// Dynamic fields change with the rest of a PATCH, under the same `If-Match`: the
/// answer shows them as a GET does, a wrong value is refused beside `dynamic_fields`
/// with nothing changed, and a stale tag writes neither the fields nor the rest.
#[tokio::test]
async fn dynamic_fields_are_patched_with_the_ticket() {
    use goats_core::model::FieldType;
    let w = world().await;
    let def = common::field_def;
    w.store.set_dynamic_field_defs(vec![
        def(1, "Severity", FieldType::Dropdown, &["low", "high"]),
        def(2, "Systems", FieldType::Multiselect, &["mail", "web"]),
        def(3, "Billable", FieldType::Checkbox, &[]),
    ]);
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let id = w.create_ticket(root.trim_start_matches("Bearer "), 2).await["id"].as_i64().unwrap();
    let r = w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", &root).send().await;
    let tag = r.0.headers().get("etag").unwrap().to_str().unwrap().to_string();
    let patch = |tag: &str, body: Value| {
        w.cli
            .patch(format!("/api/v1/tickets/{id}"))
            .header("Authorization", &root)
            .header("If-Match", tag)
            .body_json(&body)
            .send()
    };

    let r = patch(&tag, json!({"dynamic_fields": {"Severity": "medium"}})).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(r).await;
    assert_eq!(body["errors"][0]["field"], "dynamic_fields", "{body}");
    let r = patch(
        &tag,
        json!({"priority_id": 4, "dynamic_fields": {"Severity": "high", "Systems": ["web", "mail"], "Billable": true}}),
    )
    .await;
    r.assert_status_is_ok();
    let new_tag = r.0.headers().get("etag").unwrap().to_str().unwrap().to_string();
    let body = json(r).await;
    assert_eq!(body["priority_id"], 4);
    let fields = body["dynamic_fields"].as_array().unwrap_or_else(|| panic!("{body}"));
    let value = |name: &str| fields.iter().find(|f| f["name"] == name).map(|f| f["value"].clone());
    assert_eq!(value("Severity"), Some(json!("high")));
    assert_eq!(value("Systems"), Some(json!(["web", "mail"])));
    assert_eq!(value("Billable"), Some(json!(1)));

    // The old tag is stale now: neither the title nor the field is written.
    let r = patch(&tag, json!({"title": "Late", "dynamic_fields": {"Severity": null}})).await;
    r.assert_status(StatusCode::PRECONDITION_FAILED);
    let r = patch(&new_tag, json!({"dynamic_fields": {"Severity": null}})).await;
    r.assert_status_is_ok();
    let body = json(r).await;
    assert_eq!(body["title"], "VPN is down");
    assert!(!body["dynamic_fields"].as_array().unwrap().iter().any(|f| f["name"] == "Severity"), "cleared: {body}");
}

/// The list filters by dynamic fields as `field=Name:value`, every condition holding;
/// a field that does not exist, a value it cannot hold or a condition without its name
/// is refused with the reason, and customers may not filter by fields at all.
#[tokio::test]
async fn the_list_filters_by_dynamic_fields() {
    use goats_core::model::FieldType;
    let w = world().await;
    let def = common::field_def;
    w.store.set_dynamic_field_defs(vec![
        def(1, "Severity", FieldType::Dropdown, &["low", "high"]),
        def(2, "Billable", FieldType::Checkbox, &[]),
    ]);
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let mut ids = Vec::new();
    for fields in [json!({"Severity": "high", "Billable": 1}), json!({"Severity": "low", "Billable": 1}), json!({})] {
        let id = w.create_ticket(root.trim_start_matches("Bearer "), 2).await["id"].as_i64().unwrap();
        w.cli
            .patch(format!("/api/v1/tickets/{id}"))
            .header("Authorization", &root)
            .header("If-Match", "*")
            .body_json(&json!({"dynamic_fields": fields}))
            .send()
            .await
            .assert_status_is_ok();
        ids.push(id);
    }
    let list = |query: &'static str| {
        let root = root.clone();
        let cli = &w.cli;
        async move { cli.get(format!("/api/v1/tickets?{query}")).header("Authorization", root).send().await }
    };
    let found = |body: Value| -> Vec<i64> {
        let mut ids: Vec<i64> = body["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
        ids.sort();
        ids
    };
    assert_eq!(found(json(list("field=Severity:high").await).await), [ids[0]]);
    assert_eq!(found(json(list("field=Billable:yes").await).await), [ids[0], ids[1]]);
    assert_eq!(found(json(list("field=Billable:yes&field=Severity:Low").await).await), [ids[1]]);
    for (query, says) in [
        ("field=Colour:red", "no ticket or article field is named `Colour`"),
        ("field=Severity:medium", "not one of its values"),
        ("field=Severity", "is not `Name:value`"),
    ] {
        let r = list(query).await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let body = json(r).await;
        assert!(body["detail"].as_str().unwrap_or_default().contains(says), "{query}: {body}");
    }
    let user = goats_core::testing::contact("jane", "ACME");
    w.store.create_user(user, Some(goats_core::password::hash_with_cost("customer-password", 4)), 1).await.unwrap();
    let r = w
        .cli
        .post("/api/v1/auth/login")
        .body_json(&json!({"kind": "customer", "login": "jane", "password": "customer-password"}))
        .send()
        .await;
    let jane = format!("Bearer {}", json(r).await["access_token"].as_str().unwrap());
    w.cli
        .get("/api/v1/tickets?field=Severity:high")
        .header("Authorization", &jane)
        .send()
        .await
        .assert_status(StatusCode::FORBIDDEN);
    w.cli.get("/api/v1/tickets?field=Severity:high").send().await.assert_status(StatusCode::UNAUTHORIZED);
}

/// A change request is all or nothing: one refused field leaves the ticket untouched.
#[tokio::test]
async fn a_refused_field_leaves_the_whole_ticket_unchanged() {
    let w = world().await;
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let t = w.create_ticket(root.trim_start_matches("Bearer "), 2).await;
    let id = t["id"].as_i64().unwrap();
    let before =
        json(w.cli.get(format!("/api/v1/tickets/{id}/history")).header("Authorization", &root).send().await).await;
    let r = w
        .cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", &root)
        .body_json(&json!({"queue_id": 4, "title": "Renamed", "state_id": 6}))
        .send()
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let now = json(w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", &root).send().await).await;
    assert_eq!((now["queue_id"].as_i64(), now["title"].as_str()), (Some(2), Some("VPN is down")));
    let after =
        json(w.cli.get(format!("/api/v1/tickets/{id}/history")).header("Authorization", &root).send().await).await;
    assert_eq!(before, after, "no history was written");
}

/// Customers log in through the same endpoint and see their own and their company's
/// tickets — only the articles meant for them — and nothing else.
#[tokio::test]
async fn customers_see_their_own_and_their_companys_tickets() {
    let w = world().await;
    for (login, company) in [("jane", "ACME"), ("bob", "ACME"), ("zed", "OTHER")] {
        let user = goats_core::testing::contact(login, company);
        w.store.create_user(user, Some(goats_core::password::hash_with_cost("customer-password", 4)), 1).await.unwrap();
    }
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let mut ids = Vec::new();
    for (who, company) in [("jane", "ACME"), ("bob", "ACME"), ("zed", "OTHER")] {
        let r = w
            .cli
            .post("/api/v1/tickets")
            .header("Authorization", &root)
            .body_json(&json!({"title": format!("{who}'s problem"), "queue_id": 2, "customer_user_id": who, "customer_id": company,
                "article": {"subject": "Hi", "body": "From the customer.", "channel": "email", "sender_type": "customer", "visible_for_customer": true}}))
            .send()
            .await;
        ids.push(json(r).await["id"].as_i64().unwrap());
    }
    w.cli
        .post(format!("/api/v1/tickets/{}/articles", ids[0]))
        .header("Authorization", &root)
        .body_json(&json!({"subject": "internal", "body": "Customer seems grumpy."}))
        .send()
        .await
        .assert_status(StatusCode::CREATED);

    let r = w
        .cli
        .post("/api/v1/auth/login")
        .body_json(&json!({"kind": "customer", "login": "jane", "password": "customer-password"}))
        .send()
        .await;
    r.assert_status_is_ok();
    let pair = json(r).await;
    let jane = format!("Bearer {}", pair["access_token"].as_str().unwrap());

    let list =
        json(w.cli.get("/api/v1/tickets?sort=title&order=asc").header("Authorization", &jane).send().await).await;
    let titles: Vec<&str> = list["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["bob's problem", "jane's problem"], "own and company tickets only");
    let mine = json(
        w.cli.get(format!("/api/v1/tickets/{}?articles=true", ids[0])).header("Authorization", &jane).send().await,
    )
    .await;
    assert_eq!(mine["articles"].as_array().unwrap().len(), 1, "the internal note stays internal");
    w.cli
        .get(format!("/api/v1/tickets/{}", ids[2]))
        .header("Authorization", &jane)
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // Agent operations are closed to customers.
    w.cli
        .patch(format!("/api/v1/tickets/{}", ids[0]))
        .header("Authorization", &jane)
        .body_json(&json!({"priority_id": 5}))
        .send()
        .await
        .assert_status(StatusCode::FORBIDDEN);
    w.cli.get("/api/v1/queues").header("Authorization", &jane).send().await.assert_status(StatusCode::FORBIDDEN);
    // The customer's refresh token rotates like an agent's.
    let r = w.cli.post("/api/v1/auth/refresh").body_json(&json!({"refresh_token": pair["refresh_token"]})).send().await;
    r.assert_status_is_ok();
    // A wrong kind is a wrong login.
    let r = w
        .cli
        .post("/api/v1/auth/login")
        .body_json(&json!({"kind": "agent", "login": "jane", "password": "customer-password"}))
        .send()
        .await;
    r.assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn merging_through_the_api() {
    let w = world().await;
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let a = w.create_ticket(root.trim_start_matches("Bearer "), 2).await["id"].as_i64().unwrap();
    let b = w.create_ticket(root.trim_start_matches("Bearer "), 2).await["id"].as_i64().unwrap();
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{a}/merge"))
        .header("Authorization", &root)
        .body_json(&json!({"into": b}))
        .send()
        .await;
    r.assert_status_is_ok();
    assert_eq!(json(r).await["id"], b);
    let merged = json(w.cli.get(format!("/api/v1/tickets/{a}")).header("Authorization", &root).send().await).await;
    assert_eq!(merged["state_type"], "merged");
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{a}/merge"))
        .header("Authorization", &root)
        .body_json(&json!({"into": 999}))
        .send()
        .await;
    r.assert_status(StatusCode::NOT_FOUND);
    let reader = format!("Bearer {}", w.agent("reader", &[(1, Permission::Ro)]).await);
    let c = w.create_ticket(root.trim_start_matches("Bearer "), 2).await["id"].as_i64().unwrap();
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{c}/merge"))
        .header("Authorization", &reader)
        .body_json(&json!({"into": b}))
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn links_between_tickets() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let a = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let b = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let auth = format!("Bearer {root}");
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{a}/links"))
        .header("Authorization", &auth)
        .body_json(&json!({"target_id": b, "kind": "parent_of"}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{a}/links"))
        .header("Authorization", &auth)
        .body_json(&json!({"target_id": b, "kind": "parent_of"}))
        .send()
        .await;
    r.assert_status(StatusCode::NO_CONTENT);
    let r = w.cli.get(format!("/api/v1/tickets/{b}/links")).header("Authorization", &auth).send().await;
    r.assert_status_is_ok();
    let links = json(r).await;
    assert_eq!(links[0]["kind"], "child_of");
    assert_eq!(links[0]["ticket_id"], a);
    // Removing needs the same kind, seen from this side.
    let r =
        w.cli.delete(format!("/api/v1/tickets/{b}/links/{a}?kind=normal")).header("Authorization", &auth).send().await;
    r.assert_status(StatusCode::NOT_FOUND);
    let r = w
        .cli
        .delete(format!("/api/v1/tickets/{b}/links/{a}?kind=child_of"))
        .header("Authorization", &auth)
        .send()
        .await;
    r.assert_status(StatusCode::NO_CONTENT);
    // An agent who cannot read the target cannot link to it, nor learn it exists.
    let eve = w.agent("eve", &[(1, Permission::Rw)]).await;
    let vault = w.store.create_queue(goats_core::testing::queue("Vault", 2), 1).await.unwrap();
    let hidden = w.create_ticket(&root, vault).await["id"].as_i64().unwrap();
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{a}/links"))
        .header("Authorization", format!("Bearer {eve}"))
        .body_json(&json!({"target_id": hidden}))
        .send()
        .await;
    r.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn attachments_go_up_as_base64_and_come_down_as_downloads() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let auth = format!("Bearer {root}");
    // "cGxhaW4gdGV4dA==" is "plain text": whatever the name says, it is text.
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", &auth)
        .body_json(&json!({"subject": "Log", "body": "Attached.", "attachments": [{"filename": "photo.jpg", "content": "cGxhaW4gdGV4dA=="}]}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let r = w.cli.get(format!("/api/v1/tickets/{id}?articles=true")).header("Authorization", &auth).send().await;
    let t = json(r).await;
    let file = &t["articles"][1]["attachments"][0];
    assert_eq!(file["filename"], "photo.jpg");
    assert_eq!(file["content_type"], "text/plain; charset=utf-8");
    assert_eq!(file["size"], 10);
    let r = w
        .cli
        .get(format!("/api/v1/tickets/{id}/attachments/{}", file["id"]))
        .header("Authorization", &auth)
        .send()
        .await;
    r.assert_status_is_ok();
    let disposition = r.0.headers().get("content-disposition").unwrap().to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment") && disposition.contains("photo.jpg"), "{disposition}");
    assert_eq!(r.0.into_body().into_bytes().await.unwrap().as_ref(), b"plain text");
    // Not base64: a 400 naming the field; nothing stored.
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", &auth)
        .body_json(&json!({"subject": "x", "body": "y", "attachments": [{"filename": "a", "content": "***"}]}))
        .send()
        .await;
    r.assert_status(StatusCode::BAD_REQUEST);
    let other = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let r = w
        .cli
        .get(format!("/api/v1/tickets/{other}/attachments/{}", file["id"]))
        .header("Authorization", &auth)
        .send()
        .await;
    r.assert_status(StatusCode::NOT_FOUND);
}

/// Customers open tickets for themselves and follow up; a follow-up opens a closed
/// ticket again; other people's tickets stay out of reach.
#[tokio::test]
async fn customers_open_tickets_and_follow_up() {
    let w = world().await;
    for (login, company) in [("jane", "ACME"), ("zed", "OTHER")] {
        let user = goats_core::testing::contact(login, company);
        w.store.create_user(user, Some(goats_core::password::hash_with_cost("customer-password", 4)), 1).await.unwrap();
    }
    let login = |who: &'static str| {
        let cli = &w.cli;
        async move {
            let r = cli
                .post("/api/v1/auth/login")
                .body_json(&json!({"kind": "customer", "login": who, "password": "customer-password"}))
                .send()
                .await;
            format!("Bearer {}", json(r).await["access_token"].as_str().unwrap())
        }
    };
    let jane = login("jane").await;
    let r = w
        .cli
        .post("/api/v1/tickets")
        .header("Authorization", &jane)
        // Owner and customer fields are not the customer's to set: they are ignored.
        .body_json(&json!({"title": "Printer jams", "queue_id": 2, "owner_id": 7, "customer_user_id": "zed",
            "article": {"subject": "Jams", "body": "Page 2 always jams.", "visible_for_customer": false}}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let t = json(r).await;
    let id = t["id"].as_i64().unwrap();
    assert_eq!(
        (t["customer_user_id"].as_str(), t["customer_id"].as_str(), t["owner_id"].as_i64()),
        (Some("jane"), Some("ACME"), Some(1))
    );
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let full =
        json(w.cli.get(format!("/api/v1/tickets/{id}?articles=true")).header("Authorization", &root).send().await)
            .await;
    let first = &full["articles"][0];
    assert_eq!(
        (first["sender_type"].as_str(), first["visible_for_customer"].as_bool()),
        (Some("customer"), Some(true))
    );
    assert_eq!(first["from"], "jane Customer <jane@example.com>");

    // Closed by an agent, opened again by the customer's follow-up.
    w.cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", &root)
        .body_json(&json!({"state_id": 2}))
        .send()
        .await
        .assert_status_is_ok();
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", &jane)
        .body_json(&json!({"subject": "Again", "body": "It jams again."}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let now = json(w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", &root).send().await).await;
    assert_eq!(now["state"], "open");
    let history =
        json(w.cli.get(format!("/api/v1/tickets/{id}/history")).header("Authorization", &root).send().await).await;
    let types: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["history_type"].as_str().unwrap()).collect();
    assert!(types.contains(&"WebRequestCustomer") && types.contains(&"FollowUp"), "{types:?}");

    // Another company's customer: no such ticket.
    let zed = login("zed").await;
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", &zed)
        .body_json(&json!({"subject": "Hi", "body": "Let me in."}))
        .send()
        .await;
    r.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn customers_download_only_the_attachments_of_articles_shown_to_them() {
    let w = world().await;
    let user = goats_core::testing::contact("jane", "ACME");
    w.store.create_user(user, Some(goats_core::password::hash_with_cost("customer-password", 4)), 1).await.unwrap();
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let id = w.create_ticket(&root[7..], 2).await["id"].as_i64().unwrap();
    for (visible, name) in [(true, "shown.txt"), (false, "internal.txt")] {
        w.cli
            .post(format!("/api/v1/tickets/{id}/articles"))
            .header("Authorization", &root)
            .body_json(&json!({"subject": name, "body": "File.", "visible_for_customer": visible,
                "attachments": [{"filename": name, "content": "aGVsbG8="}]}))
            .send()
            .await
            .assert_status(StatusCode::CREATED);
    }
    let full =
        json(w.cli.get(format!("/api/v1/tickets/{id}?articles=true")).header("Authorization", &root).send().await)
            .await;
    let file_id = |n: usize| full["articles"][n]["attachments"][0]["id"].as_i64().unwrap();
    let r = w
        .cli
        .post("/api/v1/auth/login")
        .body_json(&json!({"kind": "customer", "login": "jane", "password": "customer-password"}))
        .send()
        .await;
    let jane = format!("Bearer {}", json(r).await["access_token"].as_str().unwrap());
    let get =
        |att: i64| w.cli.get(format!("/api/v1/tickets/{id}/attachments/{att}")).header("Authorization", &jane).send();
    get(file_id(1)).await.assert_status_is_ok();
    get(file_id(2)).await.assert_status(StatusCode::NOT_FOUND);

    // Single articles: the agent reads any, the customer only those shown to them.
    let article_id = |n: usize| full["articles"][n]["id"].as_i64().unwrap();
    let one = |token: &str, article: i64| {
        w.cli.get(format!("/api/v1/tickets/{id}/articles/{article}")).header("Authorization", token.to_string()).send()
    };
    let internal = json(one(&root, article_id(2)).await).await;
    assert_eq!(
        (internal["subject"].as_str(), internal["attachments"][0]["filename"].as_str()),
        (Some("internal.txt"), Some("internal.txt"))
    );
    let shown = one(&jane, article_id(1)).await;
    shown.assert_status_is_ok();
    assert_eq!(json(shown).await["subject"], "shown.txt");
    one(&jane, article_id(2)).await.assert_status(StatusCode::NOT_FOUND);
    one(&root, 999_999).await.assert_status(StatusCode::NOT_FOUND);
}

/// `text` is the search language: best matches first unless a sort is asked for, and a
/// search too long to run is a 422 problem naming the parameter.
#[tokio::test]
async fn ticket_search_through_text() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let auth = format!("Bearer {root}");
    let first = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let second = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{first}/articles"))
        .header("Authorization", &auth)
        .body_json(&json!({"subject": "VPN again", "body": "The VPN is down again."}))
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let ids = |page: serde_json::Value| -> Vec<i64> {
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect()
    };
    let get = |query: &str| w.cli.get(format!("/api/v1/tickets?{query}")).header("Authorization", &auth).send();
    assert_eq!(ids(json(get("text=vpn").await).await), [first, second], "more about the VPN first");
    assert_eq!(ids(json(get("text=vpn&sort=number&order=desc").await).await), [second, first]);
    assert_eq!(ids(json(get("text=vpn+-again").await).await), [second]);
    assert_eq!(ids(json(get("text=%22down+again%22").await).await), [first]);
    let many = vec!["w"; 25].join("+");
    let r = get(&format!("text={many}")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json(r).await;
    assert!(problem.to_string().contains("at most 24"), "{problem}");
}
