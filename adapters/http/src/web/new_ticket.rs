//! Opening a ticket from the agent's desk: a phone call taken (the customer wrote
//! nothing; the agent notes what was said) or an email sent out to a customer. The
//! customer field suggests customer users as the agent types.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::*;
use goats_core::permission::Permission;
use poem::web::{Form, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::choices::{self, Choice};
use super::desk::Desk;
use super::format::parse_pending;
use super::page::{Chrome, Nav, PageError, html, with_flash};
use super::zoom;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Phone,
    Email,
}

impl Kind {
    fn parse(s: &str) -> Self {
        if s == "email" { Kind::Email } else { Kind::Phone }
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::Phone => "phone",
            Kind::Email => "email",
        }
    }
}

#[derive(Template)]
#[template(path = "pages/new_ticket.html")]
struct NewTicketPage {
    c: Chrome,
    kind: Kind,
    queues: Vec<Choice>,
    states: Vec<Choice>,
    priorities: Vec<Choice>,
    types: Vec<Choice>,
    /// Whether there are services to choose: which, the customer typed decides.
    services: bool,
    /// The values preselected: the admin's defaults, as form values ("" for none).
    chosen: Chosen,
}

struct Chosen {
    queue: String,
    state: String,
    priority: String,
    type_id: String,
}

#[derive(Template)]
#[template(path = "partials/customer_options.html")]
struct CustomerOptions {
    options: Vec<Choice>,
}

/// A select's options: the services of the customer typed, or the SLAs of the service
/// chosen, swapped in by HTMX when that changes.
#[derive(Template)]
#[template(path = "partials/choice_options.html")]
struct ChoiceOptions {
    none: String,
    options: Vec<Choice>,
}

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

#[handler]
pub async fn form(desk: Desk, Query(q): Query<KindQuery>) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let kind = Kind::parse(&q.kind);
    let queues = choices::queues(&desk, Permission::Create, None).await?;
    let states = choices::states(&desk, true).await?;
    let priorities = choices::priorities(&desk).await?;
    let types = choices::types(&desk).await?;
    let services = !desk.state.tickets.service_choices(None).await.map_err(fail)?.services.is_empty();
    let d = desk.state.tickets.defaults().await.map_err(fail)?;
    // A default queue the agent may not open tickets in is not preselected.
    let queue = d.queue_id.map(|q| q.to_string()).filter(|q| queues.iter().any(|c| &c.value == q)).unwrap_or_default();
    let chosen = Chosen {
        queue,
        state: d.state_id.to_string(),
        priority: d.priority_id.to_string(),
        type_id: d.type_id.to_string(),
    };
    let title = desk.tr().t(if kind == Kind::Email { "new-email-title" } else { "new-phone-title" });
    let c = Chrome::for_desk(&desk, Nav::NewTicket, title);
    Ok(html(&NewTicketPage { c, kind, queues, states, priorities, types, services, chosen }))
}

#[derive(Deserialize)]
pub struct ServiceQuery {
    #[serde(default)]
    service: String,
}

#[handler]
pub async fn sla_options(desk: Desk, Query(q): Query<ServiceQuery>) -> Result<Response, PageError> {
    let options = match q.service.trim().parse::<i32>() {
        Ok(service) => {
            let offered =
                desk.state.tickets.service_choices(None).await.map_err(|e| PageError::from_domain(&desk, e))?;
            offered.slas_for(service).map(|s| Choice { value: s.id.to_string(), label: s.name.clone() }).collect()
        }
        Err(_) => Vec::new(),
    };
    Ok(html(&ChoiceOptions { none: desk.tr().t("choice-none"), options }))
}

/// The services the customer typed may have (none until one is typed, as in OTRS).
#[handler]
pub async fn service_options(desk: Desk, Query(q): Query<SearchQuery>) -> Result<Response, PageError> {
    let login = q.customer.trim();
    let options = if login.is_empty() {
        Vec::new()
    } else {
        let offered =
            desk.state.tickets.service_choices(Some(login)).await.map_err(|e| PageError::from_domain(&desk, e))?;
        offered.services.iter().map(|s| Choice { value: s.id.to_string(), label: s.name.clone() }).collect()
    };
    Ok(html(&ChoiceOptions { none: desk.tr().t("choice-none"), options }))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    customer: String,
}

/// Suggestions for the customer field: a `<datalist>`'s options, swapped in by HTMX.
#[handler]
pub async fn customer_options(desk: Desk, Query(q): Query<SearchQuery>) -> Result<Response, PageError> {
    let term = q.customer.trim();
    let options = if term.chars().count() < 2 {
        Vec::new()
    } else {
        desk.state
            .customers
            .search_users(term, 10)
            .await
            .map_err(|e| PageError::from_domain(&desk, e))?
            .into_iter()
            .filter(|c| c.valid)
            .map(|c| Choice { label: c.mailbox(), value: c.login })
            .collect()
    };
    Ok(html(&CustomerOptions { options }))
}

#[derive(Deserialize)]
pub struct NewTicketForm {
    kind: String,
    customer: String,
    title: String,
    body: String,
    queue: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    state: String,
    #[serde(default, rename = "type")]
    type_id: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    sla: String,
    #[serde(default)]
    pending_until: String,
}

#[handler]
pub async fn create(desk: Desk, Form(f): Form<NewTicketForm>) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let kind = Kind::parse(&f.kind);
    let number = |raw: &str, field: &'static str| -> Result<i32, PageError> {
        raw.trim().parse().map_err(|_| fail(DomainError::invalid(field, "choose a value from the list")))
    };
    let login = f.customer.trim().to_string();
    if login.is_empty() {
        return Err(PageError::invalid(&desk, "invalid-customer").beside("customer"));
    }
    // A known customer user brings their company and address; otherwise, as in OTRS, an
    // address alone will do.
    let known = desk.state.customers.user(&login).await.map_err(fail)?;
    let (customer_id, address) = match &known {
        Some(c) => (Some(c.customer_id.clone()), c.mailbox()),
        None if login.contains('@') => (None, login.clone()),
        None => return Err(PageError::invalid(&desk, "invalid-customer").beside("customer")),
    };
    let pending_until = parse_pending(&f.pending_until)
        .map_err(|_| PageError::invalid(&desk, "invalid-pending-time").beside("pending_until"))?;
    let agent = desk.agent.mailbox();
    let mut article = NewArticle::note(f.title.trim(), f.body);
    article.visible_for_customer = true;
    match kind {
        Kind::Phone => {
            article.channel = CommunicationChannel::Phone;
            article.sender_type = SenderType::Customer;
            article.from = Some(address);
        }
        Kind::Email => {
            article.channel = CommunicationChannel::Email;
            article.from = Some(agent);
            article.to = Some(address);
        }
    }
    let d = desk.state.tickets.defaults().await.map_err(fail)?;
    // A field left blank is none, or the admin's default where there is one.
    let optional = |raw: &str, field: &'static str| -> Result<Option<i32>, PageError> {
        if raw.trim().is_empty() { Ok(None) } else { number(raw, field).map(Some) }
    };
    let new = NewTicket {
        title: f.title,
        queue_id: number(&f.queue, "queue")?,
        state_id: optional(&f.state, "state")?.unwrap_or(d.state_id),
        priority_id: optional(&f.priority, "priority")?.unwrap_or(d.priority_id),
        type_id: Some(optional(&f.type_id, "type")?.unwrap_or(d.type_id)),
        service_id: optional(&f.service, "service")?,
        sla_id: optional(&f.sla, "sla")?,
        owner_id: desk.agent.id,
        responsible_id: None,
        customer_id,
        customer_user_id: Some(login),
        pending_until,
        article,
    };
    let ticket = desk.state.tickets.create(&desk.perms, new).await.map_err(fail)?;
    let message = desk.tr().v("toast-created", &ticket.number);
    Ok(with_flash(zoom::go_to(&desk, ticket.id), &message))
}
