//! Browser sessions of agents and of customers in the portal: a random secret in an
//! HttpOnly cookie, stored only as its hash, ended by an idle timeout, an absolute
//! timeout or a logout. Every login starts a new session (no fixation), and each session
//! carries its own CSRF token. The holder is an agent's user id or a customer's login.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::DomainResult;
use crate::auth::{new_secret, token_hash};
use crate::cached::Memo;
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

/// A live session: who holds it and the CSRF token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession<H = UserId> {
    pub holder: H,
    pub csrf_token: String,
}

pub struct WebSessions<H = UserId> {
    store: Arc<dyn SessionStore<H>>,
    clock: Arc<dyn Clock>,
    timeouts: SessionTimeouts,
    /// Sessions read from the store a moment ago, by the hash of their secret (see
    /// [`WebSessions::keep_for`]).
    kept: Option<Memo<String, Option<WebSessionRecord<H>>>>,
}

/// Writing `last_seen_at` on every request would make each page view a write; once a
/// minute keeps the idle timeout accurate to the minute.
const TOUCH_EVERY: Duration = Duration::minutes(1);

impl<H: Clone + Send + Sync + 'static> WebSessions<H> {
    pub fn new(store: Arc<dyn SessionStore<H>>, clock: Arc<dyn Clock>, timeouts: SessionTimeouts) -> Self {
        Self { store, clock, timeouts, kept: None }
    }

    /// Keeps each session read for `ttl` instead of reading it on every request: a page,
    /// its HTMX partials and the live feed each resume the session, and on PostgreSQL
    /// that read was a third of a list page's cost. A logout or a login through this
    /// instance forgets the session at once; one ended through another instance is
    /// still honoured here for up to `ttl`.
    pub fn keep_for(mut self, ttl: Duration) -> Self {
        self.kept = Some(Memo::new("web_sessions", ttl, self.clock.clone()));
        self
    }

    pub fn timeouts(&self) -> SessionTimeouts {
        self.timeouts
    }

    /// Starts a session for someone whose password was just checked; returns the
    /// cookie's secret. A session the browser brought along is ended first.
    pub async fn start(&self, holder: H, previous: Option<&str>) -> DomainResult<(String, ActiveSession<H>)> {
        if let Some(old) = previous {
            self.end(old).await?;
        }
        let now = self.clock.now();
        let secret = new_secret();
        let record = WebSessionRecord {
            id_hash: token_hash(&secret),
            holder: holder.clone(),
            csrf_token: new_secret(),
            created_at: now,
            last_seen_at: now,
        };
        self.store.insert(&record).await?;
        Ok((secret, ActiveSession { holder, csrf_token: record.csrf_token }))
    }

    /// The session a cookie stands for, if it is still alive.
    pub async fn resume(&self, secret: &str) -> DomainResult<Option<ActiveSession<H>>> {
        let id_hash = token_hash(secret);
        let now = self.clock.now();
        if let Some(kept) = &self.kept {
            let found = kept.get_or_load(id_hash.clone(), || self.store.find(&id_hash)).await?;
            let Some(record) = found.as_ref() else {
                return Ok(None);
            };
            // A kept record still ages: it serves only while neither a timeout nor a touch
            // is due; otherwise the store decides, as without keeping.
            if !self.expired(record, now) && now - record.last_seen_at < TOUCH_EVERY {
                return Ok(Some(ActiveSession {
                    holder: record.holder.clone(),
                    csrf_token: record.csrf_token.clone(),
                }));
            }
            kept.forget_key(id_hash.as_str());
        }
        let Some(record) = self.store.find(&id_hash).await? else {
            return Ok(None);
        };
        if self.expired(&record, now) {
            self.store.delete(&id_hash).await?;
            self.forget(&id_hash);
            return Ok(None);
        }
        if now - record.last_seen_at >= TOUCH_EVERY {
            self.store.touch(&id_hash, now).await?;
        }
        Ok(Some(ActiveSession { holder: record.holder, csrf_token: record.csrf_token }))
    }

    fn expired(&self, record: &WebSessionRecord<H>, now: DateTime<Utc>) -> bool {
        now - record.last_seen_at >= self.timeouts.idle || now - record.created_at >= self.timeouts.absolute
    }

    fn forget(&self, id_hash: &str) {
        if let Some(kept) = &self.kept {
            kept.forget_key(id_hash);
        }
    }

    pub async fn end(&self, secret: &str) -> DomainResult<()> {
        let id_hash = token_hash(secret);
        // Deleted first: a resume that starts after the forget finds nothing to keep.
        self.store.delete(&id_hash).await?;
        self.forget(&id_hash);
        Ok(())
    }

    /// Ends every other session of `holder`, keeping the one of `secret`: after a password
    /// change, a browser someone else logged in with must log in again. Everything this
    /// instance keeps is forgotten; other instances drop theirs within the keeping time.
    pub async fn end_others(&self, holder: &H, secret: &str) -> DomainResult<u64> {
        let ended = self.store.delete_others(holder, &token_hash(secret)).await?;
        if let Some(kept) = &self.kept {
            kept.forget();
        }
        Ok(ended)
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
        assert!(SessionStore::<UserId>::find(&store, &secret).await.unwrap().is_none());
        assert!(SessionStore::<UserId>::find(&store, &token_hash(&secret)).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_customer_session_is_not_an_agent_session() {
        let (clock, store, agents) = setup();
        let customers: WebSessions<String> = WebSessions::new(Arc::new(store), clock, agents.timeouts());
        let (secret, started) = customers.start("pat".to_string(), None).await.unwrap();
        assert_eq!(customers.resume(&secret).await.unwrap(), Some(started));
        assert_eq!(agents.resume(&secret).await.unwrap(), None);
        customers.end(&secret).await.unwrap();
        assert_eq!(customers.resume(&secret).await.unwrap(), None);
    }

    #[tokio::test]
    async fn ending_the_other_sessions_keeps_this_one_and_other_holders() {
        let (_, _, sessions) = setup();
        let sessions = sessions.keep_for(Duration::seconds(30));
        let (here, _) = sessions.start(1, None).await.unwrap();
        let (elsewhere, _) = sessions.start(1, None).await.unwrap();
        let (someone_else, _) = sessions.start(2, None).await.unwrap();
        assert!(sessions.resume(&elsewhere).await.unwrap().is_some(), "kept before the change");
        assert_eq!(sessions.end_others(&1, &here).await.unwrap(), 1);
        assert!(sessions.resume(&here).await.unwrap().is_some());
        assert_eq!(sessions.resume(&elsewhere).await.unwrap(), None);
        assert!(sessions.resume(&someone_else).await.unwrap().is_some());
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

    /// [`setup`]'s sessions, each kept for `ttl` once read.
    fn keeping(ttl: Duration) -> (Arc<FixedClock>, MemoryStore, WebSessions) {
        let (clock, store, sessions) = setup();
        (clock, store, sessions.keep_for(ttl))
    }

    #[tokio::test]
    async fn a_kept_session_is_read_again_once_its_time_is_up() {
        let (clock, store, sessions) = keeping(Duration::seconds(50));
        let (secret, _) = sessions.start(1, None).await.unwrap();
        assert!(sessions.resume(&secret).await.unwrap().is_some());
        // Ended elsewhere (another instance's logout): honoured here only while kept.
        SessionStore::<UserId>::delete(&store, &token_hash(&secret)).await.unwrap();
        clock.advance(Duration::seconds(40));
        assert!(sessions.resume(&secret).await.unwrap().is_some());
        clock.advance(Duration::seconds(10));
        assert_eq!(sessions.resume(&secret).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_logout_here_ends_a_kept_session_at_once() {
        let (_, _, sessions) = keeping(Duration::seconds(50));
        let (secret, _) = sessions.start(1, None).await.unwrap();
        let (other, _) = sessions.start(2, None).await.unwrap();
        assert!(sessions.resume(&secret).await.unwrap().is_some());
        assert!(sessions.resume(&other).await.unwrap().is_some());
        sessions.end(&secret).await.unwrap();
        assert_eq!(sessions.resume(&secret).await.unwrap(), None);
        assert!(sessions.resume(&other).await.unwrap().is_some());
        let (replacing, _) = sessions.start(2, Some(&other)).await.unwrap();
        assert_eq!(sessions.resume(&other).await.unwrap(), None);
        assert!(sessions.resume(&replacing).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_kept_session_still_times_out_and_is_still_touched() {
        // Kept longer than the idle timeout, to show the timeouts are checked on what is kept.
        let (clock, store, sessions) = keeping(Duration::hours(1));
        let (secret, _) = sessions.start(1, None).await.unwrap();
        assert!(sessions.resume(&secret).await.unwrap().is_some());
        clock.advance(Duration::minutes(2));
        assert!(sessions.resume(&secret).await.unwrap().is_some());
        let stored = SessionStore::<UserId>::find(&store, &token_hash(&secret)).await.unwrap().unwrap();
        assert_eq!(stored.last_seen_at, clock.now(), "use is still recorded while kept");
        clock.advance(Duration::minutes(30));
        assert_eq!(sessions.resume(&secret).await.unwrap(), None);
    }
}
