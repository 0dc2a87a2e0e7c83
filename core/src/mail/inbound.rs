//! A received message as the postmaster needs it: the addresses, the threading
//! headers, one body text, the attachments, every header (for the `X-OTRS-*` and the
//! loop signals) and the message as it arrived, which is stored beside the article.

use crate::model::NewAttachment;

#[derive(Debug, Clone, Default)]
pub struct InboundMail {
    /// `From` as written, e.g. `Jane Doe <jane@example.com>`.
    pub from: Option<String>,
    /// The sender's bare address, lower-cased: what customer users are matched on.
    pub sender: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    /// Where answers go, when not to `from`.
    pub reply_to: Option<String>,
    pub subject: String,
    /// With its angle brackets, as OTRS stores and hashes it.
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    /// The `References` ids, oldest first, each with its angle brackets.
    pub references: Vec<String>,
    /// The text of the message (a plain-text part, or the text of its HTML).
    pub body: String,
    /// The body's content type after decoding: always UTF-8.
    pub content_type: String,
    pub attachments: Vec<NewAttachment>,
    /// Every header, names as written, values decoded.
    pub headers: Vec<(String, String)>,
    /// The message as it arrived (OTRS's `article_data_mime_plain`).
    pub raw: bytes::Bytes,
}

impl InboundMail {
    /// The first header of that name (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }

    /// The Message-IDs this mail answers: In-Reply-To first, then References newest first.
    pub fn answered_ids(&self) -> impl Iterator<Item = &str> {
        self.in_reply_to.iter().map(String::as_str).chain(self.references.iter().rev().map(String::as_str))
    }
}
