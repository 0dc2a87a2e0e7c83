//! What signing in keeps: refresh tokens, personal API tokens, browser sessions and
//! the small settings goats generates (such as its signing key).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::DomainResult;
use crate::model::*;

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
    /// Revokes every token of one agent or customer, whatever the family.
    async fn revoke_subject(&self, subject: &Subject, at: DateTime<Utc>) -> DomainResult<()>;
}

/// How much an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "kebab-case")]
pub enum TokenScope {
    /// Reading only: any operation that changes something is refused.
    ReadOnly,
    ReadWrite,
}

impl TokenScope {
    /// As stored and shown: `read-only`, `read-write`.
    pub fn key(self) -> &'static str {
        self.into()
    }

    pub fn from_key(key: &str) -> Option<Self> {
        key.parse().ok()
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

/// A browser session as stored: the cookie's secret only as its hash. Agents' sessions
/// are held by their user id; customers' (the portal's) by their login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSessionRecord<H = UserId> {
    pub id_hash: String,
    pub holder: H,
    /// The token every form and HTMX request of this session must echo back.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Where browser sessions live (the SQL database by default, Valkey when shared): one
/// store per kind of holder, so an agent's session never passes for a customer's.
#[async_trait]
pub trait SessionStore<H = UserId>: Send + Sync {
    async fn insert(&self, session: &WebSessionRecord<H>) -> DomainResult<()>;
    async fn find(&self, id_hash: &str) -> DomainResult<Option<WebSessionRecord<H>>>;
    async fn touch(&self, id_hash: &str, at: DateTime<Utc>) -> DomainResult<()>;
    async fn delete(&self, id_hash: &str) -> DomainResult<()>;
    /// Removes every session of `holder` but the one hashed `keep`.
    async fn delete_others(&self, holder: &H, keep: &str) -> DomainResult<u64>;
    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    async fn delete_expired(&self, idle_before: DateTime<Utc>, created_before: DateTime<Utc>) -> DomainResult<u64>;
}

/// Small values goats keeps in its own table (`goats_setting`), such as a generated key.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    async fn get(&self, key: &str) -> DomainResult<Option<String>>;
    /// The values of `keys`, in their order, in one read.
    async fn get_all(&self, keys: &[&str]) -> DomainResult<Vec<Option<String>>>;
    /// Stores `value` unless the key exists, and returns what is stored: several
    /// instances starting at once agree on one value.
    async fn get_or_insert(&self, key: &str, value: &str) -> DomainResult<String>;
    /// Stores each value (`None` removes the key), all or none.
    async fn set_all(&self, values: &[(&str, Option<String>)]) -> DomainResult<()>;
}

/// Where failed logins are counted, by key (an account from one client, a client): in
/// the process for one instance, in Valkey when several share the count.
#[async_trait]
pub trait FailedLogins: Send + Sync {
    /// Counts a failure of `key` at `at`; it may be forgotten once `keep` has passed.
    async fn add(&self, key: &str, at: DateTime<Utc>, keep: chrono::Duration) -> DomainResult<()>;
    /// The failures of `key` after `since`.
    async fn since(&self, key: &str, since: DateTime<Utc>) -> DomainResult<Vec<DateTime<Utc>>>;
    /// Forgets every failure of `key` (after a good login).
    async fn clear(&self, key: &str) -> DomainResult<()>;
}
