//! The admin pages for ticket states, priorities and types (`routes/admin/{states,
//! priorities,types}.yaml`): one set of handlers serving the three by path — added
//! (a state with its type), renamed, set invalid, a taken name refused beside the field
//! with what was typed kept, and every page refused to agents outside the admin group.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use goats_core::model::{Colour, StateType};
use goats_core::permission::Permission;
use goats_core::ports::LookupRepository;
use poem::http::StatusCode;

#[tokio::test]
async fn an_admin_adds_a_state_of_a_type_renames_it_and_sets_it_invalid() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(root.get("/admin/states/new").await).await;
    assert!(page.contains(r#"<option value="2" selected>open</option>"#), "a new state is open unless chosen");

    let r = root.form_post("/admin/states", &[("name", "open"), ("state_type", "4")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"id="l-name-error""#) && html.contains("A state with this name exists."));
    assert!(html.contains(r#"<option value="4" selected>pending reminder</option>"#), "the type chosen is kept");
    let r = root.form_post("/admin/states", &[("name", "waiting for parts")]).await;
    assert!(text(r).await.contains(r#"id="l-type-error""#), "a state needs a type");
    let before = w.store.states().await.unwrap().len();

    let r = root.form_post("/admin/states", &[("name", "waiting for parts"), ("state_type", "4")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let states = w.store.states().await.unwrap();
    assert_eq!(states.len(), before + 1);
    let added = states.iter().find(|s| s.name == "waiting for parts").expect("added");
    assert_eq!(added.state_type, StateType::PendingReminder);
    let path = format!("/admin/states/{}", added.id);
    assert_eq!(location(&r), path);

    // Renamed and set invalid; a taken name keeps what was typed and changes nothing.
    let r = root.form_post(&path, &[("name", "closed successful"), ("valid", "1")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(html.contains(r#"value="closed successful""#) && html.contains("State waiting for parts"));
    root.form_post(&path, &[("name", "waiting for a part")]).await.assert_status(StatusCode::SEE_OTHER);
    let s = w.store.state(added.id).await.unwrap().unwrap();
    assert_eq!((s.name.as_str(), s.valid, s.state_type), ("waiting for a part", false, StateType::PendingReminder));
    let list = text(root.get("/admin/states").await).await;
    assert!(list.contains("waiting for a part") && list.contains("pending reminder"));

    // Its type changes on its page; the merged type is refused beside the field.
    let r = root.form_post(&path, &[("name", "waiting for a part"), ("state_type", "7"), ("valid", "1")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="l-type-error""#));
    assert!(!w.store.state(added.id).await.unwrap().unwrap().valid, "nothing half-saved");
    let r = root.form_post(&path, &[("name", "waiting for a part"), ("state_type", "2"), ("valid", "1")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let s = w.store.state(added.id).await.unwrap().unwrap();
    assert_eq!((s.valid, s.state_type), (true, StateType::Open));
    let page = text(root.get(&path).await).await;
    assert!(page.contains(r#"<select id="l-type" name="state_type""#) && !page.contains(r#"value="7""#), "{page}");
}

#[tokio::test]
async fn priorities_and_types_are_kept_on_pages_of_their_own() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = root.form_post("/admin/priorities", &[("name", "3 normal")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("A priority with this name exists."));
    let r = root.form_post("/admin/priorities", &[("name", "6 blocker")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let p = w.store.priorities().await.unwrap().into_iter().find(|p| p.name == "6 blocker").expect("added");
    assert_eq!(location(&r), format!("/admin/priorities/{}", p.id));
    let page = text(root.get(&format!("/admin/priorities/{}", p.id)).await).await;
    assert!(!page.contains("state_type"), "a priority has no state type");

    let r = root.form_post("/admin/types", &[("name", " ")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="l-name-error""#));
    root.form_post("/admin/types", &[("name", "Incident")]).await.assert_status(StatusCode::SEE_OTHER);
    let t = w.store.types().await.unwrap().into_iter().find(|t| t.name == "Incident").expect("added");
    root.form_post(&format!("/admin/types/{}", t.id), &[("name", "Incident")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert!(!w.store.types().await.unwrap().into_iter().find(|x| x.id == t.id).unwrap().valid);
    // Each list holds its own kind only.
    let types = text(root.get("/admin/types").await).await;
    assert!(types.contains("Incident") && !types.contains("6 blocker"));
    root.get("/admin/types/999").await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_state_priority_and_type_pages_are_for_admins_only() {
    let w = world().await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    for kind in ["states", "priorities", "types"] {
        for path in [format!("/admin/{kind}"), format!("/admin/{kind}/new"), format!("/admin/{kind}/1")] {
            mo.get(&path).await.assert_status(StatusCode::FORBIDDEN);
        }
        let form = [("name", "eve"), ("state_type", "2")];
        mo.form_post(&format!("/admin/{kind}"), &form).await.assert_status(StatusCode::FORBIDDEN);
        mo.form_post(&format!("/admin/{kind}/1"), &form).await.assert_status(StatusCode::FORBIDDEN);
    }
    // A forged form without the CSRF token changes nothing, even for an admin.
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let r = w.cli.post("/admin/priorities").header("cookie", root.cookie()).form(&[("name", "eve")]).send().await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(!w.store.priorities().await.unwrap().iter().any(|p| p.name == "eve"));
    assert!(!w.store.states().await.unwrap().iter().any(|s| s.name == "eve"));
}

#[tokio::test]
async fn state_and_priority_colours_are_chosen_by_admins_and_shown_beside_the_names() {
    let w = world().await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;
    let page = text(root.get("/admin/priorities/4").await).await;
    assert!(page.contains(r##"name="color" type="color" class="input h-9 w-20 p-1" value="#ffaaaa""##), "{page}");

    // A colour that is none is refused beside its field and changes nothing, the name
    // typed beside it included.
    let r = root.form_post("/admin/priorities/4", &[("name", "4 urgent"), ("color", "pink"), ("valid", "1")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains(r#"id="l-color-error""#));
    let p = w.store.priority(4).await.unwrap().unwrap();
    assert_eq!((p.name.as_str(), p.colour.unwrap().as_str()), ("4 high", "#ffaaaa"));

    let r = root.form_post("/admin/priorities/4", &[("name", "4 high"), ("color", "#aa0011"), ("valid", "1")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(w.store.priority(4).await.unwrap().unwrap().colour, Colour::parse("#aa0011"));
    let list = text(root.get("/admin/priorities").await).await;
    assert!(list.contains(r##"<circle cx="5" cy="5" r="5" fill="#aa0011"/>"##), "{list}");

    // A new state takes the colour picked; a type has no colour field and takes none.
    let r = root.form_post("/admin/states", &[("name", "waiting"), ("state_type", "2"), ("color", "#123abc")]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let states = w.store.states().await.unwrap();
    let waiting = states.iter().find(|s| s.name == "waiting").expect("added");
    assert_eq!(waiting.colour, Colour::parse("#123abc"));
    assert!(!text(root.get("/admin/types/new").await).await.contains(r#"name="color""#));
    root.form_post("/admin/types", &[("name", "Incident"), ("color", "#123abc")])
        .await
        .assert_status(StatusCode::SEE_OTHER);

    // The ticket list, the ticket and the dashboard paint the state's and priority's.
    let token = w.login("root@localhost", "root-password").await;
    let ticket = w.create_ticket(&token, 1).await;
    let id = ticket["id"].as_i64().unwrap();
    w.cli
        .patch(format!("/api/v1/tickets/{id}"))
        .header("Authorization", format!("Bearer {token}"))
        .body_json(&serde_json::json!({"priority_id": 4, "state_id": waiting.id}))
        .send()
        .await
        .assert_status_is_ok();
    let painted = |page: &str, colour: &str| page.contains(&format!(r#"fill="{colour}""#));
    let list = text(root.get("/tickets").await).await;
    assert!(painted(&list, "#aa0011") && painted(&list, "#123abc"), "{list}");
    let zoom = text(root.get(&format!("/tickets/{id}")).await).await;
    assert!(painted(&zoom, "#aa0011") && painted(&zoom, "#123abc"));
    // The API tells integrators the same colours.
    let r = w.cli.get("/api/v1/priorities").header("Authorization", format!("Bearer {token}")).send().await;
    let priorities = json(r).await;
    assert!(priorities.as_array().unwrap().iter().any(|p| p["id"] == 4 && p["color"] == "#aa0011"), "{priorities}");
}
