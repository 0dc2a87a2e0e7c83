//! The agent pages through poem's test client over the in-memory ports: sessions,
//! CSRF, permissions (shown controls and forged requests), and what each action does.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use goats_core::ports::{CustomerRepository, LookupRepository, TicketRepository};
use poem::http::StatusCode;

#[tokio::test]
async fn visitors_are_sent_to_the_login_page_and_agents_to_the_dashboard() {
    let w = world().await;
    // `/` is an alias of the dashboard (routes/redirects.yaml), which wants a signed-in agent.
    let r = w.cli.get("/").send().await;
    r.assert_status(StatusCode::FOUND);
    assert_eq!(location(&r), "/dashboard");
    let r = w.cli.get("/dashboard").send().await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login");
    assert_eq!(location(&w.cli.get("/otrs/index.pl").send().await), "/dashboard");
    let r = w.cli.get("/tickets?state=active").send().await;
    assert_eq!(location(&r), "/login?next=%2Ftickets%3Fstate%3Dactive");
    let r = w.cli.get("/tickets/1").header("hx-request", "true").send().await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    r.assert_header("hx-redirect", "/login?next=%2Ftickets%2F1");

    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = b.get("/").await;
    assert_eq!(location(&r), "/dashboard");
    let r = b.get("/login").await;
    assert_eq!(location(&r), "/dashboard");
}

#[tokio::test]
async fn the_session_cookie_is_httponly_lax_and_new_at_every_login() {
    let w = world().await;
    let first = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let resp = first.try_login("root@localhost", "root-password").await;
    let cookie = set_cookie(&resp, "goats_session").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP must not get a Secure cookie: {cookie}");
    // Logging in again (with the old cookie) ends the old session: no fixation.
    assert_ne!(cookie_value(&cookie), first.session.clone().unwrap());
    assert_eq!(location(&first.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn a_session_id_planted_before_login_is_worthless() {
    let w = world().await;
    let planted = Browser { w: &w, session: Some("attacker-chosen-id".into()), csrf: String::new() };
    let resp = planted.try_login("root@localhost", "root-password").await;
    let issued = cookie_value(&set_cookie(&resp, "goats_session").unwrap());
    assert_ne!(issued, "attacker-chosen-id");
    assert_eq!(location(&planted.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn wrong_passwords_and_missing_csrf_tokens_log_no_one_in() {
    let w = world().await;
    let b = Browser { w: &w, session: None, csrf: String::new() };
    let r = b.try_login("root@localhost", "wrong").await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&r, "goats_session").is_none());
    assert!(text(r).await.contains("The username or password is wrong."));
    // No token, or a token that is not the cookie's: refused before the password is checked.
    let r = w.cli.post("/login").form(&[("login", "root@localhost"), ("password", "root-password")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let r = w
        .cli
        .post("/login")
        .header("cookie", "goats_login_csrf=aaaa")
        .form(&[("_csrf", "bbbb"), ("login", "root@localhost"), ("password", "root-password")])
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(set_cookie(&r, "goats_session").is_none());
}

#[tokio::test]
async fn logout_ends_the_session() {
    let w = world().await;
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = b.form_post("/logout", &[]).await;
    assert_eq!(location(&r), "/login");
    let cleared = set_cookie(&r, "goats_session").unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(location(&b.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn state_changes_without_the_session_csrf_token_are_refused_and_change_nothing() {
    let w = world().await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let path = format!("/tickets/{id}/articles");
    let note = [("kind", "note"), ("body", "forged")];
    let r = w.cli.post(&path).header("cookie", b.cookie()).form(&note).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let r =
        w.cli.post(&path).header("cookie", b.cookie()).header("x-csrf-token", "not-the-token").form(&note).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    // Another session's token does not fit this session.
    let other = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post(&path).header("cookie", b.cookie()).header("x-csrf-token", &other.csrf).form(&note).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let articles = w.store.get(id).await.unwrap().unwrap();
    let zoom = text(b.get(&format!("/tickets/{id}")).await).await;
    assert!(!zoom.contains("forged"), "a refused note was stored: {articles:?}");
}

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy() {
    let w = world().await;
    let r = w.cli.get("/login").send().await;
    let csp = r.0.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    r.assert_header("x-frame-options", "DENY");
    r.assert_header("cache-control", "no-store");
    let html = text(r).await;
    assert!(!html.contains("<script>") && !html.contains(" style="), "inline script or style in the page");
}

#[tokio::test]
async fn a_note_via_htmx_answers_with_the_ticket_and_a_toast() {
    let w = world().await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = b
        .htmx_post(
            &format!("/tickets/{id}/articles"),
            &[("kind", "note"), ("body", "Called <b>Jane</b>."), ("time_units", "15")],
        )
        .await;
    r.assert_status_is_ok();
    let trigger = r.0.headers().get("hx-trigger").unwrap().to_str().unwrap().to_string();
    assert!(trigger.contains("Article added."), "{trigger}");
    let html = text(r).await;
    assert!(html.starts_with(r#"<div id="ticket""#), "HTMX gets the ticket part, not a page");
    assert!(html.contains("Called &#60;b&#62;Jane&#60;/b&#62;."), "the body is escaped");
    assert!(html.contains("Internal only"));
    assert!(html.contains("<dd>15</dd>"), "the time was accounted");
}

#[tokio::test]
async fn a_plain_form_post_redirects_back_to_the_ticket() {
    let w = world().await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = b.form_post(&format!("/tickets/{id}/priority"), &[("priority", "5")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/tickets/{id}"));
    let zoom = text(b.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(r#"<span data-field="priority">5 very high</span>"#));
}

#[tokio::test]
async fn state_lock_owner_and_pending_time_change_through_the_zoom() {
    let w = world().await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let base = format!("/tickets/{id}");
    // A pending state needs a time; without one the agent is told, and nothing changes.
    let r = b.htmx_post(&format!("{base}/state"), &[("state", "6"), ("pending_until", "")]).await;
    assert!(r.0.status().is_client_error());
    let trigger: serde_json::Value =
        serde_json::from_str(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap()).unwrap();
    assert_eq!(trigger["goats:field-error"]["field"], "pending_until", "shown beside the field: {trigger}");
    // So is a time that is no time, and time units that are no number.
    let r = b.htmx_post(&format!("{base}/state"), &[("state", "6"), ("pending_until", "tomorrow-ish")]).await;
    let trigger: serde_json::Value =
        serde_json::from_str(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap()).unwrap();
    assert_eq!(trigger["goats:field-error"]["field"], "pending_until");
    assert_eq!(
        trigger["goats:field-error"]["message"],
        "Please check your input: The pending time is not a valid date and time."
    );
    let r = b.htmx_post(&format!("{base}/articles"), &[("kind", "note"), ("body", "x"), ("time_units", "lots")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let trigger: serde_json::Value =
        serde_json::from_str(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap()).unwrap();
    assert_eq!(trigger["goats:field-error"]["field"], "time_units");
    // A refusal that belongs to no field is a toast.
    let r = b.htmx_post(&format!("{base}/lock"), &[("lock", "sideways")]).await;
    assert!(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap().contains("goats:toast"));
    let r = b.htmx_post(&format!("{base}/state"), &[("state", "6"), ("pending_until", "2031-02-03T04:05")]).await;
    r.assert_status_is_ok();
    let html = text(r).await;
    assert!(html.contains(r#"data-field="state">pending reminder"#));
    assert!(html.contains(r#"<dd data-field="pending">2031-02-03 04:05</dd>"#));
    let r = b.htmx_post(&format!("{base}/lock"), &[("lock", "lock")]).await;
    assert!(text(r).await.contains(r#"<dd data-field="lock">Locked</dd>"#));
    let r = b.htmx_post(&format!("{base}/state"), &[("state", "6"), ("pending_until", "not a date")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    w.agent("rita", &[(1, Permission::Rw)]).await;
    let rita = goats_core::ports::AgentRepository::by_login(&w.store, "rita").await.unwrap().unwrap();
    let r = b.htmx_post(&format!("{base}/responsible"), &[("responsible", &rita.id.to_string())]).await;
    r.assert_status_is_ok();
    assert!(text(r).await.contains(r#"<dd data-field="responsible">rita Agent</dd>"#));
    assert_eq!(TicketRepository::get(&w.store, id).await.unwrap().unwrap().responsible_id, rita.id);
}

#[tokio::test]
async fn an_agent_without_rights_on_the_queue_cannot_see_or_touch_the_ticket() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    // Rights on the admin group only, not on `users` (the Raw queue's group).
    w.agent("eve", &[(2, Permission::Rw)]).await;
    let eve = Browser::sign_in(&w, "eve", "agent-password").await;
    let r = eve.get(&format!("/tickets/{id}")).await;
    r.assert_status(StatusCode::NOT_FOUND);
    let list = text(eve.get("/tickets").await).await;
    assert!(list.contains("0 tickets"), "the ticket shows in a list it must not");
    for (action, form) in [
        ("articles", vec![("kind", "note"), ("body", "probing")]),
        ("state", vec![("state", "2")]),
        ("priority", vec![("priority", "1")]),
        ("queue", vec![("queue", "3")]),
        ("owner", vec![("owner", "1")]),
        ("lock", vec![("lock", "lock")]),
        ("watch", vec![("watch", "1")]),
    ] {
        let r = eve.htmx_post(&format!("/tickets/{id}/{action}"), &form).await;
        assert_eq!(r.0.status(), StatusCode::NOT_FOUND, "{action}");
    }
    let ticket = w.store.get(id).await.unwrap().unwrap();
    assert_eq!(
        (ticket.state_id, ticket.priority_id, ticket.queue_id),
        (1, 3, 2),
        "a refused action changed the ticket"
    );
}

#[tokio::test]
async fn a_read_only_agent_sees_no_controls_and_forged_changes_are_refused() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    w.agent("rita", &[(1, Permission::Ro)]).await;
    let rita = Browser::sign_in(&w, "rita", "agent-password").await;
    let zoom = text(rita.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains("VPN is down"));
    for control in ["/articles\"", "/state\"", "/priority\"", "/owner\"", "/lock\"", "/merge\""] {
        assert!(!zoom.contains(&format!("action=\"/tickets/{id}{control}")), "{control} shown to a read-only agent");
    }
    let r = rita.htmx_post(&format!("/tickets/{id}/articles"), &[("kind", "note"), ("body", "sneaky")]).await;
    r.assert_status(StatusCode::FORBIDDEN);
    let r = rita.htmx_post(&format!("/tickets/{id}/state"), &[("state", "2")]).await;
    r.assert_status(StatusCode::FORBIDDEN);
    // A note-only agent gets the note form and only the internal kind.
    w.agent("nora", &[(1, Permission::Ro), (1, Permission::Note)]).await;
    let nora = Browser::sign_in(&w, "nora", "agent-password").await;
    let zoom = text(nora.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(r#"value="note""#) && !zoom.contains(r#"value="reply""#));
    let r = nora.htmx_post(&format!("/tickets/{id}/articles"), &[("kind", "reply"), ("body", "hi")]).await;
    r.assert_status(StatusCode::FORBIDDEN);
    nora.htmx_post(&format!("/tickets/{id}/articles"), &[("kind", "note"), ("body", "fine")])
        .await
        .assert_status_is_ok();
}

#[tokio::test]
async fn moving_a_ticket_out_of_sight_sends_the_agent_to_the_list() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    // May read Raw's group and move into the admin group's queues, but not read them.
    w.agent("max", &[(1, Permission::Rw), (2, Permission::MoveInto)]).await;
    let q = w.store.create_queue(goats_core::testing::queue("Vault", 2), 1).await.unwrap();
    let max = Browser::sign_in(&w, "max", "agent-password").await;
    let r = max.htmx_post(&format!("/tickets/{id}/queue"), &[("queue", &q.to_string())]).await;
    r.assert_status_is_ok();
    r.assert_header("hx-location", "/tickets");
    max.get(&format!("/tickets/{id}")).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn searching_a_ticket_number_opens_the_ticket_and_filters_narrow_the_list() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let t = w.create_ticket(&root, 2).await;
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let number = t["number"].as_str().unwrap();
    let r = b.get(&format!("/tickets?q={number}")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/tickets/{}", t["id"]));
    let page = text(b.get("/tickets?q=VPN").await).await;
    assert!(page.contains("1 ticket") && page.contains("VPN is down"));
    let page = text(b.get("/tickets?q=printer").await).await;
    assert!(page.contains("0 tickets"));
    let page = text(b.get("/tickets?queue=3").await).await;
    assert!(page.contains("0 tickets"));
    // Nonsense in the query string is ignored, never an error.
    b.get("/tickets?queue=abc&page=-3&sort=drop+table&state=%00").await.assert_status_is_ok();
    // HTMX asks for just the results.
    let r = w
        .cli
        .get("/tickets?q=VPN")
        .header("cookie", b.cookie())
        .header("hx-request", "true")
        .header("hx-target", "ticket-results")
        .send()
        .await;
    let part = text(r).await;
    assert!(part.starts_with("<p") && !part.contains("<html"));
}

/// The list offers the site's ticket fields as a filter: a field and what to look for
/// in it, kept in the page's links; a value the field cannot hold is said beside the
/// value input, not answered with an unfiltered list.
#[tokio::test]
async fn the_list_filters_by_a_dynamic_field() {
    use goats_core::model::FieldType;
    let w = world().await;
    w.store.set_dynamic_field_defs(vec![
        field_def(1, "Severity", FieldType::Dropdown, &["low", "high"]),
        field_def(2, "Due", FieldType::Date, &[]),
    ]);
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    for (title, severity) in [("Printer jam", "high"), ("Mouse squeaks", "low")] {
        let id = w.create_ticket(root.trim_start_matches("Bearer "), 2).await["id"].as_i64().unwrap();
        w.cli
            .patch(format!("/api/v1/tickets/{id}"))
            .header("Authorization", &root)
            .header("If-Match", "*")
            .body_json(&serde_json::json!({"title": title, "dynamic_fields": {"Severity": severity}}))
            .send()
            .await
            .assert_status_is_ok();
    }
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(b.get("/tickets").await).await;
    assert!(page.contains(r#"<option value="Severity" >Severity</option>"#), "the fields are offered");
    let page = text(b.get("/tickets?field=Severity&value=High").await).await;
    assert!(page.contains("1 ticket") && page.contains("Printer jam") && !page.contains("Mouse squeaks"), "{page}");
    assert!(page.contains(r#"<option value="Severity" selected>"#) && page.contains(r#"value="High""#));
    assert!(page.contains("field=Severity&#38;value=High"), "sort links keep the filter: {page}");
    let page = text(b.get("/tickets?field=Severity&value=").await).await;
    assert!(page.contains("2 tickets"), "a field without a value filters nothing");

    let r = w
        .cli
        .get("/tickets?field=Due&value=soon")
        .header("cookie", b.cookie())
        .header("hx-request", "true")
        .header("hx-target", "ticket-results")
        .send()
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let trigger: serde_json::Value =
        serde_json::from_str(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap()).unwrap();
    assert_eq!(trigger["goats:field-error"]["field"], "value", "{trigger}");
    assert!(trigger["goats:field-error"]["message"].as_str().unwrap().contains("YYYY-MM-DD"), "{trigger}");
}

#[tokio::test]
async fn the_dashboard_lists_new_tickets_and_counts_per_queue() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    w.create_ticket(&root, 2).await;
    w.create_ticket(&root, 2).await;
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(b.get("/dashboard").await).await;
    assert!(page.contains("New tickets in my queues"));
    assert!(page.matches("VPN is down").count() >= 2);
    assert!(page.contains(r#"<td class="text-right tabular-nums">2</td>"#), "Raw/new counts 2");
}

#[tokio::test]
async fn the_dashboard_lists_escalated_tickets() {
    use goats_core::escalation::EscalationColumns;
    use goats_core::ports::ScheduleStore;
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let late = w.create_ticket(&root, 2).await;
    let fine = w.create_ticket(&root, 2).await;
    let past = chrono::Utc::now().timestamp() - 60;
    let columns = |at| EscalationColumns { escalation_time: at, response_time: at, ..Default::default() };
    w.store.set_escalation(late["id"].as_i64().unwrap(), columns(past)).await.unwrap();
    w.store.set_escalation(fine["id"].as_i64().unwrap(), columns(past + 3600)).await.unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(b.get("/dashboard").await).await;
    let at = page.find(r#"id="dash-escalated""#).expect("an escalated section");
    let section = &page[at..at + page[at..].find("</section>").unwrap()];
    assert!(section.contains("Escalated tickets"));
    assert!(section.contains(late["number"].as_str().unwrap()), "{section}");
    assert!(!section.contains(fine["number"].as_str().unwrap()), "not escalated yet: {section}");
}

#[tokio::test]
async fn the_language_follows_the_browser_until_the_agent_chooses() {
    let w = world().await;
    let r = w.cli.get("/login").header("accept-language", "de-DE,de;q=0.9").send().await;
    assert!(text(r).await.contains("Benutzername"));
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = b.form_post("/preferences", &[("language", "de"), ("theme", "dark")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let page = text(b.get("/dashboard").await).await;
    assert!(page.contains(r#"<html lang="de" data-theme="dark">"#));
    assert!(page.contains("Übersicht"));
    // Unknown values are ignored, not stored.
    b.form_post("/preferences", &[("language", "xx"), ("theme", "neon")]).await;
    let page = text(b.get("/dashboard").await).await;
    assert!(page.contains(r#"<html lang="de" data-theme="dark">"#));
}

#[tokio::test]
async fn a_phone_ticket_opens_for_a_customer_found_as_the_agent_types() {
    let w = world().await;
    w.store.create_user(goats_core::testing::contact("jdoe", "ACME"), None, 1).await.unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let form = text(b.get("/tickets/new?kind=phone").await).await;
    assert!(form.contains(r#"list="customer-options""#) && form.contains(">Raw</option>"));
    let options = text(b.get("/customers/options?customer=jd").await).await;
    assert_eq!(options.trim(), r#"<option value="jdoe">jdoe Customer &#60;jdoe@example.com&#62;</option>"#);
    assert!(text(b.get("/customers/options?customer=j").await).await.trim().is_empty(), "one letter suggests nothing");

    let r = b
        .htmx_post(
            "/tickets/new",
            &[
                ("kind", "phone"),
                ("customer", "jdoe"),
                ("title", "Headset broken"),
                ("body", "Crackles."),
                ("queue", "2"),
                ("priority", "4"),
                ("state", "4"),
            ],
        )
        .await;
    r.assert_status_is_ok();
    let to = r.0.headers().get("hx-location").unwrap().to_str().unwrap().to_string();
    // The toast waits in a cookie for the ticket page, which shows it once.
    let flash_cookie = set_cookie(&r, "goats_flash").expect("a flash");
    assert!(!flash_cookie.contains("Secure"), "plain HTTP: {flash_cookie}");
    let flash = cookie_value(&flash_cookie);
    let resp = w.cli.get(&to).header("cookie", format!("{}; goats_flash={flash}", b.cookie())).send().await;
    assert!(set_cookie(&resp, "goats_flash").unwrap().contains("Max-Age=0"));
    let zoom = text(resp).await;
    assert!(zoom.contains(r#"data-flash>Ticket "#) && zoom.contains(" created.</div>"), "no flash toast");
    assert!(zoom.contains("Headset broken") && zoom.contains("Crackles.") && zoom.contains(">ACME</dd>"));
    assert!(zoom.contains(r#"data-field="priority">4 high"#) && zoom.contains(r#"data-field="state">open"#));

    // Behind a TLS proxy the flash cookie is Secure like the session's.
    let r = w
        .cli
        .post("/tickets/new")
        .header("cookie", b.cookie())
        .header("hx-request", "true")
        .header("x-csrf-token", &b.csrf)
        .header("x-forwarded-proto", "https")
        .form(&[("kind", "phone"), ("customer", "jdoe"), ("title", "Over TLS"), ("body", "Safe."), ("queue", "2")])
        .send()
        .await;
    r.assert_status_is_ok();
    let secure = set_cookie(&r, "goats_flash").expect("a flash");
    assert!(secure.contains("; Secure") && secure.contains("HttpOnly"), "{secure}");

    // Someone not yet known, by address, as an outgoing email.
    let r = b
        .form_post(
            "/tickets/new",
            &[
                ("kind", "email"),
                ("customer", "new@example.org"),
                ("title", "Your order"),
                ("body", "It shipped."),
                ("queue", "2"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let zoom = text(b.get(&location(&r)).await).await;
    assert!(zoom.contains("new@example.org") && zoom.contains("Email"));
}

#[tokio::test]
async fn a_new_ticket_needs_a_customer_and_create_rights_on_the_queue() {
    let w = world().await;
    w.agent("rita", &[(1, Permission::Ro)]).await;
    let rita = Browser::sign_in(&w, "rita", "agent-password").await;
    let page = text(rita.get("/tickets/new").await).await;
    assert!(page.contains("You may not open tickets in any queue."));
    let r = rita
        .htmx_post(
            "/tickets/new",
            &[("kind", "phone"), ("customer", "a@b.example"), ("title", "x"), ("body", "y"), ("queue", "2")],
        )
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    // No queue is chosen for the agent (the first in the list would be Junk).
    let page = text(b.get("/tickets/new").await).await;
    assert!(page.contains(r#"<option value="" selected>Choose a queue</option>"#), "{page}");
    let queue_list = page.split(r#"id="new-queue""#).nth(1).and_then(|rest| rest.split("</select>").next()).unwrap();
    assert_eq!(queue_list.matches(" selected>").count(), 1, "only the empty choice is preselected");
    let r = b
        .htmx_post(
            "/tickets/new",
            &[("kind", "phone"), ("customer", "a@b.example"), ("title", "x"), ("body", "y"), ("queue", "")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let trigger: serde_json::Value =
        serde_json::from_str(r.0.headers().get("hx-trigger").unwrap().to_str().unwrap()).unwrap();
    assert_eq!(trigger["goats:field-error"]["field"], "queue", "the error stands beside the queue: {trigger}");
    let r = b
        .htmx_post(
            "/tickets/new",
            &[("kind", "phone"), ("customer", "nobody"), ("title", "x"), ("body", "y"), ("queue", "2")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .htmx_post(
            "/tickets/new",
            &[("kind", "phone"), ("customer", "a@b.example"), ("title", " "), ("body", "y"), ("queue", "2")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let list = text(b.get("/tickets").await).await;
    assert!(list.contains("0 tickets"), "a refused ticket was stored");
}

#[tokio::test]
async fn bulk_actions_report_each_ticket_and_one_refusal_stops_no_other() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let a = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let b_id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    // Mo may change tickets in Raw (users) but cannot see the Vault (admin group).
    let vault = w.store.create_queue(goats_core::testing::queue("Vault", 2), 1).await.unwrap();
    let hidden = w.create_ticket(&root, vault).await["id"].as_i64().unwrap();
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    let list = text(mo.get("/tickets").await).await;
    assert!(list.contains(&format!(r#"name="ids" value="{a}" form="bulk-form""#)));

    let body = format!("ids={a}&ids={b_id}&ids={hidden}&state=4&priority=5&queue=&owner=&lock=lock&merge=");
    let r = w
        .cli
        .post("/tickets/bulk")
        .header("cookie", mo.cookie())
        .header("hx-request", "true")
        .header("x-csrf-token", &mo.csrf)
        .content_type("application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;
    r.assert_status_is_ok();
    let trigger = r.0.headers().get("hx-trigger").unwrap().to_str().unwrap().to_string();
    assert!(trigger.contains("2 tickets changed.") && trigger.contains("goats:refresh-list"), "{trigger}");
    let html = text(r).await;
    assert_eq!(html.matches(">Done</span>").count(), 2, "{html}");
    assert_eq!(html.matches(">Refused</span>").count(), 1, "{html}");
    assert!(!html.contains("VPN is down</a> —"), "the hidden ticket's title leaked");
    for id in [a, b_id] {
        let t = w.store.get(id).await.unwrap().unwrap();
        assert_eq!((t.state_id, t.priority_id, t.lock), (4, 5, goats_core::model::Lock::Lock));
    }
    let t = w.store.get(hidden).await.unwrap().unwrap();
    assert_eq!((t.state_id, t.priority_id), (1, 3), "the refused ticket changed");

    // Nothing selected, or nothing to do: a clear refusal.
    mo.htmx_post("/tickets/bulk", &[("state", "4")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    mo.htmx_post("/tickets/bulk", &[("ids", &a.to_string())]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn saved_filters_belong_to_their_agent() {
    let w = world().await;
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = b
        .htmx_post(
            "/tickets/filters",
            &[("filter_name", "My <urgent>"), ("priority", "5"), ("state", "active"), ("q", "")],
        )
        .await;
    r.assert_status_is_ok();
    let part = text(r).await;
    assert!(part.contains(r#"href="/tickets?state=active&#38;priority=5""#), "{part}");
    assert!(part.contains("My &#60;urgent&#62;"));
    let list = text(b.get("/tickets").await).await;
    assert!(list.contains("My &#60;urgent&#62;"));
    // Another agent does not see them.
    w.agent("ann", &[(1, Permission::Rw)]).await;
    let ann = Browser::sign_in(&w, "ann", "agent-password").await;
    assert!(!text(ann.get("/tickets").await).await.contains("urgent"));
    // No name, no filter; deleting removes it.
    b.htmx_post("/tickets/filters", &[("filter_name", "  ")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let part = text(b.htmx_post("/tickets/filters/delete", &[("name", "My <urgent>")]).await).await;
    assert!(!part.contains("urgent"));
}

#[tokio::test]
async fn tickets_are_linked_and_unlinked_from_the_zoom() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let first = w.create_ticket(&root, 2).await;
    let a = first["id"].as_i64().unwrap();
    let other = w.create_ticket(&root, 2).await;
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = b
        .htmx_post(
            &format!("/tickets/{a}/links"),
            &[("target", other["number"].as_str().unwrap()), ("kind", "parent_of")],
        )
        .await;
    r.assert_status_is_ok();
    let html = text(r).await;
    assert!(html.contains(">Parent of</span>") && html.contains(&format!(r#"href="/tickets/{}""#, other["id"])));
    let zoom = text(b.get(&format!("/tickets/{}", other["id"])).await).await;
    assert!(zoom.contains(">Child of</span>"), "the other ticket shows the link from its side");
    let r = b
        .htmx_post(&format!("/tickets/{a}/links/delete"), &[("other", &other["id"].to_string()), ("kind", "parent_of")])
        .await;
    assert!(text(r).await.contains("No linked tickets."));
    let r = b.htmx_post(&format!("/tickets/{a}/links"), &[("target", "999999"), ("kind", "normal")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // A ticket merged into this one is listed on it, as its child.
    b.htmx_post(&format!("/tickets/{}/merge", other["id"]), &[("target", first["number"].as_str().unwrap())]).await;
    let zoom = text(b.get(&format!("/tickets/{a}")).await).await;
    assert!(
        zoom.contains(">Parent of</span>") && zoom.contains(other["number"].as_str().unwrap()),
        "merged ticket listed"
    );
}

#[tokio::test]
async fn a_reply_starts_from_the_queues_salutation_template_and_signature() {
    let w = world().await;
    w.store.create_user(goats_core::testing::contact("jane", "ACME"), None, 1).await.unwrap();
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let zoom = text(b.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(r#"<option value="1">empty answer</option>"#));
    let body = text(b.get(&format!("/tickets/{id}/reply-text?template=1")).await).await;
    assert!(body.starts_with(r#"<textarea id="article-body""#));
    assert!(body.contains("Hello jane Customer,\n"), "{body}");
    assert!(body.contains("\n-- \nAdmin OTRS\n</textarea>"), "{body}");
    // A read-only agent gets neither the templates nor the text.
    w.agent("rita", &[(1, Permission::Ro)]).await;
    let rita = Browser::sign_in(&w, "rita", "agent-password").await;
    assert!(!text(rita.get(&format!("/tickets/{id}")).await).await.contains("empty answer"));
}

#[tokio::test]
async fn files_attach_to_an_article_and_download_without_being_rendered() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let boundary = "XyZ123";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nnote\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nSee attached.\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"page.html\"\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n\
         --{boundary}--\r\n"
    );
    let r = w
        .cli
        .post(format!("/tickets/{id}/articles"))
        .header("cookie", b.cookie())
        .header("hx-request", "true")
        .header("x-csrf-token", &b.csrf)
        .content_type(format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await;
    r.assert_status_is_ok();
    let html = text(r).await;
    let at = html.find(&format!("/tickets/{id}/attachments/")).expect("a download link");
    let link: String = html[at..].split('"').next().unwrap().to_string();
    assert!(html.contains(">page.html</a>"));
    let r = b.get(&link).await;
    r.assert_status_is_ok();
    r.assert_header("content-type", "text/plain; charset=utf-8");
    r.assert_header("x-content-type-options", "nosniff");
    assert!(r.0.headers().get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment;"));
    // Without JavaScript the browser posts the form as it is: the token comes in its
    // `_csrf` part, and the files with it.
    let plain = |token: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nnote\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nSent without scripts.\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nplain text\r\n\
             --{boundary}--\r\n"
        )
    };
    let post = |body: String| {
        w.cli
            .post(format!("/tickets/{id}/articles"))
            .header("cookie", b.cookie())
            .content_type(format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
    };
    let r = post(plain(&b.csrf)).await;
    assert!(r.0.status().is_success() || r.0.status().is_redirection(), "{:?}", r.0.status());
    let zoom = text(b.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains("Sent without scripts.") && zoom.contains(">notes.txt</a>"));
    // A wrong token, or none, is refused like any other forged form.
    post(plain("forged")).await.assert_status(StatusCode::FORBIDDEN);
    post(format!("--{boundary}--\r\n")).await.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(text(b.get(&format!("/tickets/{id}")).await).await.matches("Sent without scripts.").count(), 1);
}

#[tokio::test]
async fn the_search_box_finds_words_in_article_bodies_and_customers() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    // "Since 9 am." is the body of the ticket's first article; "jane" its customer user.
    for q in ["since+9", "JANE"] {
        let page = text(b.get(&format!("/tickets?q={q}")).await).await;
        assert!(page.contains("1 ticket") && page.contains(&format!("href=\"/tickets/{id}\"")), "{q}");
    }
    assert!(text(b.get("/tickets?q=nowhere").await).await.contains("0 tickets"));
}

/// A word in more than 1,000 tickets is counted that far: the list says "more than",
/// and the API says the total is where counting stopped.
#[tokio::test]
async fn a_search_found_in_more_than_a_thousand_tickets_says_so() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    for _ in 0..1001 {
        w.create_ticket(&root, 2).await;
    }
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(b.get("/tickets?q=vpn").await).await;
    assert!(page.contains("More than 1000 tickets"), "{page}");
    assert!(text(b.get("/tickets").await).await.contains("1001 tickets"), "a list without words counts all");
    let r = w.cli.get("/api/v1/tickets?text=vpn").header("Authorization", format!("Bearer {root}")).send().await;
    let page = json(r).await;
    assert_eq!((page["total"].as_u64(), page["total_capped"].as_bool()), (Some(1000), Some(true)), "{page}");
}

/// A search's results come best first and show where the words stand, marked and
/// escaped; a search too long to run is refused beside the box.
#[tokio::test]
async fn search_results_show_the_passage_with_the_words_marked() {
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let note = serde_json::json!({"subject": "Log", "body": "The <script>alert(1)</script> printer reports E-4711 since Monday."});
    let r = w
        .cli
        .post(format!("/api/v1/tickets/{id}/articles"))
        .header("Authorization", format!("Bearer {root}"))
        .body_json(&note)
        .send()
        .await;
    r.assert_status(StatusCode::CREATED);
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(b.get("/tickets?q=PRINTER+%22e+4711%22").await).await;
    assert!(page.contains("1 ticket"), "{page}");
    assert!(page.contains("<mark>printer</mark> reports <mark>E</mark>-<mark>4711</mark>"), "{page}");
    assert!(page.contains("&#60;script&#62;") && !page.contains("<script>alert"), "escaped: {page}");
    assert!(page.contains("aria-current=\"true\""), "best matches first, as the default");
    let many = vec!["w"; 30].join("+");
    let r = b.get(&format!("/tickets?q={many}")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("at most 24"));
}

/// A mail article's original message downloads as `message/rfc822`, never shown in
/// place; an article without one, or on a ticket the agent cannot read, is not found.
#[tokio::test]
async fn a_mail_articles_original_message_downloads() {
    use goats_core::model::{CommunicationChannel, NewArticle, SenderType};
    use goats_core::ports::{ArticleRepository, HistoryBuilder};
    let w = world().await;
    let root = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&root, 2).await["id"].as_i64().unwrap();
    let raw = b"From: jane@example.com\r\nSubject: Help\r\nMessage-ID: <m-1@example.com>\r\n\r\nIt burns.\r\n".to_vec();
    let mail = NewArticle {
        channel: CommunicationChannel::Email,
        sender_type: SenderType::Customer,
        visible_for_customer: true,
        from: Some("jane@example.com".into()),
        message_id: Some("<m-1@example.com>".into()),
        plain: Some(raw.clone().into()),
        ..NewArticle::note("Help", "It burns.")
    };
    let history: HistoryBuilder = Box::new(|_, _| Vec::new());
    let article = ArticleRepository::add(&w.store, id, mail, history, 1).await.unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let zoom = text(b.get(&format!("/tickets/{id}")).await).await;
    let link = format!("/tickets/{id}/articles/{article}/source");
    assert!(zoom.contains(&format!("href=\"{link}\"")), "the zoom offers it");
    let r = b.get(&link).await;
    r.assert_status_is_ok();
    r.assert_header("content-type", "message/rfc822");
    r.assert_header("x-content-type-options", "nosniff");
    let disposition = r.0.headers().get("content-disposition").unwrap().to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(r.0.into_body().into_vec().await.unwrap(), raw);

    let first = w.store.list_for_ticket(id).await.unwrap()[0].id;
    b.get(&format!("/tickets/{id}/articles/{first}/source")).await.assert_status(StatusCode::NOT_FOUND);
    w.agent("outsider", &[]).await;
    let outsider = Browser::sign_in(&w, "outsider", "agent-password").await;
    outsider.get(&link).await.assert_status(StatusCode::NOT_FOUND);
}

/// The zoom shows the ticket's dynamic fields with their labels, chosen keys as their
/// labels, a checkbox in words, and every value escaped; the API returns them typed.
#[tokio::test]
async fn the_zoom_and_the_api_show_dynamic_fields() {
    use goats_core::model::{DynamicFieldValue, FieldType, FieldValue};
    let w = world().await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let field = |name: &str, label: &str, field_type, value, possible: &[(&str, &str)]| DynamicFieldValue {
        field_id: 1,
        name: name.into(),
        label: label.into(),
        field_type,
        value,
        possible_values: possible.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    };
    w.store.set_dynamic_fields(
        id,
        vec![
            field(
                "Contract",
                "Contract <b>no.</b>",
                FieldType::Text,
                FieldValue::Text("<script>x</script>".into()),
                &[],
            ),
            field("Severity", "Severity", FieldType::Dropdown, FieldValue::Text("high".into()), &[("high", "High")]),
            field("Billable", "Billable", FieldType::Checkbox, FieldValue::Int(1), &[]),
        ],
    );
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let zoom = text(b.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains("<dt>Contract &#60;b&#62;no.&#60;/b&#62;</dt>"), "labels are escaped");
    assert!(
        zoom.contains(r#"data-dynamic-field="Contract">&#60;script&#62;x&#60;/script&#62;</dd>"#),
        "values are escaped"
    );
    assert!(zoom.contains(r#"data-dynamic-field="Severity">High</dd>"#));
    assert!(zoom.contains(r#"data-dynamic-field="Billable">Yes</dd>"#));

    let r = w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", format!("Bearer {token}")).send().await;
    let t = json(r).await;
    assert_eq!(
        t["dynamic_fields"][1],
        serde_json::json!({"name": "Severity", "label": "Severity", "type": "Dropdown", "value": "high", "display": "High"})
    );
    assert_eq!(t["dynamic_fields"][2]["value"], 1);
}

/// The zoom offers the site's fields to an agent who may change the ticket, each as the
/// input its type asks for with the ticket's value; a save writes only what changed,
/// with OTRS's history rows; a wrong value changes nothing; an agent who may only read
/// gets no form and is refused.
#[tokio::test]
async fn an_agent_sets_dynamic_fields_on_the_zoom() {
    use goats_core::model::{DynamicFieldDef, FieldType, FieldValue};
    use goats_core::ports::{DynamicFieldStore, TicketRepository};
    let w = world().await;
    let def = |id, name: &str, field_type, possible: &[&str]| DynamicFieldDef {
        label: format!("{name} <label>"),
        ..field_def(id, name, field_type, possible)
    };
    w.store.set_dynamic_field_defs(vec![
        def(1, "Severity", FieldType::Dropdown, &["low", "high"]),
        def(2, "Systems", FieldType::Multiselect, &["mail", "web"]),
        def(3, "Billable", FieldType::Checkbox, &[]),
        def(4, "Due", FieldType::Date, &[]),
        def(5, "Callback", FieldType::DateTime, &[]),
        def(6, "Contract", FieldType::Text, &[]),
    ]);
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let b = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let zoom = text(b.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(r#"action="/tickets/"#) && zoom.contains("/fields\""), "the form is offered");
    assert!(zoom.contains(r#"<select id="df-Systems" name="df-Systems" class="input w-full" multiple>"#));
    assert!(zoom.contains(r#"type="datetime-local""#) && zoom.contains("Severity &#60;label&#62;"), "escaped labels");

    let path = format!("/tickets/{id}/fields");
    let form = [
        ("df-Severity", "high"),
        ("df-Systems", "web"),
        ("df-Systems", "mail"),
        ("df-Billable", "1"),
        ("df-Due", "2027-01-15"),
        ("df-Callback", "2026-12-24T09:30"),
        ("df-Contract", ""),
    ];
    b.htmx_post(&path, &form).await.assert_status_is_ok();
    let values = w.store.ticket_values(id).await.unwrap();
    let value = |name: &str| values.iter().find(|v| v.name == name).map(|v| v.value.clone());
    assert_eq!(value("Severity"), Some(FieldValue::Text("high".into())));
    assert_eq!(value("Systems"), Some(FieldValue::Texts(vec!["web".into(), "mail".into()])));
    assert_eq!(value("Billable"), Some(FieldValue::Int(1)));
    assert_eq!(value("Callback").map(|v| format!("{v:?}")), Some("DateTime(2026-12-24T09:30:00Z)".into()));
    assert_eq!(value("Contract"), None);
    let updates = |w: &World| {
        let store = w.store.clone();
        async move {
            store.history(id).await.unwrap().iter().filter(|h| h.history_type == "TicketDynamicFieldUpdate").count()
        }
    };
    let written = updates(&w).await;
    assert_eq!(written, 5, "one row per changed field (Contract was empty and stays so)");

    // The same form again changes nothing and writes nothing; an unticked box is 0.
    b.htmx_post(&path, &form).await.assert_status_is_ok();
    assert_eq!(updates(&w).await, written);
    let without_box: Vec<(&str, &str)> = form.iter().copied().filter(|(k, _)| *k != "df-Billable").collect();
    b.htmx_post(&path, &without_box).await.assert_status_is_ok();
    let values = w.store.ticket_values(id).await.unwrap();
    assert_eq!(values.iter().find(|v| v.name == "Billable").map(|v| v.value.clone()), Some(FieldValue::Int(0)));

    // A value that is not one of the keys: refused, nothing changed.
    let r = b.htmx_post(&path, &[("df-Severity", "medium"), ("df-Billable", "1")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let values = w.store.ticket_values(id).await.unwrap();
    assert_eq!(
        values.iter().find(|v| v.name == "Severity").map(|v| v.value.clone()),
        Some(FieldValue::Text("high".into()))
    );

    // An agent who may only read sees the values, not the form, and cannot post it.
    w.agent("reader", &[(1, goats_core::permission::Permission::Ro)]).await;
    let reader = Browser::sign_in(&w, "reader", "agent-password").await;
    let zoom = text(reader.get(&format!("/tickets/{id}")).await).await;
    assert!(!zoom.contains("/fields\""), "no form");
    reader.htmx_post(&path, &[("df-Severity", "low")]).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn what_an_agent_has_not_read_stands_out_until_they_open_it() {
    let w = world().await;
    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    w.agent("amy", &[(1, Permission::Rw)]).await;
    let amy = Browser::sign_in(&w, "amy", "agent-password").await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let unread_row = r#"<tr class="unread">"#;
    let list = text(amy.get("/tickets").await).await;
    assert!(list.contains(unread_row) && list.contains("data-unread"), "new to amy: {list}");
    let list = text(root.get("/tickets").await).await;
    assert!(!list.contains("data-unread"), "root opened it and has read it");

    let zoom = text(amy.get(&format!("/tickets/{id}")).await).await;
    assert_eq!(zoom.matches("data-new").count(), 1, "its one article is new to amy");
    let zoom = text(amy.get(&format!("/tickets/{id}")).await).await;
    assert!(!zoom.contains("data-new"), "read now");
    assert!(!text(amy.get("/tickets").await).await.contains("data-unread"));

    root.htmx_post(&format!("/tickets/{id}/articles"), &[("kind", "note"), ("body", "Any news?")]).await;
    assert!(text(amy.get("/tickets").await).await.contains("data-unread"), "root's note is news to amy");
    assert!(text(amy.get("/dashboard").await).await.contains("data-unread"), "on the dashboard too");
    assert!(!text(root.get("/tickets").await).await.contains("data-unread"), "not to its writer");
    let zoom = text(amy.get(&format!("/tickets/{id}")).await).await;
    assert_eq!(zoom.matches("data-new").count(), 1, "only the note is new");
    assert!(zoom.contains("Any news?"));
    assert!(!text(amy.get("/dashboard").await).await.contains("data-unread"));
}
