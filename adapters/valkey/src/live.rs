//! The live feed shared by every instance: each event goes into one Valkey stream, with
//! an id from one counter, and every instance follows the stream into the buffer its
//! agents' browsers read. An event published through one instance reaches the browsers
//! of all; a browser that reconnects elsewhere, or after a restart, resumes from its
//! last id.

use std::time::Duration;

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::event::Event;
use goats_core::model::UserId;
use goats_core::ports::{ChannelError, LiveEvent, NotificationChannel, Recipient};
use redis::AsyncConnectionConfig;
use redis::streams::{StreamId, StreamRangeReply, StreamReadReply};

use crate::Valkey;
use crate::backoff::Backoff;

/// How long one read of the stream waits for news before it asks again.
const BLOCK: Duration = Duration::from_secs(5);

pub struct LiveStream {
    valkey: Valkey,
    /// The newest events kept in the stream, for followers that resume.
    capacity: usize,
}

impl LiveStream {
    pub fn new(valkey: Valkey, capacity: usize) -> Self {
        Self { valkey, capacity: capacity.max(1) }
    }

    fn stream(&self) -> String {
        self.valkey.key(&["live"])
    }

    fn counter(&self) -> String {
        self.valkey.key(&["live", "id"])
    }

    /// The newest events the stream keeps, oldest first: what an instance starts with.
    pub async fn recent(&self) -> DomainResult<Vec<LiveEvent>> {
        let mut conn = self.valkey.conn().await?;
        let reply: StreamRangeReply = redis::cmd("XREVRANGE")
            .arg(self.stream())
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(self.capacity)
            .query_async(&mut conn)
            .await
            .map_err(|e| self.valkey.failed(e))?;
        Ok(reply.ids.iter().rev().filter_map(decode).collect())
    }

    /// Follows the stream from after `after` for as long as the process runs, handing
    /// each event to `into` in order; reconnects by itself when Valkey comes back.
    pub fn follow(
        self: std::sync::Arc<Self>,
        mut after: u64,
        into: impl Fn(LiveEvent) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut backoff = Backoff::new();
            loop {
                // A connection of its own: a blocking read would hold a pooled one.
                let config = AsyncConnectionConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(2)))
                    .set_response_timeout(Some(BLOCK + Duration::from_secs(5)));
                let mut conn = match self.valkey.client.get_multiplexed_async_connection_with_config(&config).await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(valkey = %self.valkey.url, error = %e, "cannot follow the live feed; retrying");
                        backoff.wait().await;
                        continue;
                    }
                };
                backoff.connected();
                loop {
                    let read: Result<Option<StreamReadReply>, _> = redis::cmd("XREAD")
                        .arg("COUNT")
                        .arg(256)
                        .arg("BLOCK")
                        .arg(BLOCK.as_millis() as u64)
                        .arg("STREAMS")
                        .arg(self.stream())
                        .arg(format!("{after}-0"))
                        .query_async(&mut conn)
                        .await;
                    match read {
                        Ok(reply) => {
                            for entry in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
                                if let Some(event) = decode(&entry) {
                                    after = event.id;
                                    into(event);
                                }
                            }
                        }
                        Err(e) => {
                            tracing::warn!(valkey = %self.valkey.url, error = %e, "lost the live feed; reconnecting");
                            break;
                        }
                    }
                }
            }
        })
    }
}

/// Appends one event with the next id. A counter that is missing (new, or lost with
/// Valkey's data) starts from the stream's newest id or the time in microseconds,
/// whichever is larger, so ids never go backwards: instances that followed the lost
/// stream take the new one's events as newer. (Microseconds since 1970 stay below 2^53,
/// so a browser's JavaScript reads every id exactly.)
const APPEND: &str = "\
if redis.call('EXISTS', KEYS[1]) == 0 then \
  local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1) \
  local from = 0 \
  if newest[1] then from = tonumber(string.match(newest[1][1], '^(%d+)')) end \
  local t = redis.call('TIME') \
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2]) \
  redis.call('SET', KEYS[1], string.format('%d', math.max(from, now))) \
end \
local id = redis.call('INCR', KEYS[1]) \
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], string.format('%d-0', id), 'event', ARGV[2], 'to', ARGV[3]) \
return id";

#[async_trait]
impl NotificationChannel for LiveStream {
    /// The in-app feed, as the in-process one is named: deliveries read the same.
    fn name(&self) -> String {
        "toast".into()
    }

    async fn deliver(&self, event: &Event, recipients: &[Recipient]) -> Result<(), ChannelError> {
        let to: Vec<UserId> = recipients.iter().map(|r| r.id).collect();
        let (event, to) = match (serde_json::to_string(event), serde_json::to_string(&to)) {
            (Ok(e), Ok(t)) => (e, t),
            (Err(e), _) | (_, Err(e)) => return Err(ChannelError(format!("cannot write the event: {e}"))),
        };
        let mut conn = self.valkey.conn().await.map_err(|e| ChannelError(e.to_string()))?;
        redis::Script::new(APPEND)
            .key(self.counter())
            .key(self.stream())
            .arg(self.capacity)
            .arg(event)
            .arg(to)
            .invoke_async::<u64>(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| ChannelError(self.valkey.failed(e).to_string()))
    }
}

/// An entry as an event; one another program wrote is skipped.
fn decode(entry: &StreamId) -> Option<LiveEvent> {
    let id = entry.id.split_once('-')?.0.parse().ok()?;
    let event = serde_json::from_str(&entry.get::<String>("event")?).ok()?;
    let recipients = serde_json::from_str(&entry.get::<String>("to")?).ok()?;
    Some(LiveEvent { id, event, recipients })
}
