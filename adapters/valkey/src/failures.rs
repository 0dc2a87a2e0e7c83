//! Failed logins counted in Valkey, so a guesser gains nothing by spreading tries over
//! the instances: one sorted set per key, scored by the time of each failure.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use goats_core::DomainResult;
use goats_core::ports::FailedLogins;
use rand::Rng;

use crate::Valkey;

pub struct ValkeyFailures {
    valkey: Valkey,
}

impl ValkeyFailures {
    pub fn new(valkey: Valkey) -> Self {
        Self { valkey }
    }

    fn key(&self, key: &str) -> String {
        self.valkey.key(&["login-failures", key])
    }
}

#[async_trait]
impl FailedLogins for ValkeyFailures {
    async fn add(&self, key: &str, at: DateTime<Utc>, keep: Duration) -> DomainResult<()> {
        let key = self.key(key);
        let ms = at.timestamp_millis();
        // Two failures in one millisecond are two failures: each member is unique.
        let member = format!("{ms}-{:08x}", rand::rng().random::<u32>());
        let mut conn = self.valkey.conn().await?;
        redis::pipe()
            .atomic()
            .cmd("ZADD")
            .arg(&key)
            .arg(ms)
            .arg(member)
            .ignore()
            .cmd("ZREMRANGEBYSCORE")
            .arg(&key)
            .arg("-inf")
            .arg(format!("({}", (at - keep).timestamp_millis()))
            .ignore()
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(keep.num_milliseconds().max(1))
            .ignore()
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| self.valkey.failed(e))
    }

    async fn since(&self, key: &str, since: DateTime<Utc>) -> DomainResult<Vec<DateTime<Utc>>> {
        let mut conn = self.valkey.conn().await?;
        let scores: Vec<(String, f64)> = redis::cmd("ZRANGEBYSCORE")
            .arg(self.key(key))
            .arg(format!("({}", since.timestamp_millis()))
            .arg("+inf")
            .arg("WITHSCORES")
            .query_async(&mut conn)
            .await
            .map_err(|e| self.valkey.failed(e))?;
        Ok(scores.into_iter().filter_map(|(_, ms)| DateTime::from_timestamp_millis(ms as i64)).collect())
    }

    async fn clear(&self, key: &str) -> DomainResult<()> {
        let mut conn = self.valkey.conn().await?;
        redis::cmd("DEL").arg(self.key(key)).query_async::<()>(&mut conn).await.map_err(|e| self.valkey.failed(e))
    }
}
