//! What an agent does to a ticket from its zoom: write an article, set the state, the
//! priority, the queue, the owner, lock, watch, merge. Each goes through the same
//! ticket service (and permission checks) as the REST API; HTMX gets the re-rendered
//! ticket and a toast, a plain form post a redirect back to the ticket.

use goats_core::DomainError;
use goats_core::model::*;
use goats_core::permission::Permission;
use goats_core::tickets::{Precondition, TicketChange};
use poem::web::{Form, Path};
use poem::{Body, Request, Response, handler};
use serde::Deserialize;

use super::desk::Desk;
use super::form_text::{self, FormText, Unreadable};
use super::format::parse_pending;
use super::page::{PageError, with_flash, with_toast};
use super::zoom;

/// After a change: the ticket again, or the list when the agent can no longer read it
/// (moved to a queue they cannot see, merged away).
async fn done(desk: &Desk, id: TicketId, toast_key: &str) -> Result<Response, PageError> {
    let message = desk.tr().t(toast_key);
    if !desk.htmx {
        return Ok(zoom::go_to(desk, id));
    }
    match zoom::part(desk, id).await {
        Ok(resp) => Ok(with_toast(resp, &message)),
        Err(e) if e.status == poem::http::StatusCode::NOT_FOUND => {
            Ok(with_flash(Response::builder().header("hx-location", "/tickets").finish(), &message))
        }
        Err(e) => Err(e),
    }
}

/// The ticket with the number an agent typed, or a refusal saying so (`unknown_key`).
pub(super) async fn ticket_by_number(
    desk: &Desk,
    number: &str,
    unknown_key: &str,
    field: &str,
) -> Result<TicketId, PageError> {
    desk.state
        .tickets
        .find_by_number(&desk.perms, number)
        .await
        .map_err(|e| PageError::from_domain(desk, e))?
        .ok_or_else(|| PageError::invalid(desk, unknown_key).beside(field))
}

fn id_of(desk: &Desk, raw: &str, field: &'static str) -> Result<i32, PageError> {
    raw.trim()
        .parse()
        .map_err(|_| PageError::from_domain(desk, DomainError::invalid(field, "choose a value from the list")))
}

async fn change(desk: &Desk, id: TicketId, changes: Vec<TicketChange>, toast: &str) -> Result<Response, PageError> {
    desk.state
        .tickets
        .change_all(&desk.perms, id, changes, Precondition::None)
        .await
        .map_err(|e| PageError::from_domain(desk, e))?;
    done(desk, id, toast).await
}

/// The article form: its text and files.
async fn read_article_form(
    desk: &Desk,
    req: &Request,
    body: Body,
) -> Result<(FormText, Vec<NewAttachment>), PageError> {
    // Everything the form may hold: the attachments at their limit, the text beside them.
    let limit = desk.state.tickets.max_attachment_bytes().saturating_mul(4).saturating_add(1024 * 1024);
    form_text::with_files(req, body, "attachments", limit).await.map_err(|e| match e {
        Unreadable::TooLarge => PageError::new(desk, poem::http::StatusCode::PAYLOAD_TOO_LARGE, "error-too-large"),
        Unreadable::Malformed => PageError::invalid(desk, "invalid-form"),
    })
}

#[handler]
pub async fn add_article(
    desk: Desk,
    Path(id): Path<TicketId>,
    req: &Request,
    body: Body,
) -> Result<Response, PageError> {
    let (f, files) = read_article_form(&desk, req, body).await?;
    let fail = |e| PageError::from_domain(&desk, e);
    let ticket = desk.state.tickets.get(&desk.perms, id, false).await.map_err(fail)?;
    // Refuse what the agent may not do before looking at what they wrote.
    let kind = f.get("kind");
    let (subject_typed, text) = (f.get("subject"), f.raw("body"));
    let needed = if kind == "note" { Permission::Note } else { Permission::Rw };
    if !desk.state.tickets.abilities(&desk.perms, &ticket).await.map_err(fail)?.contains(&needed) {
        return Err(PageError::new(&desk, poem::http::StatusCode::FORBIDDEN, "error-forbidden"));
    }
    let units = match f.get("time_units").as_str() {
        "" => None,
        raw => Some(
            raw.replace(',', ".")
                .parse::<f64>()
                .map_err(|_| PageError::invalid(&desk, "invalid-time-units").beside("time_units"))?,
        ),
    };
    let subject = if subject_typed.is_empty() { ticket.title.clone() } else { subject_typed.clone() };
    let mut article = NewArticle::note(subject, text);
    article.attachments = files;
    let sender = desk.agent.mailbox();
    match kind.as_str() {
        "note" => {}
        "phone" => {
            article.channel = CommunicationChannel::Phone;
            article.visible_for_customer = true;
            article.from = Some(sender);
        }
        "reply" => {
            let Some(to) = reply_address(&desk, ticket.customer_user_id.as_deref()).await? else {
                return Err(PageError::invalid(&desk, "invalid-reply-no-customer"));
            };
            article.channel = CommunicationChannel::Email;
            article.visible_for_customer = true;
            article.from = Some(sender);
            article.to = Some(to);
            if subject_typed.is_empty() {
                article.subject = format!("RE: {}", ticket.title);
            }
        }
        _ => return Err(PageError::invalid(&desk, "invalid-article-kind")),
    }
    article.time_unit = units;
    // Checked one by one, so a refusal stands beside its own input.
    let fields = desk.state.tickets.article_field_defs().await.map_err(fail)?;
    for (name, given) in super::field_form::given_to_article(&fields, &f) {
        let beside = format!("{}-{name}", super::field_form::ARTICLE);
        let checked = desk.state.tickets.article_field_changes(vec![(name, given)]).await;
        article.dynamic_fields.extend(checked.map_err(|e| PageError::from_domain(&desk, e).beside(&beside))?);
    }
    desk.state.tickets.add_article(&desk.perms, id, article).await.map_err(fail)?;
    done(&desk, id, "toast-article-added").await
}

/// Where a reply goes: the customer user's address, or — as OTRS allows for senders
/// not in the customer database — the customer user id itself when it is an address.
async fn reply_address(desk: &Desk, customer_user: Option<&str>) -> Result<Option<String>, PageError> {
    let Some(login) = customer_user.filter(|l| !l.trim().is_empty()) else {
        return Ok(None);
    };
    let known = desk.state.customers.user(login).await.map_err(|e| PageError::from_domain(desk, e))?;
    Ok(match known {
        Some(c) if !c.email.is_empty() => Some(c.mailbox()),
        Some(_) => None,
        None => login.contains('@').then(|| login.to_string()),
    })
}

#[derive(Deserialize)]
pub struct StateForm {
    state: String,
    #[serde(default)]
    pending_until: String,
}

#[handler]
pub async fn set_state(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<StateForm>) -> Result<Response, PageError> {
    let state_id = id_of(&desk, &f.state, "state")?;
    let pending_until = parse_pending(&f.pending_until)
        .map_err(|_| PageError::invalid(&desk, "invalid-pending-time").beside("pending_until"))?;
    change(&desk, id, vec![TicketChange::State { state_id, pending_until }], "toast-state-set").await
}

#[derive(Deserialize)]
pub struct PriorityForm {
    priority: String,
}

#[handler]
pub async fn set_priority(
    desk: Desk,
    Path(id): Path<TicketId>,
    Form(f): Form<PriorityForm>,
) -> Result<Response, PageError> {
    let priority = id_of(&desk, &f.priority, "priority")?;
    change(&desk, id, vec![TicketChange::Priority(priority)], "toast-priority-set").await
}

#[derive(Deserialize)]
pub struct ServiceForm {
    service: String,
    /// The service the form was shown with: the SLAs it offered are that service's.
    service_was: String,
    sla: String,
}

/// Sets the ticket's service and SLA. The form's SLAs are those of the service it was
/// shown with, so when the agent changed the service, only the service is set (an SLA
/// the new service is not offered with goes) and the re-rendered form offers its SLAs.
#[handler]
pub async fn set_service(
    desk: Desk,
    Path(id): Path<TicketId>,
    Form(f): Form<ServiceForm>,
) -> Result<Response, PageError> {
    let chosen = |raw: &str, field| match raw.trim() {
        "" => Ok(None),
        _ => id_of(&desk, raw, field).map(Some),
    };
    let service = chosen(&f.service, "service")?;
    let mut changes = vec![TicketChange::Service(service)];
    if f.service.trim() == f.service_was.trim() {
        changes.push(TicketChange::Sla(chosen(&f.sla, "sla")?));
    }
    change(&desk, id, changes, "toast-service-set").await
}

#[derive(Deserialize)]
pub struct QueueForm {
    queue: String,
}

#[handler]
pub async fn move_queue(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<QueueForm>) -> Result<Response, PageError> {
    let queue = id_of(&desk, &f.queue, "queue")?;
    change(&desk, id, vec![TicketChange::Queue(queue)], "toast-moved").await
}

#[derive(Deserialize)]
pub struct OwnerForm {
    owner: String,
}

#[handler]
pub async fn set_owner(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<OwnerForm>) -> Result<Response, PageError> {
    let owner = id_of(&desk, &f.owner, "owner")?;
    change(&desk, id, vec![TicketChange::Owner(owner)], "toast-owner-set").await
}

#[derive(Deserialize)]
pub struct ResponsibleForm {
    responsible: String,
}

#[handler]
pub async fn set_responsible(
    desk: Desk,
    Path(id): Path<TicketId>,
    Form(f): Form<ResponsibleForm>,
) -> Result<Response, PageError> {
    let responsible = id_of(&desk, &f.responsible, "responsible")?;
    change(&desk, id, vec![TicketChange::Responsible(responsible)], "toast-responsible-set").await
}

#[derive(Deserialize)]
pub struct LockForm {
    lock: String,
}

#[handler]
pub async fn set_lock(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<LockForm>) -> Result<Response, PageError> {
    let (lock, toast) = match f.lock.as_str() {
        "lock" => (Lock::Lock, "toast-locked"),
        "unlock" => (Lock::Unlock, "toast-unlocked"),
        _ => return Err(PageError::invalid(&desk, "invalid-lock")),
    };
    change(&desk, id, vec![TicketChange::Lock(lock)], toast).await
}

#[derive(Deserialize)]
pub struct WatchForm {
    watch: String,
}

#[handler]
pub async fn set_watch(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<WatchForm>) -> Result<Response, PageError> {
    let watching = f.watch == "1";
    desk.state.tickets.set_watching(&desk.perms, id, watching).await.map_err(|e| PageError::from_domain(&desk, e))?;
    done(&desk, id, if watching { "toast-watching" } else { "toast-unwatched" }).await
}

#[derive(Deserialize)]
pub struct MergeForm {
    target: String,
}

/// Merges this ticket into the one with the given number; the agent lands on the target.
#[handler]
pub async fn merge(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<MergeForm>) -> Result<Response, PageError> {
    let target = ticket_by_number(&desk, &f.target, "invalid-merge-target", "target").await?;
    desk.state.tickets.merge(&desk.perms, id, target).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(with_flash(zoom::go_to(&desk, target), &desk.tr().t("toast-merged")))
}

#[derive(Deserialize)]
pub struct LinkForm {
    target: String,
    kind: String,
}

/// Links this ticket to the one with the given number.
#[handler]
pub async fn link(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<LinkForm>) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let kind = LinkKind::from_key(&f.kind).ok_or_else(|| PageError::invalid(&desk, "invalid-link-kind"))?;
    let target = ticket_by_number(&desk, &f.target, "invalid-link-target", "target").await?;
    desk.state.tickets.link(&desk.perms, id, target, kind).await.map_err(fail)?;
    done(&desk, id, "toast-linked").await
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    other: String,
    kind: String,
}

#[handler]
pub async fn unlink(desk: Desk, Path(id): Path<TicketId>, Form(f): Form<UnlinkForm>) -> Result<Response, PageError> {
    let kind = LinkKind::from_key(&f.kind).ok_or_else(|| PageError::invalid(&desk, "invalid-link-kind"))?;
    let other: TicketId =
        f.other.trim().parse().map_err(|_| PageError::invalid(&desk, "invalid-link-target").beside("other"))?;
    desk.state.tickets.unlink(&desk.perms, id, other, kind).await.map_err(|e| PageError::from_domain(&desk, e))?;
    done(&desk, id, "toast-unlinked").await
}

/// The zoom's fields form: every editable field as submitted; those whose value changed
/// are written in one edit, with OTRS's history rows.
#[handler]
pub async fn set_fields(desk: Desk, Path(id): Path<TicketId>, body: String) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let tickets = &desk.state.tickets;
    let defs = tickets.ticket_field_defs().await.map_err(fail)?;
    let form = super::form_text::FormText::parse(&body);
    let checked = tickets
        .dynamic_field_changes(super::field_form::submitted(super::field_form::TICKET, &defs, &form))
        .await
        .map_err(|e| PageError::from_domain(&desk, e).beside("fields"))?;
    let current = tickets.get(&desk.perms, id, false).await.map_err(fail)?.dynamic_fields.unwrap_or_default();
    let changed: Vec<_> = checked
        .into_iter()
        .filter(|c| current.iter().find(|v| v.field_id == c.field.id).map(|v| &v.value) != c.value.as_ref())
        .collect();
    if !changed.is_empty() {
        tickets.change_with_fields(&desk.perms, id, Vec::new(), changed, Precondition::None).await.map_err(fail)?;
    }
    done(&desk, id, "toast-fields-saved").await
}
