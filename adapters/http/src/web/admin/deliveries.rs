//! `/admin/deliveries`: what the notification channels did — every attempt of every
//! instance, newest first, narrowed by channel, outcome or ticket number, 50 to a page.
//! Where an admin looks when a mail or a webhook did not arrive.

use askama::Template;
use goats_core::DomainError;
use goats_core::ports::{DeliveryAttempt, DeliveryFilter};
use poem::web::Query;
use poem::{Response, handler};

use super::search_pages::Window;
use crate::web::desk::Desk;
use crate::web::format::{Stamp, when};
use crate::web::page::{Chrome, Nav, PageError, html};

const BASE: &str = "/admin/deliveries";
const PER_PAGE: u64 = 50;
/// What the dispatcher records (`failed` is retried, `gave_up` is not).
const OUTCOMES: [&str; 3] = ["delivered", "failed", "gave_up"];

/// `?channel=…&outcome=…&ticket=…&page=…` as the log was asked for.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Asked {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    page: Option<u64>,
}

impl Asked {
    fn page(&self) -> u64 {
        self.page.unwrap_or(1).clamp(1, 10_000)
    }

    fn filter(&self) -> DeliveryFilter {
        let given = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        DeliveryFilter {
            channel: given(&self.channel),
            // An outcome the log never records would find nothing; it is read as any.
            outcome: given(&self.outcome).filter(|o| OUTCOMES.contains(&o.as_str())),
            ticket_number: given(&self.ticket),
        }
    }

    fn url(&self, page: u64) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("channel", self.channel.trim())
            .append_pair("outcome", self.outcome.trim())
            .append_pair("ticket", self.ticket.trim())
            .append_pair("page", &page.to_string())
            .finish();
        format!("{BASE}?{query}")
    }
}

/// One attempt as the table shows it.
struct Row {
    at: Stamp,
    attempt: DeliveryAttempt,
}

#[derive(Template)]
#[template(path = "pages/admin_deliveries.html")]
struct DeliveriesPage {
    c: Chrome,
    asked: Asked,
    outcomes: [&'static str; 3],
    found: Window<Row>,
}

impl DeliveriesPage {
    fn outcome_label(&self, outcome: &str) -> String {
        self.c.t(&format!("admin-deliveries-outcome-{outcome}")).into_owned()
    }
}

#[handler]
pub async fn list(desk: Desk, Query(asked): Query<Asked>) -> Result<Response, PageError> {
    if !desk.perms.is_admin() {
        return Err(PageError::from_domain(&desk, DomainError::PermissionDenied("administration".into())));
    }
    let page = asked.page();
    // One more than a page tells whether a next page exists.
    let mut found = desk
        .state
        .deliveries
        .recent(&asked.filter(), (page - 1) * PER_PAGE, PER_PAGE + 1)
        .await
        .map_err(|e| PageError::from_domain(&desk, e))?;
    let next = (found.len() as u64 > PER_PAGE).then(|| asked.url(page + 1));
    found.truncate(PER_PAGE as usize);
    let prev = (page > 1).then(|| asked.url(page - 1));
    let rows = found.into_iter().map(|a| Row { at: when(a.at), attempt: a }).collect();
    let title = desk.tr().t("admin-deliveries-title");
    let c = Chrome::for_desk(&desk, Nav::Admin, title);
    let found = Window { rows, prev, next, capped: false };
    Ok(html(&DeliveriesPage { c, asked, outcomes: OUTCOMES, found }))
}
