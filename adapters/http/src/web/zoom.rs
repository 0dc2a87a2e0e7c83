//! The ticket zoom: the ticket's facts, its articles as a thread, its history, and the
//! actions the agent may take on it.

use std::collections::HashMap;

use askama::Template;
use chrono::Utc;
use goats_core::model::*;
use goats_core::permission::Permission;
use goats_core::ports::DeliveryState;
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Request, Response, handler};

use super::choices::{self, Choice};
use super::colours::Colours;
use super::desk::Desk;
use super::format::{Stamp, age, size, state_class, when};
use super::page::{Chrome, Nav, PageError, html};

pub struct ArticleView {
    pub id: ArticleId,
    /// Not seen by the agent before this page showed it.
    pub new: bool,
    pub internal: bool,
    pub sender: &'static str,
    pub channel: &'static str,
    pub author: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    /// Plain text (escaped by the template) or sanitised HTML.
    pub body: String,
    pub is_html: bool,
    pub message_id: String,
    pub created: Stamp,
    /// (id, file name, size for people)
    pub attachments: Vec<(i64, String, String)>,
    /// For mail that leaves: where it is (a message key) and the server's last words.
    pub delivery: Option<(&'static str, String)>,
    /// Whether the message it was made of can be downloaded.
    pub has_source: bool,
    /// The article fields with a value: (name, label, value as read).
    pub fields: Vec<(String, String, String)>,
}

/// A field's value as an agent reads it: (name, label, value).
fn field_shown(desk: &Desk, f: &DynamicFieldValue) -> (String, String, String) {
    let shown = match (&f.field_type, &f.value) {
        (FieldType::Checkbox, FieldValue::Int(1)) => desk.tr().t("checkbox-ticked"),
        (FieldType::Checkbox, FieldValue::Int(_)) => desk.tr().t("checkbox-not-ticked"),
        _ => f.display(),
    };
    (f.name.clone(), f.label.clone(), shown)
}

/// Which actions the agent may take, by the permissions OTRS would check.
pub struct Can {
    pub note: bool,
    pub rw: bool,
    pub priority: bool,
    pub owner: bool,
    pub move_to: bool,
}

/// One deadline of the ticket's escalation: which clock, when, and whether it passed.
pub struct DeadlineView {
    pub label: &'static str,
    pub due: Stamp,
    pub overdue: bool,
}

pub struct LinkView {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub state: String,
    pub kind: &'static str,
    /// The form value of the kind, for unlinking.
    pub kind_key: &'static str,
}

pub struct TicketView {
    pub t: Ticket,
    /// The queue's answer templates, for replies.
    pub templates: Vec<Choice>,
    pub links: Vec<LinkView>,
    pub owner: String,
    pub responsible: String,
    pub age: String,
    pub created: Stamp,
    pub pending_until: Option<Stamp>,
    /// The running escalation deadlines, soonest first.
    pub deadlines: Vec<DeadlineView>,
    pub state_class: &'static str,
    pub state_colour: Option<Colour>,
    pub priority_colour: Option<Colour>,
    pub locked: bool,
    pub watching: bool,
    pub accounted: f64,
    /// The dynamic fields with a value: (name, label, value as read).
    pub fields: Vec<(String, String, String)>,
    /// The site's fields to set, for an agent who may change the ticket.
    pub field_inputs: Vec<super::field_form::FieldInput>,
    /// The article fields a new article may be given, empty.
    pub article_field_inputs: Vec<super::field_form::FieldInput>,
    pub articles: Vec<ArticleView>,
    pub can: Can,
    pub move_queues: Vec<Choice>,
    pub states: Vec<Choice>,
    pub priorities: Vec<Choice>,
    pub agents: Vec<Choice>,
    /// The services to choose from, and the SLAs offered for the ticket's service;
    /// empty for an agent who may not change the ticket.
    pub services: Vec<Choice>,
    pub slas: Vec<Choice>,
    /// The form values of the ticket's service and SLA ("" for none).
    pub service_chosen: String,
    pub sla_chosen: String,
}

#[derive(Template)]
#[template(path = "pages/ticket.html")]
struct ZoomPage {
    c: Chrome,
    v: TicketPart,
}

/// The part of the zoom every action re-renders.
#[derive(Template)]
#[template(path = "partials/ticket.html")]
pub struct TicketPart {
    c: Chrome,
    v: TicketView,
}

#[derive(Template)]
#[template(path = "partials/history.html")]
struct HistoryPart {
    c: Chrome,
    rows: Vec<(Stamp, String, String, String)>,
}

#[handler]
pub async fn page(desk: Desk, Path(id): Path<TicketId>, req: &Request) -> Result<Response, PageError> {
    // The live stream's refresh asks for the ticket alone (its target is `#ticket`);
    // any other request, HTMX navigation included, gets the page.
    if desk.htmx && req.header("hx-target") == Some("ticket") {
        return part(&desk, id).await;
    }
    let v = view(&desk, id).await?;
    let title = format!("#{} {}", v.t.number, v.t.title);
    let part = TicketPart { c: Chrome::for_desk(&desk, Nav::Tickets, title.clone()), v };
    Ok(html(&ZoomPage { c: Chrome::for_desk(&desk, Nav::Tickets, title), v: part }))
}

/// The ticket part alone, as actions answer HTMX with it.
pub async fn part(desk: &Desk, id: TicketId) -> Result<Response, PageError> {
    let v = view(desk, id).await?;
    Ok(html(&TicketPart { c: Chrome::for_desk(desk, Nav::Tickets, v.t.title.clone()), v }))
}

#[handler]
pub async fn history(desk: Desk, Path(id): Path<TicketId>) -> Result<Response, PageError> {
    let records = desk.state.tickets.history(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let agents = desk.state.agents.list().await.map_err(|e| PageError::from_domain(&desk, e))?;
    let names: HashMap<UserId, String> = agents.into_iter().map(|a| (a.id, a.full_name())).collect();
    let rows = records
        .into_iter()
        .rev()
        .map(|h| (when(h.created), h.history_type, h.name, names.get(&h.created_by).cloned().unwrap_or_default()))
        .collect();
    Ok(html(&HistoryPart { c: Chrome::for_desk(&desk, Nav::Tickets, String::new()), rows }))
}

/// Navigates to a ticket: a redirect, or for HTMX a full-page navigation.
pub fn go_to(desk: &Desk, id: TicketId) -> Response {
    let to = format!("/tickets/{id}");
    if desk.htmx {
        Response::builder().header("hx-location", to).finish()
    } else {
        Response::builder().status(StatusCode::SEE_OTHER).header("location", to).finish()
    }
}

async fn view(desk: &Desk, id: TicketId) -> Result<TicketView, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let s = &desk.state;
    let zoom = s.tickets.zoom(&desk.perms, id).await.map_err(fail)?;
    let (ticket, abilities, watching, accounted) = (zoom.ticket, zoom.abilities, zoom.watching, zoom.accounted);
    let mut deliveries = zoom.deliveries;
    let new_articles = zoom.new_articles;
    let links = zoom
        .links
        .into_iter()
        .map(|l| LinkView {
            id: l.ticket.id,
            kind: match l.kind {
                LinkKind::Normal => "link-normal",
                LinkKind::ParentOf => "link-parent-of",
                LinkKind::ChildOf => "link-child-of",
            },
            kind_key: l.kind.key(),
            number: l.ticket.number,
            title: l.ticket.title,
            state: l.ticket.state,
        })
        .collect();
    let agents = s.agents.list().await.map_err(fail)?;
    let names: HashMap<UserId, String> = agents.iter().map(|a| (a.id, a.full_name())).collect();
    let name = |id: &UserId| names.get(id).cloned().unwrap_or_default();
    let move_queues = choices::queues(desk, Permission::MoveInto, Some(ticket.queue_id)).await?;
    let states = choices::states(desk, true).await?;
    let priorities = choices::priorities(desk).await?;
    let colours = Colours::of(desk).await.map_err(fail)?;
    let can = Can {
        note: abilities.contains(&Permission::Note),
        rw: abilities.contains(&Permission::Rw),
        priority: abilities.contains(&Permission::Priority),
        owner: abilities.contains(&Permission::Owner),
        move_to: abilities.contains(&Permission::Ro) && !move_queues.is_empty(),
    };
    let articles = ticket
        .articles
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let is_html = a.content_type.to_ascii_lowercase().starts_with("text/html");
            ArticleView {
                id: a.id,
                new: new_articles.contains(&a.id),
                internal: !a.visible_for_customer,
                sender: match a.sender_type {
                    SenderType::Agent => "sender-agent",
                    SenderType::System => "sender-system",
                    SenderType::Customer => "sender-customer",
                },
                channel: match a.channel {
                    CommunicationChannel::Email => "channel-email",
                    CommunicationChannel::Phone => "channel-phone",
                    CommunicationChannel::Internal => "channel-internal",
                    CommunicationChannel::Chat => "channel-chat",
                },
                author: name(&a.created_by),
                from: a.from.unwrap_or_default(),
                to: a.to.unwrap_or_default(),
                cc: a.cc.unwrap_or_default(),
                subject: a.subject.unwrap_or_default(),
                body: if is_html { ammonia::clean(&a.body) } else { a.body },
                is_html,
                message_id: a.message_id.unwrap_or_default(),
                created: when(a.created),
                attachments: a
                    .attachments
                    .iter()
                    .map(|f| (f.id, f.filename.clone(), size(desk.tr(), f.size)))
                    .collect(),
                has_source: a.has_source,
                fields: a.dynamic_fields.iter().map(|f| field_shown(desk, f)).collect(),
                delivery: deliveries.iter().position(|(id, _)| *id == a.id).map(|i| {
                    match deliveries.swap_remove(i).1 {
                        DeliveryState::Queued { last_error, .. } => ("delivery-queued", last_error.unwrap_or_default()),
                        DeliveryState::Sent => ("delivery-sent", String::new()),
                        DeliveryState::Failed { reason } => ("delivery-failed", reason),
                    }
                }),
            }
        })
        .collect();
    let templates = if can.rw {
        s.lookups
            .reply_texts(ticket.queue_id)
            .await
            .map_err(fail)?
            .templates
            .into_iter()
            .map(|t| Choice { value: t.id.to_string(), label: t.name })
            .collect()
    } else {
        Vec::new()
    };
    let field_inputs = if can.rw {
        let defs = s.tickets.ticket_field_defs().await.map_err(fail)?;
        super::field_form::inputs(super::field_form::TICKET, defs, ticket.dynamic_fields.as_deref().unwrap_or_default())
    } else {
        Vec::new()
    };
    let article_field_inputs = if can.note || can.rw {
        super::field_form::inputs(super::field_form::ARTICLE, s.tickets.article_field_defs().await.map_err(fail)?, &[])
    } else {
        Vec::new()
    };
    let (services, slas) = if can.rw { service_choices(desk, &ticket).await? } else { (Vec::new(), Vec::new()) };
    let pending = matches!(ticket.state_type, StateType::PendingReminder | StateType::PendingAuto);
    let fields = ticket.dynamic_fields.iter().flatten().map(|f| field_shown(desk, f)).collect();
    Ok(TicketView {
        owner: name(&ticket.owner_id),
        responsible: name(&ticket.responsible_id),
        age: age(desk.tr(), ticket.created, Utc::now()),
        created: when(ticket.created),
        pending_until: (pending && ticket.until_time > 0)
            .then(|| chrono::DateTime::from_timestamp(ticket.until_time, 0).map(when))
            .flatten(),
        deadlines: deadlines(&ticket),
        state_class: state_class(ticket.state_type),
        state_colour: colours.state(ticket.state_id),
        priority_colour: colours.priority(ticket.priority_id),
        locked: ticket.lock == Lock::Lock,
        watching,
        links,
        templates,
        accounted,
        fields,
        field_inputs,
        article_field_inputs,
        articles,
        can,
        move_queues,
        states,
        priorities,
        agents: choices::agents_with_absence(desk, &agents).await?,
        services,
        slas,
        service_chosen: ticket.service_id.map(|i| i.to_string()).unwrap_or_default(),
        sla_chosen: ticket.sla_id.map(|i| i.to_string()).unwrap_or_default(),
        t: ticket,
    })
}

/// The services the ticket's customer may have, and the SLAs offered for the ticket's
/// service (the ticket's own first, should it no longer be among them).
async fn service_choices(desk: &Desk, ticket: &Ticket) -> Result<(Vec<Choice>, Vec<Choice>), PageError> {
    let customer = ticket.customer_user_id.as_deref();
    let offered = desk.state.tickets.service_choices(customer).await.map_err(|e| PageError::from_domain(desk, e))?;
    let choice = |id: i32, name: &str| Choice { value: id.to_string(), label: name.to_string() };
    let mut services: Vec<Choice> = offered.services.iter().map(|s| choice(s.id, &s.name)).collect();
    let mut slas: Vec<Choice> = match ticket.service_id {
        Some(service) => offered.slas_for(service).map(|s| choice(s.id, &s.name)).collect(),
        None => Vec::new(),
    };
    for (list, id, name) in
        [(&mut services, ticket.service_id, &ticket.service), (&mut slas, ticket.sla_id, &ticket.sla)]
    {
        if let Some(id) = id
            && !list.iter().any(|c| c.value == id.to_string())
        {
            list.insert(0, choice(id, name.as_deref().unwrap_or_default()));
        }
    }
    Ok((services, slas))
}

/// The escalation deadlines the escalation job last computed, soonest first.
fn deadlines(ticket: &Ticket) -> Vec<DeadlineView> {
    let e = ticket.escalation;
    let now = Utc::now().timestamp();
    let mut out: Vec<(i64, &'static str)> = [
        (e.response_time, "escalation-first-response"),
        (e.update_time, "escalation-update"),
        (e.solution_time, "escalation-solution"),
    ]
    .into_iter()
    .filter(|(at, _)| *at > 0)
    .collect();
    out.sort_unstable();
    out.into_iter()
        .filter_map(|(at, label)| {
            let due = chrono::DateTime::from_timestamp(at, 0)?;
            Some(DeadlineView { label, due: when(due), overdue: at <= now })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "partials/reply_body.html")]
struct ReplyBody {
    text: String,
}

#[derive(serde::Deserialize)]
pub struct ReplyQuery {
    #[serde(default)]
    template: String,
}

/// The body of a reply as OTRS starts it: the queue's salutation, the chosen answer
/// template and the queue's signature, with their `<OTRS_…>` tags filled in.
#[handler]
pub async fn reply_text(
    desk: Desk,
    Path(id): Path<TicketId>,
    poem::web::Query(q): poem::web::Query<ReplyQuery>,
) -> Result<Response, PageError> {
    use goats_core::reply_text::{ReplyContext, compose};
    let fail = |e| PageError::from_domain(&desk, e);
    let s = &desk.state;
    let ticket = s.tickets.get(&desk.perms, id, false).await.map_err(fail)?;
    let texts = s.lookups.reply_texts(ticket.queue_id).await.map_err(fail)?;
    let template = q.template.trim().parse::<i32>().ok().and_then(|t| texts.templates.iter().find(|x| x.id == t));
    let mut ctx = ReplyContext {
        customer_subject: String::new(),
        customer_body: String::new(),
        ticket_number: ticket.number.clone(),
        ticket_title: ticket.title.clone(),
        agent_first_name: desk.agent.first_name.clone(),
        agent_last_name: desk.agent.last_name.clone(),
        ..Default::default()
    };
    if let Some(owner) = s.agents.get(ticket.owner_id).await.map_err(fail)? {
        ctx.owner_first_name = owner.first_name;
        ctx.owner_last_name = owner.last_name;
    }
    if let Some(login) = &ticket.customer_user_id {
        match s.customers.user(login).await.map_err(fail)? {
            Some(c) => {
                ctx.customer_first_name = c.first_name;
                ctx.customer_last_name = c.last_name;
                ctx.customer_email = c.email;
            }
            None => ctx.customer_email = login.clone(),
        }
    }
    let text =
        compose(texts.salutation.as_deref(), template.map(|t| t.text.as_str()), texts.signature.as_deref(), &ctx);
    Ok(html(&ReplyBody { text }))
}

/// An attachment as a download: the type sniffed when it arrived, never rendered in
/// place (`attachment`, `nosniff`), so a file cannot run as a page of goats.
#[handler]
pub async fn attachment(desk: Desk, Path((id, attachment_id)): Path<(TicketId, i64)>) -> Result<Response, PageError> {
    let (meta, bytes) = desk
        .state
        .tickets
        .attachment(&desk.perms, id, attachment_id)
        .await
        .map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(Response::builder()
        .content_type(meta.content_type)
        .header("content-disposition", content_disposition(&meta.filename))
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store")
        .body(bytes))
}

/// The message a mail article was made of, as a download (`message/rfc822`), never
/// shown in place.
#[handler]
pub async fn article_source(
    desk: Desk,
    Path((id, article_id)): Path<(TicketId, ArticleId)>,
) -> Result<Response, PageError> {
    let bytes = desk
        .state
        .tickets
        .article_source(&desk.perms, id, article_id)
        .await
        .map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(Response::builder()
        .content_type("message/rfc822")
        .header("content-disposition", content_disposition(&format!("article-{article_id}.eml")))
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store")
        .body(bytes))
}

/// `Content-Disposition` for a download: always `attachment`, the name both as plain
/// ASCII and in RFC 5987 form for everything else.
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String =
        url::form_urlencoded::byte_serialize(filename.as_bytes()).collect::<String>().replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
