//! Changing one's own password from the pages: an agent at `/preferences/password`, a
//! customer at `/customer/password`. A wrong current password, a short or unchanged new
//! one and a repeat that differs are each refused beside their field with nothing
//! changed; a change keeps this browser signed in and ends the person's other sessions;
//! a form without the CSRF token changes nothing.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use goats_core::ports::CustomerRepository;
use poem::http::StatusCode;

fn change<'a>(current: &'a str, new: &'a str, repeat: &'a str) -> [(&'a str, &'a str); 3] {
    [("current", current), ("new", new), ("repeat", repeat)]
}

#[tokio::test]
async fn an_agent_changes_their_password_and_their_other_sessions_end() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let here = Browser::sign_in(&w, "mo", "agent-password").await;
    let elsewhere = Browser::sign_in(&w, "mo", "agent-password").await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;

    let page = text(here.get("/preferences/password").await).await;
    assert!(page.contains(r#"autocomplete="current-password""#) && page.contains("Change password"));

    let refusals = [
        (
            change("wrong-password", "a-new-password", "a-new-password"),
            "password-current-error",
            "not your current password",
        ),
        (change("agent-password", "short", "short"), "password-new-error", "at least 8 characters"),
        (change("agent-password", "agent-password", "agent-password"), "password-new-error", "is your current one"),
        (change("agent-password", "a-new-password", "another-password"), "password-repeat-error", "passwords differ"),
    ];
    for (form, field, says) in refusals {
        let r = here.form_post("/preferences/password", &form).await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let page = text(r).await;
        assert!(page.contains(&format!(r#"id="{field}""#)) && page.contains(says), "{field}: {page}");
    }
    let forged = w
        .cli
        .post("/preferences/password")
        .header("cookie", here.cookie())
        .form(&change("agent-password", "a-new-password", "a-new-password"))
        .send()
        .await;
    forged.assert_status(StatusCode::FORBIDDEN);
    // A login from a browser of its own (a login from `here` would end its session).
    let stranger = Browser { w: &w, session: None, csrf: String::new() };
    stranger.try_login("mo", "agent-password").await.assert_status(StatusCode::SEE_OTHER);

    let r =
        here.form_post("/preferences/password", &change("agent-password", "a-new-password", "a-new-password")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/preferences/password");
    here.get("/dashboard").await.assert_status_is_ok();
    let gone = elsewhere.get("/dashboard").await;
    gone.assert_status(StatusCode::SEE_OTHER);
    assert!(location(&gone).starts_with("/login"), "the other browser must log in again");
    root.get("/dashboard").await.assert_status_is_ok();
    stranger.try_login("mo", "agent-password").await.assert_status(StatusCode::UNAUTHORIZED);
    Browser::sign_in(&w, "mo", "a-new-password").await;
}

#[tokio::test]
async fn a_customer_changes_their_password_in_the_portal() {
    let w = world().await;
    let jane = goats_core::testing::contact("jane", "ACME");
    w.store.create_user(jane, Some(goats_core::password::hash_with_cost("customer-password", 4)), 1).await.unwrap();
    let sign_in = |password: &'static str| {
        let w = &w;
        async move {
            let form = w.cli.get("/customer/login").send().await;
            let token = cookie_value(&set_cookie(&form, "goats_login_csrf").unwrap());
            w.cli
                .post("/customer/login")
                .header("cookie", format!("goats_login_csrf={token}"))
                .form(&[("_csrf", token.as_str()), ("login", "jane"), ("password", password), ("next", "")])
                .send()
                .await
        }
    };
    let session = |r: &poem::test::TestResponse| {
        format!("goats_customer_session={}", cookie_value(&set_cookie(r, "goats_customer_session").unwrap()))
    };
    let here = session(&sign_in("customer-password").await);
    let elsewhere = session(&sign_in("customer-password").await);
    let page = text(w.cli.get("/customer/password").header("cookie", &here).send().await).await;
    assert!(page.contains(r#"aria-current="page">Password"#), "{page}");
    let csrf = csrf_field(&page);
    let post = |form: [(&'static str, &'static str); 3]| {
        let (w, here, csrf) = (&w, here.clone(), csrf.clone());
        async move {
            let mut fields = vec![("_csrf", csrf.as_str())];
            fields.extend_from_slice(&form);
            w.cli.post("/customer/password").header("cookie", here).form(&fields).send().await
        }
    };

    let r = post(change("guess-guess", "jane-new-password", "jane-new-password")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="password-current-error""#));
    let r = post(change("customer-password", "jane-new-password", "jane-new-password")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/customer/password");

    w.cli.get("/customer").header("cookie", &here).send().await.assert_status_is_ok();
    let gone = w.cli.get("/customer").header("cookie", &elsewhere).send().await;
    gone.assert_status(StatusCode::SEE_OTHER);
    assert!(location(&gone).starts_with("/customer/login"));
    sign_in("customer-password").await.assert_status(StatusCode::UNAUTHORIZED);
    sign_in("jane-new-password").await.assert_status(StatusCode::SEE_OTHER);
}
