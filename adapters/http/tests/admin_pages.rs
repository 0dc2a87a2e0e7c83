//! The administration pages (`routes/admin/`): agents added and changed through forms
//! that keep what was typed and show each problem beside its field, grants edited as a
//! matrix, and everything refused to agents outside the admin group.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use goats_core::ports::{AgentRepository, GroupRepository};
use poem::http::StatusCode;

/// The new-agent form: login, first name, last name, address, password.
async fn add_agent(b: &Browser<'_>, [login, first, last, email, password]: [&str; 5]) -> poem::test::TestResponse {
    let form = [("login", login), ("first_name", first), ("last_name", last), ("email", email), ("password", password)];
    b.form_post("/admin/users", &form).await
}

#[tokio::test]
async fn an_admin_adds_an_agent_and_mistakes_are_shown_beside_their_fields() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    root.get("/admin/users/new").await.assert_status_is_ok();

    let r = add_agent(&root, ["grace", " ", "Hopper", "grace@example.org", "short"]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(
        html.contains(r#"id="u-first-error""#) && html.contains(r#"aria-describedby="u-first-error""#),
        "beside the first name"
    );
    assert!(html.contains(r#"id="u-password-error""#), "beside the password");
    assert!(!html.contains(r#"id="u-last-error""#), "the last name was fine");
    assert!(
        html.contains(r#"value="grace""#) && html.contains(r#"value="grace@example.org""#),
        "what was typed is kept"
    );
    assert!(AgentRepository::by_login(&w.store, "grace").await.unwrap().is_none(), "nothing was added");

    let r = add_agent(&root, ["root@localhost", "A", "B", "", "long-enough"]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("An agent with this login exists."));
    let r = add_agent(&root, ["grace", "Grace", "Hopper", "not-mail", "long-enough"]).await;
    assert!(text(r).await.contains(r#"id="u-email-error""#));
    // OTRS's `users` holds names of 100 characters.
    let long = "H".repeat(101);
    let html = text(add_agent(&root, ["grace", "Grace", &long, "grace@example.org", "cobol-1959"]).await).await;
    assert!(html.contains(r#"id="u-last-error""#) && !html.contains(r#"id="u-first-error""#), "{html}");

    let r = add_agent(&root, ["grace", "Grace", "Hopper", "grace@example.org", "cobol-1959"]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let grace = AgentRepository::by_login(&w.store, "grace").await.unwrap().expect("added");
    assert_eq!(location(&r), format!("/admin/users/{}", grace.id));
    let list = text(root.get("/admin/users").await).await;
    assert!(list.contains("grace@example.org") && list.contains(&format!("/admin/users/{}", grace.id)));
    // The new agent can log in with the password given.
    Browser::sign_in(&w, "grace", "cobol-1959").await;
}

#[tokio::test]
async fn an_admin_changes_an_agent_and_their_grants_but_not_their_own_administration() {
    let w = world().await;
    w.agent("mo", &[]).await;
    let mo = AgentRepository::by_login(&w.store, "mo").await.unwrap().unwrap();
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(root.get(&format!("/admin/users/{}", mo.id)).await).await;
    assert!(page.contains(r#"name="grant" value="1:ro""#), "a box per group and permission");

    let r = root.form_post(&format!("/admin/users/{}/grants", mo.id), &[("grant", "1:ro"), ("grant", "1:note")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let mut held: Vec<(i32, Permission)> =
        w.store.direct_grants(mo.id).await.unwrap().into_iter().map(|g| (g.group_id, g.permission)).collect();
    held.sort();
    assert_eq!(held, [(1, Permission::Ro), (1, Permission::Note)]);
    assert!(text(root.get(&format!("/admin/users/{}", mo.id)).await).await.contains(r#"value="1:note" checked"#));
    // Unticking takes a grant away.
    root.form_post(&format!("/admin/users/{}/grants", mo.id), &[("grant", "1:note")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(w.store.direct_grants(mo.id).await.unwrap().len(), 1);

    let r = root
        .form_post(
            &format!("/admin/users/{}", mo.id),
            &[("first_name", "Mo"), ("last_name", "Ritz"), ("email", "mo@example.org"), ("password", "")],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let changed = AgentRepository::get(&w.store, mo.id).await.unwrap().unwrap();
    assert_eq!((changed.last_name.as_str(), changed.valid), ("Ritz", false), "an unticked box sets the agent invalid");

    // Root cannot switch off their own account or their own administration.
    let r = root.form_post("/admin/users/1", &[("first_name", "Admin"), ("last_name", "OTRS"), ("email", "")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="u-valid-error""#));
    let r = root.form_post("/admin/users/1/grants", &[("grant", "1:rw")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="grants-error""#));
    assert!(root.get("/admin/users").await.0.status().is_success(), "root is still an admin");
}

#[tokio::test]
async fn agents_outside_the_admin_group_cannot_use_the_admin_pages() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in ["/admin/users", "/admin/users/new", "/admin/users/1", "/admin/routes"] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    let r = mo
        .form_post(
            "/admin/users",
            &[("login", "eve"), ("first_name", "E"), ("last_name", "V"), ("password", "long-enough")],
        )
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/users/1/grants", &[]).await.assert_status(StatusCode::FORBIDDEN);
    assert!(AgentRepository::by_login(&w.store, "eve").await.unwrap().is_none());
    assert!(!w.store.direct_grants(1).await.unwrap().is_empty(), "root kept every grant");

    // A forged form without the CSRF token changes nothing, even for an admin.
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w
        .cli
        .post("/admin/users")
        .header("cookie", root.cookie())
        .form(&[("login", "eve"), ("first_name", "E"), ("last_name", "V"), ("password", "long-enough")])
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(AgentRepository::by_login(&w.store, "eve").await.unwrap().is_none());
}

#[tokio::test]
async fn an_admin_adds_and_changes_a_mail_account_and_tests_its_connection() {
    use goats_core::ports::MailAccounts;
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let empty = text(root.get("/admin/mail-accounts").await).await;
    assert!(empty.contains("No mail accounts yet"));

    // Mistakes beside their fields; nothing stored.
    let r = root
        .form_post(
            "/admin/mail-accounts",
            &[("kind", "IMAPS"), ("host", "imap example"), ("login", ""), ("password", "")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="m-password-error""#), "the password first: {html}");
    let r = root
        .form_post(
            "/admin/mail-accounts",
            &[("kind", "IMAPS"), ("host", "imap example"), ("login", "desk"), ("password", "pw")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="m-host-error""#) && html.contains(r#"value="desk""#), "what was typed stays");
    assert!(!html.contains(r#"value="pw""#), "a typed password is never sent back");
    assert!(w.store.mail_accounts().await.unwrap().is_empty());

    let form = [
        ("kind", "IMAPS"),
        ("host", "imap.example.com:993"),
        ("login", "desk@example.com"),
        ("password", "s3cret"),
        ("queue_id", "2"),
        ("valid", "1"),
    ];
    let r = root.form_post("/admin/mail-accounts", &form).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let stored = w.store.mail_accounts().await.unwrap();
    assert_eq!(stored.len(), 1);
    let id = stored[0].id;
    assert_eq!(location(&r), format!("/admin/mail-accounts/{id}"));
    let edit = text(root.get(&format!("/admin/mail-accounts/{id}")).await).await;
    assert!(edit.contains(r#"value="desk@example.com""#) && !edit.contains("s3cret"), "no password in the page");
    assert!(text(root.get("/admin/mail-accounts").await).await.contains("imap.example.com:993"));

    // An empty password keeps the stored one; unticking sets the account invalid.
    let change = [
        ("kind", "IMAP"),
        ("host", "imap.example.com"),
        ("login", "desk@example.com"),
        ("password", ""),
        ("queue_id", "0"),
    ];
    root.form_post(&format!("/admin/mail-accounts/{id}"), &change).await.assert_status(StatusCode::SEE_OTHER);
    let changed = &w.store.mail_accounts().await.unwrap()[0];
    assert_eq!((changed.password.as_str(), changed.queue_id, changed.valid), ("s3cret", None, false));

    // Test connection against a port where nothing listens: the failure, said in place.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let host = format!("127.0.0.1:{port}");
    let probe = [("kind", "IMAP"), ("host", host.as_str()), ("login", "x"), ("password", "y")];
    let r = root.htmx_post("/admin/mail-accounts/test", &probe).await;
    r.assert_status_is_ok();
    let part = text(r).await;
    assert!(part.starts_with(r#"<div id="mail-test-result""#) && part.contains("The connection failed:"), "{part}");
    let r = root.form_post("/admin/mail-accounts/test", &probe).await;
    r.assert_status_is_ok();
    let page = text(r).await;
    assert!(
        page.contains("The connection failed:") && page.contains(r#"id="m-host""#),
        "without JavaScript, the whole form"
    );
    assert_eq!(w.store.mail_accounts().await.unwrap().len(), 1, "testing stores nothing");
}

#[tokio::test]
async fn the_mail_account_pages_are_for_admins_only() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in ["/admin/mail-accounts", "/admin/mail-accounts/new", "/admin/mail-accounts/1"] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    let form = [("kind", "IMAP"), ("host", "127.0.0.1:1"), ("login", "x"), ("password", "y")];
    mo.form_post("/admin/mail-accounts", &form).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/mail-accounts/test", &form).await.assert_status(StatusCode::FORBIDDEN);
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/mail-accounts").header("cookie", root.cookie()).form(&form).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(goats_core::ports::MailAccounts::mail_accounts(&w.store).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_admin_keeps_postmaster_filters_with_mistakes_beside_their_fields() {
    use goats_core::ports::PostmasterFilters;
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    assert!(text(root.get("/admin/postmaster-filters").await).await.contains("No postmaster filters"));
    let page = text(root.get("/admin/postmaster-filters/new").await).await;
    assert!(page.contains(r#"name="m0_header""#) && page.contains(r#"<option value="X-OTRS-Queue">"#));

    let broken = [
        ("name", "Spam to Junk"),
        ("m0_header", "X-Spam-Flag"),
        ("m0_pattern", "(yes"),
        ("s0_header", "X-OTRS-Queue"),
        ("s0_value", "Junk"),
    ];
    let r = root.form_post("/admin/postmaster-filters", &broken).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(
        html.contains(r#"id="f-matches-error""#) && html.contains("not a regular expression"),
        "beside the conditions"
    );
    assert!(html.contains(r#"value="(yes""#), "what was typed stays");
    let nothing_set = [("name", "Spam to Junk"), ("m0_header", "X-Spam-Flag"), ("m0_pattern", "yes")];
    let r = root.form_post("/admin/postmaster-filters", &nothing_set).await;
    assert!(text(r).await.contains(r#"id="f-sets-error""#));
    assert!(w.store.filters().await.unwrap().is_empty(), "nothing stored");

    let good = [
        ("name", "Spam to Junk"),
        ("m0_header", "X-Spam-Flag"),
        ("m0_pattern", "^yes$"),
        ("m1_header", "From"),
        ("m1_pattern", "@example\\.com$"),
        ("m1_negate", "1"),
        ("s0_header", "X-OTRS-Queue"),
        ("s0_value", "Junk"),
        ("stop", "1"),
    ];
    root.form_post("/admin/postmaster-filters", &good).await.assert_status(StatusCode::SEE_OTHER);
    let stored = w.store.filters().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].matches.len(), 2);
    assert!(stored[0].matches[1].negate && stored[0].stop);
    assert_eq!(stored[0].sets, [("X-OTRS-Queue".to_string(), "Junk".to_string())]);
    let list = text(root.get("/admin/postmaster-filters").await).await;
    assert!(list.contains("/admin/postmaster-filters/Spam%20to%20Junk"), "{list}");
    let edit = text(root.get("/admin/postmaster-filters/Spam%20to%20Junk").await).await;
    assert!(edit.contains(r#"value="^yes$""#) && edit.contains("readonly"), "the name of a stored filter stays");

    root.form_post("/admin/postmaster-filters/Spam%20to%20Junk/delete", &[]).await.assert_status(StatusCode::SEE_OTHER);
    assert!(w.store.filters().await.unwrap().is_empty());
    root.get("/admin/postmaster-filters/Spam%20to%20Junk").await.assert_status(StatusCode::NOT_FOUND);

    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in ["/admin/postmaster-filters", "/admin/postmaster-filters/new"] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    mo.form_post("/admin/postmaster-filters", &good).await.assert_status(StatusCode::FORBIDDEN);
    assert!(w.store.filters().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_admin_adds_and_changes_a_notification_keeping_what_goats_does_not_edit() {
    use goats_core::agent_notifications::TicketNotification;
    use goats_core::ports::AgentNotificationStore;
    let w = world().await;
    // A notification as an OTRS database holds it, with a condition goats does not check.
    let (mut otrs, _) = TicketNotification::from_items(
        1,
        "Ticket create notification".into(),
        [("Events", "NotificationNewTicket"), ("Recipients", "AgentMyQueues"), ("Transports", "Email")]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        vec![],
    );
    otrs.recipient_agents = vec![1];
    w.store.set_notifications(vec![otrs]);
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    assert!(text(root.get("/admin/notifications").await).await.contains("Ticket create notification"));

    let r = root
        .form_post("/admin/notifications", &[("id", "0"), ("name", "Escalations to leads"), ("transport", "Email")])
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="n-events-error""#), "beside the events");
    assert!(html.contains(r#"value="Escalations to leads""#), "what was typed stays");
    let r = root
        .form_post(
            "/admin/notifications",
            &[
                ("id", "0"),
                ("name", "Ticket create notification"),
                ("event", "NotificationEscalation"),
                ("rule", "AgentOwner"),
                ("transport", "Email"),
                ("subject_en", "s"),
                ("text_en", "t"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="n-name-error""#), "a taken name");

    let new = [
        ("id", "0"),
        ("name", "Escalations to leads"),
        ("event", "NotificationEscalation"),
        ("rule", "AgentOwner"),
        ("rule", "AgentWritePermissions"),
        ("transport", "Email"),
        ("transport", "NotificationView"),
        ("default", "Email"),
        ("queue", "4"),
        ("once_per_day", "1"),
        ("valid", "1"),
        ("subject_en", "Escalated: <OTRS_TICKET_Title>"),
        ("text_en", "Ticket <OTRS_TICKET_TicketNumber> escalated."),
        ("subject_de", ""),
        ("text_de", ""),
    ];
    let r = root.form_post("/admin/notifications", &new).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let all = w.store.all_notifications().await.unwrap();
    let made = all.iter().find(|r| r.notification.name == "Escalations to leads").unwrap();
    assert!(made.valid && made.notification.once_per_day);
    assert_eq!(made.notification.ticket_conditions["QueueID"], ["4"]);
    assert_eq!(made.notification.messages.len(), 1, "an empty language is no text");

    // Changing the OTRS notification keeps its chosen agents.
    let change = [
        ("id", "1"),
        ("name", "Ticket create notification"),
        ("event", "NotificationNewTicket"),
        ("rule", "AgentMyQueues"),
        ("transport", "Email"),
        ("subject_en", "New: <OTRS_TICKET_Title>"),
        ("text_en", "A new ticket."),
    ];
    root.form_post("/admin/notifications", &change).await.assert_status(StatusCode::SEE_OTHER);
    let all = w.store.all_notifications().await.unwrap();
    let changed = all.iter().find(|r| r.notification.id == 1).unwrap();
    assert!(!changed.valid, "unticked: invalid, not deleted");
    assert_eq!(changed.notification.recipient_agents, [1]);
    assert!(w.store.ticket_notifications().await.unwrap().iter().all(|(n, _)| n.id != 1), "invalid ones are not sent");

    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in ["/admin/notifications", "/admin/notifications/new", "/admin/notifications/1"] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    mo.form_post("/admin/notifications", &new).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_keeps_system_addresses_with_mistakes_beside_their_fields() {
    use goats_core::ports::AutoResponses;
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let list = text(root.get("/admin/system-addresses").await).await;
    assert!(list.contains("helpdesk@localhost") && list.contains("Help Desk"), "OTRS's default address");
    root.get("/admin/system-addresses/new").await.assert_status_is_ok();

    let form = |email: &'static str, name: &'static str, queue: &'static str| {
        [("email", email), ("name", name), ("queue_id", queue), ("comments", "Sales mail"), ("valid", "1")]
    };
    let r = root.form_post("/admin/system-addresses", &form("not an address", " ", "")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="a-email-error""#), "beside the address");
    assert!(
        html.contains(r#"value="not an address""#) && html.contains(r#"value="Sales mail""#),
        "what was typed is kept"
    );
    let r = root.form_post("/admin/system-addresses", &form("sales@example.com", "Sales", "")).await;
    assert!(text(r).await.contains(r#"id="a-queue-error""#), "a queue is required");
    let r = root.form_post("/admin/system-addresses", &form("HELPDESK@localhost", "Sales", "2")).await;
    assert!(text(r).await.contains("Another system address has this email address."));
    assert_eq!(w.store.all_system_addresses().await.unwrap().len(), 1, "nothing was added");

    let r = root.form_post("/admin/system-addresses", &form("sales@example.com", "Sales <Team>", "2")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let stored = w.store.all_system_addresses().await.unwrap();
    let sales = stored.iter().find(|a| a.address.email == "sales@example.com").expect("added");
    assert_eq!((sales.queue_id, sales.comments.as_deref(), sales.valid), (2, Some("Sales mail"), true));
    assert_eq!(location(&r), format!("/admin/system-addresses/{}", sales.id));
    let edit = text(root.get(&location(&r)).await).await;
    assert!(edit.contains("Sales &#60;Team&#62;"), "escaped");

    // Set invalid: kept, shown, and no longer offered to send from.
    let path = format!("/admin/system-addresses/{}", sales.id);
    let r = root.form_post(&path, &[("email", "sales@example.com"), ("name", "Sales"), ("queue_id", "2")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(!w.store.all_system_addresses().await.unwrap().iter().any(|a| a.id == sales.id && a.valid));
    assert!(!w.store.system_addresses().await.unwrap().iter().any(|(id, _)| *id == sales.id));
    root.get("/admin/system-addresses/99").await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_admin_writes_auto_responses_and_gives_them_to_queues() {
    use goats_core::ports::{AutoResponseKind, AutoResponses};
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    assert!(text(root.get("/admin/auto-responses").await).await.contains("No auto-responses yet"));
    let form = |name: &'static str, kind: &'static str, subject: &'static str, body: &'static str| {
        [
            ("name", name),
            ("kind", kind),
            ("subject", subject),
            ("body", body),
            ("system_address_id", "1"),
            ("valid", "1"),
        ]
    };
    let r =
        root.form_post("/admin/auto-responses", &form("new ticket", "1", "RE: <OTRS_CUSTOMER_SUBJECT[40]>", " ")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="r-body-error""#), "beside the text");
    assert!(html.contains("RE: &#60;OTRS_CUSTOMER_SUBJECT[40]&#62;"), "what was typed is kept, escaped");
    let r = root.form_post("/admin/auto-responses", &form("new ticket", "9", "RE", "Thanks")).await;
    assert!(text(r).await.contains(r#"id="r-kind-error""#), "an unknown kind");
    assert!(w.store.auto_responses().await.unwrap().is_empty(), "nothing was added");

    let body = "We opened ticket <OTRS_TICKET_TicketNumber>.";
    let r = root
        .form_post("/admin/auto-responses", &form("new ticket", "1", "RE: <OTRS_CUSTOMER_SUBJECT[40]>", body))
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let r2 = root.form_post("/admin/auto-responses", &form("follow-up", "3", "Got it", "Added to your ticket.")).await;
    r2.assert_status(StatusCode::SEE_OTHER);
    let r3 = root.form_post("/admin/auto-responses", &form("new ticket", "3", "x", "y")).await;
    assert!(text(r3).await.contains("Another auto-response has this name."));
    let all = w.store.auto_responses().await.unwrap();
    let (reply_id, reply) = all.iter().find(|(_, r)| r.name == "new ticket").cloned().expect("added");
    assert_eq!((reply.kind, reply.body.as_str(), reply.valid), (AutoResponseKind::Reply, body, true));
    let follow_id = all.iter().find(|(_, r)| r.name == "follow-up").map(|(id, _)| *id).expect("added");

    // Given to Raw: one of each kind, shown in the list.
    root.get("/admin/auto-responses/queues/2").await.assert_status_is_ok();
    let chosen = [("kind_1", reply_id.to_string()), ("kind_3", follow_id.to_string()), ("kind_2", "0".into())];
    let chosen: Vec<(&str, &str)> = chosen.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = root.form_post("/admin/auto-responses/queues/2", &chosen).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(w.store.queue_auto_responses(2).await.unwrap(), [reply_id, follow_id]);
    assert!(w.store.auto_response(2, AutoResponseKind::Reply).await.unwrap().is_some());
    let list = text(root.get("/admin/auto-responses").await).await;
    assert!(list.contains("new ticket") && list.contains("follow-up"));
    // An answer in another kind's place, or one that does not exist, is refused and
    // changes nothing.
    let wrong = [("kind_1", follow_id.to_string())];
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = root.form_post("/admin/auto-responses/queues/2", &wrong).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = root.form_post("/admin/auto-responses/queues/2", &[("kind_1", "99")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.store.queue_auto_responses(2).await.unwrap(), [reply_id, follow_id]);

    // Set invalid: the queue keeps it assigned but no longer sends it.
    let path = format!("/admin/auto-responses/{reply_id}");
    let edited = [("name", "new ticket"), ("kind", "1"), ("subject", "RE"), ("body", body), ("system_address_id", "1")];
    root.form_post(&path, &edited).await.assert_status(StatusCode::SEE_OTHER);
    assert!(w.store.auto_response(2, AutoResponseKind::Reply).await.unwrap().is_none());
    assert_eq!(w.store.queue_auto_responses(2).await.unwrap(), [reply_id, follow_id]);
    let queue_page = text(root.get("/admin/auto-responses/queues/2").await).await;
    assert!(queue_page.contains(&format!(r#"value="{reply_id}" selected"#)), "still shown while assigned");
}

#[tokio::test]
async fn the_address_and_auto_response_pages_are_for_admins_only() {
    use goats_core::ports::AutoResponses;
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in [
        "/admin/system-addresses",
        "/admin/system-addresses/new",
        "/admin/system-addresses/1",
        "/admin/auto-responses",
        "/admin/auto-responses/new",
        "/admin/auto-responses/queues/2",
    ] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    let address = [("email", "eve@example.com"), ("name", "Eve"), ("queue_id", "2"), ("valid", "1")];
    mo.form_post("/admin/system-addresses", &address).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/system-addresses/1", &address).await.assert_status(StatusCode::FORBIDDEN);
    let response = [("name", "x"), ("kind", "1"), ("subject", "s"), ("body", "b"), ("system_address_id", "1")];
    mo.form_post("/admin/auto-responses", &response).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/auto-responses/queues/2", &[("kind_1", "1")]).await.assert_status(StatusCode::FORBIDDEN);
    // A forged form without the CSRF token changes nothing, even for an admin.
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/system-addresses").header("cookie", root.cookie()).form(&address).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let r = w.cli.post("/admin/auto-responses").header("cookie", root.cookie()).form(&response).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(w.store.all_system_addresses().await.unwrap().len(), 1);
    assert!(w.store.auto_responses().await.unwrap().is_empty());
}

/// Ticket fields: a list field added with its values, its mistakes beside their inputs
/// with what was typed kept; renamed, reordered and set invalid; its type fixed once
/// made; OTRS's own fields keep their names; admins only.
#[tokio::test]
async fn an_admin_keeps_the_ticket_fields() {
    use goats_core::model::{FieldDefinition, FieldType};
    use goats_core::ports::DynamicFieldStore;
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    assert!(text(root.get("/admin/fields").await).await.contains("No dynamic fields yet."));
    root.get("/admin/fields/new").await.assert_status_is_ok();

    let form = |name: &'static str, field_type: &'static str, values: &'static str, default: &'static str| {
        [
            ("name", name),
            ("label", "Severity <level>"),
            ("field_type", field_type),
            ("field_order", ""),
            ("possible_values", values),
            ("default_value", default),
            ("valid", "1"),
        ]
    };
    let r = root.form_post("/admin/fields", &form("Sever ity", "Dropdown", "low: Low", "")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="f-name-error""#) && html.contains(r#"value="Sever ity""#), "beside the name, kept");
    let r = root.form_post("/admin/fields", &form("Severity", "Dropdown", "\n", "")).await;
    assert!(text(r).await.contains(r#"id="f-values-error""#), "a list needs values");
    let r = root.form_post("/admin/fields", &form("Severity", "Dropdown", "low: Low\nlow: Lower", "")).await;
    let html = text(r).await;
    assert!(html.contains(r#"id="f-values-error""#) && html.contains("low: Low\nlow: Lower"), "each key once, kept");
    let r = root.form_post("/admin/fields", &form("Severity", "Dropdown", "low: Low\nhigh: High", "medium")).await;
    assert!(text(r).await.contains(r#"id="f-default-error""#), "the default is one of the keys");
    let r = root.form_post("/admin/fields", &form("Severity", "ProcessID", "", "")).await;
    assert!(text(r).await.contains(r#"id="f-type-error""#));
    assert!(w.store.field_definitions().await.unwrap().is_empty(), "nothing was added");

    let r = root.form_post("/admin/fields", &form("Severity", "Dropdown", "low: Low\nhigh: High", "high")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let stored = w.store.field_definitions().await.unwrap();
    let severity = stored.iter().find(|f| f.name == "Severity").expect("added").clone();
    assert_eq!(severity.possible_values, [("low".to_string(), "Low".to_string()), ("high".into(), "High".into())]);
    assert_eq!((severity.default_value.as_deref(), severity.field_order, severity.valid), (Some("high"), 1, true));
    assert_eq!(location(&r), format!("/admin/fields/{}", severity.id));
    let edit = text(root.get(&location(&r)).await).await;
    assert!(edit.contains("Severity &#60;level&#62;") && edit.contains("low: Low\nhigh: High"), "escaped, values");
    assert!(edit.contains("List (one value)") && !edit.contains(r#"name="field_type""#), "the type is fixed");
    let r = root.form_post("/admin/fields", &form("severity", "Text", "", "")).await;
    assert!(text(r).await.contains("Another field has this name."));
    let list = text(root.get("/tickets").await).await;
    assert!(list.contains(r#"<option value="Severity" >Severity &#60;level&#62;</option>"#), "offered as a filter");

    // Changed: the type posted is ignored, the rest stored; unticked is invalid.
    let path = format!("/admin/fields/{}", severity.id);
    let change = [
        ("name", "Severity"),
        ("label", "How bad"),
        ("field_type", "Text"),
        ("field_order", "5"),
        ("possible_values", "low: Low\nhigh: High\ncritical: Critical"),
        ("default_value", ""),
    ];
    root.form_post(&path, &change).await.assert_status(StatusCode::SEE_OTHER);
    let changed = w.store.field_definitions().await.unwrap().into_iter().find(|f| f.id == severity.id).unwrap();
    assert_eq!(changed.field_type, FieldType::Dropdown);
    assert_eq!((changed.label.as_str(), changed.field_order, changed.valid), ("How bad", 5, false));
    assert_eq!((changed.possible_values.len(), changed.default_value), (3, None));
    assert!(!text(root.get("/tickets").await).await.contains(r#"<option value="Severity""#), "invalid: not offered");

    // OTRS's own fields keep their names whatever the form says.
    let process = FieldDefinition {
        id: 0,
        name: "ProcessManagementProcessID".into(),
        label: "Process".into(),
        field_type: FieldType::Other("ProcessID".into()),
        object_type: "Ticket".into(),
        field_order: 1,
        valid: true,
        internal: true,
        possible_values: Vec::new(),
        default_value: None,
    };
    let pid = w.store.save_field_definition(&process, 1).await.unwrap();
    let page = text(root.get(&format!("/admin/fields/{pid}")).await).await;
    assert!(page.contains("readonly") && !page.contains(r#"id="f-values""#) && !page.contains(r#"id="f-default""#));
    let renamed = [("name", "Renamed"), ("label", "Workflow"), ("field_order", "1"), ("valid", "1")];
    root.form_post(&format!("/admin/fields/{pid}"), &renamed).await.assert_status(StatusCode::SEE_OTHER);
    let kept = w.store.field_definitions().await.unwrap().into_iter().find(|f| f.id == pid).unwrap();
    assert_eq!((kept.name.as_str(), kept.label.as_str()), ("ProcessManagementProcessID", "Workflow"));
    root.get("/admin/fields/999").await.assert_status(StatusCode::NOT_FOUND);

    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in ["/admin/fields", "/admin/fields/new", &path] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    mo.form_post("/admin/fields", &form("Other", "Text", "", "")).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post(&path, &change).await.assert_status(StatusCode::FORBIDDEN);
    // Without the form's token nothing is stored.
    let r =
        w.cli.post("/admin/fields").header("cookie", root.cookie()).form(&form("Csrf", "Text", "", "")).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(!w.store.field_definitions().await.unwrap().iter().any(|f| f.name == "Csrf"));
}

/// An admin adds a field of articles; an agent's article given through the API carries
/// its value, shown on that article in the zoom; a customer's article may not set it.
#[tokio::test]
async fn an_article_field_is_added_set_with_an_article_and_shown_on_it() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(root.get("/admin/fields/new").await).await;
    assert!(page.contains(r#"<option value="Article">Articles</option>"#), "{page}");
    let form = [
        ("name", "Reason"),
        ("label", "Reason"),
        ("field_type", "Dropdown"),
        ("object_type", "Elsewhere"),
        ("possible_values", "call: Phone call\nvisit: Visit"),
        ("valid", "1"),
    ];
    let r = root.form_post("/admin/fields", &form).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="f-object-error""#));
    let mut form = form;
    form[3] = ("object_type", "Article");
    root.form_post("/admin/fields", &form).await.assert_status(StatusCode::SEE_OTHER);
    let defs = goats_core::ports::DynamicFieldStore::field_definitions(&w.store).await.unwrap();
    assert!(defs.iter().any(|d| d.name == "Reason" && d.object_type == "Article"), "{defs:?}");

    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 1).await["id"].as_i64().unwrap();
    let post = |body: serde_json::Value| {
        w.cli
            .post(format!("/api/v1/tickets/{id}/articles"))
            .header("Authorization", format!("Bearer {token}"))
            .body_json(&body)
            .send()
    };
    let r = post(serde_json::json!({"subject": "Called", "body": "Called back.", "dynamic_fields": {"Reason": "fax"}}))
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(r).await["detail"].as_str().unwrap().contains("`fax` is not one of its values"));
    let r =
        post(serde_json::json!({"subject": "Called", "body": "Called back.", "dynamic_fields": {"Reason": "call"}}))
            .await;
    let status = r.0.status();
    assert_eq!(status, StatusCode::CREATED, "{}", r.0.into_body().into_string().await.unwrap());
    let zoom = text(root.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(r#"<dd data-article-field="Reason">Phone call</dd>"#), "{zoom}");
    let last_article = || async {
        let r = w
            .cli
            .get(format!("/api/v1/tickets/{id}?articles=true"))
            .header("Authorization", format!("Bearer {token}"))
            .send()
            .await;
        json(r).await["articles"].as_array().unwrap().last().unwrap().clone()
    };
    let last = last_article().await;
    assert_eq!(last["dynamic_fields"][0]["value"], "call", "{last}");

    // The zoom's article form offers the field: a wrong value is refused beside its
    // input, a right one is stored with the note, an untouched one gives it none.
    assert!(zoom.contains(r#"<select id="af-Reason" name="af-Reason""#), "{zoom}");
    let path = format!("/tickets/{id}/articles");
    let r = root.htmx_post(&path, &[("kind", "note"), ("body", "Visited."), ("af-Reason", "fax")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let trigger: serde_json::Value =
        serde_json::from_str(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap()).unwrap();
    assert_eq!(trigger["goats:field-error"]["field"], "af-Reason", "{trigger}");
    assert_eq!(last_article().await["body"], "Called back.", "the refused note was not stored");
    root.htmx_post(&path, &[("kind", "note"), ("body", "Visited."), ("af-Reason", "visit")])
        .await
        .assert_status_is_ok();
    let last = last_article().await;
    assert_eq!((&last["body"], &last["dynamic_fields"][0]["value"]), (&"Visited.".into(), &"visit".into()), "{last}");
    root.htmx_post(&path, &[("kind", "note"), ("body", "Nothing to add."), ("af-Reason", "")])
        .await
        .assert_status_is_ok();
    let last = last_article().await;
    assert!(last["body"] == "Nothing to add." && last.get("dynamic_fields").is_none(), "{last}");

    // The list filters by it: the page offers it, the API finds the ticket by its note.
    let list = text(root.get("/tickets").await).await;
    assert!(list.contains(r#"<option value="Reason" >Reason (in an article)</option>"#), "{list}");
    let other = w.create_ticket(&token, 1).await["id"].as_i64().unwrap();
    for (value, expected) in [("visit", vec![id]), ("Visit", vec![id]), ("call", vec![id])] {
        let r = w
            .cli
            .get(format!("/api/v1/tickets?field=Reason:{value}"))
            .header("Authorization", format!("Bearer {token}"))
            .send()
            .await;
        let body = json(r).await;
        let found: Vec<i64> = body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(found, expected, "{value}");
        assert!(!found.contains(&other));
    }

    // The ticket's customer follows up without fields: refused, not dropped.
    use goats_core::ports::CustomerRepository;
    let jane = goats_core::testing::contact("jane", "ACME");
    w.store.create_user(jane, Some(goats_core::password::hash_with_cost("customer-password", 4)), 1).await.unwrap();
    let login = serde_json::json!({"kind": "customer", "login": "jane", "password": "customer-password"});
    let r = w.cli.post("/api/v1/auth/login").body_json(&login).send().await;
    let jane = format!("Bearer {}", json(r).await["access_token"].as_str().unwrap());
    let body = serde_json::json!({"subject": "Thanks", "body": "Works.", "dynamic_fields": {"Reason": "call"}});
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", &jane)
        .body_json(&body)
        .send()
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(r).await["detail"].as_str().unwrap().contains("customers do not set fields"));
    let r = w.cli.get(format!("/api/v1/tickets/{id}?articles=true")).header("Authorization", &jane).send().await;
    let theirs = json(r).await;
    assert!(theirs["articles"].as_array().unwrap().iter().all(|a| a.get("dynamic_fields").is_none()), "{theirs}");
}
