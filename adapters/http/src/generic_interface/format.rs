//! goats' tickets in the shapes OTRS's TicketGet and TicketHistoryGet return: OTRS's key
//! names, ids as strings, times as `YYYY-MM-DD HH:MM:SS`.

use chrono::{DateTime, Utc};
use goats_core::history::HistoryRecord;
use goats_core::model::{Article, CommunicationChannel, DynamicFieldValue, FieldValue, Lock, SenderType, Ticket};
use serde_json::{Value, json};

pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The names TicketGet reports beside the ids.
pub struct TicketNames {
    pub owner: String,
    pub responsible: String,
    pub type_name: String,
    pub group_id: i32,
}

pub fn ticket(t: &Ticket, names: &TicketNames, now: DateTime<Utc>) -> Value {
    let lock = match t.lock {
        Lock::Unlock => "unlock",
        Lock::Lock => "lock",
        Lock::TmpLock => "tmp_lock",
    };
    json!({
        "TicketID": t.id.to_string(),
        "TicketNumber": t.number,
        "Title": t.title,
        "Queue": t.queue,
        "QueueID": t.queue_id.to_string(),
        "GroupID": names.group_id.to_string(),
        "State": t.state,
        "StateID": t.state_id.to_string(),
        "StateType": t.state_type.otrs_name(),
        "Priority": t.priority,
        "PriorityID": t.priority_id.to_string(),
        "Type": names.type_name,
        "TypeID": t.type_id.unwrap_or(1).to_string(),
        "Service": t.service.clone().unwrap_or_default(),
        "ServiceID": t.service_id.map(|i| i.to_string()).unwrap_or_default(),
        "SLA": t.sla.clone().unwrap_or_default(),
        "SLAID": t.sla_id.map(|i| i.to_string()).unwrap_or_default(),
        "Lock": lock,
        "LockID": t.lock.id().to_string(),
        "Owner": names.owner,
        "OwnerID": t.owner_id.to_string(),
        "Responsible": names.responsible,
        "ResponsibleID": t.responsible_id.to_string(),
        "CustomerID": t.customer_id.clone().unwrap_or_default(),
        "CustomerUserID": t.customer_user_id.clone().unwrap_or_default(),
        "UntilTime": if t.until_time > 0 { (t.until_time - now.timestamp()).max(0) } else { 0 },
        "RealTillTimeNotUsed": t.until_time.to_string(),
        "Age": (now - t.created).num_seconds(),
        "ArchiveFlag": "n",
        "Created": time(t.created),
        "Changed": time(t.changed),
        "UnlockTimeout": "0",
        "EscalationTime": "0",
        "EscalationResponseTime": "0",
        "EscalationUpdateTime": "0",
        "EscalationSolutionTime": "0",
    })
}

pub fn article(a: &Article, number: usize) -> Value {
    let (mime, charset) = split_content_type(&a.content_type);
    let channel = match a.channel {
        CommunicationChannel::Email => "Email",
        CommunicationChannel::Phone => "Phone",
        CommunicationChannel::Internal => "Internal",
        CommunicationChannel::Chat => "Chat",
    };
    let sender = match a.sender_type {
        SenderType::Agent => "agent",
        SenderType::System => "system",
        SenderType::Customer => "customer",
    };
    json!({
        "ArticleID": a.id.to_string(),
        "ArticleNumber": number.to_string(),
        "TicketID": a.ticket_id.to_string(),
        "CommunicationChannel": channel,
        "CommunicationChannelID": a.channel.id().to_string(),
        "SenderType": sender,
        "SenderTypeID": a.sender_type.id().to_string(),
        "IsVisibleForCustomer": if a.visible_for_customer { "1" } else { "0" },
        "From": a.from.clone().unwrap_or_default(),
        "To": a.to.clone().unwrap_or_default(),
        "Cc": a.cc.clone().unwrap_or_default(),
        "Subject": a.subject.clone().unwrap_or_default(),
        "Body": a.body,
        "ContentType": a.content_type,
        "MimeType": mime,
        "Charset": charset,
        "MessageID": a.message_id.clone().unwrap_or_default(),
        "InReplyTo": a.in_reply_to.clone().unwrap_or_default(),
        "References": a.references.clone().unwrap_or_default(),
        "IncomingTime": a.incoming_time.to_string(),
        "CreateTime": time(a.created),
        "CreateBy": a.created_by.to_string(),
    })
}

pub fn history(h: &HistoryRecord) -> Value {
    json!({
        "TicketID": h.ticket_id.to_string(),
        "ArticleID": h.article_id.unwrap_or(0).to_string(),
        "HistoryType": h.history_type,
        "Name": h.name,
        "QueueID": h.queue_id.to_string(),
        "OwnerID": h.owner_id.to_string(),
        "PriorityID": h.priority_id.to_string(),
        "StateID": h.state_id.to_string(),
        "TypeID": h.type_id.to_string(),
        "CreateBy": h.created_by.to_string(),
        "CreateTime": time(h.created),
    })
}

/// `text/plain; charset=utf-8` → (`text/plain`, `utf-8`).
pub fn split_content_type(ct: &str) -> (String, String) {
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or("text/plain").trim().to_string();
    let charset = parts
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .next()
        .map(|c| c.trim_matches('"').to_string())
        .unwrap_or_else(|| "utf-8".into());
    (mime, charset)
}

/// A dynamic field as TicketGet lists it with `DynamicFields=1`: its name and value as
/// OTRS's backends return them (chosen keys as a list, dates with OTRS's time format).
pub fn dynamic_field(f: &DynamicFieldValue) -> Value {
    let value = match &f.value {
        FieldValue::Text(t) => Value::String(t.clone()),
        FieldValue::Texts(keys) => Value::Array(keys.iter().cloned().map(Value::String).collect()),
        FieldValue::Int(i) => Value::String(i.to_string()),
        FieldValue::Date(d) => Value::String(d.format("%Y-%m-%d 00:00:00").to_string()),
        FieldValue::DateTime(t) => Value::String(t.format("%Y-%m-%d %H:%M:%S").to_string()),
    };
    json!({"Name": f.name, "Value": value})
}
