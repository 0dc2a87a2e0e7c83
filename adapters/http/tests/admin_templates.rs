//! Answer templates (`routes/admin/templates.yaml`): an admin adds one with the queues
//! that offer it, mistakes shown beside their fields and nothing stored; the zoom of a
//! ticket in such a queue offers it and inserts it between the queue's salutation and
//! signature; set invalid, it is offered no more. The pages are for admins only.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::model::AnswerTemplate;
use goats_core::permission::Permission;
use goats_core::ports::AnswerTemplates;
use poem::http::StatusCode;

async fn named(w: &World, name: &str) -> Option<AnswerTemplate> {
    w.store.answer_templates().await.unwrap().into_iter().find(|t| t.name == name)
}

#[tokio::test]
async fn an_admin_adds_an_answer_that_replies_in_its_queues_then_offer() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let list = text(root.get("/admin/templates").await).await;
    assert!(list.contains("empty answer"), "OTRS's default answer: {list}");

    let form = |name: &'static str, queue: &'static str| {
        vec![
            ("name", name),
            ("text", "Please switch <OTRS_TICKET_Title> off and on again.\r\nThanks."),
            ("queue_ids", "2"),
            ("queue_ids", queue),
            ("comments", ""),
        ]
    };
    // A taken name and a queue that does not exist: beside their fields, as typed.
    let r = root.form_post("/admin/templates", &form("empty answer", "3")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(
        html.contains(r#"id="a-name-error""#) && html.contains("Please switch &#60;OTRS_TICKET_Title&#62;"),
        "{html}"
    );
    let r = root.form_post("/admin/templates", &form("Restart", "999")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="a-queues-error""#));
    assert!(named(&w, "Restart").await.is_none(), "nothing stored");

    let r = root.form_post("/admin/templates", &form("Restart", "3")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let restart = named(&w, "Restart").await.unwrap();
    assert_eq!(location(&r), format!("/admin/templates/{}", restart.id));
    assert_eq!(restart.queue_ids, vec![2, 3]);
    assert_eq!(restart.text, "Please switch <OTRS_TICKET_Title> off and on again.\nThanks.");
    assert_eq!(
        (restart.template_type.as_str(), restart.content_type.as_deref()),
        ("Answer", Some("text/plain; charset=utf-8"))
    );
    let list = text(root.get("/admin/templates").await).await;
    assert!(list.contains("Junk, Raw"), "its queues listed by name: {list}");

    // A ticket in Raw offers it; inserted, it stands between salutation and signature.
    let token = w.login("root@localhost", "root-password").await;
    let ticket = w.create_ticket(&token, 2).await;
    let id = ticket["id"].as_i64().unwrap();
    let zoom = text(root.get(&format!("/tickets/{id}")).await).await;
    assert!(zoom.contains(&format!(r#"<option value="{}">Restart</option>"#, restart.id)), "{zoom}");
    let body = text(root.get(&format!("/tickets/{id}/reply-text?template={}", restart.id)).await).await;
    let title = ticket["title"].as_str().unwrap();
    assert!(body.contains(&format!("Please switch {title} off and on again.")), "{body}");
    assert!(body.find("Hello").unwrap() < body.find("Please switch").unwrap(), "after the salutation: {body}");

    // Set invalid (the box left unticked): kept, and no longer offered.
    let path = format!("/admin/templates/{}", restart.id);
    let edit = [("name", "Restart"), ("text", "Off and on."), ("queue_ids", "2"), ("comments", "retired")];
    root.form_post(&path, &edit).await.assert_status(StatusCode::SEE_OTHER);
    let stored = named(&w, "Restart").await.unwrap();
    assert!(!stored.valid && stored.queue_ids == vec![2] && stored.comments.as_deref() == Some("retired"));
    let zoom = text(root.get(&format!("/tickets/{id}")).await).await;
    assert!(!zoom.contains(">Restart</option>"), "an invalid template is not offered");
}

#[tokio::test]
async fn an_otrs_template_of_another_kind_keeps_it() {
    let w = world().await;
    let note = AnswerTemplate {
        name: "Callback".into(),
        text: "Called back.".into(),
        template_type: "Note".into(),
        valid: true,
        ..Default::default()
    };
    let id = w.store.save_answer_template(note, 1).await.unwrap();
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(root.get(&format!("/admin/templates/{id}")).await).await;
    assert!(page.contains("An OTRS template of the kind Note."), "{page}");
    let edit = [("name", "Callback"), ("text", "We called back."), ("valid", "1")];
    root.form_post(&format!("/admin/templates/{id}"), &edit).await.assert_status(StatusCode::SEE_OTHER);
    let stored = named(&w, "Callback").await.unwrap();
    assert_eq!((stored.template_type.as_str(), stored.text.as_str()), ("Note", "We called back."));
}

#[tokio::test]
async fn the_template_pages_are_for_admins_only() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in ["/admin/templates", "/admin/templates/new", "/admin/templates/1"] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    mo.form_post("/admin/templates", &[("name", "eve")]).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/templates/1", &[("name", "eve")]).await.assert_status(StatusCode::FORBIDDEN);
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/templates").header("cookie", root.cookie()).form(&[("name", "eve")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(named(&w, "eve").await.is_none() && named(&w, "empty answer").await.unwrap().valid);
    root.get("/admin/templates/404").await.assert_status(StatusCode::NOT_FOUND);
}
