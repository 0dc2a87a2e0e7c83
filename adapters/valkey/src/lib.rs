//! goats on Valkey (or anything speaking the Redis protocol): what several instances
//! behind one load balancer must share so that they behave as one.
//!
//! - [`ValkeySessions`]: browser sessions, so a login through one instance holds on
//!   every other and a logout ends the session everywhere at once;
//! - [`StaleAnnouncer`] and [`listen_for_stale`]: each write announces what it made
//!   stale, and every other instance's read caches forget it;
//! - [`ValkeyFailures`]: failed logins counted once for all instances;
//! - [`LiveStream`]: the live feed's events in one stream every instance follows, with
//!   ids that never go backwards, across instances and restarts.
//!
//! # Keys
//! Every key starts with the configured prefix (`goats:` unless told otherwise), so
//! several sites can share one Valkey:
//!
//! | key | holds | expires |
//! |---|---|---|
//! | `session:agent:<hash>`, `session:customer:<hash>` | a browser session (a hash) | the idle timeout after its last use, never past the absolute one |
//! | `sessions:agent:<id>`, `sessions:customer:<login>` | the hashes of one holder's sessions (a set) | the absolute timeout after the newest login |
//! | `login-failures:<key>` | failed logins of one account from one client, or of one client (a sorted set) | the throttle's window after the latest failure |
//! | `live` | the live feed (a stream, trimmed to the newest events) | never: its length is bounded instead, and the newest events must survive restarts |
//! | `live:id` | the last id the live feed gave (it starts from the time in microseconds) | never: ids must never go backwards |
//!
//! Cache notices go over the pub/sub channel `stale`, which holds nothing.

mod backoff;
mod failures;
mod live;
mod sessions;
mod stale;

use std::time::Duration;

use deadpool_redis::{Pool, Runtime};
use goats_core::DomainError;
use redis::AsyncConnectionConfig;

pub use failures::ValkeyFailures;
pub use live::LiveStream;
pub use sessions::ValkeySessions;
pub use stale::{StaleAnnouncer, listen_for_stale};

/// The prefix every key gets unless configured otherwise.
pub const DEFAULT_PREFIX: &str = "goats:";

/// How long a command may take before it fails: a Valkey that went away makes requests
/// fail fast with a clear error instead of hanging.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum ValkeyError {
    #[error("valkey.url {url} is not a Valkey URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot reach Valkey at {url}: {reason}")]
    Unreachable { url: String, reason: String },
}

/// A connection pool to one Valkey, and the prefix of goats' keys in it.
#[derive(Clone)]
pub struct Valkey {
    pool: Pool,
    client: redis::Client,
    prefix: String,
    url: String,
}

impl Valkey {
    /// Connects to `url` (`redis://`, `rediss://`, `valkey://` and `valkeys://` alike) and
    /// checks that it answers; the error names the URL with its password masked.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, ValkeyError> {
        let masked = mask_url(url);
        let bad = |reason: String| ValkeyError::BadUrl { url: masked.clone(), reason };
        let client = redis::Client::open(url).map_err(|e| bad(e.to_string()))?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT));
        let manager = deadpool_redis::Manager::new_with_config(url, config).map_err(|e| bad(e.to_string()))?;
        let pool = Pool::builder(manager)
            .max_size(32)
            .wait_timeout(Some(COMMAND_TIMEOUT))
            .create_timeout(Some(COMMAND_TIMEOUT))
            .recycle_timeout(Some(COMMAND_TIMEOUT))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| bad(e.to_string()))?;
        let valkey = Self { pool, client, prefix: prefix.to_string(), url: masked.clone() };
        valkey.ping().await.map_err(|e| ValkeyError::Unreachable { url: masked, reason: e.to_string() })?;
        Ok(valkey)
    }

    /// What every key starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The URL, its password masked: for logs and errors.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether Valkey answers now.
    pub async fn ping(&self) -> Result<(), DomainError> {
        let mut conn = self.conn().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await.map_err(|e| self.failed(e))?;
        Ok(())
    }

    fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        key.push_str(&parts.join(":"));
        key
    }

    async fn conn(&self) -> Result<deadpool_redis::Connection, DomainError> {
        self.pool.get().await.map_err(|e| DomainError::Storage(format!("Valkey at {} is unavailable: {e}", self.url)))
    }

    fn failed(&self, e: redis::RedisError) -> DomainError {
        DomainError::Storage(format!("Valkey at {} failed: {e}", self.url))
    }
}

#[async_trait::async_trait]
impl goats_core::ports::Readiness for Valkey {
    fn name(&self) -> &'static str {
        "Valkey"
    }
    async fn ready(&self) -> bool {
        self.ping().await.is_ok()
    }
}

/// `url` with its password replaced by `*****`.
pub fn mask_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("*****"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(not a URL)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(mask_url("redis://:s3cret@cache:6379/2"), "redis://:*****@cache:6379/2");
        assert_eq!(mask_url("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(mask_url("not a url :s3cret"), "(not a URL)");
    }
}
