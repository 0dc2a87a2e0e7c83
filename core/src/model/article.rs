use chrono::{DateTime, Utc};

use super::{ArticleId, Attachment, NewAttachment, TicketId, UserId};

/// `article_sender_type`: who wrote an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderType {
    Agent,
    System,
    Customer,
}

impl SenderType {
    pub fn id(self) -> i32 {
        match self {
            Self::Agent => 1,
            Self::System => 2,
            Self::Customer => 3,
        }
    }
    pub fn from_id(id: i32) -> Option<Self> {
        match id {
            1 => Some(Self::Agent),
            2 => Some(Self::System),
            3 => Some(Self::Customer),
            _ => None,
        }
    }
}

/// `communication_channel`: how an article arrived or left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunicationChannel {
    Email,
    Phone,
    Internal,
    Chat,
}

impl CommunicationChannel {
    pub fn id(self) -> i32 {
        match self {
            Self::Email => 1,
            Self::Phone => 2,
            Self::Internal => 3,
            Self::Chat => 4,
        }
    }
    pub fn from_id(id: i32) -> Option<Self> {
        match id {
            1 => Some(Self::Email),
            2 => Some(Self::Phone),
            3 => Some(Self::Internal),
            4 => Some(Self::Chat),
            _ => None,
        }
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
}

impl NewArticle {
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
        }
    }
}
