//! The customer portal through its pages: signing in with the customer's own session,
//! their own and their company's tickets and nothing else, the articles meant for them
//! only, answering, and opening a ticket.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Browser, World, cookie_value, csrf_field, customer_login, json, location, set_cookie, text, world};
use goats_core::model::FollowUp;
use goats_core::ports::{CustomerRepository, LookupRepository};
use poem::http::StatusCode;
use poem::test::TestResponse;
use serde_json::json;

/// A customer's browser in the portal: its session cookie and the session's CSRF token.
struct Customer<'a> {
    w: &'a World,
    session: String,
    csrf: String,
}

impl<'a> Customer<'a> {
    async fn sign_in(w: &'a World, login: &str) -> Customer<'a> {
        let resp = customer_login(w, login, "customer-password").await;
        resp.assert_status(StatusCode::SEE_OTHER);
        assert_eq!(location(&resp), "/customer");
        let cookie = set_cookie(&resp, "goats_customer_session").expect("a portal session cookie");
        assert!(cookie.contains("Path=/customer") && cookie.contains("HttpOnly"), "{cookie}");
        let mut c = Customer { w, session: cookie_value(&cookie), csrf: String::new() };
        let page = c.get("/customer").await;
        page.assert_status_is_ok();
        c.csrf = csrf_field(&text(page).await);
        c
    }

    fn cookie(&self) -> String {
        format!("goats_customer_session={}", self.session)
    }

    async fn get(&self, path: &str) -> TestResponse {
        self.w.cli.get(path).header("cookie", self.cookie()).send().await
    }

    async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        r.assert_status_is_ok();
        text(r).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        let mut fields = vec![("_csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        self.w.cli.post(path).header("cookie", self.cookie()).form(&fields).send().await
    }
}

/// Jane and Bob of ACME and Zed of OTHER, each with a ticket opened by an agent; Jane's
/// has an internal note. Returns the tickets' ids and numbers, in that order.
async fn desk() -> (World, Vec<(i64, String)>) {
    let w = world().await;
    for (login, company) in [("jane", "ACME"), ("bob", "ACME"), ("zed", "OTHER")] {
        let user = goats_core::testing::contact(login, company);
        w.store.create_user(user, Some(goats_core::password::hash_with_cost("customer-password", 4)), 1).await.unwrap();
    }
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let mut tickets = Vec::new();
    for (who, company) in [("jane", "ACME"), ("bob", "ACME"), ("zed", "OTHER")] {
        let r = w
            .cli
            .post("/api/v1/tickets")
            .header("Authorization", &root)
            .body_json(&json!({"title": format!("{who}'s printer"), "queue_id": 4, "customer_user_id": who, "customer_id": company,
                "article": {"subject": "Printer", "body": format!("{who} says the printer jams."), "channel": "email", "sender_type": "customer", "visible_for_customer": true}}))
            .send()
            .await;
        r.assert_status(StatusCode::CREATED);
        let t = json(r).await;
        tickets.push((t["id"].as_i64().unwrap(), t["number"].as_str().unwrap().to_string()));
    }
    w.cli
        .post(format!("/api/v1/tickets/{}/articles", tickets[0].0))
        .header("Authorization", &root)
        .body_json(&json!({"subject": "internal", "body": "Customer seems grumpy."}))
        .send()
        .await
        .assert_status(StatusCode::CREATED);
    (w, tickets)
}

#[tokio::test]
async fn a_customer_sees_their_own_and_their_companys_tickets_and_only_what_is_meant_for_them() {
    let (w, t) = desk().await;
    let jane = Customer::sign_in(&w, "jane").await;

    let list = jane.page("/customer").await;
    assert!(list.contains("jane&#39;s printer") && list.contains("bob&#39;s printer"), "{list}");
    assert!(!list.contains("zed"), "another company's ticket is not listed");
    let mine = jane.page("/customer?state=open&whose=mine").await;
    assert!(mine.contains("jane&#39;s printer") && !mine.contains("bob&#39;s printer"));
    let company = jane.page("/customer?state=open&whose=company").await;
    assert!(company.contains("bob&#39;s printer"));
    assert!(jane.page("/customer?state=closed").await.contains("No tickets here."));

    let ticket = jane.page(&format!("/customer/tickets/{}", t[0].0)).await;
    assert!(ticket.contains("jane says the printer jams.") && ticket.contains(&t[0].1));
    assert!(!ticket.contains("grumpy"), "the internal note never leaves the server");
    let other = jane.get(&format!("/customer/tickets/{}", t[2].0)).await;
    other.assert_status(StatusCode::NOT_FOUND);
    let page = text(other).await;
    assert!(page.contains(r#"href="/customer""#) && !page.contains("/dashboard"), "leads back to the portal: {page}");

    // A search finds words of the articles meant for the customer and ticket numbers,
    // never the words of an internal note.
    let found = jane.page("/customer?state=all&q=jams").await;
    assert!(found.contains("jane&#39;s printer") && found.contains("bob&#39;s printer"));
    assert!(found.contains("the printer <mark>jams</mark>."), "the passage, marked: {found}");
    assert!(!found.contains("grumpy"), "no passage from an internal note");
    assert!(jane.page("/customer?state=all&q=grumpy").await.contains("No tickets here."));
    let by_number = jane.page(&format!("/customer?state=all&q={}", t[1].1)).await;
    assert!(by_number.contains("bob&#39;s printer") && !by_number.contains("jane&#39;s printer"));
}

#[tokio::test]
async fn portal_and_agent_sessions_stay_apart() {
    let (w, _) = desk().await;
    let jane = Customer::sign_in(&w, "jane").await;
    // The customer's cookie opens no agent page.
    let r = w.cli.get("/dashboard").header("cookie", jane.cookie()).send().await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login");
    // An agent's session opens no portal page.
    let agent = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = agent.get("/customer").await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/customer/login");
    let r = agent.get("/customer/tickets/1").await;
    assert_eq!(location(&r), "/customer/login?next=%2Fcustomer%2Ftickets%2F1");

    // A wrong password is refused without saying which half was wrong; the login stays.
    let r = customer_login(&w, "jane", "wrong").await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    let page = text(r).await;
    assert!(page.contains("The username or password is wrong.") && page.contains(r#"value="jane""#));
    // So is an agent's login: agents sign in on their own page.
    customer_login(&w, "root@localhost", "root-password").await.assert_status(StatusCode::UNAUTHORIZED);

    // Logging out ends the session.
    let r = jane.post("/customer/logout", &[]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(set_cookie(&r, "goats_customer_session").unwrap().contains("Max-Age=0"));
    assert_eq!(location(&jane.get("/customer").await), "/customer/login");
}

#[tokio::test]
async fn a_customer_answers_and_a_closed_ticket_opens_again_where_its_queue_allows() {
    let (w, t) = desk().await;
    let jane = Customer::sign_in(&w, "jane").await;
    let id = t[0].0;
    let path = format!("/customer/tickets/{id}/reply");

    // Without the session's token nothing is stored.
    let r = w.cli.post(&path).header("cookie", jane.cookie()).form(&[("body", "Forged")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    // An empty answer is refused beside the field.
    let r = jane.post(&path, &[("body", "  ")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("Write your message."));

    // Closed by an agent, opened again by the customer's answer.
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let close = |id: i64| {
        let (cli, root) = (&w.cli, root.clone());
        async move {
            cli.patch(format!("/api/v1/tickets/{id}"))
                .header("Authorization", root)
                .body_json(&json!({"state_id": 2}))
                .send()
                .await
                .assert_status_is_ok();
        }
    };
    close(id).await;
    let r = jane.post(&path, &[("body", "It jams again on page 2.")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/customer/tickets/{id}"));
    let page = jane.page(&format!("/customer/tickets/{id}")).await;
    assert!(page.contains("It jams again on page 2.") && page.contains(">You<"), "{page}");
    let now =
        json(w.cli.get(format!("/api/v1/tickets/{id}?articles=true")).header("Authorization", &root).send().await)
            .await;
    assert_eq!(now["state"], "open");
    let last = now["articles"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["sender_type"].as_str(), last["visible_for_customer"].as_bool()), (Some("customer"), Some(true)));

    // A queue that rejects follow-ups: a closed ticket shows no answer form and takes none.
    let misc = LookupRepository::queue(&w.store, 4).await.unwrap().unwrap();
    let mut changed = goats_core::testing::queue(&misc.name, misc.group_id);
    changed.follow_up = FollowUp::Reject;
    LookupRepository::update_queue(&w.store, 4, changed, 1).await.unwrap();
    let bob_ticket = t[1].0;
    close(bob_ticket).await;
    let page = jane.page(&format!("/customer/tickets/{bob_ticket}")).await;
    assert!(page.contains("cannot be answered any more") && !page.contains("reply-body"));
    let r = jane.post(&format!("/customer/tickets/{bob_ticket}/reply"), &[("body", "Hello?")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let still =
        json(w.cli.get(format!("/api/v1/tickets/{bob_ticket}")).header("Authorization", &root).send().await).await;
    assert_eq!(still["state"], "closed successful");

    // Another company's ticket cannot be answered.
    jane.post(&format!("/customer/tickets/{}/reply", t[2].0), &[("body", "Hi")])
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_customer_opens_a_ticket_and_mistakes_are_shown_beside_the_fields() {
    let (w, _) = desk().await;
    let jane = Customer::sign_in(&w, "jane").await;
    let form = jane.page("/customer/tickets/new").await;
    assert!(form.contains(r#"<option value="4""#) && form.contains("Misc"));

    let r = jane.post("/customer/tickets", &[("queue", "4"), ("subject", ""), ("body", "The scanner is off.")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(r).await;
    assert!(page.contains(r#"id="new-subject-error""#) && page.contains("The scanner is off."), "typed text stays");
    let r = jane.post("/customer/tickets", &[("queue", "999"), ("subject", "Scanner"), ("body", "Off.")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="new-queue-error""#));

    let r = jane
        .post("/customer/tickets", &[("queue", "4"), ("subject", "Scanner"), ("body", "The scanner is off.")])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let at = location(&r);
    let id: i64 = at.strip_prefix("/customer/tickets/").unwrap().parse().unwrap();
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let t = json(w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", &root).send().await).await;
    assert_eq!(
        (t["title"].as_str(), t["customer_user_id"].as_str(), t["customer_id"].as_str(), t["queue_id"].as_i64()),
        (Some("Scanner"), Some("jane"), Some("ACME"), Some(4))
    );
    let page = jane.page(&at).await;
    assert!(page.contains("The scanner is off.") && page.contains(t["number"].as_str().unwrap()));
}

#[tokio::test]
async fn a_customer_chooses_one_of_their_services_for_a_new_ticket() {
    use goats_core::model::{Service, ServiceAudience};
    use goats_core::ports::ServiceCatalog;
    let (w, _) = desk().await;
    let jane = Customer::sign_in(&w, "jane").await;
    assert!(!jane.page("/customer/tickets/new").await.contains(r#"name="service""#), "no services, no choice");

    let service = |name: &str| Service { name: name.into(), valid: true, ..Default::default() };
    let only_jane = ServiceAudience { every_customer: false, customers: vec!["jane".into()] };
    let vpn = w.store.save_service(service("VPN"), Some(only_jane), 1).await.unwrap().to_string();
    let fax = w.store.save_service(service("Fax"), Some(ServiceAudience::default()), 1).await.unwrap().to_string();
    let page = jane.page("/customer/tickets/new").await;
    assert!(page.contains(&format!(r#"<option value="{vpn}" >VPN</option>"#)), "{page}");
    assert!(!page.contains("Fax"), "a service given to nobody is not offered");

    let r = jane
        .post("/customer/tickets", &[("queue", "4"), ("service", &fax), ("subject", "VPN"), ("body", "Down.")])
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="new-service-error""#));
    let r = jane
        .post("/customer/tickets", &[("queue", "4"), ("service", &vpn), ("subject", "VPN"), ("body", "Down.")])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id: i64 = location(&r).strip_prefix("/customer/tickets/").unwrap().parse().unwrap();
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let t = json(w.cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", &root).send().await).await;
    assert_eq!(t["service"], "VPN", "{t}");

    // Through the API, a customer's token gets the same answer for a service not theirs.
    let login = json!({"kind": "customer", "login": "jane", "password": "customer-password"});
    let token = format!(
        "Bearer {}",
        json(w.cli.post("/api/v1/auth/login").body_json(&login).send().await).await["access_token"].as_str().unwrap()
    );
    let body = json!({"title": "Fax", "queue_id": 4, "service_id": fax.parse::<i32>().unwrap(), "article": {"subject": "Fax", "body": "Jammed."}});
    let r = w.cli.post("/api/v1/tickets").header("Authorization", &token).body_json(&body).send().await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn customers_are_offered_only_the_queues_an_admin_left_open_to_them() {
    let (w, _) = desk().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    // The admin closes Junk to customers on its page; Misc stays open.
    let junk = w.store.queue(3).await.unwrap().unwrap();
    assert!(junk.customer_selectable, "open to customers until an admin says otherwise");
    let form = [
        ("name", "Junk"),
        ("group_id", "1"),
        ("follow_up", "1"),
        ("first_response_time", "0"),
        ("update_time", "0"),
        ("solution_time", "0"),
        ("unlock_timeout", "0"),
        ("system_address_id", "1"),
        ("salutation_id", "1"),
        ("signature_id", "1"),
        ("valid", "1"),
    ];
    root.form_post("/admin/queues/3", &form).await.assert_status(StatusCode::SEE_OTHER);
    assert!(!w.store.queue(3).await.unwrap().unwrap().customer_selectable);

    let jane = Customer::sign_in(&w, "jane").await;
    let page = jane.page("/customer/tickets/new").await;
    assert!(page.contains("Misc") && !page.contains(r#"<option value="3""#), "Junk is not offered");
    let r = jane.post("/customer/tickets", &[("queue", "3"), ("subject", "Spam?"), ("body", "Is this junk?")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="new-queue-error""#));
    // Nor through the API, for a customer's token.
    let login = json!({"kind": "customer", "login": "jane", "password": "customer-password"});
    let r = w.cli.post("/api/v1/auth/login").body_json(&login).send().await;
    let token = format!("Bearer {}", json(r).await["access_token"].as_str().unwrap());
    let body = json!({"title": "Spam?", "queue_id": 3, "article": {"subject": "Spam?", "body": "Is this junk?"}});
    let r = w.cli.post("/api/v1/tickets").header("Authorization", &token).body_json(&body).send().await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let admin = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let junk = json(w.cli.get("/api/v1/tickets?queue_id=3").header("Authorization", &admin).send().await).await;
    assert_eq!(junk["total"], 0, "no ticket was opened in Junk: {junk}");
}

#[tokio::test]
async fn a_customer_closes_a_ticket_where_its_queue_allows() {
    let (w, t) = desk().await;
    let jane = Customer::sign_in(&w, "jane").await;
    let root = format!("Bearer {}", w.login("root@localhost", "root-password").await);
    let state = |id: i64| {
        let (cli, root) = (&w.cli, root.clone());
        async move { json(cli.get(format!("/api/v1/tickets/{id}")).header("Authorization", root).send().await).await }
    };
    let (mine, bobs, zeds) = (t[0].0, t[1].0, t[2].0);
    let page = jane.page(&format!("/customer/tickets/{mine}")).await;
    assert!(page.contains(&format!(r#"action="/customer/tickets/{mine}/close""#)), "a close button");

    // Without the session's token, and on another company's ticket, nothing changes.
    let close = |id: i64| format!("/customer/tickets/{id}/close");
    w.cli.post(close(mine)).header("cookie", jane.cookie()).send().await.assert_status(StatusCode::FORBIDDEN);
    jane.post(&close(zeds), &[]).await.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(state(zeds).await["state"], "new");

    let r = jane.post(&close(mine), &[]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/customer/tickets/{mine}"));
    let closed = state(mine).await;
    assert_eq!((closed["state"].as_str(), closed["lock"].as_str()), (Some("closed successful"), Some("unlock")));
    let page = jane.page(&format!("/customer/tickets/{mine}")).await;
    assert!(!page.contains("/close\""), "a closed ticket has no close button");
    jane.post(&close(mine), &[]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // Misc no longer lets customers close its tickets: bob's stays open, the refusal shown.
    let misc = LookupRepository::queue(&w.store, 4).await.unwrap().unwrap();
    let changed = goats_core::ports::NewQueue {
        customer_closable: false,
        ..goats_core::testing::queue(&misc.name, misc.group_id)
    };
    LookupRepository::update_queue(&w.store, 4, changed, 1).await.unwrap();
    let page = jane.page(&format!("/customer/tickets/{bobs}")).await;
    assert!(!page.contains("/close\""), "no close button where the queue does not allow it");
    let r = jane.post(&close(bobs), &[]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("cannot be closed here"));
    assert_eq!(state(bobs).await["state"], "new");
}

#[tokio::test]
async fn a_customer_changes_their_name_and_language_and_the_portal_speaks_it() {
    let (w, _) = desk().await;
    let jane = Customer::sign_in(&w, "jane").await;
    let page = jane.page("/customer/preferences").await;
    assert!(page.contains(r#"href="/customer/preferences" class="nav-link ml-auto" aria-current="page""#), "{page}");
    assert!(page.contains(r#"<option value="en" selected>"#), "the browser's language until one is chosen");

    // A blank name comes back beside its field, as typed, with nothing stored.
    let r = jane.post("/customer/preferences", &[("first_name", " "), ("last_name", "Roe"), ("language", "de")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="cp-first-error""#) && html.contains(r#"value="Roe""#), "{html}");
    let r =
        jane.post("/customer/preferences", &[("first_name", "Jane"), ("last_name", "Roe"), ("language", "xx")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="cp-lang-error""#));
    assert_ne!(w.store.user("jane").await.unwrap().unwrap().last_name, "Roe", "nothing stored");

    let r =
        jane.post("/customer/preferences", &[("first_name", "Jane"), ("last_name", "Roe"), ("language", "de")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/customer/preferences");
    assert_eq!(w.store.user("jane").await.unwrap().unwrap().full_name(), "Jane Roe");
    let mine = jane.page("/customer").await;
    assert!(mine.contains(r#"<html lang="de""#) && mine.contains("Jane Roe"), "{mine}");
    // Without the token nothing changes.
    let r = w
        .cli
        .post("/customer/preferences")
        .header("cookie", jane.cookie())
        .form(&[("first_name", "Eve"), ("last_name", "Roe"), ("language", "en")])
        .send()
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(w.store.user("jane").await.unwrap().unwrap().first_name, "Jane");
    // Signed out, the page sends to the portal's login.
    let r = w.cli.get("/customer/preferences").send().await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/customer/login"), "{}", location(&r));
}
