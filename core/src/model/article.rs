use chrono::{DateTime, Utc};

use super::{ArticleId, Attachment, NewAttachment, TicketId, UserId};

/// `article_sender_type`: who wrote an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, strum::FromRepr)]
#[repr(i32)]
#[serde(rename_all = "snake_case")]
pub enum SenderType {
    Agent = 1,
    System = 2,
    Customer = 3,
}

impl SenderType {
    pub fn id(self) -> i32 {
        self as i32
    }
    pub fn from_id(id: i32) -> Option<Self> {
        Self::from_repr(id)
    }
}

/// `communication_channel`: how an article arrived or left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, strum::FromRepr)]
#[repr(i32)]
#[serde(rename_all = "snake_case")]
pub enum CommunicationChannel {
    Email = 1,
    Phone = 2,
    Internal = 3,
    Chat = 4,
}

impl CommunicationChannel {
    pub fn id(self) -> i32 {
        self as i32
    }
    pub fn from_id(id: i32) -> Option<Self> {
        Self::from_repr(id)
    }
}

/// An article with its MIME data (`article` + `article_data_mime`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub ticket_id: TicketId,
    pub sender_type: SenderType,
    pub channel: CommunicationChannel,
    pub visible_for_customer: bool,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    pub content_type: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub incoming_time: i64,
    pub created: DateTime<Utc>,
    pub created_by: UserId,
    /// The article's files, without their bytes.
    pub attachments: Vec<Attachment>,
    /// Whether the message it was made of (mail in or out) is kept.
    pub has_source: bool,
    /// The values of the site's article fields (OTRS's dynamic fields of object type
    /// `Article`), in its field order; empty for what customers read.
    pub dynamic_fields: Vec<super::DynamicFieldValue>,
}

#[derive(Debug, Clone)]
pub struct NewArticle {
    pub sender_type: SenderType,
    pub channel: CommunicationChannel,
    pub visible_for_customer: bool,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    pub subject: String,
    pub body: String,
    pub content_type: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub attachments: Vec<NewAttachment>,
    /// Time worked that the article accounts for (OTRS's `TimeUnit`): stored in
    /// `time_accounting` in the article's own transaction, so neither is kept without
    /// the other.
    pub time_unit: Option<f64>,
    /// The message as it arrived, for articles made of mail: stored beside the article
    /// (OTRS's `article_data_mime_plain`), shared rather than copied.
    pub plain: Option<super::FileBytes>,
    /// For a message that leaves: its envelope. The store queues `plain` for sending
    /// in the article's own transaction (OTRS's `mail_queue`).
    pub outbound: Option<crate::ports::Envelope>,
    /// Checked values for the site's article fields, stored in the article's own
    /// transaction.
    pub dynamic_fields: Vec<super::FieldChange>,
}

impl NewArticle {
    /// Whether this is mail as it arrived (the postmaster's work): its size was
    /// bounded whole, by the mail limit, not file by file like an upload.
    pub fn arrived_as_mail(&self) -> bool {
        self.plain.is_some() && self.outbound.is_none()
    }

    /// What of this article the store already holds on its own: forgotten again if the
    /// article is not stored.
    pub fn spooled(&self) -> Vec<super::Spooled> {
        let files = self.attachments.iter().map(|a| a.content());
        self.plain.iter().chain(files).filter_map(super::FileBytes::spooled).collect()
    }

    /// An internal note by an agent, the most common article in a help desk's day.
    pub fn note(subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            sender_type: SenderType::Agent,
            channel: CommunicationChannel::Internal,
            visible_for_customer: false,
            from: None,
            to: None,
            cc: None,
            subject: subject.into(),
            body: body.into(),
            content_type: "text/plain; charset=utf-8".into(),
            message_id: None,
            in_reply_to: None,
            references: None,
            attachments: Vec::new(),
            time_unit: None,
            plain: None,
            outbound: None,
            dynamic_fields: Vec::new(),
        }
    }
}
