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
}

#[derive(Template)]
#[template(path = "partials/customer_options.html")]
struct CustomerOptions {
    options: Vec<Choice>,
}

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

#[handler]
pub async fn form(desk: Desk, Query(q): Query<KindQuery>) -> Result<Response, PageError> {
    let kind = Kind::parse(&q.kind);
    let queues = choices::queues(&desk, Permission::Create, None).await?;
    let states = choices::states(&desk, true).await?;
    let priorities = choices::priorities(&desk).await?;
    let title = desk.tr().t(if kind == Kind::Email { "new-email-title" } else { "new-phone-title" });
    Ok(html(&NewTicketPage { c: Chrome::for_desk(&desk, Nav::NewTicket, title), kind, queues, states, priorities }))
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
    let new = NewTicket {
        title: f.title,
        queue_id: number(&f.queue, "queue")?,
        state_id: if f.state.trim().is_empty() { 1 } else { number(&f.state, "state")? },
        priority_id: if f.priority.trim().is_empty() { 3 } else { number(&f.priority, "priority")? },
        type_id: None,
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
