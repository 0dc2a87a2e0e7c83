//! `/api/v1/tickets`: list, open, read and change tickets, their articles and history.
//! Every operation goes through the core ticket service, which applies the OTRS
//! permission model: a ticket the caller cannot read is a 404, as if it did not exist.

use chrono::{DateTime, Utc};
use goats_core::model::{self, *};
use goats_core::tickets::CustomerWords;
use goats_core::tickets::{Precondition, TicketChange};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::{Attachment, AttachmentType, Json};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};
use serde::Serialize;

use super::caller::BearerAuth;
use super::json_body::{JsonBody, rfc3339, rfc3339_opt};
use super::problem::ApiError;
use super::text::Text;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Tickets, their articles and history.
    Tickets,
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq, Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum StateTypeDto {
    New,
    Open,
    Closed,
    PendingReminder,
    PendingAuto,
    Removed,
    Merged,
}

impl From<StateType> for StateTypeDto {
    fn from(t: StateType) -> Self {
        match t {
            StateType::New => Self::New,
            StateType::Open => Self::Open,
            StateType::Closed => Self::Closed,
            StateType::PendingReminder => Self::PendingReminder,
            StateType::PendingAuto => Self::PendingAuto,
            StateType::Removed => Self::Removed,
            StateType::Merged => Self::Merged,
        }
    }
}

impl From<StateTypeDto> for StateType {
    fn from(t: StateTypeDto) -> Self {
        match t {
            StateTypeDto::New => Self::New,
            StateTypeDto::Open => Self::Open,
            StateTypeDto::Closed => Self::Closed,
            StateTypeDto::PendingReminder => Self::PendingReminder,
            StateTypeDto::PendingAuto => Self::PendingAuto,
            StateTypeDto::Removed => Self::Removed,
            StateTypeDto::Merged => Self::Merged,
        }
    }
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq, Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum LockDto {
    Unlock,
    Lock,
    TmpLock,
}

impl From<Lock> for LockDto {
    fn from(l: Lock) -> Self {
        match l {
            Lock::Unlock => Self::Unlock,
            Lock::Lock => Self::Lock,
            Lock::TmpLock => Self::TmpLock,
        }
    }
}

impl From<LockDto> for Lock {
    fn from(l: LockDto) -> Self {
        match l {
            LockDto::Unlock => Self::Unlock,
            LockDto::Lock => Self::Lock,
            LockDto::TmpLock => Self::TmpLock,
        }
    }
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq, Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ChannelDto {
    Email,
    Phone,
    Internal,
    Chat,
}

impl From<CommunicationChannel> for ChannelDto {
    fn from(c: CommunicationChannel) -> Self {
        match c {
            CommunicationChannel::Email => Self::Email,
            CommunicationChannel::Phone => Self::Phone,
            CommunicationChannel::Internal => Self::Internal,
            CommunicationChannel::Chat => Self::Chat,
        }
    }
}

impl From<ChannelDto> for CommunicationChannel {
    fn from(c: ChannelDto) -> Self {
        match c {
            ChannelDto::Email => Self::Email,
            ChannelDto::Phone => Self::Phone,
            ChannelDto::Internal => Self::Internal,
            ChannelDto::Chat => Self::Chat,
        }
    }
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq, Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum SenderDto {
    Agent,
    System,
    Customer,
}

impl From<SenderType> for SenderDto {
    fn from(s: SenderType) -> Self {
        match s {
            SenderType::Agent => Self::Agent,
            SenderType::System => Self::System,
            SenderType::Customer => Self::Customer,
        }
    }
}

impl From<SenderDto> for SenderType {
    fn from(s: SenderDto) -> Self {
        match s {
            SenderDto::Agent => Self::Agent,
            SenderDto::System => Self::System,
            SenderDto::Customer => Self::Customer,
        }
    }
}

#[derive(Object, Serialize)]
struct ArticleDto {
    id: i64,
    sender_type: SenderDto,
    channel: ChannelDto,
    visible_for_customer: bool,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    cc: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    body: String,
    content_type: String,
    #[serde(serialize_with = "rfc3339")]
    created: DateTime<Utc>,
    created_by: i32,
    /// The article's files; download each from `/tickets/{id}/attachments/{attachment_id}`.
    attachments: Vec<AttachmentDto>,
}

/// A file of an article. Its type was sniffed from its bytes when it arrived.
#[derive(Object, Serialize)]
struct AttachmentDto {
    id: i64,
    filename: String,
    content_type: String,
    size: u64,
}

impl From<model::Attachment> for AttachmentDto {
    fn from(a: model::Attachment) -> Self {
        Self { id: a.id, filename: a.filename, content_type: a.content_type, size: a.size }
    }
}

/// A file to attach: its name and its bytes in base64. Its type is taken from the bytes.
#[derive(Object)]
struct NewAttachmentDto {
    #[oai(validator(min_length = 1, max_length = 250))]
    filename: Text,
    /// The file's bytes, base64 (RFC 4648, with padding).
    #[oai(validator(pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"))]
    content: String,
}

impl From<Article> for ArticleDto {
    fn from(a: Article) -> Self {
        Self {
            id: a.id,
            sender_type: a.sender_type.into(),
            channel: a.channel.into(),
            visible_for_customer: a.visible_for_customer,
            from: a.from,
            to: a.to,
            cc: a.cc,
            subject: a.subject,
            body: a.body,
            content_type: a.content_type,
            created: a.created,
            created_by: a.created_by,
            attachments: a.attachments.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Object, Serialize)]
struct TicketDto {
    id: i64,
    /// The OTRS ticket number, e.g. `2016010110000019`.
    number: String,
    title: String,
    queue_id: i32,
    queue: String,
    state_id: i32,
    state: String,
    state_type: StateTypeDto,
    priority_id: i32,
    priority: String,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    type_id: Option<i32>,
    lock: LockDto,
    owner_id: i32,
    responsible_id: i32,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_user_id: Option<String>,
    /// When a pending ticket is due; absent when no pending time is set.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pending_until: Option<DateTime<Utc>>,
    #[serde(serialize_with = "rfc3339")]
    created: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    changed: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    articles: Option<Vec<ArticleDto>>,
}

impl From<Ticket> for TicketDto {
    fn from(t: Ticket) -> Self {
        Self {
            id: t.id,
            number: t.number,
            title: t.title,
            queue_id: t.queue_id,
            queue: t.queue,
            state_id: t.state_id,
            state: t.state,
            state_type: t.state_type.into(),
            priority_id: t.priority_id,
            priority: t.priority,
            type_id: t.type_id,
            lock: t.lock.into(),
            owner_id: t.owner_id,
            responsible_id: t.responsible_id,
            customer_id: t.customer_id,
            customer_user_id: t.customer_user_id,
            pending_until: (t.until_time > 0).then(|| DateTime::from_timestamp(t.until_time, 0)).flatten(),
            created: t.created,
            changed: t.changed,
            articles: t.articles.map(|a| a.into_iter().map(Into::into).collect()),
        }
    }
}

#[derive(Object, Serialize)]
struct TicketPage {
    items: Vec<TicketDto>,
    /// How many tickets match in all.
    total: u64,
    page: u64,
    per_page: u64,
}

#[derive(Object)]
struct NewArticleDto {
    #[oai(validator(min_length = 1, max_length = 3800))]
    subject: Text,
    #[oai(validator(min_length = 1, max_length = 1000000))]
    body: Text,
    /// How the article came or went; `internal` (a note) by default.
    #[oai(nullable, default)]
    channel: Option<ChannelDto>,
    /// Who wrote it; `agent` by default.
    #[oai(nullable, default)]
    sender_type: Option<SenderDto>,
    /// Whether the customer sees it; false by default (and when null).
    #[oai(nullable, default)]
    visible_for_customer: bool,
    #[oai(nullable, validator(max_length = 3800))]
    from: Option<Text>,
    #[oai(nullable, validator(max_length = 3800))]
    to: Option<Text>,
    #[oai(nullable, validator(max_length = 3800))]
    cc: Option<Text>,
    /// `text/plain; charset=utf-8` by default.
    #[oai(nullable, validator(max_length = 250))]
    content_type: Option<Text>,
    /// Files to attach; each may be as large as the server's attachment limit.
    #[oai(default, nullable, validator(max_items = 50))]
    attachments: Vec<NewAttachmentDto>,
}

impl TryFrom<NewArticleDto> for NewArticle {
    type Error = ApiError;

    fn try_from(a: NewArticleDto) -> Result<Self, ApiError> {
        use base64::Engine as _;
        let mut attachments = Vec::with_capacity(a.attachments.len());
        for f in a.attachments {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(f.content.as_bytes())
                .map_err(|e| ApiError::invalid("attachments.content", format!("not base64: {e}")))?;
            attachments.push(NewAttachment::new(f.filename.as_ref(), bytes));
        }
        Ok(NewArticle {
            sender_type: a.sender_type.map_or(SenderType::Agent, Into::into),
            channel: a.channel.map_or(CommunicationChannel::Internal, Into::into),
            visible_for_customer: a.visible_for_customer,
            from: a.from.map(Into::into),
            to: a.to.map(Into::into),
            cc: a.cc.map(Into::into),
            subject: a.subject.into(),
            body: a.body.into(),
            content_type: a.content_type.map_or_else(|| "text/plain; charset=utf-8".into(), Into::into),
            message_id: None,
            in_reply_to: None,
            references: None,
            attachments,
        })
    }
}

#[derive(Object)]
struct NewTicketDto {
    #[oai(validator(min_length = 1, max_length = 255))]
    title: Text,
    queue_id: i32,
    /// `new` (1) by default.
    #[oai(nullable)]
    state_id: Option<i32>,
    /// `3 normal` by default.
    #[oai(nullable)]
    priority_id: Option<i32>,
    #[oai(nullable)]
    type_id: Option<i32>,
    /// The caller by default.
    #[oai(nullable)]
    owner_id: Option<i32>,
    #[oai(nullable)]
    responsible_id: Option<i32>,
    #[oai(nullable, validator(max_length = 150))]
    customer_id: Option<Text>,
    #[oai(nullable, validator(max_length = 250))]
    customer_user_id: Option<Text>,
    /// Required with a pending state; must be in the future.
    #[oai(nullable)]
    pending_until: Option<DateTime<Utc>>,
    article: NewArticleDto,
}

/// Fields to change; those left out stay as they are.
#[derive(Object)]
struct TicketPatch {
    #[oai(nullable, validator(min_length = 1, max_length = 255))]
    title: Option<Text>,
    #[oai(nullable)]
    queue_id: Option<i32>,
    #[oai(nullable)]
    state_id: Option<i32>,
    /// With a pending `state_id`, or alone to move the time of a pending ticket.
    #[oai(nullable)]
    pending_until: Option<DateTime<Utc>>,
    #[oai(nullable)]
    priority_id: Option<i32>,
    #[oai(nullable)]
    type_id: Option<i32>,
    #[oai(nullable)]
    owner_id: Option<i32>,
    #[oai(nullable)]
    responsible_id: Option<i32>,
    #[oai(nullable)]
    lock: Option<LockDto>,
    #[oai(nullable, validator(max_length = 150))]
    customer_id: Option<Text>,
    #[oai(nullable, validator(max_length = 250))]
    customer_user_id: Option<Text>,
}

impl TicketPatch {
    /// The changes in the order an agent would make them: where the ticket is and who
    /// has it before what state it is in.
    fn changes(self, current: &Ticket) -> Vec<TicketChange> {
        let mut out = Vec::new();
        if let Some(t) = self.title {
            out.push(TicketChange::Title(t.into()));
        }
        if let Some(q) = self.queue_id {
            out.push(TicketChange::Queue(q));
        }
        if let Some(t) = self.type_id {
            out.push(TicketChange::Type(t));
        }
        if let Some(o) = self.owner_id {
            out.push(TicketChange::Owner(o));
        }
        if let Some(r) = self.responsible_id {
            out.push(TicketChange::Responsible(r));
        }
        if self.customer_id.is_some() || self.customer_user_id.is_some() {
            // The one left out keeps its value.
            out.push(TicketChange::Customer {
                customer_id: self.customer_id.map(Into::into).or_else(|| current.customer_id.clone()),
                customer_user_id: self.customer_user_id.map(Into::into).or_else(|| current.customer_user_id.clone()),
            });
        }
        if let Some(p) = self.priority_id {
            out.push(TicketChange::Priority(p));
        }
        match (self.state_id, self.pending_until) {
            (Some(state_id), pending_until) => out.push(TicketChange::State { state_id, pending_until }),
            (None, Some(until)) => out.push(TicketChange::PendingTime(until)),
            (None, None) => {}
        }
        if let Some(l) = self.lock {
            out.push(TicketChange::Lock(l.into()));
        }
        out
    }
}

#[derive(Object, Serialize)]
struct HistoryDto {
    id: i64,
    /// The OTRS history type, e.g. `StateUpdate`.
    history_type: String,
    /// OTRS's `%%`-separated parameters, e.g. `%%new%%open%%`.
    name: String,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    article_id: Option<i64>,
    queue_id: i32,
    owner_id: i32,
    priority_id: i32,
    state_id: i32,
    #[serde(serialize_with = "rfc3339")]
    created: DateTime<Utc>,
    created_by: i32,
}

#[derive(Object)]
struct CreatedArticle {
    id: i64,
}

#[derive(ApiResponse)]
enum TicketCreated {
    /// The new ticket.
    #[oai(status = 201)]
    Created(JsonBody<TicketDto>),
}

#[derive(ApiResponse)]
enum TicketWithTag {
    /// The ticket; `ETag` names this version, for `If-Match` on a later change.
    #[oai(status = 200)]
    Ok(JsonBody<TicketDto>, #[oai(header = "ETag")] String),
}

impl From<Ticket> for TicketWithTag {
    fn from(t: Ticket) -> Self {
        let tag = t.etag();
        Self::Ok(JsonBody(t.into()), tag)
    }
}

#[derive(ApiResponse)]
enum ArticleCreated {
    #[oai(status = 201)]
    Created(Json<CreatedArticle>),
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
enum SortField {
    Number,
    Title,
    Queue,
    State,
    Priority,
    Owner,
    Created,
    Changed,
    PendingUntil,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
enum Order {
    Asc,
    Desc,
}

pub struct TicketApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1", tag = "Tag::Tickets")]
impl TicketApi {
    /// Tickets in the queues the caller may read. Repeat a filter to match any of its values.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/tickets", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        queue_id: Query<Vec<i32>>,
        state_id: Query<Vec<i32>>,
        state_type: Query<Vec<StateTypeDto>>,
        priority_id: Query<Vec<i32>>,
        owner_id: Query<Vec<i32>>,
        responsible_id: Query<Vec<i32>>,
        customer_id: Query<Vec<String>>,
        customer_user_id: Query<Vec<String>>,
        type_id: Query<Vec<i32>>,
        lock: Query<Option<LockDto>>,
        /// Created at or after this instant (RFC 3339).
        created_from: Query<Option<DateTime<Utc>>>,
        /// Created before this instant.
        created_until: Query<Option<DateTime<Utc>>>,
        /// Changed at or after this instant.
        changed_from: Query<Option<DateTime<Utc>>>,
        /// Changed before this instant.
        changed_until: Query<Option<DateTime<Utc>>>,
        /// Part of the title, case-insensitive.
        #[oai(validator(max_length = 255))]
        title: Query<Option<String>>,
        /// Words in the title, the customer user or any article's body (a search: it
        /// reads every article body, so it is slower than the other filters).
        #[oai(validator(max_length = 255))]
        text: Query<Option<String>>,
        /// Only tickets past their earliest escalation time (`true`), as the escalation
        /// job last computed it.
        escalated: Query<Option<bool>>,
        /// Sort column; `created` by default.
        sort: Query<Option<SortField>>,
        /// `desc` by default.
        order: Query<Option<Order>>,
        #[oai(default = "default_page", validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<u64>,
        #[oai(default = "default_per_page", validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<
            u64,
        >,
    ) -> Result<JsonBody<TicketPage>, ApiError> {
        let filter = TicketFilter {
            queue_ids: queue_id.0,
            state_ids: state_id.0,
            state_types: state_type.0.into_iter().map(Into::into).collect(),
            priority_ids: priority_id.0,
            owner_ids: owner_id.0,
            responsible_ids: responsible_id.0,
            customer_ids: customer_id.0,
            customer_user_ids: customer_user_id.0,
            type_ids: type_id.0,
            lock: lock.0.map(Into::into),
            title_contains: title.0,
            text_contains: text.0,
            created_from: created_from.0,
            created_until: created_until.0,
            changed_from: changed_from.0,
            changed_until: changed_until.0,
            escalated_by: escalated.0.unwrap_or(false).then(Utc::now),
            customer_scope: None,
        };
        let field = match sort.0.unwrap_or(SortField::Created) {
            SortField::Number => TicketSortField::Number,
            SortField::Title => TicketSortField::Title,
            SortField::Queue => TicketSortField::Queue,
            SortField::State => TicketSortField::State,
            SortField::Priority => TicketSortField::Priority,
            SortField::Owner => TicketSortField::Owner,
            SortField::Created => TicketSortField::Created,
            SortField::Changed => TicketSortField::Changed,
            SortField::PendingUntil => TicketSortField::PendingUntil,
        };
        let direction = match order.0.unwrap_or(Order::Desc) {
            Order::Asc => SortDirection::Asc,
            Order::Desc => SortDirection::Desc,
        };
        let (sort, page) = (TicketSort { field, direction }, PageRequest::new(page.0, per_page.0));
        // A customer sees their own and their company's tickets; an agent what their groups allow.
        let page = match self.state.customer(&auth).await? {
            Some((login, company)) => {
                self.state.tickets.list_for_customer(&login, &company, filter, sort, page).await?
            }
            None => self.state.tickets.list(&self.state.reader(&auth).await?, filter, sort, page).await?,
        };
        Ok(JsonBody(TicketPage {
            items: page.items.into_iter().map(Into::into).collect(),
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        }))
    }

    /// Open a ticket with its first article. Agents need `create` on the queue. A
    /// customer opens one for themselves: only the title, queue and the article's
    /// subject, body and attachments are taken; the rest is set as OTRS's customer
    /// interface sets it.
    #[oai(path = "/tickets", method = "post")]
    async fn create(&self, auth: BearerAuth, body: Json<NewTicketDto>) -> Result<TicketCreated, ApiError> {
        let b = body.0;
        if let Some(customer) = self.state.customer_user(&auth).await? {
            let title: String = b.title.into();
            let article: NewArticle = b.article.try_into()?;
            let words =
                CustomerWords { subject: article.subject, body: article.body, attachments: article.attachments };
            let ticket = self.state.tickets.create_for_customer(&customer, b.queue_id, title, words).await?;
            return Ok(TicketCreated::Created(JsonBody(ticket.into())));
        }
        let caller = self.state.writer(&auth).await?;
        let new = model::NewTicket {
            title: b.title.into(),
            queue_id: b.queue_id,
            state_id: b.state_id.unwrap_or(1),
            priority_id: b.priority_id.unwrap_or(3),
            type_id: b.type_id,
            owner_id: b.owner_id.unwrap_or(caller.user_id),
            responsible_id: b.responsible_id,
            customer_id: b.customer_id.map(Into::into),
            customer_user_id: b.customer_user_id.map(Into::into),
            pending_until: b.pending_until,
            article: b.article.try_into()?,
        };
        let ticket = self.state.tickets.create(&caller, new).await?;
        Ok(TicketCreated::Created(JsonBody(ticket.into())))
    }

    /// One ticket; with `articles=true`, its articles too.
    #[oai(path = "/tickets/:id", method = "get")]
    async fn get(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        #[oai(default)] articles: Query<bool>,
    ) -> Result<TicketWithTag, ApiError> {
        if let Some((login, company)) = self.state.customer(&auth).await? {
            let mut ticket = self.state.tickets.get_for_customer(&login, &company, id.0).await?;
            if !articles.0 {
                ticket.articles = None;
            }
            return Ok(ticket.into());
        }
        let caller = self.state.reader(&auth).await?;
        Ok(self.state.tickets.get(&caller, id.0, articles.0).await?.into())
    }

    /// Change a ticket. Each field needs its OTRS permission: `priority` for the
    /// priority, `owner` for the owner, `move_into` on the target queue, `rw` for the rest.
    /// With `If-Match`, the change only happens if the ticket is still at that ETag.
    #[oai(path = "/tickets/:id", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        #[oai(name = "If-Match")] if_match: Header<Option<String>>,
        body: Json<TicketPatch>,
    ) -> Result<TicketWithTag, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let ticket = self.state.tickets.current(&caller, id.0).await?;
        let precondition = match if_match.0.as_deref().map(str::trim).filter(|v| !v.is_empty() && *v != "*") {
            None => Precondition::None,
            Some(tags) => {
                // Tags of this ticket name versions; a tag of anything else cannot match.
                let versions = tags.split(',').filter_map(|tag| version_in_tag(tag, id.0)).collect::<Vec<_>>();
                if !versions.contains(&ticket.version) {
                    return Err(ApiError::precondition_failed(&ticket.etag()));
                }
                // Checked again where the change is written: another writer may get there first.
                Precondition::Version(versions)
            }
        };
        let changes = body.0.changes(&ticket);
        if changes.is_empty() {
            return Ok(ticket.into());
        }
        Ok(self.state.tickets.change_all(&caller, id.0, changes, precondition).await?.into())
    }

    /// The ticket's articles, oldest first.
    #[oai(path = "/tickets/:id/articles", method = "get")]
    async fn articles(&self, auth: BearerAuth, id: Path<i64>) -> Result<JsonBody<Vec<ArticleDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let ticket = self.state.tickets.get(&caller, id.0, true).await?;
        Ok(JsonBody(ticket.articles.unwrap_or_default().into_iter().map(Into::into).collect()))
    }

    /// One article of the ticket, with its attachments listed. Customers reach only
    /// the articles shown to them; anything else is 404, like a ticket one cannot read.
    #[oai(path = "/tickets/:id/articles/:article_id", method = "get")]
    async fn article(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        article_id: Path<i64>,
    ) -> Result<JsonBody<ArticleDto>, ApiError> {
        let ticket = match self.state.customer(&auth).await? {
            Some((login, company)) => self.state.tickets.get_for_customer(&login, &company, id.0).await?,
            None => {
                let caller = self.state.reader(&auth).await?;
                self.state.tickets.get(&caller, id.0, true).await?
            }
        };
        let article = ticket.articles.unwrap_or_default().into_iter().find(|a| a.id == article_id.0);
        article
            .map(|a| JsonBody(a.into()))
            .ok_or_else(|| ApiError::not_found(format!("ticket {} has no article {}", id.0, article_id.0)))
    }

    /// Add an article: internal notes need `note`, anything the customer sees needs `rw`.
    /// A customer's article is a follow-up (only subject, body and attachments are
    /// taken) and opens a closed ticket again.
    #[oai(path = "/tickets/:id/articles", method = "post")]
    async fn add_article(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewArticleDto>,
    ) -> Result<ArticleCreated, ApiError> {
        if let Some(customer) = self.state.customer_user(&auth).await? {
            let article: NewArticle = body.0.try_into()?;
            let words =
                CustomerWords { subject: article.subject, body: article.body, attachments: article.attachments };
            let article_id = self.state.tickets.customer_follow_up(&customer, id.0, words).await?;
            return Ok(ArticleCreated::Created(Json(CreatedArticle { id: article_id })));
        }
        let caller = self.state.writer(&auth).await?;
        let article_id = self.state.tickets.add_article(&caller, id.0, body.0.try_into()?).await?;
        Ok(ArticleCreated::Created(Json(CreatedArticle { id: article_id })))
    }

    /// Merge this ticket into another: its articles and watchers move there, it is set
    /// to `merged`. Needs `rw` on both. Answers with the ticket merged into.
    #[oai(path = "/tickets/:id/merge", method = "post")]
    async fn merge(&self, auth: BearerAuth, id: Path<i64>, body: Json<MergeDto>) -> Result<TicketWithTag, ApiError> {
        let caller = self.state.writer(&auth).await?;
        Ok(self.state.tickets.merge(&caller, id.0, body.0.into).await?.into())
    }

    /// Watch the ticket: a watcher reaches it whatever their groups, and hears of changes.
    #[oai(path = "/tickets/:id/watch", method = "put")]
    async fn watch(&self, auth: BearerAuth, id: Path<i64>) -> Result<WatchChanged, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.tickets.set_watching(&caller, id.0, true).await?;
        Ok(WatchChanged::Done)
    }

    /// Stop watching the ticket.
    #[oai(path = "/tickets/:id/watch", method = "delete")]
    async fn unwatch(&self, auth: BearerAuth, id: Path<i64>) -> Result<WatchChanged, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.tickets.set_watching(&caller, id.0, false).await?;
        Ok(WatchChanged::Done)
    }

    /// The time accounted on the ticket.
    #[oai(path = "/tickets/:id/time-accounting", method = "get")]
    async fn accounted_time(&self, auth: BearerAuth, id: Path<i64>) -> Result<Json<AccountedTime>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(AccountedTime { total: self.state.tickets.accounted_time(&caller, id.0).await? }))
    }

    /// Account time worked on the ticket (needs `note`).
    #[oai(path = "/tickets/:id/time-accounting", method = "post")]
    async fn account_time(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<TimeAccountingDto>,
    ) -> Result<TimeAccounted, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let total = self.state.tickets.account_time(&caller, id.0, body.0.time_unit, body.0.article_id).await?;
        Ok(TimeAccounted::Created(Json(AccountedTime { total })))
    }

    /// One attachment's bytes, always as a download (its sniffed type is in the
    /// article's `attachments`). Customers reach only those of articles shown to them.
    #[oai(path = "/tickets/:id/attachments/:attachment_id", method = "get")]
    async fn attachment(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        attachment_id: Path<i64>,
    ) -> Result<Attachment<Vec<u8>>, ApiError> {
        let (meta, bytes) = match self.state.customer(&auth).await? {
            Some((login, company)) => {
                self.state.tickets.attachment_for_customer(&login, &company, id.0, attachment_id.0).await?
            }
            None => {
                let caller = self.state.reader(&auth).await?;
                self.state.tickets.attachment(&caller, id.0, attachment_id.0).await?
            }
        };
        Ok(Attachment::new(bytes).attachment_type(AttachmentType::Attachment).filename(meta.filename))
    }

    /// Everything that happened to the ticket, as OTRS records it.
    #[oai(path = "/tickets/:id/history", method = "get")]
    async fn history(&self, auth: BearerAuth, id: Path<i64>) -> Result<JsonBody<Vec<HistoryDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let rows = self.state.tickets.history(&caller, id.0).await?;
        Ok(JsonBody(
            rows.into_iter()
                .map(|h| HistoryDto {
                    id: h.id,
                    history_type: h.history_type,
                    name: h.name,
                    article_id: h.article_id,
                    queue_id: h.queue_id,
                    owner_id: h.owner_id,
                    priority_id: h.priority_id,
                    state_id: h.state_id,
                    created: h.created,
                    created_by: h.created_by,
                })
                .collect(),
        ))
    }
}

#[derive(Object)]
struct MergeDto {
    /// The ticket this one is merged into.
    into: i64,
}

#[derive(Object)]
struct TimeAccountingDto {
    /// Time worked, in the site's unit (usually minutes); negative to correct; not zero.
    #[oai(validator(minimum(value = "-99999999.99"), maximum(value = "99999999.99")))]
    time_unit: f64,
    /// The article the time belongs to, if any.
    #[oai(nullable)]
    article_id: Option<i64>,
}

#[derive(Object)]
struct AccountedTime {
    /// All time accounted on the ticket.
    total: f64,
}

#[derive(ApiResponse)]
enum TimeAccounted {
    #[oai(status = 201)]
    Created(Json<AccountedTime>),
}

#[derive(ApiResponse)]
enum WatchChanged {
    /// Done (also when nothing needed to change).
    #[oai(status = 204)]
    Done,
}

fn default_page() -> u64 {
    1
}

fn default_per_page() -> u64 {
    50
}

/// The version an entity tag (`"<id>-<version>"`, possibly weak) names, when it is a tag
/// of ticket `id`.
fn version_in_tag(tag: &str, id: i64) -> Option<i64> {
    let inner = tag.trim().trim_start_matches("W/").trim_matches('"');
    let (of, version) = inner.split_once('-')?;
    (of.parse::<i64>().ok()? == id).then(|| version.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    //! What [`JsonBody`] writes must be what poem-openapi's `Json` wrote before it, and
    //! what the OpenAPI document describes.
    use poem_openapi::types::ToJSON;

    use super::*;

    fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, nanos).expect("a valid instant")
    }

    fn assert_same<T: ToJSON + Serialize>(value: &T) {
        let ours = serde_json::to_value(value).expect("serialisable");
        assert_eq!(Some(ours), value.to_json());
    }

    fn article(id: i64, optional: bool) -> ArticleDto {
        let text = |s: &str| optional.then(|| s.to_string());
        ArticleDto {
            id,
            sender_type: SenderDto::Customer,
            channel: ChannelDto::Email,
            visible_for_customer: optional,
            from: text("Ann <ann@example.com>"),
            to: text("support@example.com"),
            cc: text("\"Bob, B.\" <bob@example.com>"),
            subject: text("Printer on fire ✓"),
            body: "Line one\nLine \"two\" </script>".into(),
            content_type: "text/plain; charset=utf-8".into(),
            created: at(1_700_000_000, if optional { 120_000_000 } else { 0 }),
            created_by: 3,
            attachments: if optional {
                vec![AttachmentDto { id: 9, filename: "log.txt".into(), content_type: "text/plain".into(), size: 12 }]
            } else {
                vec![]
            },
        }
    }

    fn ticket(id: i64, optional: bool) -> TicketDto {
        TicketDto {
            id,
            number: format!("2026112610000{id:03}"),
            title: "Cannot log in \\ again".into(),
            queue_id: 2,
            queue: "Raw".into(),
            state_id: 6,
            state: "pending reminder".into(),
            state_type: if optional { StateTypeDto::PendingReminder } else { StateTypeDto::New },
            priority_id: 3,
            priority: "3 normal".into(),
            type_id: optional.then_some(1),
            lock: if optional { LockDto::TmpLock } else { LockDto::Unlock },
            owner_id: 1,
            responsible_id: 2,
            customer_id: optional.then(|| "ACME".into()),
            customer_user_id: optional.then(|| "ann".into()),
            pending_until: optional.then(|| at(1_800_000_000, 5)),
            created: at(1_600_000_000, 0),
            changed: at(1_600_000_001, 999_999_000),
            articles: optional.then(|| vec![article(1, true), article(2, false)]),
        }
    }

    #[test]
    fn tickets_and_their_articles_read_the_same_either_way() {
        assert_same(&ticket(1, true));
        assert_same(&ticket(2, false));
        assert_same(&article(3, true));
        assert_same(&vec![article(4, false), article(5, true)]);
        assert_same(&TicketPage { items: vec![ticket(6, true), ticket(7, false)], total: 2, page: 1, per_page: 50 });
    }

    #[test]
    fn history_reads_the_same_either_way() {
        let row = |article_id| HistoryDto {
            id: 1,
            history_type: "StateUpdate".into(),
            name: "%%new%%open%%".into(),
            article_id,
            queue_id: 1,
            owner_id: 1,
            priority_id: 3,
            state_id: 4,
            created: at(1_700_000_000, 1_000),
            created_by: 1,
        };
        assert_same(&vec![row(Some(8)), row(None)]);
    }

    #[test]
    fn entity_tags_name_versions_of_their_own_ticket_only() {
        assert_eq!(super::version_in_tag("\"7-42\"", 7), Some(42));
        assert_eq!(super::version_in_tag(" W/\"7-42\" ", 7), Some(42));
        assert_eq!(super::version_in_tag("\"8-42\"", 7), None);
        assert_eq!(super::version_in_tag("\"7-x\"", 7), None);
        assert_eq!(super::version_in_tag("garbage", 7), None);
    }
}
