//! `/api/v1/admin/…` for mail: the accounts goats reads, the postmaster filters and the
//! auto-responses with their queues. Members of the admin group only; passwords are
//! taken, never shown.

use goats_core::mail::{FilterMatch, PostmasterFilter};
use goats_core::ports::{AccountKind, AutoResponseKind, MailAccount, NewAutoResponse};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use super::text::Text;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Mail accounts, postmaster filters and auto-responses (admin group only).
    Mail,
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq)]
#[oai(rename_all = "UPPERCASE")]
enum AccountKindDto {
    Imap,
    Imaps,
    Pop3,
    Pop3s,
}

impl From<AccountKindDto> for AccountKind {
    fn from(k: AccountKindDto) -> Self {
        match k {
            AccountKindDto::Imap => Self::Imap,
            AccountKindDto::Imaps => Self::Imaps,
            AccountKindDto::Pop3 => Self::Pop3,
            AccountKindDto::Pop3s => Self::Pop3s,
        }
    }
}

impl From<AccountKind> for AccountKindDto {
    fn from(k: AccountKind) -> Self {
        match k {
            AccountKind::Imap => Self::Imap,
            AccountKind::Imaps => Self::Imaps,
            AccountKind::Pop3 => Self::Pop3,
            AccountKind::Pop3s => Self::Pop3s,
        }
    }
}

/// A mailbox goats reads. IMAP and IMAPS are read today; POP3 accounts are kept and
/// reported as not read.
#[derive(Object)]
struct MailAccountDto {
    id: i32,
    login: String,
    /// `host` or `host:port`.
    host: String,
    /// Absent for a kind goats cannot read (OTRS's IMAPTLS, OAuth2).
    #[oai(skip_serializing_if_is_none)]
    kind: Option<AccountKindDto>,
    /// Where its new tickets go; absent: the default queue.
    #[oai(skip_serializing_if_is_none)]
    queue_id: Option<i32>,
    /// Whether its mail's X-OTRS-* headers are believed.
    trusted: bool,
    #[oai(skip_serializing_if_is_none)]
    folder: Option<String>,
    valid: bool,
}

#[derive(Object)]
struct NewMailAccountDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    login: Text,
    #[oai(validator(min_length = 1, max_length = 200))]
    password: Text,
    #[oai(validator(min_length = 1, max_length = 200))]
    host: Text,
    kind: AccountKindDto,
    #[oai(nullable)]
    queue_id: Option<i32>,
    #[oai(default)]
    trusted: bool,
    /// The IMAP folder; INBOX when absent.
    #[oai(nullable, validator(max_length = 250))]
    folder: Option<Text>,
}

#[derive(Object)]
struct FilterMatchDto {
    /// A header name, or `Body`.
    #[oai(validator(min_length = 1, max_length = 200))]
    header: Text,
    /// A regular expression, matched without regard to case.
    #[oai(validator(min_length = 1, max_length = 200))]
    pattern: Text,
    /// The condition holds when the pattern does not match.
    #[oai(default)]
    negate: bool,
}

#[derive(Object)]
struct FilterSetDto {
    /// An `X-OTRS-*` header, such as `X-OTRS-Queue`.
    #[oai(validator(min_length = 1, max_length = 200))]
    header: Text,
    #[oai(validator(max_length = 200))]
    value: Text,
}

/// A postmaster filter: when every condition holds, the headers are set.
#[derive(Object)]
struct FilterDto {
    #[oai(read_only)]
    name: String,
    /// No later filter runs when this one applies.
    #[oai(default)]
    stop: bool,
    #[oai(validator(min_items = 1, max_items = 50))]
    matches: Vec<FilterMatchDto>,
    #[oai(validator(min_items = 1, max_items = 50))]
    sets: Vec<FilterSetDto>,
}

impl From<PostmasterFilter> for FilterDto {
    fn from(f: PostmasterFilter) -> Self {
        Self {
            name: f.name,
            stop: f.stop,
            matches: f
                .matches
                .into_iter()
                .map(|m| FilterMatchDto { header: Text(m.header), pattern: Text(m.pattern), negate: m.negate })
                .collect(),
            sets: f.sets.into_iter().map(|(h, v)| FilterSetDto { header: Text(h), value: Text(v) }).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
enum AutoResponseKindDto {
    /// To a mail that opened a ticket.
    Reply,
    /// To a follow-up rejected on a closed ticket.
    Reject,
    /// To a follow-up.
    FollowUp,
    /// To a follow-up that opened a new ticket because the old one is closed.
    NewTicketAfterClosed,
}

impl From<AutoResponseKindDto> for AutoResponseKind {
    fn from(k: AutoResponseKindDto) -> Self {
        match k {
            AutoResponseKindDto::Reply => Self::Reply,
            AutoResponseKindDto::Reject => Self::Reject,
            AutoResponseKindDto::FollowUp => Self::FollowUp,
            AutoResponseKindDto::NewTicketAfterClosed => Self::NewTicketAfterClosed,
        }
    }
}

impl From<AutoResponseKind> for AutoResponseKindDto {
    fn from(k: AutoResponseKind) -> Self {
        match k {
            AutoResponseKind::Reply => Self::Reply,
            AutoResponseKind::Reject => Self::Reject,
            AutoResponseKind::FollowUp => Self::FollowUp,
            AutoResponseKind::NewTicketAfterClosed => Self::NewTicketAfterClosed,
        }
    }
}

/// An automatic answer; `<OTRS_…>` tags in subject and body are filled in when sent.
#[derive(Object)]
struct AutoResponseDto {
    #[oai(read_only)]
    id: i32,
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    kind: AutoResponseKindDto,
    #[oai(validator(min_length = 1, max_length = 3000))]
    subject: Text,
    #[oai(validator(min_length = 1, max_length = 6000))]
    body: Text,
    /// The system address it is sent from.
    system_address_id: i32,
    /// An invalid auto-response is never sent.
    #[oai(default = "valid_by_default")]
    valid: bool,
}

fn valid_by_default() -> bool {
    true
}

#[derive(Object)]
struct AssignmentDto {
    /// The queue's auto-responses, at most one of each kind; empty for none.
    #[oai(validator(max_items = 10))]
    ids: Vec<i32>,
}

#[derive(Object)]
struct CreatedDto {
    id: i32,
}

#[derive(ApiResponse)]
enum Created {
    #[oai(status = 201)]
    Created(Json<CreatedDto>),
}

#[derive(ApiResponse)]
enum Done {
    #[oai(status = 204)]
    Done,
}

pub struct MailAdminApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1/admin", tag = "Tag::Mail")]
impl MailAdminApi {
    /// The mail accounts, without their passwords.
    #[oai(path = "/mail-accounts", method = "get")]
    async fn accounts(&self, auth: BearerAuth) -> Result<Json<Vec<MailAccountDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let accounts = self.state.mail_admin.accounts(&caller).await?;
        Ok(Json(
            accounts
                .into_iter()
                .map(|a| MailAccountDto {
                    id: a.id,
                    login: a.login,
                    host: a.host,
                    kind: a.kind.map(Into::into),
                    queue_id: a.queue_id,
                    trusted: a.trusted,
                    folder: a.folder,
                    valid: a.valid,
                })
                .collect(),
        ))
    }

    /// A new mail account, read from the next minute on.
    #[oai(path = "/mail-accounts", method = "post")]
    async fn create_account(&self, auth: BearerAuth, body: Json<NewMailAccountDto>) -> Result<Created, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let account = MailAccount {
            id: 0,
            login: b.login.0,
            password: b.password.0,
            host: b.host.0,
            kind: Some(b.kind.into()),
            queue_id: b.queue_id,
            trusted: b.trusted,
            folder: b.folder.map(|f| f.0),
            valid: true,
        };
        let id = self.state.mail_admin.create_account(&caller, account).await?;
        Ok(Created::Created(Json(CreatedDto { id })))
    }

    /// The postmaster filters, in the order they run (by name).
    #[oai(path = "/postmaster-filters", method = "get")]
    async fn filters(&self, auth: BearerAuth) -> Result<Json<Vec<FilterDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.mail_admin.filters(&caller).await?.into_iter().map(Into::into).collect()))
    }

    /// Stores the filter under this name, replacing one of that name.
    #[oai(path = "/postmaster-filters/:name", method = "put")]
    async fn save_filter(
        &self,
        auth: BearerAuth,
        name: Path<String>,
        body: Json<FilterDto>,
    ) -> Result<Json<FilterDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let filter = PostmasterFilter {
            name: name.0.trim().to_string(),
            stop: b.stop,
            matches: b
                .matches
                .into_iter()
                .map(|m| FilterMatch { header: m.header.0, pattern: m.pattern.0, negate: m.negate })
                .collect(),
            sets: b.sets.into_iter().map(|s| (s.header.0, s.value.0)).collect(),
        };
        self.state.mail_admin.save_filter(&caller, filter.clone()).await?;
        Ok(Json(filter.into()))
    }

    #[oai(path = "/postmaster-filters/:name", method = "delete")]
    async fn delete_filter(&self, auth: BearerAuth, name: Path<String>) -> Result<Done, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.mail_admin.delete_filter(&caller, &name.0).await?;
        Ok(Done::Done)
    }

    #[oai(path = "/auto-responses", method = "get")]
    async fn auto_responses(&self, auth: BearerAuth) -> Result<Json<Vec<AutoResponseDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let all = self.state.mail_admin.auto_responses(&caller).await?;
        Ok(Json(
            all.into_iter()
                .map(|(id, r)| AutoResponseDto {
                    id,
                    name: Text(r.name),
                    kind: r.kind.into(),
                    subject: Text(r.subject),
                    body: Text(r.body),
                    system_address_id: r.system_address_id,
                    valid: r.valid,
                })
                .collect(),
        ))
    }

    /// A new auto-response; it answers once a queue is given it.
    #[oai(path = "/auto-responses", method = "post")]
    async fn create_auto_response(&self, auth: BearerAuth, body: Json<AutoResponseDto>) -> Result<Created, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let response = NewAutoResponse {
            name: b.name.0,
            kind: b.kind.into(),
            subject: b.subject.0,
            body: b.body.0,
            system_address_id: b.system_address_id,
            valid: b.valid,
        };
        let id = self.state.mail_admin.create_auto_response(&caller, response).await?;
        Ok(Created::Created(Json(CreatedDto { id })))
    }

    /// The queue's auto-responses become these.
    #[oai(path = "/queues/:id/auto-responses", method = "put")]
    async fn assign(&self, auth: BearerAuth, id: Path<i32>, body: Json<AssignmentDto>) -> Result<Done, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.mail_admin.assign_auto_responses(&caller, id.0, &body.0.ids).await?;
        Ok(Done::Done)
    }
}
