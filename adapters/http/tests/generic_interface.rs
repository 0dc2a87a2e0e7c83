//! OTRS's GenericTicketConnectorREST as an OTRS integration script sees it: the request
//! and response pairs below are in OTRS's shapes, key for key.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{json, world};
use goats_core::permission::Permission;
use goats_core::ports::{GroupRepository, LookupRepository};
use poem::http::StatusCode;
use serde_json::{Value, json};

const GI: &str = "/otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorREST";

async fn call(w: &common::World, method: &str, path: &str, body: Value) -> Value {
    let url = format!("{GI}{path}");
    let req = match method {
        "POST" => w.cli.post(url),
        "PATCH" => w.cli.patch(url),
        _ => w.cli.get(url),
    };
    let resp = if body.is_null() { req.send().await } else { req.body_json(&body).send().await };
    // OTRS answers operation errors with HTTP 200 and an Error object, so does goats.
    resp.assert_status(StatusCode::OK);
    json(resp).await
}

fn error_code(v: &Value) -> &str {
    v["Error"]["ErrorCode"].as_str().unwrap_or("")
}

#[tokio::test]
async fn session_create_and_ticket_create_get_search_update_history() {
    let w = world().await;

    let session =
        call(&w, "POST", "/Session", json!({"UserLogin": "root@localhost", "Password": "root-password"})).await;
    let sid = session["SessionID"].as_str().expect("SessionID").to_string();

    let created = call(
        &w,
        "POST",
        "/Ticket",
        json!({
            "SessionID": sid,
            "Ticket": {"Title": "Printer on fire", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "jane@example.com"},
            "Article": {"Subject": "Help", "Body": "It burns.", "ContentType": "text/plain; charset=utf8"}
        }),
    )
    .await;
    let ticket_id = created["TicketID"].as_str().expect("TicketID").to_string();
    assert_eq!(created["TicketNumber"].as_str().unwrap().len(), 16);
    assert!(created["ArticleID"].as_str().is_some());
    assert_eq!(created.as_object().unwrap().len(), 3, "{created}");

    // Credentials as query parameters, as OTRS's REST transport takes them on GET.
    let got = call(
        &w,
        "GET",
        &format!("/Ticket/{ticket_id}?UserLogin=root%40localhost&Password=root-password&AllArticles=1"),
        Value::Null,
    )
    .await;
    let t = &got["Ticket"][0];
    assert_eq!(t["TicketID"], ticket_id.as_str());
    assert_eq!(
        (t["Title"].as_str(), t["Queue"].as_str(), t["QueueID"].as_str()),
        (Some("Printer on fire"), Some("Raw"), Some("2"))
    );
    assert_eq!(
        (t["State"].as_str(), t["StateType"].as_str(), t["Priority"].as_str()),
        (Some("new"), Some("new"), Some("3 normal"))
    );
    assert_eq!(
        (t["Owner"].as_str(), t["Lock"].as_str(), t["Type"].as_str()),
        (Some("root@localhost"), Some("unlock"), Some("Unclassified"))
    );
    assert_eq!(t["CustomerUserID"], "jane@example.com");
    assert!(t["Created"].as_str().unwrap().len() == 19, "YYYY-MM-DD HH:MM:SS");
    let a = &t["Article"][0];
    assert_eq!((a["Subject"].as_str(), a["Body"].as_str()), (Some("Help"), Some("It burns.")));
    assert_eq!((a["MimeType"].as_str(), a["Charset"].as_str()), (Some("text/plain"), Some("utf8")));
    assert_eq!(
        (a["SenderType"].as_str(), a["CommunicationChannel"].as_str(), a["IsVisibleForCustomer"].as_str()),
        (Some("customer"), Some("Email"), Some("1"))
    );

    let found =
        call(&w, "GET", &format!("/Ticket?SessionID={sid}&Title=%25fire%25&Queues=Raw&States=new"), Value::Null).await;
    assert_eq!(found, json!({"TicketID": [ticket_id]}));
    let recent = call(
        &w,
        "GET",
        &format!("/Ticket?SessionID={sid}&TicketCreateTimeNewerDate=2000-01-01%2000:00:00&Types=Unclassified"),
        Value::Null,
    )
    .await;
    assert_eq!(recent, json!({"TicketID": [ticket_id]}));
    let bad_date =
        call(&w, "GET", &format!("/Ticket?SessionID={sid}&TicketCreateTimeNewerDate=yesterday"), Value::Null).await;
    assert_eq!(error_code(&bad_date), "TicketSearch.InvalidParameter");
    let none = call(&w, "GET", &format!("/Ticket?SessionID={sid}&Queues=Misc"), Value::Null).await;
    assert_eq!(none, json!({}), "OTRS answers an empty search with an empty object");

    let updated = call(
        &w,
        "PATCH",
        &format!("/Ticket/{ticket_id}"),
        json!({
            "SessionID": sid,
            "Ticket": {"Queue": "Misc", "State": "pending reminder", "PendingTime": {"Diff": 120}, "Priority": "4 high"},
            "Article": {"Subject": "Called", "Body": "Calling back at 3.", "ContentType": "text/plain; charset=utf-8", "CommunicationChannel": "Internal", "SenderType": "agent"}
        }),
    )
    .await;
    assert_eq!(updated["TicketID"], ticket_id.as_str());
    assert!(updated["ArticleID"].as_str().is_some(), "{updated}");

    let history = call(&w, "GET", &format!("/TicketHistory/{ticket_id}?SessionID={sid}"), Value::Null).await;
    let rows = history["TicketHistory"][0]["History"].as_array().unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r["HistoryType"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "NewTicket",
            "CustomerUpdate",
            "EmailCustomer",
            "Move",
            "PriorityUpdate",
            "StateUpdate",
            "SetPendingTime",
            "AddNote"
        ]
    );
    assert_eq!(rows[3]["Name"], "%%Misc%%4%%Raw%%2");
    assert_eq!(rows[3]["QueueID"], "4");
}

#[tokio::test]
async fn errors_come_back_in_otrs_shape() {
    let w = world().await;
    let bad = call(&w, "POST", "/Session", json!({"UserLogin": "root@localhost", "Password": "wrong"})).await;
    assert_eq!(
        bad,
        json!({"Error": {"ErrorCode": "SessionCreate.AuthFail", "ErrorMessage": "SessionCreate: Authorization failing!"}})
    );

    let unauth = call(&w, "POST", "/Ticket", json!({"Ticket": {}, "Article": {}})).await;
    assert_eq!(error_code(&unauth), "TicketCreate.AuthFail");
    let forged = call(&w, "GET", "/Ticket/1?SessionID=not-a-session", Value::Null).await;
    assert_eq!(error_code(&forged), "TicketGet.AuthFail");

    let creds = json!({"UserLogin": "root@localhost", "Password": "root-password"});
    let mut missing = creds.clone();
    missing["Ticket"] = json!({"Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
    missing["Article"] = json!({"Subject": "s", "Body": "b", "ContentType": "text/plain"});
    let r = call(&w, "POST", "/Ticket", missing).await;
    assert_eq!(
        r,
        json!({"Error": {"ErrorCode": "TicketCreate.MissingParameter", "ErrorMessage": "TicketCreate: Ticket->Title parameter is missing!"}})
    );

    let mut invalid = creds.clone();
    invalid["Ticket"] =
        json!({"Title": "t", "Queue": "No such queue", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
    invalid["Article"] = json!({"Subject": "s", "Body": "b", "ContentType": "text/plain"});
    let r = call(&w, "POST", "/Ticket", invalid).await;
    assert_eq!(error_code(&r), "TicketCreate.InvalidParameter");

    // Article->TimeUnit is accounted with the article, and must be a number.
    let mut timed = creds.clone();
    timed["Ticket"] =
        json!({"Title": "Call", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
    timed["Article"] = json!({"Subject": "s", "Body": "b", "ContentType": "text/plain", "TimeUnit": "a while"});
    let r = call(&w, "POST", "/Ticket", timed.clone()).await;
    assert_eq!(error_code(&r), "TicketCreate.InvalidParameter");
    timed["Article"]["TimeUnit"] = json!("30");
    let r = call(&w, "POST", "/Ticket", timed).await;
    let id: i64 = r["TicketID"].as_str().expect("TicketID").parse().unwrap();
    let accounted = goats_core::ports::TicketRepository::accounted_time(&w.store, id).await.unwrap();
    assert_eq!(accounted, 30.0);

    // What goats cannot store is refused whole, never answered with success.
    let tickets_before = goats_core::ports::TicketRepository::count(&w.store, &Default::default(), None).await.unwrap();
    let mut with_fields = creds.clone();
    with_fields["Ticket"] =
        json!({"Title": "Fields", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
    with_fields["Article"] = json!({"Subject": "s", "Body": "b", "ContentType": "text/plain"});
    with_fields["DynamicField"] = json!([{"Name": "Severity", "Value": "high"}]);
    let r = call(&w, "POST", "/Ticket", with_fields.clone()).await;
    assert_eq!(error_code(&r), "TicketCreate.InvalidParameter");
    assert!(
        r["Error"]["ErrorMessage"].as_str().unwrap().contains("no ticket or article field is named `Severity`"),
        "{r}"
    );
    with_fields["DynamicField"] = json!([]);
    with_fields["Ticket"]["SLA"] = json!("Gold");
    let r = call(&w, "POST", "/Ticket", with_fields).await;
    assert_eq!(error_code(&r), "TicketCreate.InvalidParameter", "an SLA that does not exist: {r}");
    let tickets_after = goats_core::ports::TicketRepository::count(&w.store, &Default::default(), None).await.unwrap();
    assert_eq!(tickets_after, tickets_before, "nothing was stored");
    let mut update = creds.clone();
    update["Ticket"] = json!({"Title": "Renamed"});
    update["DynamicField"] = json!({"Name": "Severity", "Value": "low"});
    let r = call(&w, "PATCH", &format!("/Ticket/{id}"), update).await;
    assert_eq!(error_code(&r), "TicketUpdate.InvalidParameter");
    let kept = goats_core::ports::TicketRepository::get(&w.store, id).await.unwrap().unwrap();
    assert_eq!(kept.title, "Call", "the title was not changed either");

    let nothing =
        call(&w, "GET", "/Ticket/424242?UserLogin=root%40localhost&Password=root-password", Value::Null).await;
    assert_eq!(error_code(&nothing), "TicketGet.AccessDenied");

    let r = w.cli.post(format!("{GI}/Ticket")).content_type("application/json").body("{not json").send().await;
    r.assert_status(StatusCode::OK);
    assert_eq!(error_code(&json(r).await), "TicketCreate.InvalidParameter");
}

#[tokio::test]
async fn the_permission_model_applies_as_in_otrs() {
    let w = world().await;
    let team = w.store.create_group("vip", None, 1).await.unwrap();
    let q = w.store.create_queue(goats_core::testing::queue("VIP", team), 1).await.unwrap();
    w.store.grant_user(1, team, Permission::Rw, 1).await.unwrap();
    let root = w.login("root@localhost", "root-password").await;
    let t = w.create_ticket(&root, q).await;
    let id = t["id"].as_i64().unwrap();
    w.agent("outsider", &[(1, Permission::Rw)]).await;

    let creds = "UserLogin=outsider&Password=agent-password";
    let r = call(&w, "GET", &format!("/Ticket/{id}?{creds}"), Value::Null).await;
    assert_eq!(
        r,
        json!({"Error": {"ErrorCode": "TicketGet.AccessDenied", "ErrorMessage": "TicketGet: User does not have access to the ticket!"}})
    );
    assert_eq!(call(&w, "GET", &format!("/Ticket?{creds}&QueueIDs={q}"), Value::Null).await, json!({}));
    let r = call(
        &w,
        "PATCH",
        &format!("/Ticket/{id}"),
        json!({"UserLogin": "outsider", "Password": "agent-password", "Ticket": {"Priority": "5 very high"}}),
    )
    .await;
    assert_eq!(error_code(&r), "TicketUpdate.AccessDenied");
    let r = call(&w, "GET", &format!("/TicketHistory/{id}?{creds}"), Value::Null).await;
    assert_eq!(error_code(&r), "TicketHistoryGet.AccessDenied");
}

/// TicketGet with `DynamicFields=1` lists the ticket's dynamic fields as OTRS does
/// (chosen keys as a list, dates in OTRS's format); without it, none.
#[tokio::test]
async fn ticket_get_lists_dynamic_fields_when_asked() {
    use chrono::TimeZone;
    use goats_core::model::{DynamicFieldValue, FieldType, FieldValue};
    let w = world().await;
    let session =
        call(&w, "POST", "/Session", json!({"UserLogin": "root@localhost", "Password": "root-password"})).await;
    let sid = session["SessionID"].as_str().unwrap().to_string();
    let created = call(
        &w,
        "POST",
        "/Ticket",
        json!({"SessionID": sid, "Ticket": {"Title": "Fields", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "jane@example.com"},
               "Article": {"Subject": "Fields", "Body": "x", "ContentType": "text/plain; charset=utf8"}}),
    )
    .await;
    let id: i64 = created["TicketID"].as_str().unwrap().parse().unwrap();
    let field = |name: &str, field_type, value| DynamicFieldValue {
        field_id: 1,
        name: name.into(),
        label: name.into(),
        field_type,
        value,
        possible_values: vec![],
    };
    w.store.set_dynamic_fields(
        id,
        vec![
            field("Systems", FieldType::Multiselect, FieldValue::Texts(vec!["web".into(), "mail".into()])),
            field("Billable", FieldType::Checkbox, FieldValue::Int(1)),
            field(
                "Callback",
                FieldType::DateTime,
                FieldValue::DateTime(chrono::Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap()),
            ),
        ],
    );
    let got = call(&w, "GET", &format!("/Ticket/{id}?SessionID={sid}&DynamicFields=1"), Value::Null).await;
    assert_eq!(
        got["Ticket"][0]["DynamicField"],
        json!([
            {"Name": "Systems", "Value": ["web", "mail"]},
            {"Name": "Billable", "Value": "1"},
            {"Name": "Callback", "Value": "2026-12-04 09:30:00"}
        ])
    );
    let plain = call(&w, "GET", &format!("/Ticket/{id}?SessionID={sid}"), Value::Null).await;
    assert!(plain["Ticket"][0].get("DynamicField").is_none(), "{plain}");
}

/// TicketCreate and TicketUpdate set dynamic fields as OTRS takes them (one object or a
/// list; a list for a multiselect; null clears), checked before anything is written.
#[tokio::test]
async fn ticket_create_and_update_set_dynamic_fields() {
    use goats_core::model::{FieldType, FieldValue};
    let w = world().await;
    let def = common::field_def;
    w.store.set_dynamic_field_defs(vec![
        def(1, "Severity", FieldType::Dropdown, &["low", "high"]),
        def(2, "Systems", FieldType::Multiselect, &["mail", "web"]),
        def(3, "Contract", FieldType::Text, &[]),
    ]);
    let creds = json!({"UserLogin": "root@localhost", "Password": "root-password"});
    let mut create = creds.clone();
    create["Ticket"] =
        json!({"Title": "Fields", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
    create["Article"] = json!({"Subject": "s", "Body": "b", "ContentType": "text/plain"});
    create["DynamicField"] =
        json!([{"Name": "Severity", "Value": "high"}, {"Name": "Systems", "Value": ["web", "mail"]}]);
    let r = call(&w, "POST", "/Ticket", create.clone()).await;
    let id: i64 = r["TicketID"].as_str().unwrap_or_else(|| panic!("{r}")).parse().unwrap();
    let values = |w: &common::World| {
        let store = w.store.clone();
        async move { goats_core::ports::DynamicFieldStore::ticket_values(&store, id).await.unwrap() }
    };
    let got = values(&w).await;
    assert_eq!(
        got.iter().map(|f| (f.name.as_str(), f.value.clone())).collect::<Vec<_>>(),
        [
            ("Severity", FieldValue::Text("high".into())),
            ("Systems", FieldValue::Texts(vec!["web".into(), "mail".into()])),
        ]
    );

    // A value the field does not have is refused, and the ticket's title stays.
    let mut update = creds.clone();
    update["Ticket"] = json!({"Title": "Renamed"});
    update["DynamicField"] = json!({"Name": "Severity", "Value": "medium"});
    let r = call(&w, "PATCH", &format!("/Ticket/{id}"), update.clone()).await;
    assert_eq!(error_code(&r), "TicketUpdate.InvalidParameter");
    assert!(r["Error"]["ErrorMessage"].as_str().unwrap().contains("`medium` is not one of its values"), "{r}");
    assert_eq!(goats_core::ports::TicketRepository::get(&w.store, id).await.unwrap().unwrap().title, "Fields");

    update["DynamicField"] = json!([{"Name": "Severity", "Value": null}, {"Name": "Contract", "Value": "C-77"}]);
    let r = call(&w, "PATCH", &format!("/Ticket/{id}"), update).await;
    assert_eq!(r["TicketID"], json!(id.to_string()), "{r}");
    let got = values(&w).await;
    assert_eq!(got.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["Systems", "Contract"], "Severity cleared");
}

/// TicketSearch by `conditions` as `creds`, oldest ticket first.
async fn search(w: &common::World, creds: &Value, conditions: Value) -> Value {
    let mut body = creds.clone();
    for (k, v) in conditions.as_object().unwrap() {
        body[k] = v.clone();
    }
    body["SortBy"] = json!("Ticket");
    body["OrderBy"] = json!("Up");
    call(w, "GET", "/Ticket", body).await
}

/// TicketSearch takes `DynamicField_<Name>` with OTRS's operators, all holding, a list
/// under `Equals` matching any of its values; a search parameter goats does not
/// evaluate is refused rather than answered without it.
#[tokio::test]
async fn ticket_search_by_dynamic_fields() {
    use goats_core::model::FieldType;
    let w = world().await;
    let def = common::field_def;
    w.store.set_dynamic_field_defs(vec![
        def(1, "Severity", FieldType::Dropdown, &["low", "high"]),
        def(2, "Callback", FieldType::DateTime, &[]),
        def(3, "Contract", FieldType::Text, &[]),
    ]);
    let creds = json!({"UserLogin": "root@localhost", "Password": "root-password"});
    let mut ids = Vec::new();
    for (tray, (severity, callback, contract)) in (1..).zip([
        ("high", "2026-12-04 09:30:00", "C-77"),
        ("low", "2026-12-05 09:30:00", "Gold C-78"),
        ("high", "2026-12-06 09:30:00", "C-79"),
    ]) {
        let mut create = creds.clone();
        create["Ticket"] =
            json!({"Title": "Fields", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
        let body = format!("Paper jam in tray {tray}");
        create["Article"] = json!({"Subject": "s", "Body": body, "ContentType": "text/plain"});
        create["DynamicField"] = json!([
            {"Name": "Severity", "Value": severity},
            {"Name": "Callback", "Value": callback},
            {"Name": "Contract", "Value": contract}
        ]);
        let r = call(&w, "POST", "/Ticket", create).await;
        ids.push(r["TicketID"].as_str().unwrap_or_else(|| panic!("{r}")).to_string());
    }
    let search = |conditions: Value| search(&w, &creds, conditions);
    assert_eq!(
        search(json!({"DynamicField_Severity": {"Equals": "high"}})).await,
        json!({"TicketID": [ids[0], ids[2]]})
    );
    assert_eq!(
        search(
            json!({"DynamicField_Severity": {"Equals": ["low", "high"]}, "DynamicField_Contract": {"Like": "c-7*"}})
        )
        .await,
        json!({"TicketID": [ids[0], ids[2]]})
    );
    let between = json!({"DynamicField_Callback": {
        "GreaterThan": "2026-12-04 09:30:00", "SmallerThanEquals": "2026-12-06 09:30:00"
    }});
    assert_eq!(search(between).await, json!({"TicketID": [ids[1], ids[2]]}));
    assert_eq!(search(json!({"DynamicField_Contract": {"Equals": "C-1"}})).await, json!({}));
    // Fulltext in goats' search language: all words, phrases, exclusions.
    assert_eq!(search(json!({"Fulltext": "TRAY jam 2"})).await, json!({"TicketID": [ids[1]]}));
    assert_eq!(search(json!({"Fulltext": "jam -\"tray 2\""})).await, json!({"TicketID": [ids[0], ids[2]]}));
    assert_eq!(search(json!({"Fulltext": "stapler"})).await, json!({}));

    for (conditions, says) in [
        (json!({"DynamicField_Colour": {"Equals": "red"}}), "no ticket or article field is named `Colour`"),
        (json!({"DynamicField_Severity": {"Like": "h*", "Near": "x"}}), "DynamicField_Severity->Near"),
        (json!({"DynamicField_Contract": {"GreaterThan": "C-1"}}), "only dates and times can be compared"),
        (json!({"DynamicField_Severity": "high"}), "DynamicField_Severity parameter is invalid"),
        (json!({"ContentSearch": "OR"}), "ContentSearch is not supported by goats yet"),
    ] {
        let r = search(conditions.clone()).await;
        assert_eq!(error_code(&r), "TicketSearch.InvalidParameter", "{conditions}: {r}");
        assert!(r["Error"]["ErrorMessage"].as_str().unwrap().contains(says), "{conditions}: {r}");
    }
}

/// A field of articles named in `DynamicField` is stored with the article the request
/// brings (TicketCreate's, or TicketUpdate's new one) and read back on it by TicketGet;
/// without an article it is refused and nothing changes.
#[tokio::test]
async fn article_fields_are_set_on_the_article_that_comes_with_them() {
    use goats_core::model::{FieldDefinition, FieldType, FieldValue};
    use goats_core::ports::{ArticleRepository, DynamicFieldStore};
    let w = world().await;
    w.store.set_dynamic_field_defs(vec![common::field_def(1, "Severity", FieldType::Dropdown, &["low", "high"])]);
    let reason = FieldDefinition {
        id: 0,
        name: "Reason".into(),
        label: "Reason".into(),
        field_type: FieldType::Dropdown,
        object_type: "Article".into(),
        field_order: 2,
        valid: true,
        internal: false,
        possible_values: vec![("call".into(), "Call".into()), ("visit".into(), "Visit".into())],
        default_value: None,
    };
    w.store.save_field_definition(&reason, 1).await.unwrap();
    let creds = json!({"UserLogin": "root@localhost", "Password": "root-password"});
    let mut create = creds.clone();
    create["Ticket"] =
        json!({"Title": "Fields", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
    create["Article"] = json!({"Subject": "s", "Body": "b", "ContentType": "text/plain"});
    create["DynamicField"] = json!([{"Name": "Severity", "Value": "high"}, {"Name": "Reason", "Value": "call"}]);
    let r = call(&w, "POST", "/Ticket", create).await;
    let id: i64 = r["TicketID"].as_str().unwrap_or_else(|| panic!("{r}")).parse().unwrap();
    let first: i64 = r["ArticleID"].as_str().unwrap().parse().unwrap();
    let on_article = |article: i64| {
        let store = w.store.clone();
        async move {
            let got = store.article_values(&[article]).await.unwrap();
            got.into_iter().map(|(_, v)| (v.name, v.value)).collect::<Vec<_>>()
        }
    };
    assert_eq!(on_article(first).await, [("Reason".to_string(), FieldValue::Text("call".into()))]);
    let on_ticket = w.store.ticket_values(id).await.unwrap();
    assert_eq!(on_ticket.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["Severity"], "not on the ticket");

    // TicketUpdate: with an article, on that article; without one, refused.
    let mut update = creds.clone();
    update["Ticket"] = json!({"Title": "Renamed"});
    update["DynamicField"] = json!({"Name": "Reason", "Value": "visit"});
    let r = call(&w, "PATCH", &format!("/Ticket/{id}"), update.clone()).await;
    assert_eq!(error_code(&r), "TicketUpdate.InvalidParameter");
    assert!(r["Error"]["ErrorMessage"].as_str().unwrap().contains("Reason is a field of articles"), "{r}");
    assert_eq!(goats_core::ports::TicketRepository::get(&w.store, id).await.unwrap().unwrap().title, "Fields");
    update["Article"] = json!({"Subject": "visited", "Body": "On site.", "ContentType": "text/plain"});
    let r = call(&w, "PATCH", &format!("/Ticket/{id}"), update.clone()).await;
    let second: i64 = r["ArticleID"].as_str().unwrap_or_else(|| panic!("{r}")).parse().unwrap();
    assert_eq!(on_article(second).await, [("Reason".to_string(), FieldValue::Text("visit".into()))]);
    assert_eq!(on_article(first).await, [("Reason".to_string(), FieldValue::Text("call".into()))], "kept");
    // A value the field does not have: refused, no article added.
    update["DynamicField"] = json!({"Name": "Reason", "Value": "email"});
    let r = call(&w, "PATCH", &format!("/Ticket/{id}"), update).await;
    assert_eq!(error_code(&r), "TicketUpdate.InvalidParameter", "{r}");
    assert_eq!(w.store.list_for_ticket(id).await.unwrap().len(), 2);

    let sid = call(&w, "POST", "/Session", creds.clone()).await["SessionID"].as_str().unwrap().to_string();
    let got =
        call(&w, "GET", &format!("/Ticket/{id}?SessionID={sid}&DynamicFields=1&AllArticles=1"), Value::Null).await;
    let articles = got["Ticket"][0]["Article"].as_array().unwrap();
    assert_eq!(articles[1]["DynamicField"], json!([{"Name": "Reason", "Value": "visit"}]), "{got}");

    // TicketSearch finds a ticket by a value any of its articles holds, as OTRS's does.
    let mut other = creds.clone();
    other["Ticket"] =
        json!({"Title": "Other", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "x"});
    other["Article"] = json!({"Subject": "s", "Body": "b", "ContentType": "text/plain"});
    other["DynamicField"] = json!({"Name": "Reason", "Value": "call"});
    let r = call(&w, "POST", "/Ticket", other).await;
    let other: String = r["TicketID"].as_str().unwrap_or_else(|| panic!("{r}")).to_string();
    let search = |conditions: Value| search(&w, &creds, conditions);
    let id = id.to_string();
    assert_eq!(search(json!({"DynamicField_Reason": {"Equals": "visit"}})).await, json!({"TicketID": [id]}));
    assert_eq!(search(json!({"DynamicField_Reason": {"Equals": "call"}})).await, json!({"TicketID": [id, other]}));
    assert_eq!(
        search(json!({"DynamicField_Reason": {"Equals": ["visit", "email"]}})).await,
        json!({"TicketID": [id]}),
        "several values, any of them"
    );
    assert_eq!(search(json!({"DynamicField_Reason": {"Equals": "email"}})).await, json!({}));
}
