//! Bulk actions on the tickets selected in the list: the same changes as the zoom,
//! applied ticket by ticket, each with its own result — one refused ticket does not
//! stop the others.

use askama::Template;
use goats_core::model::*;
use goats_core::tickets::{Precondition, TicketChange};
use poem::{Response, handler};

use super::desk::Desk;
use super::form_text::FormText;
use super::page::{Chrome, Nav, PageError, html};
use super::ticket_actions::ticket_by_number;

pub struct Outcome {
    pub id: TicketId,
    pub label: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "partials/bulk_results.html")]
struct BulkResults {
    c: Chrome,
    outcomes: Vec<Outcome>,
}

/// The form arrives as text: it repeats `ids` once per selected ticket, which the
/// typed form extractor cannot hold.
#[handler]
pub async fn apply(desk: Desk, body: String) -> Result<Response, PageError> {
    let form = FormText::parse(&body);
    let mut ids: Vec<TicketId> = Vec::new();
    for id in form.all("ids").filter_map(|v| v.parse().ok()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let field = |name: &str| form.get(name);
    if ids.is_empty() {
        return Err(PageError::invalid(&desk, "invalid-bulk-none"));
    }
    let id_field = |raw: String| raw.parse::<i32>().ok();
    let mut changes = Vec::new();
    if let Some(s) = id_field(field("state")) {
        changes.push(TicketChange::State { state_id: s, pending_until: None });
    }
    if let Some(p) = id_field(field("priority")) {
        changes.push(TicketChange::Priority(p));
    }
    if let Some(q) = id_field(field("queue")) {
        changes.push(TicketChange::Queue(q));
    }
    if let Some(o) = id_field(field("owner")) {
        changes.push(TicketChange::Owner(o));
    }
    match field("lock").as_str() {
        "lock" => changes.push(TicketChange::Lock(Lock::Lock)),
        "unlock" => changes.push(TicketChange::Lock(Lock::Unlock)),
        _ => {}
    }
    let merge_into = field("merge");
    if changes.is_empty() && merge_into.is_empty() {
        return Err(PageError::invalid(&desk, "invalid-bulk-nothing"));
    }
    let tickets = &desk.state.tickets;
    let target = if merge_into.is_empty() {
        None
    } else {
        Some(ticket_by_number(&desk, &merge_into, "invalid-merge-target", "merge").await?)
    };
    let mut outcomes = Vec::new();
    for id in ids {
        let label = match tickets.get(&desk.perms, id, false).await {
            Ok(t) => format!("{} {}", t.number, t.title),
            Err(e) => {
                outcomes.push(Outcome { id, label: format!("#{id}"), error: Some(reason(&desk, e)) });
                continue;
            }
        };
        let mut result = Ok(());
        if !changes.is_empty() {
            result = tickets.change_all(&desk.perms, id, changes.clone(), Precondition::None).await.map(|_| ());
        }
        if let (Ok(()), Some(target)) = (&result, target)
            && target != id
        {
            result = tickets.merge(&desk.perms, id, target).await.map(|_| ());
        }
        outcomes.push(Outcome { id, label, error: result.err().map(|e| reason(&desk, e)) });
    }
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    let done = outcomes.len() - failed;
    let message = desk.tr().n("toast-bulk-done", done as f64);
    let mut resp = html(&BulkResults { c: Chrome::for_desk(&desk, Nav::Tickets, String::new()), outcomes });
    // A toast, and the list refreshed to show the tickets as they are now.
    let trigger = serde_json::json!({ "goats:toast": { "kind": if failed == 0 { "success" } else { "error" }, "message": message }, "goats:refresh-list": true });
    if let Ok(v) = trigger.to_string().parse() {
        resp.headers_mut().insert("hx-trigger", v);
    }
    Ok(resp)
}

/// Why one ticket of a bulk action was refused, in the agent's language.
fn reason(desk: &Desk, e: goats_core::DomainError) -> String {
    let err = PageError::from_domain(desk, e);
    match err.detail {
        Some(d) => format!("{}: {d}", err.title),
        None => err.title,
    }
}
