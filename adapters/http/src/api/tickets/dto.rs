//! The request and response bodies of the ticket operations, as the OpenAPI document
//! describes them, and their conversions to and from the domain's types.

use chrono::{DateTime, Utc};
use goats_core::model::{self, *};
use goats_core::ports::DeliveryState;
use goats_core::tickets::TicketChange;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object};
use serde::Serialize;

use crate::api::json_body::{JsonBody, rfc3339, rfc3339_opt};
use crate::api::problem::ApiError;
use crate::api::text::Text;

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
pub(super) struct ArticleDto {
    pub(super) id: i64,
    pub(super) sender_type: SenderDto,
    pub(super) channel: ChannelDto,
    pub(super) visible_for_customer: bool,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) from: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) to: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) cc: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) subject: Option<String>,
    pub(super) body: String,
    pub(super) content_type: String,
    #[serde(serialize_with = "rfc3339")]
    pub(super) created: DateTime<Utc>,
    pub(super) created_by: i32,
    /// The article's files; download each from `/tickets/{id}/attachments/{attachment_id}`.
    pub(super) attachments: Vec<AttachmentDto>,
    /// For an email that left (or is to leave) by SMTP: where it is.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) delivery: Option<MailDeliveryDto>,
    /// The article fields that hold a value, in the site's field order; absent when
    /// none does, and for customers.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) dynamic_fields: Option<Vec<DynamicFieldDto>>,
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq, Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub(super) enum MailDeliveryStateDto {
    /// Waiting for the SMTP server (again, after `attempts` failed).
    Queued,
    /// The SMTP server took it.
    Sent,
    /// Given up: `error` says why.
    Failed,
}

/// Where an outgoing email is.
#[derive(Object, Serialize)]
pub(super) struct MailDeliveryDto {
    pub(super) state: MailDeliveryStateDto,
    /// Attempts made so far, while queued.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attempts: Option<i32>,
    /// The last attempt's failure while queued; the reason it was given up when failed.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
    /// When it is tried again, while queued.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pub(super) next_attempt: Option<DateTime<Utc>>,
}

impl From<DeliveryState> for MailDeliveryDto {
    fn from(s: DeliveryState) -> Self {
        match s {
            DeliveryState::Queued { attempts, last_error, next_attempt } => {
                Self { state: MailDeliveryStateDto::Queued, attempts: Some(attempts), error: last_error, next_attempt }
            }
            DeliveryState::Sent => {
                Self { state: MailDeliveryStateDto::Sent, attempts: None, error: None, next_attempt: None }
            }
            DeliveryState::Failed { reason } => {
                Self { state: MailDeliveryStateDto::Failed, attempts: None, error: Some(reason), next_attempt: None }
            }
        }
    }
}

impl ArticleDto {
    /// The articles with their deliveries.
    pub(super) fn with_deliveries(articles: Vec<Article>, mut deliveries: Vec<(i64, DeliveryState)>) -> Vec<Self> {
        articles
            .into_iter()
            .map(|a| {
                let delivery = deliveries.iter().position(|(id, _)| *id == a.id).map(|i| deliveries.swap_remove(i).1);
                Self { delivery: delivery.map(Into::into), ..a.into() }
            })
            .collect()
    }
}

/// A file of an article. Its type was sniffed from its bytes when it arrived.
#[derive(Object, Serialize)]
pub(super) struct AttachmentDto {
    pub(super) id: i64,
    pub(super) filename: String,
    pub(super) content_type: String,
    pub(super) size: u64,
}

impl From<model::Attachment> for AttachmentDto {
    fn from(a: model::Attachment) -> Self {
        Self { id: a.id, filename: a.filename, content_type: a.content_type, size: a.size }
    }
}

/// A file to attach: its name and its bytes in base64. Its type is taken from the bytes.
#[derive(Object)]
pub(super) struct NewAttachmentDto {
    #[oai(validator(min_length = 1, max_length = 250))]
    pub(super) filename: Text,
    /// The file's bytes, base64 (RFC 4648, with padding).
    #[oai(validator(pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"))]
    pub(super) content: String,
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
            delivery: None,
            dynamic_fields: (!a.dynamic_fields.is_empty())
                .then(|| a.dynamic_fields.into_iter().map(Into::into).collect()),
        }
    }
}

#[derive(Object, Serialize)]
pub(super) struct TicketDto {
    pub(super) id: i64,
    /// The OTRS ticket number, e.g. `2016010110000019`.
    pub(super) number: String,
    pub(super) title: String,
    pub(super) queue_id: i32,
    pub(super) queue: String,
    pub(super) state_id: i32,
    pub(super) state: String,
    pub(super) state_type: StateTypeDto,
    pub(super) priority_id: i32,
    pub(super) priority: String,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) type_id: Option<i32>,
    /// The service the ticket is about (OTRS's `Parent::Child` name), if any.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) service_id: Option<i32>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) service: Option<String>,
    /// The SLA whose times the ticket is held to, instead of its queue's.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) sla_id: Option<i32>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) sla: Option<String>,
    pub(super) lock: LockDto,
    pub(super) owner_id: i32,
    pub(super) responsible_id: i32,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) customer_id: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) customer_user_id: Option<String>,
    /// When a pending ticket is due; absent when no pending time is set.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pub(super) pending_until: Option<DateTime<Utc>>,
    /// When the first response, the next update and the solution are due, as the
    /// escalation job last computed them from the SLA or the queue; absent when a clock
    /// is not running.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pub(super) first_response_due: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pub(super) update_due: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pub(super) solution_due: Option<DateTime<Utc>>,
    #[serde(serialize_with = "rfc3339")]
    pub(super) created: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub(super) changed: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) articles: Option<Vec<ArticleDto>>,
    /// The ticket's dynamic fields that hold a value (OTRS's `dynamic_field_value`), in
    /// the site's field order; present on a single ticket an agent reads.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) dynamic_fields: Option<Vec<DynamicFieldDto>>,
}

/// One dynamic field's value.
#[derive(Object, Serialize)]
pub(super) struct DynamicFieldDto {
    /// OTRS's field name, e.g. `Severity`.
    pub(super) name: String,
    pub(super) label: String,
    /// OTRS's field type: `Text`, `TextArea`, `Dropdown`, `Multiselect`, `Checkbox`,
    /// `Date`, `DateTime`, or another OTRS type.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub(super) field_type: String,
    /// A text, a list of chosen keys (Multiselect), 0 or 1 (Checkbox), `YYYY-MM-DD`
    /// (Date) or an RFC 3339 time (DateTime).
    pub(super) value: serde_json::Value,
    /// The value as an agent reads it: labels for chosen keys.
    pub(super) display: String,
}

impl From<DynamicFieldValue> for DynamicFieldDto {
    fn from(f: DynamicFieldValue) -> Self {
        let value = match &f.value {
            FieldValue::DateTime(t) => serde_json::Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            other => serde_json::to_value(other).unwrap_or_default(),
        };
        Self {
            display: f.display(),
            name: f.name,
            label: f.label,
            field_type: f.field_type.otrs_name().to_string(),
            value,
        }
    }
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
            service_id: t.service_id,
            service: t.service,
            sla_id: t.sla_id,
            sla: t.sla,
            lock: t.lock.into(),
            owner_id: t.owner_id,
            responsible_id: t.responsible_id,
            customer_id: t.customer_id,
            customer_user_id: t.customer_user_id,
            pending_until: epoch(t.until_time),
            first_response_due: epoch(t.escalation.response_time),
            update_due: epoch(t.escalation.update_time),
            solution_due: epoch(t.escalation.solution_time),
            created: t.created,
            changed: t.changed,
            articles: t.articles.map(|a| a.into_iter().map(Into::into).collect()),
            dynamic_fields: t.dynamic_fields.map(|f| f.into_iter().map(Into::into).collect()),
        }
    }
}

/// Dynamic field values as this API takes them (`member`: where they were given) into
/// texts by field name, as OTRS's interfaces give them.
fn field_texts(
    fields: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    member: &'static str,
) -> Result<Vec<(String, Vec<String>)>, ApiError> {
    let Some(fields) = fields else { return Ok(Vec::new()) };
    fields
        .into_iter()
        .map(|(name, value)| {
            let texts = match value {
                serde_json::Value::Null => Vec::new(),
                serde_json::Value::Bool(b) => vec![if b { "1" } else { "0" }.to_string()],
                serde_json::Value::Number(n) => vec![n.to_string()],
                serde_json::Value::String(s) => vec![s],
                serde_json::Value::Array(items) => items
                    .into_iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => Ok(s),
                        serde_json::Value::Number(n) => Ok(n.to_string()),
                        _ => Err(ApiError::invalid(member, format!("{name}: a list holds texts"))),
                    })
                    .collect::<Result<_, _>>()?,
                serde_json::Value::Object(_) => {
                    return Err(ApiError::invalid(member, format!("{name}: a text, number or list")));
                }
            };
            Ok((name, texts))
        })
        .collect()
}

/// A time OTRS keeps as a Unix epoch, 0 for none.
fn epoch(at: i64) -> Option<DateTime<Utc>> {
    (at > 0).then(|| DateTime::from_timestamp(at, 0)).flatten()
}

#[derive(Object, Serialize)]
pub(super) struct TicketPage {
    pub(super) items: Vec<TicketDto>,
    /// How many tickets match in all. A search (`text`) counts to 1,000 at most: then
    /// `total` is 1,000 and `total_capped` true, and later pages may still hold tickets.
    pub(super) total: u64,
    /// Counting stopped at `total`: more tickets match.
    pub(super) total_capped: bool,
    pub(super) page: u64,
    pub(super) per_page: u64,
}

#[derive(Object)]
pub(super) struct NewArticleDto {
    #[oai(validator(min_length = 1, max_length = 3800))]
    pub(super) subject: Text,
    #[oai(validator(min_length = 1, max_length = 1000000))]
    pub(super) body: Text,
    /// How the article came or went; `internal` (a note) by default.
    #[oai(nullable, default)]
    pub(super) channel: Option<ChannelDto>,
    /// Who wrote it; `agent` by default.
    #[oai(nullable, default)]
    pub(super) sender_type: Option<SenderDto>,
    /// Whether the customer sees it; false by default (and when null).
    #[oai(nullable, default)]
    pub(super) visible_for_customer: bool,
    #[oai(nullable, validator(max_length = 3800))]
    pub(super) from: Option<Text>,
    #[oai(nullable, validator(max_length = 3800))]
    pub(super) to: Option<Text>,
    #[oai(nullable, validator(max_length = 3800))]
    pub(super) cc: Option<Text>,
    /// `text/plain; charset=utf-8` by default.
    #[oai(nullable, validator(max_length = 250))]
    pub(super) content_type: Option<Text>,
    /// Files to attach; each may be as large as the server's attachment limit.
    #[oai(default, nullable, validator(max_items = 50))]
    pub(super) attachments: Vec<NewAttachmentDto>,
    /// Time worked that this article accounts for (negative corrects): stored with the
    /// article in one transaction, as `POST …/time` stores it alone.
    #[oai(nullable)]
    pub(super) time_unit: Option<f64>,
    /// Values for the site's article fields (OTRS's dynamic fields of object type
    /// `Article`) by field name, stored with the article in one transaction; written as
    /// a ticket's `dynamic_fields` are. Agents only.
    #[oai(nullable)]
    pub(super) dynamic_fields: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

impl NewArticleDto {
    /// The article fields' values as OTRS's interfaces give them: texts by field name.
    pub(super) fn field_values(&mut self) -> Result<Vec<(String, Vec<String>)>, ApiError> {
        field_texts(self.dynamic_fields.take(), "article.dynamic_fields")
    }
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
            time_unit: a.time_unit,
            plain: None,
            outbound: None,
            dynamic_fields: Vec::new(),
        })
    }
}

#[derive(Object)]
pub(super) struct NewTicketDto {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub(super) title: Text,
    /// The default queue an admin set for new tickets when left out; required
    /// without one, and always for customers.
    #[oai(nullable)]
    pub(super) queue_id: Option<i32>,
    /// The admin's default state for new tickets (`new` unless changed).
    #[oai(nullable)]
    pub(super) state_id: Option<i32>,
    /// The admin's default priority (`3 normal` unless changed).
    #[oai(nullable)]
    pub(super) priority_id: Option<i32>,
    /// The admin's default type (`Unclassified` unless changed).
    #[oai(nullable)]
    pub(super) type_id: Option<i32>,
    /// A valid service.
    #[oai(nullable)]
    pub(super) service_id: Option<i32>,
    /// An SLA offered for `service_id`.
    #[oai(nullable)]
    pub(super) sla_id: Option<i32>,
    /// The caller by default.
    #[oai(nullable)]
    pub(super) owner_id: Option<i32>,
    #[oai(nullable)]
    pub(super) responsible_id: Option<i32>,
    #[oai(nullable, validator(max_length = 150))]
    pub(super) customer_id: Option<Text>,
    #[oai(nullable, validator(max_length = 250))]
    pub(super) customer_user_id: Option<Text>,
    /// Required with a pending state; must be in the future.
    #[oai(nullable)]
    pub(super) pending_until: Option<DateTime<Utc>>,
    pub(super) article: NewArticleDto,
}

/// Fields to change; those left out stay as they are.
#[derive(Object)]
pub(super) struct TicketPatch {
    #[oai(nullable, validator(min_length = 1, max_length = 255))]
    pub(super) title: Option<Text>,
    #[oai(nullable)]
    pub(super) queue_id: Option<i32>,
    #[oai(nullable)]
    pub(super) state_id: Option<i32>,
    /// With a pending `state_id`, or alone to move the time of a pending ticket.
    #[oai(nullable)]
    pub(super) pending_until: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub(super) priority_id: Option<i32>,
    #[oai(nullable)]
    pub(super) type_id: Option<i32>,
    /// A valid service; 0 takes the service off (and with it the SLA).
    #[oai(nullable)]
    pub(super) service_id: Option<i32>,
    /// An SLA offered for the ticket's service (set with it or before); 0 takes it off.
    #[oai(nullable)]
    pub(super) sla_id: Option<i32>,
    #[oai(nullable)]
    pub(super) owner_id: Option<i32>,
    #[oai(nullable)]
    pub(super) responsible_id: Option<i32>,
    #[oai(nullable)]
    pub(super) lock: Option<LockDto>,
    #[oai(nullable, validator(max_length = 150))]
    pub(super) customer_id: Option<Text>,
    #[oai(nullable, validator(max_length = 250))]
    pub(super) customer_user_id: Option<Text>,
    /// Dynamic field values by field name, written with the other changes in one edit
    /// (so `If-Match` covers them): a text, a list of keys (Multiselect), 0/1 or a
    /// boolean (Checkbox), `YYYY-MM-DD` (Date), `YYYY-MM-DD HH:MM:SS` (DateTime); null or
    /// an empty list clears the field.
    #[oai(nullable)]
    pub(super) dynamic_fields: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

impl TicketPatch {
    /// The dynamic field values as OTRS's interfaces give them: texts by field name.
    pub(super) fn field_values(&mut self) -> Result<Vec<(String, Vec<String>)>, ApiError> {
        field_texts(self.dynamic_fields.take(), "dynamic_fields")
    }

    /// The changes in the order an agent would make them: where the ticket is and who
    /// has it before what state it is in.
    pub(super) fn changes(self, current: &Ticket) -> Vec<TicketChange> {
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
        // The service before the SLA, which must be offered for it.
        if let Some(s) = self.service_id {
            out.push(TicketChange::Service((s != 0).then_some(s)));
        }
        if let Some(s) = self.sla_id {
            out.push(TicketChange::Sla((s != 0).then_some(s)));
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
pub(super) struct HistoryDto {
    pub(super) id: i64,
    /// The OTRS history type, e.g. `StateUpdate`.
    pub(super) history_type: String,
    /// OTRS's `%%`-separated parameters, e.g. `%%new%%open%%`.
    pub(super) name: String,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) article_id: Option<i64>,
    pub(super) queue_id: i32,
    pub(super) owner_id: i32,
    pub(super) priority_id: i32,
    pub(super) state_id: i32,
    #[serde(serialize_with = "rfc3339")]
    pub(super) created: DateTime<Utc>,
    pub(super) created_by: i32,
}

#[derive(Object)]
pub(super) struct CreatedArticle {
    pub(super) id: i64,
}

#[derive(ApiResponse)]
pub(super) enum TicketCreated {
    /// The new ticket.
    #[oai(status = 201)]
    Created(JsonBody<TicketDto>),
}

#[derive(ApiResponse)]
pub(super) enum TicketWithTag {
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
pub(super) enum ArticleCreated {
    #[oai(status = 201)]
    Created(Json<CreatedArticle>),
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
pub(super) enum SortField {
    Number,
    Title,
    Queue,
    State,
    Priority,
    Owner,
    Created,
    Changed,
    PendingUntil,
    /// How well a ticket answers `text`, best first, among the 1,000 newest tickets
    /// that match.
    Relevance,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
pub(super) enum Order {
    Asc,
    Desc,
}

#[derive(Object)]
pub(super) struct MergeDto {
    /// The ticket this one is merged into.
    pub(super) into: i64,
}

#[derive(Object)]
pub(super) struct TimeAccountingDto {
    /// Time worked, in the site's unit (usually minutes); negative to correct; not zero.
    #[oai(validator(minimum(value = "-99999999.99"), maximum(value = "99999999.99")))]
    pub(super) time_unit: f64,
    /// The article the time belongs to, if any.
    #[oai(nullable)]
    pub(super) article_id: Option<i64>,
}

#[derive(Object)]
pub(super) struct AccountedTime {
    /// All time accounted on the ticket.
    pub(super) total: f64,
}

#[derive(ApiResponse)]
pub(super) enum TimeAccounted {
    #[oai(status = 201)]
    Created(Json<AccountedTime>),
}

#[derive(ApiResponse)]
pub(super) enum WatchChanged {
    /// Done (also when nothing needed to change).
    #[oai(status = 204)]
    Done,
}

pub(super) fn default_page() -> u64 {
    1
}

pub(super) fn default_per_page() -> u64 {
    50
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
            delivery: optional.then(|| MailDeliveryDto {
                state: MailDeliveryStateDto::Queued,
                attempts: Some(2),
                error: Some("421 try later".into()),
                next_attempt: Some(at(1_700_000_600, 0)),
            }),
            dynamic_fields: optional.then(|| {
                vec![DynamicFieldDto {
                    name: "Reason".into(),
                    label: "Reason \"why\"".into(),
                    field_type: "Dropdown".into(),
                    value: serde_json::json!("call"),
                    display: "Call ✓".into(),
                }]
            }),
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
            service_id: optional.then_some(4),
            service: optional.then(|| "Email::Outlook".into()),
            sla_id: optional.then_some(2),
            sla: optional.then(|| "Gold".into()),
            lock: if optional { LockDto::TmpLock } else { LockDto::Unlock },
            owner_id: 1,
            responsible_id: 2,
            customer_id: optional.then(|| "ACME".into()),
            customer_user_id: optional.then(|| "ann".into()),
            pending_until: optional.then(|| at(1_800_000_000, 5)),
            first_response_due: optional.then(|| at(1_800_000_060, 0)),
            update_due: None,
            solution_due: optional.then(|| at(1_800_003_600, 0)),
            created: at(1_600_000_000, 0),
            changed: at(1_600_000_001, 999_999_000),
            articles: optional.then(|| vec![article(1, true), article(2, false)]),
            dynamic_fields: None,
        }
    }

    #[test]
    fn tickets_and_their_articles_read_the_same_either_way() {
        assert_same(&ticket(1, true));
        assert_same(&ticket(2, false));
        assert_same(&article(3, true));
        assert_same(&vec![article(4, false), article(5, true)]);
        assert_same(&TicketPage {
            items: vec![ticket(6, true), ticket(7, false)],
            total: 2,
            total_capped: false,
            page: 1,
            per_page: 50,
        });
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
}
