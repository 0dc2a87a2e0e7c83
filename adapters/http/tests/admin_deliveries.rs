//! `/admin/deliveries`: the notification delivery log for admins — newest first, 50 to
//! a page, narrowed by channel, outcome or ticket number, channel errors shown as text;
//! agents outside the admin group are refused, as they are by the REST API.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use goats_core::permission::Permission;
use goats_core::ports::{DeliveryAttempt, DeliveryJournal};
use poem::http::StatusCode;

async fn seed(w: &World) {
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    for i in 0..55 {
        let a = DeliveryAttempt {
            at: at + Duration::minutes(i),
            channel: "toast".into(),
            event: "ticket_created".into(),
            ticket_number: format!("20261201100000{i:02}"),
            attempt: 1,
            outcome: "delivered".into(),
            error: None,
        };
        w.deliveries.record(&a).await.unwrap();
    }
    for attempt in 1..=3 {
        let a = DeliveryAttempt {
            at: at + Duration::hours(2) + Duration::minutes(attempt.into()),
            channel: "webhook:ops".into(),
            event: "ticket_updated".into(),
            ticket_number: "2026120110000007".into(),
            attempt,
            outcome: if attempt == 3 { "gave_up" } else { "failed" }.into(),
            error: Some("HTTP 502 <script>alert(1)</script>".into()),
        };
        w.deliveries.record(&a).await.unwrap();
    }
}

#[tokio::test]
async fn an_admin_reads_the_log_a_page_at_a_time_and_narrows_it() {
    let w = world().await;
    seed(&w).await;
    let root = Browser::sign_in(&w, "root@localhost", "root-password").await;

    let page = text(root.get("/admin/deliveries").await).await;
    let rows = page.matches("<time datetime=").count();
    assert_eq!(rows, 50, "50 to a page");
    let first = page.find("webhook:ops").unwrap();
    assert!(first < page.find("2026120110000054").unwrap(), "newest first");
    assert!(page.contains("given up") && page.contains("failed, will retry"));
    assert!(page.contains("HTTP 502 &#60;script&#62;") && !page.contains("<script>alert"), "errors are text");
    let next = page.split(r#"rel="next""#).next().unwrap().rsplit("href=").next().unwrap();
    assert!(next.contains("page=2"), "{next}");
    assert!(!page.contains(r#"rel="prev""#));

    let second = text(root.get("/admin/deliveries?page=2").await).await;
    assert_eq!(second.matches("<time datetime=").count(), 8, "58 in all");
    assert!(second.contains(r#"rel="prev""#) && !second.contains(r#"rel="next""#));
    assert!(second.contains("2026120110000000"), "the oldest is last");

    let gave_up = text(root.get("/admin/deliveries?outcome=gave_up").await).await;
    assert_eq!(gave_up.matches("<time datetime=").count(), 1);
    assert!(gave_up.contains(r#"<option value="gave_up" selected>"#));
    let ticket = text(root.get("/admin/deliveries?ticket=2026120110000007&channel=webhook%3Aops").await).await;
    assert_eq!(ticket.matches("<time datetime=").count(), 3, "the webhook's three tries, not the toast");
    let none = text(root.get("/admin/deliveries?channel=email").await).await;
    assert!(none.contains("No delivery attempt matches."));
    // An outcome the log never records is read as any, not as "nothing".
    let odd = text(root.get("/admin/deliveries?outcome=%27%3B--").await).await;
    assert_eq!(odd.matches("<time datetime=").count(), 50);
}

#[tokio::test]
async fn the_log_is_for_admins_only_in_the_pages_and_the_api() {
    let w = world().await;
    seed(&w).await;
    w.agent("mo", &[(1, Permission::Rw)]).await;
    let mo = Browser::sign_in(&w, "mo", "agent-password").await;
    mo.get("/admin/deliveries").await.assert_status(StatusCode::FORBIDDEN);

    let root = w.login("root@localhost", "root-password").await;
    let url = "/api/v1/admin/notifications/deliveries?outcome=failed&channel=webhook%3Aops";
    let log = json(w.cli.get(url).header("Authorization", format!("Bearer {root}")).send().await).await;
    let attempts: Vec<u64> = log.as_array().unwrap().iter().map(|a| a["attempt"].as_u64().unwrap()).collect();
    assert_eq!(attempts, [2, 1], "the failed tries, newest first");
    let url = "/api/v1/admin/notifications/deliveries?limit=2&offset=56";
    let log = json(w.cli.get(url).header("Authorization", format!("Bearer {root}")).send().await).await;
    assert_eq!(log[0]["ticket_number"], "2026120110000001");
    assert_eq!(log.as_array().unwrap().len(), 2);
}
