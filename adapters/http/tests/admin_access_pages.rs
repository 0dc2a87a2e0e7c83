//! The admin pages that decide who reaches which tickets (`routes/admin/{groups,roles,
//! queues}.yaml`): groups and roles named, commented and set invalid, a role's
//! permission matrix and members, queues with their group, follow-up option and times —
//! each refused form kept as typed with its problem beside the field and nothing
//! half-saved, an admin kept from taking away their own administration, and every page
//! refused to agents outside the admin group.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::model::FollowUp;
use goats_core::permission::{ADMIN_GROUP_ID, AgentPermissions, Permission};
use goats_core::ports::{AgentRepository, GroupRepository, LookupRepository, QueueText, QueueTextKind, QueueTexts};
use poem::http::StatusCode;

fn queue_form<'a>(name: &'a str, group: &'a str, first_response: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("group_id", group),
        ("follow_up", "1"),
        ("first_response_time", first_response),
        ("update_time", "0"),
        ("solution_time", "480"),
        ("unlock_timeout", "0"),
        ("calendar_name", ""),
        ("comments", ""),
        ("system_address_id", "1"),
        ("salutation_id", "1"),
        ("signature_id", "1"),
        ("valid", "1"),
    ]
}

#[tokio::test]
async fn an_admin_adds_a_queue_and_mistakes_are_shown_beside_their_fields() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    root.get("/admin/queues/new").await.assert_status_is_ok();

    let r = root.form_post("/admin/queues", &queue_form("Printers", "", "sixty")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="q-group-error""#), "a queue without a group is refused beside the group");
    assert!(html.contains(r#"id="q-first_response_time-error""#), "minutes that are no number");
    assert!(!html.contains(r#"id="q-solution_time-error""#), "the solution time was fine");
    assert!(html.contains(r#"value="Printers""#) && html.contains(r#"value="sixty""#), "what was typed is kept");
    assert!(w.store.queue_by_name("Printers").await.unwrap().is_none(), "nothing was added");

    let r = root.form_post("/admin/queues", &queue_form("Misc", "1", "60")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="q-name-error""#), "a name taken");
    let r = root.form_post("/admin/queues", &queue_form("Printers::", "1", "60")).await;
    assert!(text(r).await.contains(r#"id="q-name-error""#), "a sub-queue level without a name");

    let r = root.form_post("/admin/queues", &queue_form("Printers", "1", "60")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let q = w.store.queue_by_name("Printers").await.unwrap().expect("added");
    assert_eq!(location(&r), format!("/admin/queues/{}", q.id));
    assert_eq!((q.group_id, q.first_response_time, q.solution_time, q.valid), (1, 60, 480, true));
    assert!(!q.customer_selectable && !q.customer_closable, "boxes left unticked: closed to customers");

    // Changed: refused replies, the reopened ticket locked, a calendar, and set invalid.
    let mut changed = queue_form("Printers", "1", "30");
    changed.retain(|(k, _)| *k != "valid" && *k != "follow_up" && *k != "calendar_name");
    changed.extend([("follow_up", "2"), ("follow_up_lock", "1"), ("calendar_name", "3"), ("customer_selectable", "1")]);
    let path = format!("/admin/queues/{}", q.id);
    root.form_post(&path, &changed).await.assert_status(StatusCode::SEE_OTHER);
    let q = w.store.queue(q.id).await.unwrap().unwrap();
    assert_eq!(
        (q.follow_up, q.follow_up_lock, q.calendar_name.as_deref(), q.first_response_time, q.valid),
        (FollowUp::Reject, true, Some("3"), 30, false)
    );
    assert!(q.customer_selectable && !q.customer_closable);
    let page = text(root.get(&path).await).await;
    assert!(page.contains(r#"<option value="2" selected>"#), "the follow-up option shows as stored");
    let list = text(root.get("/admin/queues").await).await;
    assert!(list.contains(&path) && list.contains("Printers"));

    // Its replies signed with a signature of its own; one that does not exist is refused
    // beside its list.
    let short = QueueText {
        id: 0,
        name: "Printers team".into(),
        text: "-- \nThe printer people".into(),
        content_type: None,
        comments: None,
        valid: true,
    };
    let signature = w.store.save_queue_text(QueueTextKind::Signature, short, 1).await.unwrap();
    let mut signed = queue_form("Printers", "1", "30");
    signed.retain(|(k, _)| *k != "signature_id");
    let forged = [signed.clone(), vec![("signature_id", "999")]].concat();
    let r = root.form_post(&path, &forged).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="q-signature_id-error""#));
    let chosen = signature.to_string();
    signed.push(("signature_id", &chosen));
    root.form_post(&path, &signed).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(w.store.queue(q.id).await.unwrap().unwrap().signature_id, signature);
    let texts = w.store.reply_texts(q.id).await.unwrap();
    assert_eq!(texts.signature.as_deref(), Some("-- \nThe printer people"), "replies from the queue are signed so");
}

#[tokio::test]
async fn an_admin_keeps_groups_and_roles_and_an_agent_holds_what_the_role_grants() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    w.agent("dana", &[]).await;
    let dana = AgentRepository::by_login(&w.store, "dana").await.unwrap().unwrap();

    let r = root.form_post("/admin/groups", &[("name", "users"), ("comments", "")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="n-name-error""#) && html.contains("A group with this name exists."));
    let r = root.form_post("/admin/groups", &[("name", "billing"), ("comments", "Invoices")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let billing = w.store.groups().await.unwrap().into_iter().find(|g| g.name == "billing").expect("added");
    assert_eq!(location(&r), format!("/admin/groups/{}", billing.id));
    let r = root.form_post(&format!("/admin/groups/{ADMIN_GROUP_ID}"), &[("name", "admin")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="n-valid-error""#), "the admin group stays valid");
    assert!(w.store.groups().await.unwrap().iter().any(|g| g.id == ADMIN_GROUP_ID && g.valid));

    let r = root.form_post("/admin/roles", &[("name", "Accounts"), ("comments", "")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let role = w.store.roles().await.unwrap().into_iter().find(|r| r.name == "Accounts").expect("added");
    let role_path = format!("/admin/roles/{}", role.id);
    assert_eq!(location(&r), role_path);
    let grant = format!("{}:rw", billing.id);
    let r = root.form_post(&format!("{role_path}/grants"), &[("grant", &grant), ("grant", "1:ro")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let member = dana.id.to_string();
    root.form_post(&format!("{role_path}/members"), &[("member", &member)]).await.assert_status(StatusCode::SEE_OTHER);
    let held = AgentPermissions::new(dana.id, w.store.grants_for(dana.id).await.unwrap());
    assert!(held.has(billing.id, Permission::Rw) && held.has(1, Permission::Ro) && !held.has(1, Permission::Rw));
    let page = text(root.get(&role_path).await).await;
    assert!(page.contains(&format!(r#"value="{grant}" checked"#)), "the matrix shows what the role grants");
    assert!(page.contains(&format!(r#"value="{member}" checked"#)), "dana is ticked as a member");

    // Renamed and set invalid: dana holds nothing through it any more.
    let r = root.form_post(&role_path, &[("name", "Accounting"), ("comments", "Books")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(w.store.grants_for(dana.id).await.unwrap().is_empty());
    let roles = text(root.get("/admin/roles").await).await;
    assert!(roles.contains("Accounting") && roles.contains("Books"));
}

#[tokio::test]
async fn an_admin_cannot_take_away_the_administration_a_role_gives_them() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    w.agent("boss", &[]).await;
    let boss_id = AgentRepository::by_login(&w.store, "boss").await.unwrap().unwrap().id;
    root.form_post("/admin/roles", &[("name", "Admins")]).await.assert_status(StatusCode::SEE_OTHER);
    let role = w.store.roles().await.unwrap().into_iter().find(|r| r.name == "Admins").unwrap();
    let path = format!("/admin/roles/{}", role.id);
    root.form_post(&format!("{path}/grants"), &[("grant", "2:rw")]).await.assert_status(StatusCode::SEE_OTHER);
    let boss_member = boss_id.to_string();
    root.form_post(&format!("{path}/members"), &[("member", &boss_member)]).await.assert_status(StatusCode::SEE_OTHER);

    let boss = Browser::sign_in(&w, "boss", "agent-password").await;
    let r = boss.form_post(&format!("{path}/grants"), &[("grant", "1:ro")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="grants-error""#));
    let r = boss.form_post(&format!("{path}/members"), &[]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="members-error""#));
    let r = boss.form_post(&path, &[("name", "Admins")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="n-valid-error""#));
    let held = AgentPermissions::new(boss_id, w.store.grants_for(boss_id).await.unwrap());
    assert!(held.is_admin() && !held.has(1, Permission::Ro), "nothing was changed");
}

#[tokio::test]
async fn the_group_role_and_queue_pages_are_for_admins_only() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for path in [
        "/admin/groups",
        "/admin/groups/new",
        "/admin/groups/1",
        "/admin/roles",
        "/admin/roles/new",
        "/admin/queues",
        "/admin/queues/new",
        "/admin/queues/1",
    ] {
        mo.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    mo.form_post("/admin/groups", &[("name", "eve")]).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/groups/1", &[("name", "eve")]).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/roles", &[("name", "eve")]).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/queues", &queue_form("Eve", "1", "0")).await.assert_status(StatusCode::FORBIDDEN);
    mo.form_post("/admin/queues/1", &queue_form("Eve", "1", "0")).await.assert_status(StatusCode::FORBIDDEN);

    // A forged form without the CSRF token changes nothing, even for an admin.
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/roles").header("cookie", root.cookie()).form(&[("name", "eve")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let forged = queue_form("Eve", "1", "0");
    let r = w.cli.post("/admin/queues").header("cookie", root.cookie()).form(&forged).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    let r = w.cli.post("/admin/groups").header("cookie", root.cookie()).form(&[("name", "eve")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(w.store.roles().await.unwrap().is_empty());
    assert!(w.store.queue_by_name("Eve").await.unwrap().is_none());
    assert!(!w.store.groups().await.unwrap().iter().any(|g| g.name == "eve"));
    // A role or group that does not exist is 404 to an admin.
    root.get("/admin/roles/999").await.assert_status(StatusCode::NOT_FOUND);
    root.get("/admin/groups/999").await.assert_status(StatusCode::NOT_FOUND);
    root.get("/admin/queues/999").await.assert_status(StatusCode::NOT_FOUND);
}
