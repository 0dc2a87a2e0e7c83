//! Browser sessions in Valkey: one hash per session, and per holder the set of their
//! sessions so a password change can end all the others.

use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::model::UserId;
use goats_core::ports::{SessionStore, WebSessionRecord};
use goats_core::web_session::SessionTimeouts;

use crate::Valkey;

/// One kind of session holder: how it is named in keys and written in a session.
pub trait Holder: Clone + PartialEq + Send + Sync + 'static {
    const KIND: &'static str;
    fn write(&self) -> String;
    fn read(text: &str) -> Option<Self>;
}

impl Holder for UserId {
    const KIND: &'static str = "agent";
    fn write(&self) -> String {
        self.to_string()
    }
    fn read(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl Holder for String {
    const KIND: &'static str = "customer";
    fn write(&self) -> String {
        self.clone()
    }
    fn read(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

/// The sessions of one kind of holder (agents' or customers'). Valkey expires them by
/// itself, so [`SessionStore::delete_expired`] has nothing to do.
pub struct ValkeySessions<H> {
    valkey: Valkey,
    timeouts: SessionTimeouts,
    holder: PhantomData<fn() -> H>,
}

impl<H: Holder> ValkeySessions<H> {
    pub fn new(valkey: Valkey, timeouts: SessionTimeouts) -> Self {
        Self { valkey, timeouts, holder: PhantomData }
    }

    fn session_key(&self, id_hash: &str) -> String {
        self.valkey.key(&["session", H::KIND, id_hash])
    }

    fn holder_key(&self, holder: &H) -> String {
        self.valkey.key(&["sessions", H::KIND, &holder.write()])
    }

    /// When a session seen at `seen` ends (in Unix milliseconds): once idle too long or
    /// at its absolute end, whichever comes first.
    fn ends(&self, created: DateTime<Utc>, seen: DateTime<Utc>) -> i64 {
        (seen + self.timeouts.idle).min(created + self.timeouts.absolute).timestamp_millis()
    }
}

#[async_trait]
impl<H: Holder> SessionStore<H> for ValkeySessions<H> {
    async fn insert(&self, s: &WebSessionRecord<H>) -> DomainResult<()> {
        let key = self.session_key(&s.id_hash);
        let holder_key = self.holder_key(&s.holder);
        let mut conn = self.valkey.conn().await?;
        redis::pipe()
            .atomic()
            .hset_multiple(
                &key,
                &[
                    ("holder", s.holder.write()),
                    ("csrf", s.csrf_token.clone()),
                    ("created", s.created_at.timestamp_millis().to_string()),
                    ("seen", s.last_seen_at.timestamp_millis().to_string()),
                ],
            )
            .cmd("PEXPIREAT")
            .arg(&key)
            .arg(self.ends(s.created_at, s.last_seen_at))
            .sadd(&holder_key, &s.id_hash)
            .expire(&holder_key, self.timeouts.absolute.num_seconds().max(1))
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| self.valkey.failed(e))
    }

    async fn find(&self, id_hash: &str) -> DomainResult<Option<WebSessionRecord<H>>> {
        let mut conn = self.valkey.conn().await?;
        let fields: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(self.session_key(id_hash))
            .arg(&["holder", "csrf", "created", "seen"])
            .query_async(&mut conn)
            .await
            .map_err(|e| self.valkey.failed(e))?;
        let [Some(holder), Some(csrf), Some(created), Some(seen)] = <[Option<String>; 4]>::try_from(fields)
            .map_err(|_| goats_core::DomainError::Storage("Valkey answered HMGET with the wrong count".into()))?
        else {
            return Ok(None);
        };
        let time = |ms: &str| ms.parse().ok().and_then(DateTime::<Utc>::from_timestamp_millis);
        // A session written by something else is no session.
        let (Some(holder), Some(created_at), Some(last_seen_at)) = (H::read(&holder), time(&created), time(&seen))
        else {
            return Ok(None);
        };
        Ok(Some(WebSessionRecord { id_hash: id_hash.to_string(), holder, csrf_token: csrf, created_at, last_seen_at }))
    }

    async fn touch(&self, id_hash: &str, at: DateTime<Utc>) -> DomainResult<()> {
        // Only a session still there is touched: one deleted meanwhile stays deleted.
        let script = redis::Script::new(
            "local created = redis.call('HGET', KEYS[1], 'created') \
             if not created then return 0 end \
             redis.call('HSET', KEYS[1], 'seen', ARGV[1]) \
             local ends = math.min(tonumber(ARGV[1]) + tonumber(ARGV[2]), tonumber(created) + tonumber(ARGV[3])) \
             redis.call('PEXPIREAT', KEYS[1], ends) \
             return 1",
        );
        let mut conn = self.valkey.conn().await?;
        script
            .key(self.session_key(id_hash))
            .arg(at.timestamp_millis())
            .arg(self.timeouts.idle.num_milliseconds())
            .arg(self.timeouts.absolute.num_milliseconds())
            .invoke_async::<i64>(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| self.valkey.failed(e))
    }

    async fn delete(&self, id_hash: &str) -> DomainResult<()> {
        let mut conn = self.valkey.conn().await?;
        redis::cmd("DEL")
            .arg(self.session_key(id_hash))
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| self.valkey.failed(e))
    }

    async fn delete_others(&self, holder: &H, keep: &str) -> DomainResult<u64> {
        let holder_key = self.holder_key(holder);
        let mut conn = self.valkey.conn().await?;
        let hashes: Vec<String> =
            redis::cmd("SMEMBERS").arg(&holder_key).query_async(&mut conn).await.map_err(|e| self.valkey.failed(e))?;
        let others: Vec<&String> = hashes.iter().filter(|h| h.as_str() != keep).collect();
        if others.is_empty() {
            return Ok(0);
        }
        let keys: Vec<String> = others.iter().map(|h| self.session_key(h)).collect();
        let (deleted, _): (u64, u64) = redis::pipe()
            .atomic()
            .del(&keys)
            .srem(&holder_key, &others)
            .query_async(&mut conn)
            .await
            .map_err(|e| self.valkey.failed(e))?;
        Ok(deleted)
    }

    async fn delete_expired(&self, _: DateTime<Utc>, _: DateTime<Utc>) -> DomainResult<u64> {
        Ok(0)
    }
}
