//! `/preferences`: the agent's own settings on one page. The out-of-office period and
//! its substitute are stored as OTRS keeps them; a wrong date, a backwards period or a
//! substitute who is no valid agent come back beside their field with nothing stored;
//! a form without the CSRF token changes nothing; not signed in, the page sends to login.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use goats_core::ports::{AgentRepository, PreferenceStore};
use poem::http::StatusCode;

async fn id_of(w: &World, login: &str) -> i32 {
    AgentRepository::by_login(&w.store, login).await.unwrap().unwrap().id
}

#[tokio::test]
async fn an_agent_sets_out_of_office_with_a_substitute_and_switches_it_off() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    w.agent("sue", &[(1, Permission::Rw)]).await;
    let (mo_id, sue_id) = (id_of(&w, "mo").await, id_of(&w, "sue").await);
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;

    let page = text(mo.get("/preferences").await).await;
    assert!(page.contains(r#"action="/preferences/out-of-office""#) && page.contains(r#"action="/preferences""#));
    assert!(page.contains(&format!(r#"<option value="{sue_id}">"#)), "another agent may stand in");
    assert!(!page.contains(&format!(r#"<option value="{mo_id}">"#)), "not oneself");
    assert!(page.contains(r#"href="/preferences/password""#) && page.contains(r#"href="/preferences/notifications""#));

    let sue = sue_id.to_string();
    let form = |start: &'static str, end: &'static str, substitute: &str| {
        vec![("on", "1"), ("start", start), ("end", end), ("substitute", substitute)]
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect::<Vec<_>>()
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let mo = &mo;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            mo.form_post("/preferences/out-of-office", &pairs).await
        }
    };
    let stored = || async { w.store.preference(mo_id, "OutOfOffice").await.unwrap() };

    let r = post(form("2026-12-24", "24.12.2026", &sue)).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="p-end-error""#) && !html.contains(r#"id="p-start-error""#), "{html}");
    assert!(html.contains(r#"value="24.12.2026""#), "what was typed comes back");
    assert_eq!(stored().await, None);

    let html = text(post(form("2026-12-24", "2026-12-20", &sue)).await).await;
    assert!(html.contains(r#"id="p-end-error""#), "a backwards period: {html}");
    let html = text(post(form("2026-12-20", "2026-12-24", &mo_id.to_string())).await).await;
    assert!(html.contains(r#"id="p-substitute-error""#), "oneself: {html}");
    let html = text(post(form("2026-12-20", "2026-12-24", "nobody")).await).await;
    assert!(html.contains(r#"id="p-substitute-error""#), "no agent: {html}");
    assert_eq!(stored().await, None, "nothing stored");

    let r = post(form("2026-12-20", "2027-01-06", &sue)).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/preferences");
    assert_eq!(stored().await.as_deref(), Some("1"));
    for (key, value) in [("OutOfOfficeStartMonth", "12"), ("OutOfOfficeEndDay", "6"), ("OutOfOfficeEndYear", "2027")] {
        assert_eq!(w.store.preference(mo_id, key).await.unwrap().as_deref(), Some(value), "{key}");
    }
    assert_eq!(w.store.preference(mo_id, "OutOfOfficeSubstitute").await.unwrap(), Some(sue.clone()));
    let page = text(mo.get("/preferences").await).await;
    assert!(page.contains(r#"value="2026-12-20""#) && page.contains(r#"value="2027-01-06""#));
    assert!(page.contains(&format!(r#"<option value="{sue_id}" selected>"#)));

    // Without the token nothing changes.
    let r = w.cli.post("/preferences/out-of-office").header("cookie", mo.cookie()).form(&[("on", "")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(stored().await.as_deref(), Some("1"));

    mo.form_post("/preferences/out-of-office", &[("start", "2026-12-20")]).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(stored().await.as_deref(), Some("0"), "switched off");
    let page = text(mo.get("/preferences").await).await;
    assert!(!page.contains(r#"name="on" value="1" checked"#));
}

#[tokio::test]
async fn the_page_is_for_signed_in_agents() {
    let w = world().await;
    let r = w.cli.get("/preferences").send().await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
}

#[tokio::test]
async fn an_agent_away_today_is_marked_in_the_zooms_agent_lists() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    let today = chrono::Utc::now().date_naive();
    let (first, last) = (today.to_string(), (today + chrono::Duration::days(3)).to_string());
    let r = mo.form_post("/preferences/out-of-office", &[("on", "1"), ("start", &first), ("end", &last)]).await;
    r.assert_status(StatusCode::SEE_OTHER);

    let token = w.login("root@localhost", "root-password").await;
    let id = w.create_ticket(&token, 2).await["id"].as_i64().unwrap();
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let zoom = text(root.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(&format!("(out of office until {last})")), "{zoom}");
    assert_eq!(zoom.matches("out of office until").count(), zoom.matches(&format!("until {last}")).count());

    mo.form_post("/preferences/out-of-office", &[]).await.assert_status(StatusCode::SEE_OTHER);
    let zoom = text(root.get(&format!("/tickets/{id}")).await).await;
    assert!(!zoom.contains("out of office until"), "back in office");
}
