//! The admin pages for salutations and signatures (`routes/admin/{salutations,
//! signatures}.yaml`): one set of handlers serving both by path — added with OTRS's tags
//! kept as typed, changed, set invalid, a taken name or an empty text refused beside its
//! field, and every page refused to agents outside the admin group.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::permission::Permission;
use goats_core::ports::{QueueTextKind, QueueTexts};
use poem::http::StatusCode;

#[tokio::test]
async fn an_admin_writes_a_salutation_and_a_signature_apart() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let list = text(root.get("/admin/salutations").await).await;
    assert!(list.contains("system standard salutation (en)") && !list.contains("system standard signature (en)"));

    let r = root.form_post("/admin/salutations", &[("name", "Formal"), ("text", "  ")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="t-text-error""#) && html.contains(r#"value="Formal""#));
    let r = root.form_post("/admin/salutations", &[("name", "system standard salutation (en)"), ("text", "Hi")]).await;
    assert!(text(r).await.contains("A salutation with this name exists."));

    let typed = "Dear <OTRS_CUSTOMER_REALNAME>,\r\n\r\nthank you for writing.";
    let r = root.form_post("/admin/salutations", &[("name", "Formal"), ("text", typed), ("comments", "")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let all = w.store.queue_texts(QueueTextKind::Salutation).await.unwrap();
    let formal = all.iter().find(|t| t.name == "Formal").expect("added");
    assert_eq!(formal.text, "Dear <OTRS_CUSTOMER_REALNAME>,\n\nthank you for writing.");
    assert_eq!(location(&r), format!("/admin/salutations/{}", formal.id));
    let page = text(root.get(&location(&r)).await).await;
    assert!(page.contains("Dear &#60;OTRS_CUSTOMER_REALNAME&#62;,"), "the tags shown escaped, as typed");

    // Set invalid, renamed; the signatures are untouched.
    let path = format!("/admin/salutations/{}", formal.id);
    root.form_post(&path, &[("name", "Formal (old)"), ("text", "Dear Sir or Madam,")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let formal =
        w.store.queue_texts(QueueTextKind::Salutation).await.unwrap().into_iter().find(|t| t.id == formal.id).unwrap();
    assert_eq!((formal.name.as_str(), formal.valid), ("Formal (old)", false));
    assert_eq!(w.store.queue_texts(QueueTextKind::Signature).await.unwrap().len(), 1);

    let r = root.form_post("/admin/signatures", &[("name", "Short"), ("text", "-- \nThe desk")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/admin/signatures/"));
    assert_eq!(w.store.queue_texts(QueueTextKind::Signature).await.unwrap().len(), 2);
    root.get("/admin/signatures/999").await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_salutation_and_signature_pages_are_for_admins_only() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for kind in ["salutations", "signatures"] {
        for path in [format!("/admin/{kind}"), format!("/admin/{kind}/new"), format!("/admin/{kind}/1")] {
            mo.get(&path).await.assert_status(StatusCode::FORBIDDEN);
        }
        let form = [("name", "eve"), ("text", "Hello")];
        mo.form_post(&format!("/admin/{kind}"), &form).await.assert_status(StatusCode::FORBIDDEN);
        mo.form_post(&format!("/admin/{kind}/1"), &form).await.assert_status(StatusCode::FORBIDDEN);
    }
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let forged = [("name", "eve"), ("text", "Hello")];
    let r = w.cli.post("/admin/signatures").header("cookie", root.cookie()).form(&forged).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    for kind in [QueueTextKind::Salutation, QueueTextKind::Signature] {
        let texts = w.store.queue_texts(kind).await.unwrap();
        assert!(texts.len() == 1 && texts[0].valid && texts[0].name != "eve");
    }
}
