//! Mail that leaves: writing a message, the durable queue it waits in (OTRS's
//! `mail_queue`), and the SMTP server it is handed to.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::DomainResult;
use crate::model::*;
use crate::ports::SystemAddress;

/// What an outgoing message says; the composer writes it as MIME.
#[derive(Debug, Clone)]
pub struct OutboundMail {
    /// `Name <address>`.
    pub from: String,
    pub to: String,
    pub cc: Option<String>,
    pub subject: String,
    pub body: String,
    /// The same text in HTML, sent beside the plain part; an empty `body` is then
    /// made from it.
    pub html: Option<String>,
    /// With its angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub attachments: Vec<NewAttachment>,
    /// Sent by goats itself, not by a person (auto-responses): marked
    /// `Auto-Submitted: auto-replied`, so other systems do not answer it.
    pub automatic: bool,
}

impl OutboundMail {
    /// A new `Message-ID`, with its angle brackets, in the domain of `sender`'s address.
    pub fn new_message_id(now: DateTime<Utc>, sender: &str) -> String {
        use rand::Rng;
        let domain = sender.rsplit('@').next().unwrap_or("localhost");
        format!("<{}.{:016x}@{domain}>", now.timestamp(), rand::rng().random::<u64>())
    }
}

/// Who a queued message goes from and to, as SMTP's envelope says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub sender: String,
    pub recipients: Vec<String>,
}

/// OTRS's `auto_response_type`: which automatic answer a queue gives to what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::FromRepr, strum::IntoStaticStr)]
pub enum AutoResponseKind {
    /// A mail opened a new ticket ("auto reply").
    Reply = 1,
    /// A follow-up to a closed ticket was rejected ("auto reject").
    Reject = 2,
    /// A follow-up was added ("auto follow up").
    FollowUp = 3,
    /// A follow-up to a closed ticket opened a new one ("auto reply/new ticket").
    NewTicketAfterClosed = 4,
}

/// An automatic answer as an admin wrote it (`auto_response`), with the address it is
/// sent from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoResponse {
    /// `text1`, with `<OTRS_…>` tags.
    pub subject: String,
    /// `text0`, with `<OTRS_…>` tags.
    pub body: String,
    pub sender: SystemAddress,
}

/// An auto-response as an admin writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAutoResponse {
    pub name: String,
    pub kind: AutoResponseKind,
    pub subject: String,
    pub body: String,
    /// The `system_address` it is sent from.
    pub system_address_id: i32,
    /// An invalid one is never sent, whichever queues it is assigned to.
    pub valid: bool,
}

/// A system address as an admin keeps it (`system_address`): an address queues send
/// from, and the queue mail sent to it belongs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemAddressRecord {
    /// 0 for one not stored yet.
    pub id: i32,
    pub address: SystemAddress,
    pub queue_id: QueueId,
    pub comments: Option<String>,
    pub valid: bool,
}

/// The automatic answers queues give, the addresses mail leaves from, and the count
/// that keeps automatic answers from flooding one address (OTRS's
/// `ticket_loop_protection`).
#[async_trait]
pub trait AutoResponses: Send + Sync {
    async fn create_auto_response(&self, response: NewAutoResponse, by: UserId) -> DomainResult<i32>;
    /// Replaces auto-response `id`; not found when there is none.
    async fn update_auto_response(&self, id: i32, response: NewAutoResponse, by: UserId) -> DomainResult<()>;
    /// The valid system addresses mail can be sent from, by id.
    async fn system_addresses(&self) -> DomainResult<Vec<(i32, SystemAddress)>>;
    /// Every system address, valid or not, by id.
    async fn all_system_addresses(&self) -> DomainResult<Vec<SystemAddressRecord>>;
    /// Stores a new system address (id 0) or replaces the one with its id; returns the id.
    async fn save_system_address(&self, address: SystemAddressRecord, by: UserId) -> DomainResult<i32>;
    /// Every auto-response with its id, by id.
    async fn auto_responses(&self) -> DomainResult<Vec<(i32, NewAutoResponse)>>;
    /// The ids of the auto-responses assigned to the queue, valid or not.
    async fn queue_auto_responses(&self, queue: QueueId) -> DomainResult<Vec<i32>>;
    /// The queue's auto-responses become `ids` (at most one of each kind, as OTRS's
    /// admin form allows).
    async fn assign_auto_responses(&self, queue: QueueId, ids: &[i32], by: UserId) -> DomainResult<()>;
    /// The valid answer of `kind` assigned to the queue, if any.
    async fn auto_response(&self, queue: QueueId, kind: AutoResponseKind) -> DomainResult<Option<AutoResponse>>;
    /// Counts one more automatic mail to `address` on `day`; false, and nothing counted,
    /// when `limit` were sent that day already.
    async fn count_automatic_mail(&self, address: &str, day: chrono::NaiveDate, limit: u32) -> DomainResult<bool>;
}

/// The postmaster filters (OTRS's `postmaster_filter`), kept by name.
#[async_trait]
pub trait PostmasterFilters: Send + Sync {
    async fn filters(&self) -> DomainResult<Vec<crate::mail::PostmasterFilter>>;
    /// Stores a filter, replacing the one of the same name.
    async fn save_filter(&self, filter: &crate::mail::PostmasterFilter) -> DomainResult<()>;
    /// Removes a filter (OTRS deletes filters); false when there was none.
    async fn delete_filter(&self, name: &str) -> DomainResult<bool>;
}

/// Writes messages: MIME, headers encoded, a date. Pure work, no I/O.
pub trait MailComposer: Send + Sync {
    fn compose(&self, mail: &OutboundMail) -> DomainResult<Vec<u8>>;
}

/// A message waiting in the queue.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub article_id: Option<ArticleId>,
    pub envelope: Envelope,
    pub raw: Vec<u8>,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// Why the SMTP server did not take a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// The SMTP reply code, when there was a reply.
    pub code: Option<u16>,
    pub message: String,
    /// A 5xx answer: trying again will not help.
    pub permanent: bool,
}

impl SendFailure {
    /// As people read it: the code, then the server's words (`550 no such user`).
    pub fn reason(&self) -> String {
        match self.code {
            Some(code) => format!("{code} {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Hands messages to an SMTP server.
#[async_trait]
pub trait MailTransport: Send + Sync {
    async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendFailure>;
}

/// Where an outgoing article's message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    /// Waiting to be sent; after failed attempts, with the last reason.
    Queued {
        attempts: i32,
        last_error: Option<String>,
        next_attempt: Option<DateTime<Utc>>,
    },
    Sent,
    Failed {
        reason: String,
    },
}

/// OTRS's `mail_queue`: messages wait here until an SMTP server takes them. A message
/// is claimed before it is sent, so of several instances only one sends it.
#[async_trait]
pub trait MailQueue: Send + Sync {
    /// Messages due at `now`, oldest first, at most `limit`.
    async fn due(&self, now: DateTime<Utc>, limit: u64) -> DomainResult<Vec<QueuedMail>>;
    /// Takes a due message for this sender until `until`; false when another took it.
    async fn claim(&self, id: i64, now: DateTime<Utc>, until: DateTime<Utc>) -> DomainResult<bool>;
    /// The server took it: it leaves the queue.
    async fn sent(&self, id: i64) -> DomainResult<()>;
    /// Try again at `at`, remembering why this attempt failed.
    async fn retry(&self, id: i64, failure: &SendFailure, at: DateTime<Utc>) -> DomainResult<()>;
    /// No more attempts: it leaves the queue, and its article records why
    /// (`article_data_mime_send_error`).
    async fn give_up(&self, mail: &QueuedMail, failure: &SendFailure) -> DomainResult<()>;
    /// The delivery state of a ticket's outgoing articles that are queued or failed;
    /// an outgoing article not named was sent.
    async fn states(&self, ticket_id: TicketId) -> DomainResult<Vec<(ArticleId, DeliveryState)>>;
}

/// How a mail account is read (OTRS's `mail_account.account_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Imap,
    /// IMAP over TLS from the first byte (port 993).
    Imaps,
    Pop3,
    Pop3s,
}

impl AccountKind {
    /// The name OTRS stores.
    pub fn otrs_name(self) -> &'static str {
        match self {
            Self::Imap => "IMAP",
            Self::Imaps => "IMAPS",
            Self::Pop3 => "POP3",
            Self::Pop3s => "POP3S",
        }
    }

    pub fn from_otrs(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "IMAP" => Some(Self::Imap),
            "IMAPS" => Some(Self::Imaps),
            "POP3" => Some(Self::Pop3),
            "POP3S" => Some(Self::Pop3s),
            _ => None,
        }
    }
}

/// A mailbox goats reads mail from (OTRS's `mail_account`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccount {
    pub id: i32,
    pub login: String,
    /// As OTRS keeps it, in clear: the server needs it so.
    pub password: String,
    /// `host` or `host:port`.
    pub host: String,
    /// `None` when the stored type is one goats cannot read (`IMAPTLS`, OAuth2).
    pub kind: Option<AccountKind>,
    /// Where new tickets go; `None` to let the postmaster decide (OTRS's "Dispatching: By
    /// recipient"), which goats does by its default queue.
    pub queue_id: Option<QueueId>,
    /// Whether its mail's `X-OTRS-*` headers are believed.
    pub trusted: bool,
    /// The IMAP folder; `INBOX` when none.
    pub folder: Option<String>,
    pub valid: bool,
}

/// The mail accounts.
#[async_trait]
pub trait MailAccounts: Send + Sync {
    async fn mail_accounts(&self) -> DomainResult<Vec<MailAccount>>;
    /// Adds an account (its `id` is ignored); returns its id.
    async fn create_mail_account(&self, account: &MailAccount, by: UserId) -> DomainResult<i32>;
    /// Changes the account of `account.id`, its password only when one is given; false
    /// when there is no such account.
    async fn update_mail_account(&self, account: &MailAccount, by: UserId) -> DomainResult<bool>;
}

/// A mail server that could not be read: unreachable, refused the login, or broke off.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MailboxError(pub String);

/// One open mailbox: its messages one at a time, each removed only when asked, so a
/// message leaves the server only after its ticket is stored.
#[async_trait]
pub trait MailboxSession: Send {
    /// The next message, read into what the postmaster needs, with the server's id.
    async fn next(&mut self) -> Result<Option<(u32, crate::mail::InboundMail)>, MailboxError>;
    /// Removes these messages from the server.
    async fn remove(&mut self, ids: &[u32]) -> Result<(), MailboxError>;
    /// Ends the session; removals take effect now at the latest.
    async fn finish(self: Box<Self>) -> Result<(), MailboxError>;
}

/// Opens mailboxes.
#[async_trait]
pub trait MailboxReader: Send + Sync {
    async fn open(&self, account: &MailAccount) -> Result<Box<dyn MailboxSession>, MailboxError>;
}

/// The two texts a queue's replies open and close with: OTRS's `salutation` and
/// `signature` tables, which have the same columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueTextKind {
    Salutation,
    Signature,
}

impl QueueTextKind {
    /// The OTRS table, which is also what messages call it.
    pub fn table(self) -> &'static str {
        match self {
            Self::Salutation => "salutation",
            Self::Signature => "signature",
        }
    }
}

/// A salutation or signature as an admin keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueText {
    /// 0 for one not stored yet.
    pub id: i32,
    pub name: String,
    /// With OTRS's tags, e.g. `<OTRS_CUSTOMER_REALNAME>`.
    pub text: String,
    /// `text/plain; charset=utf-8` unless the site wrote HTML.
    pub content_type: Option<String>,
    pub comments: Option<String>,
    pub valid: bool,
}

/// The salutations and signatures queues reply with.
#[async_trait]
pub trait QueueTexts: Send + Sync {
    /// Every salutation or signature, valid or not, by name in any case.
    async fn queue_texts(&self, kind: QueueTextKind) -> DomainResult<Vec<QueueText>>;
    /// Stores a new one (id 0) or replaces the one with its id; returns the id.
    async fn save_queue_text(&self, kind: QueueTextKind, text: QueueText, by: UserId) -> DomainResult<i32>;
}
