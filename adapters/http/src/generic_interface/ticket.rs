//! TicketCreate, TicketGet, TicketSearch, TicketUpdate and TicketHistoryGet over the core
//! ticket service, so the OTRS permission model applies exactly as in goats' own API.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use goats_core::DomainError;
use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::search::SearchQuery;
use goats_core::tickets::{FieldOperator, Precondition, TicketChange};
use poem::http::Uri;
use poem::web::{Data, Json, Path};

use crate::client_addr::ClientAddr;
use poem::{Body, handler};
use serde_json::{Map, Value, json};

use super::format::{self, TicketNames};
use super::params::{Params, given, scalar};
use super::{GiError, authenticate, respond};
use crate::AppState;

/// GenericInterface bodies are small; larger ones are refused like a bad request.
const MAX_BODY: usize = 2 * 1024 * 1024;

pub async fn read_params(op: &str, uri: &Uri, body: Body) -> Result<Params, GiError> {
    let bytes = body.into_bytes_limit(MAX_BODY).await.map_err(|_| GiError::invalid(op, "request body"))?;
    Params::read(uri, &bytes).map_err(|e| GiError::new(op, "InvalidParameter", e))
}

async fn begin(
    state: &AppState,
    op: &str,
    uri: &Uri,
    addr: &ClientAddr,
    body: Body,
) -> Result<(Params, AgentPermissions), GiError> {
    let p = read_params(op, uri, body).await?;
    let caller = authenticate(state, &p, op, &addr.0).await?;
    Ok((p, caller))
}

/// Domain refusals in OTRS's vocabulary.
fn domain(op: &str, e: DomainError) -> GiError {
    match e {
        DomainError::NotFound { kind: "ticket", .. } | DomainError::PermissionDenied(_) => GiError::access_denied(op),
        DomainError::NotFound { kind, .. } => GiError::invalid(op, kind),
        DomainError::Invalid { field, reason } => GiError::new(op, "InvalidParameter", format!("{field}: {reason}")),
        DomainError::Conflict(why) => GiError::new(op, "InvalidParameter", why),
        stale @ DomainError::Stale { .. } => GiError::new(op, "InvalidParameter", stale.to_string()),
        DomainError::Storage(_) => GiError::new(op, "InternalError", "storage is unavailable; try again shortly"),
    }
}

/// `DynamicField` as OTRS takes it: one `{Name, Value}` or a list of them, a value a
/// text, a number, a list (a multiselect's keys) or null (clears the field). Each name
/// is a ticket field or an article field; checked against the site's fields before
/// anything is written. An article field needs the `Article` it is stored with, as in
/// OTRS. Returns (ticket changes, article changes).
async fn dynamic_fields(
    state: &AppState,
    op: &str,
    p: &Params,
) -> Result<(Vec<FieldChange>, Vec<FieldChange>), GiError> {
    let Some(given) = p.0.get("DynamicField").filter(|v| given(v)) else { return Ok((Vec::new(), Vec::new())) };
    let items: Vec<&Value> = match given {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut values = Vec::new();
    for item in items {
        let name = item.get("Name").and_then(text).ok_or_else(|| GiError::missing(op, "DynamicField->Name"))?;
        let value = match item.get("Value") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list.iter().filter_map(text).collect(),
            Some(v) => vec![text(v).ok_or_else(|| GiError::invalid(op, "DynamicField->Value"))?],
        };
        values.push((name, value));
    }
    let (ticket, article) = state.tickets.ticket_and_article_field_changes(values).await.map_err(|e| domain(op, e))?;
    if let Some(c) = article.first()
        && p.object("Article").is_none()
    {
        return Err(GiError::new(
            op,
            "InvalidParameter",
            format!("DynamicField: {} is a field of articles, and no Article is given", c.field.name),
        ));
    }
    Ok((ticket, article))
}

fn ticket_id(op: &str, raw: &str) -> Result<TicketId, GiError> {
    raw.trim().parse().map_err(|_| GiError::invalid(op, "TicketID"))
}

#[handler]
pub async fn create(state: Data<&AppState>, uri: &Uri, addr: ClientAddr, body: Body) -> Json<Value> {
    respond(ticket_create(&state, uri, &addr, body).await)
}

#[handler]
pub async fn get(
    state: Data<&AppState>,
    Path(id): Path<String>,
    uri: &Uri,
    addr: ClientAddr,
    body: Body,
) -> Json<Value> {
    respond(ticket_get(&state, &id, uri, &addr, body).await)
}

#[handler]
pub async fn search(state: Data<&AppState>, uri: &Uri, addr: ClientAddr, body: Body) -> Json<Value> {
    respond(ticket_search(&state, uri, &addr, body).await)
}

#[handler]
pub async fn update(
    state: Data<&AppState>,
    Path(id): Path<String>,
    uri: &Uri,
    addr: ClientAddr,
    body: Body,
) -> Json<Value> {
    respond(ticket_update(&state, &id, uri, &addr, body).await)
}

#[handler]
pub async fn history(
    state: Data<&AppState>,
    Path(id): Path<String>,
    uri: &Uri,
    addr: ClientAddr,
    body: Body,
) -> Json<Value> {
    respond(ticket_history(&state, &id, uri, &addr, body).await)
}

/// A field given by name (`Queue`) or by id (`QueueID`).
fn named(t: &Map<String, Value>, name_key: &str) -> (Option<String>, Option<i32>) {
    let name = t.get(name_key).and_then(scalar);
    let id = t.get(&format!("{name_key}ID")).and_then(scalar).and_then(|v| v.parse().ok());
    (name, id)
}

/// The ticket attributes OTRS lets a caller give by name or by id.
#[derive(Clone, Copy)]
enum Field {
    Queue,
    State,
    Priority,
    Type,
    Service,
    Sla,
    Owner,
    Responsible,
}

impl Field {
    fn key(self) -> &'static str {
        match self {
            Self::Queue => "Queue",
            Self::State => "State",
            Self::Priority => "Priority",
            Self::Type => "Type",
            Self::Service => "Service",
            Self::Sla => "SLA",
            Self::Owner => "Owner",
            Self::Responsible => "Responsible",
        }
    }
}

/// The id of `field` in `t`, from `<Field>ID` or by looking `<Field>` up by name.
async fn field_id(state: &AppState, op: &str, t: &Map<String, Value>, field: Field) -> Result<Option<i32>, GiError> {
    let name = match named(t, field.key()) {
        (_, Some(id)) => return Ok(Some(id)),
        (None, None) => return Ok(None),
        (Some(name), None) => name,
    };
    let l = &state.lookups;
    let found = match field {
        Field::Queue => l.queue_by_name(&name).await.map(|q| q.map(|q| q.id)),
        Field::State => l.state_by_name(&name).await.map(|s| s.map(|s| s.id)),
        Field::Priority => l.priorities().await.map(|all| all.into_iter().find(|p| p.name == name).map(|p| p.id)),
        Field::Type => l.types().await.map(|all| all.into_iter().find(|x| x.name == name).map(|x| x.id)),
        Field::Service => state
            .tickets
            .service_choices(None)
            .await
            .map(|c| c.services.into_iter().find(|s| s.name == name).map(|s| s.id)),
        Field::Sla => {
            state.tickets.service_choices(None).await.map(|c| c.slas.into_iter().find(|s| s.name == name).map(|s| s.id))
        }
        Field::Owner | Field::Responsible => state.agents.by_login(&name).await.map(|a| a.map(|a| a.id)),
    }
    .map_err(|e| domain(op, e))?;
    found.map(Some).ok_or_else(|| GiError::invalid(op, &format!("Ticket->{}", field.key())))
}

/// OTRS's `PendingTime`: `{Year, Month, Day, Hour, Minute}` or `{Diff}` in minutes.
fn pending_time(op: &str, t: &Map<String, Value>) -> Result<Option<DateTime<Utc>>, GiError> {
    let Some(pt) = t.get("PendingTime").and_then(Value::as_object) else { return Ok(None) };
    let num = |k: &str| pt.get(k).and_then(scalar).and_then(|v| v.parse::<i64>().ok());
    if let Some(diff) = num("Diff") {
        return Ok(Some(Utc::now() + chrono::Duration::minutes(diff)));
    }
    let (Some(y), Some(mo), Some(d)) = (num("Year"), num("Month"), num("Day")) else {
        return Err(GiError::invalid(op, "Ticket->PendingTime"));
    };
    NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32)
        .and_then(|date| date.and_hms_opt(num("Hour").unwrap_or(0) as u32, num("Minute").unwrap_or(0) as u32, 0))
        .map(|t| Some(t.and_utc()))
        .ok_or_else(|| GiError::invalid(op, "Ticket->PendingTime"))
}

/// An article from OTRS's `Article` parameter; `required` decides whether Subject and
/// Body must be there (TicketCreate) or make it optional (TicketUpdate).
fn article(op: &str, a: &Map<String, Value>) -> Result<NewArticle, GiError> {
    let field = |k: &str| a.get(k).and_then(scalar);
    let subject = field("Subject").ok_or_else(|| GiError::missing(op, "Article->Subject"))?;
    let body = field("Body").ok_or_else(|| GiError::missing(op, "Article->Body"))?;
    let content_type = match (field("ContentType"), field("MimeType")) {
        (Some(ct), _) => ct,
        (None, Some(mime)) => format!("{mime}; charset={}", field("Charset").unwrap_or_else(|| "utf-8".into())),
        (None, None) => return Err(GiError::missing(op, "Article->ContentType")),
    };
    let channel = match field("CommunicationChannel").as_deref().or(field("CommunicationChannelID").as_deref()) {
        None | Some("Email") | Some("1") => CommunicationChannel::Email,
        Some("Phone") | Some("2") => CommunicationChannel::Phone,
        Some("Internal") | Some("3") => CommunicationChannel::Internal,
        Some("Chat") | Some("4") => CommunicationChannel::Chat,
        Some(_) => return Err(GiError::invalid(op, "Article->CommunicationChannel")),
    };
    let sender = match field("SenderType").as_deref().or(field("SenderTypeID").as_deref()) {
        None | Some("customer") | Some("3") => SenderType::Customer,
        Some("agent") | Some("1") => SenderType::Agent,
        Some("system") | Some("2") => SenderType::System,
        Some(_) => return Err(GiError::invalid(op, "Article->SenderType")),
    };
    let visible = match field("IsVisibleForCustomer").as_deref() {
        None => channel != CommunicationChannel::Internal,
        Some("1") => true,
        Some("0") => false,
        Some(_) => return Err(GiError::invalid(op, "Article->IsVisibleForCustomer")),
    };
    let time_unit = match field("TimeUnit") {
        None => None,
        Some(t) => Some(t.trim().parse::<f64>().map_err(|_| GiError::invalid(op, "Article->TimeUnit"))?),
    };
    Ok(NewArticle {
        sender_type: sender,
        channel,
        visible_for_customer: visible,
        from: field("From"),
        to: field("To"),
        cc: field("Cc"),
        subject,
        body,
        content_type,
        message_id: None,
        in_reply_to: None,
        references: None,
        attachments: Vec::new(),
        time_unit,
        plain: None,
        outbound: None,
        dynamic_fields: Vec::new(),
    })
}

/// OTRS's `Attachment` parameter: one `{Content (base64), Filename, ContentType}` or a
/// list of them. The content type given is ignored; goats takes it from the bytes.
fn attachments(op: &str, p: &Params) -> Result<Vec<NewAttachment>, GiError> {
    use base64::Engine as _;
    let items: Vec<&Value> = match p.0.get("Attachment") {
        None => return Ok(Vec::new()),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    };
    items
        .into_iter()
        .map(|item| {
            let field = |k: &str| item.get(k).and_then(scalar);
            let content = field("Content").ok_or_else(|| GiError::missing(op, "Attachment->Content"))?;
            let filename = field("Filename").ok_or_else(|| GiError::missing(op, "Attachment->Filename"))?;
            let compact: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|_| GiError::invalid(op, "Attachment->Content"))?;
            Ok(NewAttachment::new(&filename, bytes))
        })
        .collect()
}

async fn ticket_create(state: &AppState, uri: &Uri, addr: &ClientAddr, body: Body) -> Result<Value, GiError> {
    const OP: &str = "TicketCreate";
    let (p, caller) = begin(state, OP, uri, addr, body).await?;
    let t = p.object("Ticket").ok_or_else(|| GiError::missing(OP, "Ticket"))?;
    let a = p.object("Article").ok_or_else(|| GiError::missing(OP, "Article"))?;
    let title = t.get("Title").and_then(scalar).ok_or_else(|| GiError::missing(OP, "Ticket->Title"))?;
    let queue = field_id(state, OP, t, Field::Queue)
        .await?
        .ok_or_else(|| GiError::missing(OP, "Ticket->QueueID or Ticket->Queue"))?;
    let state_id = field_id(state, OP, t, Field::State)
        .await?
        .ok_or_else(|| GiError::missing(OP, "Ticket->StateID or Ticket->State"))?;
    let priority = field_id(state, OP, t, Field::Priority)
        .await?
        .ok_or_else(|| GiError::missing(OP, "Ticket->PriorityID or Ticket->Priority"))?;
    let customer_user =
        t.get("CustomerUser").and_then(scalar).ok_or_else(|| GiError::missing(OP, "Ticket->CustomerUser"))?;
    // The company comes from the customer's record when goats knows the customer.
    let company = match t.get("CustomerID").and_then(scalar) {
        Some(c) => Some(c),
        None => state.customers.user(&customer_user).await.map_err(|e| domain(OP, e))?.map(|c| c.customer_id),
    };
    let (fields, article_fields) = dynamic_fields(state, OP, &p).await?;
    let new = NewTicket {
        title,
        queue_id: queue,
        state_id,
        priority_id: priority,
        // OTRS's Ticket::Type::Default: here the default an admin set.
        type_id: match field_id(state, OP, t, Field::Type).await? {
            Some(id) => Some(id),
            None => Some(state.tickets.defaults().await.map_err(|e| domain(OP, e))?.type_id),
        },
        service_id: field_id(state, OP, t, Field::Service).await?,
        sla_id: field_id(state, OP, t, Field::Sla).await?,
        owner_id: field_id(state, OP, t, Field::Owner).await?.unwrap_or(caller.user_id),
        responsible_id: field_id(state, OP, t, Field::Responsible).await?,
        customer_id: company,
        customer_user_id: Some(customer_user),
        pending_until: pending_time(OP, t)?,
        article: NewArticle { attachments: attachments(OP, &p)?, dynamic_fields: article_fields, ..article(OP, a)? },
    };
    let ticket = state.tickets.create(&caller, new).await.map_err(|e| domain(OP, e))?;
    state.tickets.set_dynamic_fields(&caller, ticket.id, &fields).await.map_err(|e| domain(OP, e))?;
    let full = state.tickets.get(&caller, ticket.id, true).await.map_err(|e| domain(OP, e))?;
    let article_id = full.articles.as_ref().and_then(|a| a.first()).map_or(0, |a| a.id);
    Ok(json!({"TicketID": ticket.id.to_string(), "TicketNumber": ticket.number, "ArticleID": article_id.to_string()}))
}

async fn ticket_json(
    state: &AppState,
    op: &str,
    ticket: &Ticket,
    with_articles: bool,
    with_fields: bool,
) -> Result<Value, GiError> {
    let agent_login =
        |id: UserId| async move { state.agents.get(id).await.ok().flatten().map(|a| a.login).unwrap_or_default() };
    let type_name = match ticket.type_id {
        Some(id) => state.lookups.ticket_type(id).await.map_err(|e| domain(op, e))?.map(|t| t.name).unwrap_or_default(),
        None => String::new(),
    };
    let group_id = state.lookups.queue(ticket.queue_id).await.map_err(|e| domain(op, e))?.map_or(0, |q| q.group_id);
    let names = TicketNames {
        owner: agent_login(ticket.owner_id).await,
        responsible: agent_login(ticket.responsible_id).await,
        type_name,
        group_id,
    };
    let mut v = format::ticket(ticket, &names, Utc::now());
    if with_fields {
        let fields: Vec<Value> = ticket.dynamic_fields.iter().flatten().map(format::dynamic_field).collect();
        v["DynamicField"] = Value::Array(fields);
    }
    if with_articles {
        let articles: Vec<Value> = (ticket.articles.iter().flatten().enumerate())
            .map(|(i, a)| {
                let mut v = format::article(a, i + 1);
                if with_fields {
                    v["DynamicField"] = a.dynamic_fields.iter().map(format::dynamic_field).collect();
                }
                v
            })
            .collect();
        v["Article"] = Value::Array(articles);
    }
    Ok(v)
}

async fn ticket_get(
    state: &AppState,
    raw_id: &str,
    uri: &Uri,
    addr: &ClientAddr,
    body: Body,
) -> Result<Value, GiError> {
    const OP: &str = "TicketGet";
    let (p, caller) = begin(state, OP, uri, addr, body).await?;
    let with_articles = p.str("AllArticles").as_deref() == Some("1");
    let with_fields = p.str("DynamicFields").as_deref() == Some("1");
    // OTRS accepts a comma-separated list of ids.
    let mut out = Vec::new();
    for id in raw_id.split(',') {
        let ticket = state.tickets.get(&caller, ticket_id(OP, id)?, with_articles).await.map_err(|e| domain(OP, e))?;
        out.push(ticket_json(state, OP, &ticket, with_articles, with_fields).await?);
    }
    Ok(json!({"Ticket": out}))
}

/// A `YYYY-MM-DD HH:MM:SS` search parameter (OTRS's time format, in UTC here).
fn otrs_time(op: &str, p: &Params, key: &str) -> Result<Option<DateTime<Utc>>, GiError> {
    p.str(key)
        .map(|v| {
            NaiveDateTime::parse_from_str(&v, "%Y-%m-%d %H:%M:%S")
                .map(|t| t.and_utc())
                .map_err(|_| GiError::invalid(op, key))
        })
        .transpose()
}

/// Ids from a list of ids (`QueueIDs`) and a list of names (`Queues`).
async fn resolve_all(
    state: &AppState,
    p: &Params,
    names_key: &str,
    ids_key: &str,
    field: Field,
) -> Result<Vec<i32>, GiError> {
    let mut ids: Vec<i32> = p.list(ids_key).iter().filter_map(|v| v.parse().ok()).collect();
    for name in p.list(names_key) {
        let t = Map::from_iter([(field.key().to_string(), Value::String(name))]);
        ids.extend(field_id(state, "TicketSearch", &t, field).await?);
    }
    Ok(ids)
}

/// OTRS search parameters goats does not evaluate yet. A search that names one is
/// refused: answering it without the condition would list tickets the script did not
/// ask for.
const SEARCH_NOT_YET: [&str; 26] = [
    "TicketNumber",
    "TicketID",
    "ContentSearch",
    "From",
    "To",
    "Cc",
    "Subject",
    "Body",
    "AttachmentName",
    "Services",
    "ServiceIDs",
    "SLAs",
    "SLAIDs",
    "LockIDs",
    "StateTypeIDs",
    "WatchUserIDs",
    "CreatedUserIDs",
    "CreatedQueueIDs",
    "CreatedStateIDs",
    "CreatedPriorityIDs",
    "CustomerIDRaw",
    "CustomerUserLoginRaw",
    "ArchiveFlags",
    "TicketPendingTimeOlderDate",
    "TicketCloseTimeOlderDate",
    "TicketEscalationTimeOlderDate",
];

/// `DynamicField_<Name>: {Operator: value}` as OTRS's ticket search takes it (`Equals`,
/// `Like`, `GreaterThan`, `GreaterThanEquals`, `SmallerThan`, `SmallerThanEquals`);
/// several operators must all hold, a list under `Equals` matches any of its values.
async fn search_field_conditions(state: &AppState, op: &str, p: &Params) -> Result<Vec<FieldFilter>, GiError> {
    let mut conditions = Vec::new();
    for (key, given_ops) in &p.0 {
        let Some(name) = key.strip_prefix("DynamicField_") else { continue };
        let ops = given_ops.as_object().ok_or_else(|| GiError::invalid(op, key))?;
        for (operator, value) in ops {
            let operator = FieldOperator::from_otrs(operator)
                .ok_or_else(|| GiError::invalid(op, &format!("{key}->{operator}")))?;
            let values: Vec<String> = match value {
                Value::Array(items) => items
                    .iter()
                    .map(|v| scalar(v).ok_or_else(|| GiError::invalid(op, key)))
                    .collect::<Result<_, _>>()?,
                one => vec![scalar(one).ok_or_else(|| GiError::invalid(op, key))?],
            };
            let mut tests = Vec::new();
            for value in &values {
                tests.push(state.tickets.field_filter_by(name, operator, value).await.map_err(|e| domain(op, e))?);
            }
            if tests.len() <= 1 {
                conditions.extend(tests);
                continue;
            }
            // Several values match any of them, which only exact values can say in one test.
            let (field_id, on_articles) = (tests[0].field_id, tests[0].on_articles);
            let mut keys = Vec::new();
            for test in tests {
                match test.test {
                    FieldTest::AnyOf(k) => keys.extend(k),
                    _ => {
                        return Err(GiError::new(
                            op,
                            "InvalidParameter",
                            format!("{key}: takes one value with {operator:?}"),
                        ));
                    }
                }
            }
            conditions.push(FieldFilter { field_id, test: FieldTest::AnyOf(keys), on_articles });
        }
    }
    Ok(conditions)
}

async fn ticket_search(state: &AppState, uri: &Uri, addr: &ClientAddr, body: Body) -> Result<Value, GiError> {
    const OP: &str = "TicketSearch";
    let (p, caller) = begin(state, OP, uri, addr, body).await?;
    if let Some(key) = SEARCH_NOT_YET.iter().find(|k| p.0.get(**k).is_some_and(given)) {
        return Err(GiError::new(OP, "InvalidParameter", format!("{key} is not supported by goats yet")));
    }
    let ints = |key: &str| p.list(key).iter().filter_map(|v| v.parse().ok()).collect::<Vec<i32>>();
    let state_types = p
        .list("StateType")
        .iter()
        .map(|n| {
            if n == "Open" {
                Ok(vec![StateType::New, StateType::Open, StateType::PendingReminder, StateType::PendingAuto])
            } else if n == "Closed" {
                Ok(vec![StateType::Closed])
            } else {
                StateType::from_otrs_name(n).map(|t| vec![t]).ok_or_else(|| GiError::invalid(OP, "StateType"))
            }
        })
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    let filter = TicketFilter {
        queue_ids: resolve_all(state, &p, "Queues", "QueueIDs", Field::Queue).await?,
        state_ids: resolve_all(state, &p, "States", "StateIDs", Field::State).await?,
        state_types,
        priority_ids: resolve_all(state, &p, "Priorities", "PriorityIDs", Field::Priority).await?,
        owner_ids: ints("OwnerIDs"),
        responsible_ids: ints("ResponsibleIDs"),
        customer_ids: p.list("CustomerID"),
        customer_user_ids: p.list("CustomerUserLogin"),
        lock: match p.list("Locks").first().map(String::as_str) {
            Some("lock") => Some(Lock::Lock),
            Some("unlock") => Some(Lock::Unlock),
            Some("tmp_lock") => Some(Lock::TmpLock),
            Some(_) => return Err(GiError::invalid(OP, "Locks")),
            None => None,
        },
        // OTRS titles take `%` wildcards; goats matches the text between them.
        title_contains: p.str("Title").map(|t| t.trim_matches('%').replace('%', "")),
        // OTRS's full-text search, in goats' search language (its words must all match,
        // as OTRS's do).
        text: p
            .str("Fulltext")
            .map(|typed| SearchQuery::parse(&typed))
            .transpose()
            .map_err(|_| GiError::invalid(OP, "Fulltext"))?
            .filter(|q| !q.is_empty()),
        escalated_by: None,
        type_ids: resolve_all(state, &p, "Types", "TypeIDs", Field::Type).await?,
        created_from: otrs_time(OP, &p, "TicketCreateTimeNewerDate")?,
        created_until: otrs_time(OP, &p, "TicketCreateTimeOlderDate")?,
        changed_from: otrs_time(OP, &p, "TicketChangeTimeNewerDate")?,
        changed_until: otrs_time(OP, &p, "TicketChangeTimeOlderDate")?,
        customer_scope: None,
        fields: search_field_conditions(state, OP, &p).await?,
    };
    let field = match p.str("SortBy").as_deref() {
        None | Some("Age") => TicketSortField::Created,
        Some("Ticket") | Some("TicketNumber") => TicketSortField::Number,
        Some("Title") => TicketSortField::Title,
        Some("Queue") => TicketSortField::Queue,
        Some("State") => TicketSortField::State,
        Some("Priority") => TicketSortField::Priority,
        Some("Owner") => TicketSortField::Owner,
        Some("Changed") => TicketSortField::Changed,
        Some("PendingTime") => TicketSortField::PendingUntil,
        Some(_) => return Err(GiError::invalid(OP, "SortBy")),
    };
    let direction = match p.str("OrderBy").as_deref() {
        None | Some("Down") => SortDirection::Desc,
        Some("Up") => SortDirection::Asc,
        Some(_) => return Err(GiError::invalid(OP, "OrderBy")),
    };
    let limit = p.str("Limit").and_then(|l| l.parse().ok()).unwrap_or(500u64).clamp(1, PageRequest::MAX_PER_PAGE);
    let page = state
        .tickets
        .list(&caller, filter, TicketSort { field, direction }, PageRequest::new(1, limit))
        .await
        .map_err(|e| domain(OP, e))?;
    if page.items.is_empty() {
        // OTRS answers an empty search with an empty object.
        return Ok(json!({}));
    }
    Ok(json!({"TicketID": page.items.iter().map(|t| t.id.to_string()).collect::<Vec<_>>()}))
}

async fn ticket_update(
    state: &AppState,
    raw_id: &str,
    uri: &Uri,
    addr: &ClientAddr,
    body: Body,
) -> Result<Value, GiError> {
    const OP: &str = "TicketUpdate";
    let (p, caller) = begin(state, OP, uri, addr, body).await?;
    let id = ticket_id(OP, raw_id)?;
    let mut ticket = state.tickets.get(&caller, id, false).await.map_err(|e| domain(OP, e))?;
    let (fields, article_fields) = dynamic_fields(state, OP, &p).await?;
    let empty = Map::new();
    let t = p.object("Ticket").unwrap_or(&empty);
    let mut changes = Vec::new();
    if let Some(title) = t.get("Title").and_then(scalar) {
        changes.push(TicketChange::Title(title));
    }
    if let Some(q) = field_id(state, OP, t, Field::Queue).await? {
        changes.push(TicketChange::Queue(q));
    }
    if let Some(x) = field_id(state, OP, t, Field::Type).await? {
        changes.push(TicketChange::Type(x));
    }
    // The service before the SLA, which must be offered for it.
    if let Some(s) = field_id(state, OP, t, Field::Service).await? {
        changes.push(TicketChange::Service(Some(s)));
    }
    if let Some(s) = field_id(state, OP, t, Field::Sla).await? {
        changes.push(TicketChange::Sla(Some(s)));
    }
    if let Some(o) = field_id(state, OP, t, Field::Owner).await? {
        changes.push(TicketChange::Owner(o));
    }
    if let Some(r) = field_id(state, OP, t, Field::Responsible).await? {
        changes.push(TicketChange::Responsible(r));
    }
    let (cu, cid) = (t.get("CustomerUser").and_then(scalar), t.get("CustomerID").and_then(scalar));
    if cu.is_some() || cid.is_some() {
        changes.push(TicketChange::Customer {
            customer_id: cid.or_else(|| ticket.customer_id.clone()),
            customer_user_id: cu.or_else(|| ticket.customer_user_id.clone()),
        });
    }
    if let Some(pr) = field_id(state, OP, t, Field::Priority).await? {
        changes.push(TicketChange::Priority(pr));
    }
    match (field_id(state, OP, t, Field::State).await?, pending_time(OP, t)?) {
        (Some(state_id), pending_until) => changes.push(TicketChange::State { state_id, pending_until }),
        (None, Some(until)) => changes.push(TicketChange::PendingTime(until)),
        (None, None) => {}
    }
    match t.get("Lock").and_then(scalar).as_deref() {
        Some("lock") => changes.push(TicketChange::Lock(Lock::Lock)),
        Some("unlock") => changes.push(TicketChange::Lock(Lock::Unlock)),
        Some(_) => return Err(GiError::invalid(OP, "Ticket->Lock")),
        None => {}
    }
    // The ticket's columns and its fields change in one edit: all of it or none.
    if !changes.is_empty() || !fields.is_empty() {
        let changed = state.tickets.change_with_fields(&caller, id, changes, fields, Precondition::None).await;
        ticket = changed.map_err(|e| domain(OP, e))?;
    }
    let mut out = json!({"TicketID": ticket.id.to_string(), "TicketNumber": ticket.number});
    if let Some(a) = p.object("Article") {
        let new = NewArticle { attachments: attachments(OP, &p)?, dynamic_fields: article_fields, ..article(OP, a)? };
        let article_id = state.tickets.add_article(&caller, id, new).await.map_err(|e| domain(OP, e))?;
        out["ArticleID"] = Value::String(article_id.to_string());
    }
    Ok(out)
}

async fn ticket_history(
    state: &AppState,
    raw_id: &str,
    uri: &Uri,
    addr: &ClientAddr,
    body: Body,
) -> Result<Value, GiError> {
    const OP: &str = "TicketHistoryGet";
    let (_, caller) = begin(state, OP, uri, addr, body).await?;
    let mut out = Vec::new();
    for id in raw_id.split(',') {
        let id = ticket_id(OP, id)?;
        let rows = state.tickets.history(&caller, id).await.map_err(|e| domain(OP, e))?;
        out.push(json!({"TicketID": id.to_string(), "History": rows.iter().map(format::history).collect::<Vec<_>>()}));
    }
    Ok(json!({"TicketHistory": out}))
}
