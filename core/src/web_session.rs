//! Agents' browser sessions: a random secret in an HttpOnly cookie, stored only as its
//! hash, ended by an idle timeout, an absolute timeout or a logout. Every login starts a
//! new session (no fixation), and each session carries its own CSRF token.

use std::sync::Arc;

use chrono::Duration;

use crate::DomainResult;
use crate::auth::{new_secret, token_hash};
use crate::model::UserId;
use crate::ports::{Clock, SessionStore, WebSessionRecord};

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionTimeouts {
    /// Ends a session nobody used for this long.
    pub idle: Duration,
    /// Ends a session this long after login, used or not.
    pub absolute: Duration,
}

impl Default for SessionTimeouts {
    fn default() -> Self {
        Self { idle: Duration::hours(2), absolute: Duration::hours(12) }
    }
}

/// A live session: the agent and the CSRF token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    pub user_id: UserId,
    pub csrf_token: String,
}

pub struct WebSessions {
    store: Arc<dyn SessionStore>,
    clock: Arc<dyn Clock>,
    timeouts: SessionTimeouts,
}

/// Writing `last_seen_at` on every request would make each page view a write; once a
/// minute keeps the idle timeout accurate to the minute.
const TOUCH_EVERY: Duration = Duration::minutes(1);

impl WebSessions {
    pub fn new(store: Arc<dyn SessionStore>, clock: Arc<dyn Clock>, timeouts: SessionTimeouts) -> Self {
        Self { store, clock, timeouts }
    }

    pub fn timeouts(&self) -> SessionTimeouts {
        self.timeouts
    }

    /// Starts a session for an agent whose password was just checked; returns the
    /// cookie's secret. A session the browser brought along is ended first.
    pub async fn start(&self, user_id: UserId, previous: Option<&str>) -> DomainResult<(String, ActiveSession)> {
        if let Some(old) = previous {
            self.end(old).await?;
        }
        let now = self.clock.now();
        let secret = new_secret();
        let record = WebSessionRecord {
            id_hash: token_hash(&secret),
            user_id,
            csrf_token: new_secret(),
            created_at: now,
            last_seen_at: now,
        };
        self.store.insert(&record).await?;
        Ok((secret, ActiveSession { user_id, csrf_token: record.csrf_token }))
    }

    /// The session a cookie stands for, if it is still alive.
    pub async fn resume(&self, secret: &str) -> DomainResult<Option<ActiveSession>> {
        let id_hash = token_hash(secret);
        let Some(record) = self.store.find(&id_hash).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let expired =
            now - record.last_seen_at >= self.timeouts.idle || now - record.created_at >= self.timeouts.absolute;
        if expired {
            self.store.delete(&id_hash).await?;
            return Ok(None);
        }
        if now - record.last_seen_at >= TOUCH_EVERY {
            self.store.touch(&id_hash, now).await?;
        }
        Ok(Some(ActiveSession { user_id: record.user_id, csrf_token: record.csrf_token }))
    }

    pub async fn end(&self, secret: &str) -> DomainResult<()> {
        self.store.delete(&token_hash(secret)).await
    }

    /// Deletes every expired session; run now and then so the table does not grow.
    pub async fn sweep(&self) -> DomainResult<u64> {
        let now = self.clock.now();
        self.store.delete_expired(now - self.timeouts.idle, now - self.timeouts.absolute).await
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::testing::{FixedClock, MemoryStore};

    fn setup() -> (Arc<FixedClock>, MemoryStore, WebSessions) {
        let clock = Arc::new(FixedClock::at(chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()));
        let store = MemoryStore::with_defaults(clock.clone());
        let timeouts = SessionTimeouts { idle: Duration::minutes(30), absolute: Duration::hours(8) };
        let sessions = WebSessions::new(Arc::new(store.clone()), clock.clone(), timeouts);
        (clock, store, sessions)
    }

    #[tokio::test]
    async fn a_session_resumes_with_its_csrf_token_and_ends_at_logout() {
        let (_, _, sessions) = setup();
        let (secret, started) = sessions.start(1, None).await.unwrap();
        let resumed = sessions.resume(&secret).await.unwrap().unwrap();
        assert_eq!(resumed, started);
        assert_ne!(resumed.csrf_token, secret);
        sessions.end(&secret).await.unwrap();
        assert_eq!(sessions.resume(&secret).await.unwrap(), None);
    }

    #[tokio::test]
    async fn only_the_hash_of_the_secret_is_stored() {
        let (_, store, sessions) = setup();
        let (secret, _) = sessions.start(1, None).await.unwrap();
        assert!(store.find(&secret).await.unwrap().is_none());
        assert!(store.find(&token_hash(&secret)).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_login_replaces_the_session_the_browser_brought() {
        let (_, _, sessions) = setup();
        let (old, _) = sessions.start(1, None).await.unwrap();
        let (new, _) = sessions.start(1, Some(&old)).await.unwrap();
        assert_ne!(old, new);
        assert_eq!(sessions.resume(&old).await.unwrap(), None);
        assert!(sessions.resume(&new).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn an_idle_session_expires_but_use_keeps_it_alive() {
        let (clock, _, sessions) = setup();
        let (busy, _) = sessions.start(1, None).await.unwrap();
        let (idle, _) = sessions.start(1, None).await.unwrap();
        for _ in 0..3 {
            clock.advance(Duration::minutes(20));
            assert!(sessions.resume(&busy).await.unwrap().is_some());
        }
        assert_eq!(sessions.resume(&idle).await.unwrap(), None);
    }

    #[tokio::test]
    async fn no_session_outlives_the_absolute_timeout() {
        let (clock, _, sessions) = setup();
        let (secret, _) = sessions.start(1, None).await.unwrap();
        for _ in 0..16 {
            clock.advance(Duration::minutes(29));
            assert!(sessions.resume(&secret).await.unwrap().is_some());
        }
        clock.advance(Duration::minutes(29));
        assert_eq!(sessions.resume(&secret).await.unwrap(), None);
    }

    #[tokio::test]
    async fn sweeping_removes_only_expired_sessions() {
        let (clock, _, sessions) = setup();
        let (old, _) = sessions.start(1, None).await.unwrap();
        clock.advance(Duration::minutes(31));
        let (fresh, _) = sessions.start(1, None).await.unwrap();
        assert_eq!(sessions.sweep().await.unwrap(), 1);
        assert!(sessions.resume(&fresh).await.unwrap().is_some());
        assert_eq!(sessions.resume(&old).await.unwrap(), None);
    }
}
