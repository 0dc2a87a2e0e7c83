//! A customer's tickets: the list of their own and their company's, one ticket with the
//! articles meant for them, answering it, and opening a new one.

use askama::Template;
use goats_core::model::*;
use goats_core::search::{SearchQuery, Snippet};
use goats_core::tickets::CustomerWords;
use poem::http::StatusCode;
use poem::web::{Path, Query};
use poem::{Body, Request, Response, handler};
use serde::Deserialize;

use super::super::form_text::{self, FormText, Unreadable};
use super::super::format::{Stamp, size, state_class, when};
use super::super::login::redirect;
use super::super::page::{Chrome, Nav, PageError, html, html_status, with_flash};
use super::super::zoom::content_disposition;
use super::Visit;

const PER_PAGE: u64 = 25;

/// Which of the customer's tickets the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Open,
    Closed,
    All,
}

impl Shown {
    const ALL: [Shown; 3] = [Shown::Open, Shown::Closed, Shown::All];

    fn key(self) -> &'static str {
        match self {
            Shown::Open => "open",
            Shown::Closed => "closed",
            Shown::All => "all",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Shown::Open => "portal-filter-open",
            Shown::Closed => "portal-filter-closed",
            Shown::All => "portal-filter-all",
        }
    }

    fn state_types(self) -> Vec<StateType> {
        match self {
            Shown::Open => vec![StateType::New, StateType::Open, StateType::PendingReminder, StateType::PendingAuto],
            Shown::Closed => vec![StateType::Closed],
            Shown::All => Vec::new(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    state: Option<String>,
    /// `mine` (opened for me) or `company` (my company's); both when absent.
    whose: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
}

pub struct Row {
    id: TicketId,
    number: String,
    title: String,
    state: String,
    state_class: &'static str,
    changed: Stamp,
    /// Where a search's words stand in what the customer was shown.
    passage: Option<Snippet>,
}

/// A link of the filter bar: its label, where it goes, whether it is the current one.
pub struct Tab {
    label: String,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "pages/portal_tickets.html")]
struct ListPage {
    c: Chrome,
    tabs: Vec<Tab>,
    whose: Vec<Tab>,
    q: String,
    state: &'static str,
    whose_key: String,
    sort: &'static str,
    rows: Vec<Row>,
    total: u64,
    /// A search counted only so far: "more than `total`".
    total_capped: bool,
    prev: Option<String>,
    next: Option<String>,
}

/// The list's address with one thing changed.
fn list_href(state: &str, whose: &str, q: &str, sort: &str, page: u64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("state", state);
    if !whose.is_empty() {
        query.append_pair("whose", whose);
    }
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    query.append_pair("sort", sort);
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    format!("{}?{}", super::login::HOME, query.finish())
}

#[handler]
pub async fn list(visit: Visit, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let tr = visit.tr();
    let shown = Shown::ALL.into_iter().find(|s| Some(s.key()) == q.state.as_deref()).unwrap_or(Shown::Open);
    let whose = ["mine", "company"].into_iter().find(|w| q.whose.as_deref() == Some(*w)).unwrap_or("");
    let words = q.q.as_deref().map(str::trim).unwrap_or_default().to_string();
    let (sort, order) = match q.sort.as_deref() {
        Some("oldest") => ("oldest", TicketSort { field: TicketSortField::Created, direction: SortDirection::Asc }),
        Some("changed") => ("changed", TicketSort { field: TicketSortField::Changed, direction: SortDirection::Desc }),
        _ => ("newest", TicketSort { field: TicketSortField::Created, direction: SortDirection::Desc }),
    };
    let search = SearchQuery::parse(&words).map_err(|e| visit.failed(e))?;
    let (login, company) = visit.scope();
    let mut filter = TicketFilter {
        state_types: shown.state_types(),
        text: Some(search.clone()).filter(|q| !q.is_empty()),
        ..TicketFilter::default()
    };
    match whose {
        "mine" => filter.customer_user_ids = vec![login.to_string()],
        "company" => filter.customer_ids = vec![company.to_string()],
        _ => {}
    }
    let page_no = q.page.unwrap_or(1).max(1);
    let page = visit
        .state
        .tickets
        .list_for_customer(login, company, filter, order, PageRequest::new(page_no, PER_PAGE))
        .await
        .map_err(|e| visit.failed(e))?;
    let mut passages = match search.is_empty() {
        true => Default::default(),
        false => visit
            .state
            .tickets
            .search_passages_for_customer(login, company, &page.items, &search)
            .await
            .map_err(|e| visit.failed(e))?,
    };
    let full = page.items.len() as u64 == PER_PAGE;
    let rows = page
        .items
        .into_iter()
        .map(|t| Row {
            passage: passages.remove(&t.id),
            id: t.id,
            number: t.number,
            title: t.title,
            state: t.state,
            state_class: state_class(t.state_type),
            changed: when(t.changed),
        })
        .collect();
    let tabs = Shown::ALL
        .into_iter()
        .map(|s| Tab {
            label: tr.t(s.label_key()),
            href: list_href(s.key(), whose, &words, sort, 1),
            current: s == shown,
        })
        .collect();
    let whose_tabs = [("", "portal-whose-both"), ("mine", "portal-whose-mine"), ("company", "portal-whose-company")]
        .into_iter()
        .map(|(key, label)| Tab {
            label: tr.t(label),
            href: list_href(shown.key(), key, &words, sort, 1),
            current: key == whose,
        })
        .collect();
    let last_page = page.total.div_ceil(PER_PAGE).max(1);
    let at = |n: u64| list_href(shown.key(), whose, &words, sort, n);
    let c = visit.chrome(Nav::MyTickets, tr.t("portal-tickets-title"));
    Ok(html(&ListPage {
        c,
        tabs,
        whose: whose_tabs,
        q: words.clone(),
        state: shown.key(),
        whose_key: whose.to_string(),
        sort,
        rows,
        total: page.total,
        total_capped: page.total_capped,
        prev: (page_no > 1).then(|| at(page_no - 1)),
        // Past a capped count, a full page may well have a next one.
        next: (page_no < last_page || page.total_capped && full).then(|| at(page_no + 1)),
    }))
}

pub struct ArticleView {
    id: ArticleId,
    /// "You" for the customer's own words, else who wrote it as the customer sees it.
    from: String,
    subject: String,
    /// Plain text (escaped by the template) or sanitised HTML.
    body: String,
    is_html: bool,
    created: Stamp,
    /// (id, file name, size for people)
    attachments: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "pages/portal_ticket.html")]
struct TicketPage {
    c: Chrome,
    t: Ticket,
    state_class: &'static str,
    created: Stamp,
    articles: Vec<ArticleView>,
    may_answer: bool,
    may_close: bool,
    /// Why the answer was refused, beside its text.
    error: Option<String>,
    /// Why closing was refused, beside its button.
    close_error: Option<String>,
}

/// Which of the ticket page's forms was refused, and why.
enum Refused {
    Reply(String),
    Close(String),
}

#[handler]
pub async fn show(visit: Visit, Path(id): Path<TicketId>) -> Result<Response, PageError> {
    ticket_page(&visit, id, None, StatusCode::OK).await
}

async fn ticket_page(
    visit: &Visit,
    id: TicketId,
    refused: Option<Refused>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (login, company) = visit.scope();
    let tickets = &visit.state.tickets;
    let mut ticket = tickets.get_for_customer(login, company, id).await.map_err(|e| visit.failed(e))?;
    let may_answer = tickets.customer_may_answer(&ticket).await.map_err(|e| visit.failed(e))?;
    let may_close = tickets.customer_may_close(&ticket).await.map_err(|e| visit.failed(e))?;
    let tr = visit.tr();
    let articles = ticket
        .articles
        .take()
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let is_html = a.content_type.to_ascii_lowercase().starts_with("text/html");
            let from = match a.sender_type {
                SenderType::Customer => tr.t("portal-from-you"),
                _ => a.from.as_deref().map(display_name).unwrap_or_else(|| tr.t("portal-from-support")),
            };
            ArticleView {
                id: a.id,
                from,
                subject: a.subject.unwrap_or_default(),
                body: if is_html { ammonia::clean(&a.body) } else { a.body },
                is_html,
                created: when(a.created),
                attachments: a.attachments.iter().map(|f| (f.id, f.filename.clone(), size(tr, f.size))).collect(),
            }
        })
        .collect();
    let title = format!("{} · {}", ticket.number, ticket.title);
    let page = TicketPage {
        c: visit.chrome(Nav::MyTickets, title),
        state_class: state_class(ticket.state_type),
        created: when(ticket.created),
        t: ticket,
        articles,
        may_answer,
        may_close,
        error: match &refused {
            Some(Refused::Reply(why)) => Some(why.clone()),
            _ => None,
        },
        close_error: match refused {
            Some(Refused::Close(why)) => Some(why),
            _ => None,
        },
    };
    Ok(html_status(&page, status))
}

/// The name in `Name <address>`, or the address when there is no name: agents' own
/// addresses are not the customer's business.
fn display_name(mailbox: &str) -> String {
    match mailbox.split_once('<') {
        Some((name, _)) if !name.trim().is_empty() => name.trim().trim_matches('"').to_string(),
        _ => mailbox.trim().to_string(),
    }
}

/// The portal's forms with files: their text and the attached files.
async fn read_form(visit: &Visit, req: &Request, body: Body) -> Result<(FormText, Vec<NewAttachment>), PageError> {
    let limit = visit.state.tickets.max_attachment_bytes().saturating_mul(4).saturating_add(1024 * 1024);
    form_text::with_files(req, body, "attachments", limit).await.map_err(|e| match e {
        Unreadable::TooLarge => visit.error(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large"),
        Unreadable::Malformed => visit.invalid("invalid-form"),
    })
}

/// The customer answers their ticket; a closed one opens again where its queue allows.
#[handler]
pub async fn reply(visit: Visit, Path(id): Path<TicketId>, req: &Request, body: Body) -> Result<Response, PageError> {
    let (form, attachments) = read_form(&visit, req, body).await?;
    let text = form.raw("body");
    if text.trim().is_empty() {
        let message = visit.tr().t("portal-error-body");
        return ticket_page(&visit, id, Some(Refused::Reply(message)), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (login, company) = visit.scope();
    let ticket = visit.state.tickets.get_for_customer(login, company, id).await.map_err(|e| visit.failed(e))?;
    let subject = format!("RE: {}", ticket.title);
    let words = CustomerWords { subject, body: text, attachments };
    match visit.state.tickets.customer_follow_up(&visit.customer, id, words).await {
        Ok(_) => Ok(with_flash(redirect(&ticket_href(id)), &visit.tr().t("portal-replied"))),
        Err(goats_core::DomainError::Invalid { reason, .. }) => {
            ticket_page(&visit, id, Some(Refused::Reply(reason)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(visit.failed(e)),
    }
}

/// The customer closes their ticket where its queue allows it.
#[handler]
pub async fn close(visit: Visit, Path(id): Path<TicketId>) -> Result<Response, PageError> {
    match visit.state.tickets.close_for_customer(&visit.customer, id).await {
        Ok(_) => Ok(with_flash(redirect(&ticket_href(id)), &visit.tr().t("portal-closed"))),
        Err(goats_core::DomainError::Invalid { .. }) => {
            let message = visit.tr().t("portal-error-close");
            ticket_page(&visit, id, Some(Refused::Close(message)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(visit.failed(e)),
    }
}

fn ticket_href(id: TicketId) -> String {
    format!("{}/tickets/{id}", super::login::HOME)
}

/// An attachment of an article shown to the customer, as a download.
#[handler]
pub async fn attachment(visit: Visit, Path((id, attachment_id)): Path<(TicketId, i64)>) -> Result<Response, PageError> {
    let (login, company) = visit.scope();
    let (meta, bytes) = visit
        .state
        .tickets
        .attachment_for_customer(login, company, id, attachment_id)
        .await
        .map_err(|e| visit.failed(e))?;
    Ok(Response::builder()
        .content_type(meta.content_type)
        .header("content-disposition", content_disposition(&meta.filename))
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store")
        .body(bytes))
}

#[derive(Template)]
#[template(path = "pages/portal_new_ticket.html")]
struct NewTicketPage {
    c: Chrome,
    /// (id, name)
    queues: Vec<(QueueId, String)>,
    queue: String,
    /// The services the customer may have (none shown when there are none).
    services: Vec<(ServiceId, String)>,
    service: String,
    subject: String,
    body: String,
    /// The field at fault and what is wrong with it.
    error: Option<(&'static str, String)>,
}

impl NewTicketPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// The queues a customer may open a ticket in: every valid one an admin left open to
/// customers (OTRS's default, with customer groups off, is all), by name.
async fn queues(visit: &Visit) -> Result<Vec<(QueueId, String)>, PageError> {
    let mut all = visit.state.lookups.queues().await.map_err(|e| visit.failed(e))?;
    all.retain(|q| q.valid && q.customer_selectable);
    all.sort_by_key(|q| q.name.to_lowercase());
    Ok(all.into_iter().map(|q| (q.id, q.name)).collect())
}

/// The services the customer may have on a ticket: theirs, else the default ones.
async fn services(visit: &Visit) -> Result<Vec<(ServiceId, String)>, PageError> {
    let offered = visit.state.tickets.service_choices(Some(&visit.customer.login)).await;
    Ok(offered.map_err(|e| visit.failed(e))?.services.into_iter().map(|s| (s.id, s.name)).collect())
}

#[handler]
pub async fn new_form(visit: Visit) -> Result<Response, PageError> {
    let queues = queues(&visit).await?;
    let services = services(&visit).await?;
    let c = visit.chrome(Nav::PortalNewTicket, visit.tr().t("portal-new-title"));
    Ok(html(&NewTicketPage {
        c,
        queues,
        queue: String::new(),
        services,
        service: String::new(),
        subject: String::new(),
        body: String::new(),
        error: None,
    }))
}

#[handler]
pub async fn create(visit: Visit, req: &Request, body: Body) -> Result<Response, PageError> {
    let (form, attachments) = read_form(&visit, req, body).await?;
    let tr = visit.tr();
    let queues = queues(&visit).await?;
    let services = services(&visit).await?;
    let (queue, subject, text) = (form.get("queue"), form.get("subject"), form.raw("body"));
    let chosen = queue.parse::<QueueId>().ok().filter(|id| queues.iter().any(|(q, _)| q == id));
    let service = form.get("service");
    let service_id = service.parse::<ServiceId>().ok().filter(|id| services.iter().any(|(s, _)| s == id));
    let error = if chosen.is_none() {
        Some(("queue", tr.t("portal-error-queue")))
    } else if !service.is_empty() && service_id.is_none() {
        Some(("service", tr.t("portal-error-service")))
    } else if subject.is_empty() {
        Some(("subject", tr.t("portal-error-subject")))
    } else if text.trim().is_empty() {
        Some(("body", tr.t("portal-error-body")))
    } else {
        None
    };
    let refused = |error: (&'static str, String)| {
        let c = visit.chrome(Nav::PortalNewTicket, tr.t("portal-new-title"));
        let page = NewTicketPage {
            c,
            queues: queues.clone(),
            queue: queue.clone(),
            services: services.clone(),
            service: service.clone(),
            subject: subject.clone(),
            body: text.clone(),
            error: Some(error),
        };
        let mut resp = html(&page);
        resp.set_status(StatusCode::UNPROCESSABLE_ENTITY);
        resp
    };
    if let Some(error) = error {
        return Ok(refused(error));
    }
    let Some(queue_id) = chosen else { return Ok(refused(("queue", tr.t("portal-error-queue")))) };
    let words = CustomerWords { subject: subject.clone(), body: text.clone(), attachments };
    match visit.state.tickets.create_for_customer(&visit.customer, queue_id, service_id, subject.clone(), words).await {
        Ok(ticket) => {
            let message = tr.v("portal-created", &ticket.number);
            Ok(with_flash(redirect(&ticket_href(ticket.id)), &message))
        }
        Err(goats_core::DomainError::Invalid { field, reason }) => {
            let field = match field {
                "title" | "subject" => "subject",
                "queue" => "queue",
                "service" => "service",
                "attachments" => "attachments",
                _ => "body",
            };
            Ok(refused((field, reason)))
        }
        Err(e) => Err(visit.failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn a_sender_shows_by_name() {
        assert_eq!(display_name("Grace Hopper <grace@example.com>"), "Grace Hopper");
        assert_eq!(display_name("\"Support\" <support@example.com>"), "Support");
        assert_eq!(display_name("<support@example.com>"), "<support@example.com>");
        assert_eq!(display_name("support@example.com"), "support@example.com");
    }
}
