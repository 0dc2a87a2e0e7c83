//! The ports: what the domain needs from the outside world. Adapters implement them;
//! [`crate::testing`] holds in-memory versions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::DomainResult;
use crate::history::{HistoryEntry, HistoryRecord};
use crate::model::*;
use crate::permission::Permission;

/// The current time, so rules about "now" can be tested at any moment.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Builds a ticket's history rows once its ids are known, inside the same transaction.
/// `Fn`: a store may write again what it could not commit together with other writes.
pub type HistoryBuilder = Box<dyn Fn(TicketId, ArticleId) -> Vec<HistoryEntry> + Send + Sync>;

/// A new ticket's columns, decided by the domain before storage.
#[derive(Debug, Clone)]
pub struct TicketDraft {
    pub number: String,
    pub title: String,
    pub queue_id: QueueId,
    pub state_id: StateId,
    pub priority_id: PriorityId,
    pub type_id: TypeId,
    pub lock: Lock,
    pub owner_id: UserId,
    pub responsible_id: UserId,
    pub customer_id: Option<String>,
    pub customer_user_id: Option<String>,
    pub until_time: i64,
    /// When the ticket was locked (OTRS's `timeout` column, a Unix epoch; 0 = never):
    /// the unlock timeout counts from here.
    pub lock_time: i64,
}

/// Columns of `ticket` to rewrite; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFieldUpdate {
    pub title: Option<String>,
    pub queue_id: Option<QueueId>,
    pub state_id: Option<StateId>,
    pub priority_id: Option<PriorityId>,
    pub type_id: Option<TypeId>,
    pub lock: Option<Lock>,
    pub owner_id: Option<UserId>,
    pub responsible_id: Option<UserId>,
    pub customer_id: Option<Option<String>>,
    pub customer_user_id: Option<Option<String>>,
    pub until_time: Option<i64>,
    pub lock_time: Option<i64>,
}

/// What a ticket must still look like for a guarded update to apply. The scheduled
/// jobs of every instance sharing a database race for the same tickets; the guard lets
/// exactly one of them change each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketGuard {
    pub state_id: StateId,
    pub until_time: i64,
    pub lock: Lock,
    pub lock_time: Option<i64>,
}

/// What merging stores, decided by the domain.
#[derive(Debug, Clone)]
pub struct MergePlan {
    pub source_update: TicketFieldUpdate,
    pub source_history: Vec<HistoryEntry>,
    pub target_history: Vec<HistoryEntry>,
    pub note: NewArticle,
    /// Link the source as a child of the target (as OTRS does), so the merged ticket
    /// is listed on the one it went into.
    pub link_as_child: bool,
}

impl TicketFieldUpdate {
    /// Folds a later update into this one; where both set a column, the later wins.
    pub fn merge(&mut self, later: TicketFieldUpdate) {
        fn take<T>(into: &mut Option<T>, from: Option<T>) {
            if from.is_some() {
                *into = from;
            }
        }
        take(&mut self.title, later.title);
        take(&mut self.queue_id, later.queue_id);
        take(&mut self.state_id, later.state_id);
        take(&mut self.priority_id, later.priority_id);
        take(&mut self.type_id, later.type_id);
        take(&mut self.lock, later.lock);
        take(&mut self.owner_id, later.owner_id);
        take(&mut self.responsible_id, later.responsible_id);
        take(&mut self.customer_id, later.customer_id);
        take(&mut self.customer_user_id, later.customer_user_id);
        take(&mut self.until_time, later.until_time);
        take(&mut self.lock_time, later.lock_time);
    }
}

/// What storing a new ticket gave it: everything of it the draft does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreatedTicket {
    pub id: TicketId,
    pub article_id: ArticleId,
    /// As stored: whole seconds.
    pub created: DateTime<Utc>,
    /// Its newest history row's id (see `Ticket::version`).
    pub version: i64,
}

#[async_trait]
pub trait TicketRepository: Send + Sync {
    /// Stores a ticket, its first article and the history rows `history` builds, atomically.
    async fn create(
        &self,
        draft: TicketDraft,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<CreatedTicket>;
    async fn get(&self, id: TicketId) -> DomainResult<Option<Ticket>>;
    /// The ticket without its `version` (0): what a check before a change needs. The
    /// version is a lookup in the ticket's history, which grows with every change.
    async fn get_unversioned(&self, id: TicketId) -> DomainResult<Option<Ticket>> {
        self.get(id).await
    }
    async fn id_by_number(&self, number: &str) -> DomainResult<Option<TicketId>>;
    /// How many tickets match.
    async fn count(&self, filter: &TicketFilter) -> DomainResult<u64>;
    /// One page of the matching tickets, in `sort` order.
    async fn page(&self, filter: &TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Vec<Ticket>>;
    /// A page with the count of all matches.
    async fn list(&self, filter: &TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Page<Ticket>> {
        let total = self.count(filter).await?;
        let items = self.page(filter, sort, page).await?;
        Ok(Page { items, total, page: page.page, per_page: page.per_page })
    }
    /// Rewrites columns and appends history rows (snapshotting the ticket after the change).
    async fn update(
        &self,
        id: TicketId,
        update: TicketFieldUpdate,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<()>;
    /// [`Self::update`] if the ticket still matches `guard`; false (and nothing
    /// written) when it does not.
    async fn update_guarded(
        &self,
        id: TicketId,
        guard: TicketGuard,
        update: TicketFieldUpdate,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<bool>;
    async fn history(&self, id: TicketId) -> DomainResult<Vec<HistoryRecord>>;
    async fn watchers(&self, id: TicketId) -> DomainResult<Vec<UserId>>;
    /// Adds or removes a watcher with its history row; false when nothing changed.
    async fn set_watching(
        &self,
        id: TicketId,
        user: UserId,
        watching: bool,
        history: HistoryEntry,
        by: UserId,
    ) -> DomainResult<bool>;
    /// Merges `source` into `target` in one transaction: the source's articles and
    /// watchers move to the target, `note` is added to the source, the source's columns
    /// change as `source_update` says, and both tickets get their history rows.
    async fn merge(&self, source: TicketId, target: TicketId, plan: MergePlan, by: UserId) -> DomainResult<()>;
    /// Records worked time (OTRS's `time_accounting`) with its history row.
    async fn account_time(
        &self,
        id: TicketId,
        article_id: Option<ArticleId>,
        units: f64,
        history: HistoryEntry,
        by: UserId,
    ) -> DomainResult<()>;
    /// All time accounted on the ticket.
    async fn accounted_time(&self, id: TicketId) -> DomainResult<f64>;
    /// The tickets linked to this one, and how, seen from this one.
    async fn links(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>>;
    /// Links `id` to `other` as `kind` says, with a history row on each ticket; false
    /// when the link exists already (a `Normal` link in either direction).
    async fn add_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool>;
    /// Removes that link, with a history row on each ticket; false when there was none.
    async fn remove_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool>;
    /// How many tickets each queue holds in each state.
    async fn count_by_queue_and_state(&self) -> DomainResult<Vec<(QueueId, StateId, u64)>>;
}

#[async_trait]
pub trait ArticleRepository: Send + Sync {
    /// Stores an article on an existing ticket with its history rows, atomically.
    async fn add(
        &self,
        ticket_id: TicketId,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<ArticleId>;
    async fn get(&self, id: ArticleId) -> DomainResult<Option<Article>>;
    async fn list_for_ticket(&self, ticket_id: TicketId) -> DomainResult<Vec<Article>>;
    /// One attachment with its bytes.
    async fn attachment(&self, id: i64) -> DomainResult<Option<(Attachment, Vec<u8>)>>;
}

/// Hands out ticket counters the way OTRS does, so instances sharing a database (goats
/// or OTRS) never hand out the same one.
#[async_trait]
pub trait TicketNumberCounter: Send + Sync {
    /// The next counter; date-based generators count from 1 each day. `offset` ≥ 1.
    async fn next(&self, date_based: bool, offset: u64, now: DateTime<Utc>) -> DomainResult<u64>;
}

#[derive(Debug, Clone)]
pub struct NewQueue {
    pub name: String,
    pub group_id: GroupId,
    pub unlock_timeout: i32,
    pub first_response_time: i32,
    pub update_time: i32,
    pub solution_time: i32,
    pub calendar_name: Option<String>,
    pub comments: Option<String>,
}

/// A standard template (OTRS `standard_template`, type Answer) an agent may start a reply from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardTemplate {
    pub id: i32,
    pub name: String,
    pub text: String,
}

/// What a reply in a queue starts from: its salutation and signature and the answer
/// templates assigned to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplyTexts {
    pub salutation: Option<String>,
    pub signature: Option<String>,
    pub templates: Vec<StandardTemplate>,
}

/// Queues, states, priorities and types.
#[async_trait]
pub trait LookupRepository: Send + Sync {
    async fn queues(&self) -> DomainResult<Vec<Queue>>;
    async fn queue(&self, id: QueueId) -> DomainResult<Option<Queue>>;
    async fn queue_by_name(&self, name: &str) -> DomainResult<Option<Queue>>;
    async fn create_queue(&self, queue: NewQueue, by: UserId) -> DomainResult<QueueId>;
    async fn set_queue_valid(&self, id: QueueId, valid: bool, by: UserId) -> DomainResult<()>;
    async fn states(&self) -> DomainResult<Vec<TicketState>>;
    async fn state(&self, id: StateId) -> DomainResult<Option<TicketState>>;
    async fn state_by_name(&self, name: &str) -> DomainResult<Option<TicketState>>;
    async fn create_state(&self, name: &str, state_type: StateType, by: UserId) -> DomainResult<StateId>;
    async fn priorities(&self) -> DomainResult<Vec<Priority>>;
    async fn priority(&self, id: PriorityId) -> DomainResult<Option<Priority>>;
    async fn create_priority(&self, name: &str, by: UserId) -> DomainResult<PriorityId>;
    async fn types(&self) -> DomainResult<Vec<TicketType>>;
    async fn ticket_type(&self, id: TypeId) -> DomainResult<Option<TicketType>>;
    async fn create_type(&self, name: &str, by: UserId) -> DomainResult<TypeId>;
    /// The queue's valid salutation, signature and answer templates.
    async fn reply_texts(&self, queue_id: QueueId) -> DomainResult<ReplyTexts>;
    /// Rewrites a queue's settings (its validity stays as it is).
    async fn update_queue(&self, id: QueueId, queue: NewQueue, by: UserId) -> DomainResult<()>;
    /// Renames a state, priority or type.
    async fn rename_lookup(&self, kind: LookupKind, id: i32, name: &str, by: UserId) -> DomainResult<()>;
    /// Sets a state, priority or type valid or invalid (OTRS never deletes them).
    async fn set_lookup_valid(&self, kind: LookupKind, id: i32, valid: bool, by: UserId) -> DomainResult<()>;
}

/// The simple lookups an admin names and switches on and off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    State,
    Priority,
    Type,
}

impl LookupKind {
    pub fn noun(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::Priority => "priority",
            Self::Type => "type",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAgent {
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// Already hashed (see [`crate::password::hash`]).
    pub password_hash: String,
}

/// What logging in needs to know about a customer contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerCredentials {
    pub login: String,
    pub customer_id: String,
    pub password_hash: Option<String>,
    pub valid: bool,
}

/// What logging in needs to know about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user_id: UserId,
    pub login: String,
    pub password_hash: String,
    pub valid: bool,
}

#[async_trait]
pub trait AgentRepository: Send + Sync {
    async fn create(&self, agent: NewAgent, by: UserId) -> DomainResult<UserId>;
    async fn get(&self, id: UserId) -> DomainResult<Option<Agent>>;
    async fn by_login(&self, login: &str) -> DomainResult<Option<Agent>>;
    async fn list(&self) -> DomainResult<Vec<Agent>>;
    async fn credentials(&self, login: &str) -> DomainResult<Option<Credentials>>;
    async fn set_password_hash(&self, id: UserId, hash: &str, by: UserId) -> DomainResult<()>;
    async fn set_valid(&self, id: UserId, valid: bool, by: UserId) -> DomainResult<()>;
    /// Rewrites an agent's names and email address.
    async fn update_profile(&self, id: UserId, profile: AgentProfile, by: UserId) -> DomainResult<()>;
}

/// What an admin may change about an agent besides validity and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentProfile {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
}

/// Groups, roles and the grants that tie agents to them.
#[async_trait]
pub trait GroupRepository: Send + Sync {
    async fn groups(&self) -> DomainResult<Vec<Group>>;
    async fn create_group(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<GroupId>;
    async fn roles(&self) -> DomainResult<Vec<Role>>;
    async fn create_role(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<RoleId>;
    async fn grant_user(&self, user: UserId, group: GroupId, permission: Permission, by: UserId) -> DomainResult<()>;
    async fn revoke_user(&self, user: UserId, group: GroupId, permission: Permission) -> DomainResult<()>;
    async fn grant_role(&self, role: RoleId, group: GroupId, permission: Permission, by: UserId) -> DomainResult<()>;
    async fn add_user_to_role(&self, user: UserId, role: RoleId, by: UserId) -> DomainResult<()>;
    /// Direct and role grants of a valid agent, from valid groups and roles only.
    async fn grants_for(&self, user: UserId) -> DomainResult<Vec<GroupGrant>>;
    /// The agent's own grants (`group_user`), not those through roles, whatever the
    /// validity of the groups: what an administrator edits.
    async fn direct_grants(&self, user: UserId) -> DomainResult<Vec<GroupGrant>>;
    async fn set_group_valid(&self, id: GroupId, valid: bool, by: UserId) -> DomainResult<()>;
    async fn set_role_valid(&self, id: RoleId, valid: bool, by: UserId) -> DomainResult<()>;
}

#[async_trait]
pub trait CustomerRepository: Send + Sync {
    async fn create_company(&self, company: CustomerCompany, by: UserId) -> DomainResult<()>;
    async fn company(&self, customer_id: &str) -> DomainResult<Option<CustomerCompany>>;
    async fn create_user(&self, user: CustomerUser, password_hash: Option<String>, by: UserId) -> DomainResult<()>;
    async fn user(&self, login: &str) -> DomainResult<Option<CustomerUser>>;
    /// Login, company, stored password and validity of a contact, for logging in.
    async fn credentials(&self, login: &str) -> DomainResult<Option<CustomerCredentials>>;
    /// Contacts whose login, email or name contains `term`, at most `limit`.
    async fn search_users(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerUser>>;
    /// Companies whose id or name contains `term`, at most `limit`, by id.
    async fn search_companies(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerCompany>>;
    /// Rewrites a company's fields and validity (its id stays).
    async fn update_company(&self, company: CustomerCompany, by: UserId) -> DomainResult<()>;
    /// Rewrites a contact's fields and validity (its login stays).
    async fn update_user(&self, user: CustomerUser, by: UserId) -> DomainResult<()>;
    async fn set_user_password_hash(&self, login: &str, hash: &str, by: UserId) -> DomainResult<()>;
}

/// Whether a backing service (the database) answers right now; drives `/readyz`.
#[async_trait]
pub trait Readiness: Send + Sync {
    async fn ready(&self) -> bool;
}

/// Who a session belongs to: an agent, or a customer contact (by login).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Agent(UserId),
    Customer(String),
}

/// A stored refresh token: only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    pub id: i64,
    /// Every token rotated from one login shares a family; reuse revokes the family.
    pub family: String,
    pub subject: Subject,
    pub expires_at: DateTime<Utc>,
    pub rotated: bool,
    pub revoked: bool,
}

#[async_trait]
pub trait RefreshTokenStore: Send + Sync {
    async fn insert(
        &self,
        family: &str,
        subject: &Subject,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> DomainResult<()>;
    async fn find(&self, token_hash: &str) -> DomainResult<Option<RefreshTokenRecord>>;
    /// Marks a token used; false when it was already used (a replay).
    async fn mark_rotated(&self, id: i64, at: DateTime<Utc>) -> DomainResult<bool>;
    async fn revoke_family(&self, family: &str, at: DateTime<Utc>) -> DomainResult<()>;
}

/// Small values goats keeps in its own table (`goats_setting`), such as a generated key.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    async fn get(&self, key: &str) -> DomainResult<Option<String>>;
    /// Stores `value` unless the key exists, and returns what is stored: several
    /// instances starting at once agree on one value.
    async fn get_or_insert(&self, key: &str, value: &str) -> DomainResult<String>;
}

/// How much an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TokenScope {
    /// Reading only: any operation that changes something is refused.
    ReadOnly,
    ReadWrite,
}

impl TokenScope {
    pub fn key(self) -> &'static str {
        match self {
            Self::ReadOnly => "read-only",
            Self::ReadWrite => "read-write",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "read-only" => Some(Self::ReadOnly),
            "read-write" => Some(Self::ReadWrite),
            _ => None,
        }
    }
}

/// A personal API token as stored (without its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub scope: TokenScope,
    pub created: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

#[async_trait]
pub trait ApiTokenStore: Send + Sync {
    async fn insert(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        scope: TokenScope,
        expires_at: Option<DateTime<Utc>>,
    ) -> DomainResult<i64>;
    async fn list_for_user(&self, user_id: UserId) -> DomainResult<Vec<ApiTokenRecord>>;
    async fn find_by_hash(&self, token_hash: &str) -> DomainResult<Option<ApiTokenRecord>>;
    async fn touch(&self, id: i64, at: DateTime<Utc>) -> DomainResult<()>;
    /// Revokes one of the user's tokens; false when the user has no such token.
    async fn revoke(&self, id: i64, user_id: UserId, at: DateTime<Utc>) -> DomainResult<bool>;
}

/// A browser session of an agent, as stored: the cookie's secret only as its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSessionRecord {
    pub id_hash: String,
    pub user_id: UserId,
    /// The token every form and HTMX request of this session must echo back.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Where agents' browser sessions live (the SQL database by default, Valkey when shared).
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert(&self, session: &WebSessionRecord) -> DomainResult<()>;
    async fn find(&self, id_hash: &str) -> DomainResult<Option<WebSessionRecord>>;
    async fn touch(&self, id_hash: &str, at: DateTime<Utc>) -> DomainResult<()>;
    async fn delete(&self, id_hash: &str) -> DomainResult<()>;
    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    async fn delete_expired(&self, idle_before: DateTime<Utc>, created_before: DateTime<Utc>) -> DomainResult<u64>;
}

/// Per-agent settings kept in OTRS's `user_preferences` (e.g. `UserLanguage`).
#[async_trait]
pub trait PreferenceStore: Send + Sync {
    async fn preference(&self, user_id: UserId, key: &str) -> DomainResult<Option<String>>;
    async fn set_preference(&self, user_id: UserId, key: &str, value: &str) -> DomainResult<()>;
}

/// Where CPU-heavy work runs. Checking a password hash takes a quarter of a second by
/// design; done on the threads that serve requests, a burst of logins would stall every
/// other request behind it.
#[async_trait]
pub trait CpuWork: Send + Sync {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool;
}

/// Runs the work where it is asked for: for tests and command-line tools.
pub struct InlineCpu;

#[async_trait]
impl CpuWork for InlineCpu {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool {
        crate::password::verify(&secret, &hash, &login)
    }
}

/// What the scheduled jobs read and write beyond single tickets.
#[async_trait]
pub trait ScheduleStore: Send + Sync {
    /// Tickets in a state of `state_type` whose pending time is set and not after `now`.
    async fn pending_due(&self, state_type: StateType, now: DateTime<Utc>) -> DomainResult<Vec<Ticket>>;
    /// Locked tickets in queues with an unlock timeout, each with its queue's timeout in
    /// minutes and its calendar, and the time it was locked (a Unix epoch).
    async fn locked_in_timed_queues(&self) -> DomainResult<Vec<LockedTicket>>;
    /// What escalation needs of every ticket that may escalate or still has escalation
    /// columns set.
    async fn escalation_facts(&self) -> DomainResult<Vec<crate::escalation::EscalationFacts>>;
    /// Writes the four escalation columns.
    async fn set_escalation(&self, id: TicketId, columns: crate::escalation::EscalationColumns) -> DomainResult<()>;
    /// Claims one piece of work, named by `key`, for this instance: true for the first
    /// caller across every instance sharing the database, false for every later one.
    async fn claim(&self, key: &str, at: DateTime<Utc>) -> DomainResult<bool>;
    /// Forgets claims made before `before`.
    async fn forget_claims(&self, before: DateTime<Utc>) -> DomainResult<u64>;
}

/// A locked ticket in a queue that unlocks after a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedTicket {
    pub ticket: Ticket,
    pub lock_time: i64,
    pub unlock_timeout_minutes: i32,
    pub calendar_name: Option<String>,
}

/// Where domain events go: the dispatcher behind it fans them out to notification
/// channels and live streams. Publishing never fails the work that caused the event.
#[async_trait]
pub trait EventBus: Send + Sync {
    async fn publish(&self, event: crate::event::Event);
}

/// An agent an event is delivered to, with what channels need to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: UserId,
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    /// The agent's `UserLanguage` preference, when set.
    pub language: Option<String>,
}

/// Why a channel could not deliver; the dispatcher retries later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChannelError(pub String);

/// A way to tell agents about events: the in-app feed, email, webhooks, or a team's own.
#[async_trait]
pub trait NotificationChannel: Send + Sync {
    /// A short stable name for logs and delivery records, such as `email` or `webhook:ops`.
    fn name(&self) -> String;
    /// Delivers one event to its recipients (empty for news about a ticket).
    async fn deliver(&self, event: &crate::event::Event, recipients: &[Recipient]) -> Result<(), ChannelError>;
}

/// One delivery attempt, as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryAttempt {
    pub at: DateTime<Utc>,
    pub channel: String,
    pub event: String,
    pub ticket_number: String,
    pub attempt: u32,
    /// `delivered`, `failed` (will retry) or `gave_up`.
    pub outcome: String,
    pub error: Option<String>,
}

/// The recent delivery attempts of every channel.
pub trait DeliveryJournal: Send + Sync {
    fn recent(&self, limit: usize) -> Vec<DeliveryAttempt>;
}

/// The buffered stream of events the agents' browsers follow. Each event has a growing
/// id, so a browser that reconnects with the last id it saw misses nothing still buffered.
#[async_trait]
pub trait LiveFeed: Send + Sync {
    /// The id of the newest event (0 before the first): where a new follower starts.
    fn last_id(&self) -> u64;
    /// Buffered events after id `after`, waiting until there is one or `wait` has passed.
    async fn after(&self, after: u64, wait: std::time::Duration) -> Vec<LiveEvent>;
}

/// An event in the live feed, with whom it is addressed to when it is personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    pub id: u64,
    pub event: crate::event::Event,
    pub recipients: Vec<UserId>,
}
