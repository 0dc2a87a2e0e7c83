//! Cache notices between instances over Valkey's pub/sub: a write announces what it made
//! stale, every instance listening forgets it.

use std::time::Duration;

use futures_util::StreamExt;
use goats_core::ports::{Stale, StaleNotices};
use strum::VariantArray;
use tokio::sync::{mpsc, oneshot};

use crate::Valkey;
use crate::backoff::Backoff;

/// The pub/sub channel the notices go over.
fn channel(valkey: &Valkey) -> String {
    valkey.key(&["stale"])
}

enum Queued {
    Notice(Stale),
    /// Answered once everything queued before it has been sent.
    Flush(oneshot::Sender<()>),
}

/// Announces on behalf of one instance. The write that announces never waits: notices
/// queue here and one task sends them, several at once when writes come fast.
pub struct StaleAnnouncer {
    queue: mpsc::UnboundedSender<Queued>,
    instance: String,
}

impl StaleAnnouncer {
    /// Starts the sending task under a new instance id.
    pub fn start(valkey: Valkey) -> Self {
        let (queue, mut pending) = mpsc::unbounded_channel::<Queued>();
        let instance = format!("{:016x}", rand::random::<u64>());
        let sender = instance.clone();
        tokio::spawn(async move {
            while let Some(first) = pending.recv().await {
                let mut what = Vec::new();
                let mut flushed = Vec::new();
                for queued in std::iter::once(first).chain(std::iter::from_fn(|| pending.try_recv().ok())) {
                    match queued {
                        Queued::Notice(w) if !what.contains(&w) => what.push(w),
                        Queued::Notice(_) => {}
                        Queued::Flush(done) => flushed.push(done),
                    }
                }
                if !what.is_empty() {
                    publish(&valkey, &sender, &what).await;
                }
                flushed.into_iter().for_each(|done| {
                    let _ = done.send(());
                });
            }
        });
        Self { queue, instance }
    }

    /// Names this instance in its notices; [`listen_for_stale`] skips what it wrote.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Waits (at most `within`) until every notice announced so far has been sent, or
    /// given up on with a warning: a command that changes something and exits must not
    /// take its notices with it. False when the time ran out first.
    pub async fn flush(&self, within: Duration) -> bool {
        let (done, sent) = oneshot::channel();
        if self.queue.send(Queued::Flush(done)).is_err() {
            return false;
        }
        matches!(tokio::time::timeout(within, sent).await, Ok(Ok(())))
    }
}

async fn publish(valkey: &Valkey, sender: &str, what: &[Stale]) {
    let channel = channel(valkey);
    let mut pipe = redis::pipe();
    for w in what {
        pipe.cmd("PUBLISH").arg(&channel).arg(format!("{sender} {}", w.key())).ignore();
    }
    let sent = match valkey.conn().await {
        Ok(mut conn) => pipe.query_async::<()>(&mut conn).await.map_err(|e| valkey.failed(e)),
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        // The other instances see the change when their copies expire.
        tracing::warn!(error = %e, "could not tell the other instances what changed");
    }
}

impl StaleNotices for StaleAnnouncer {
    fn announce(&self, what: Stale) {
        let _ = self.queue.send(Queued::Notice(what));
    }
}

/// Listens for the notices of every instance but `me` and hands each to `forget`, for
/// as long as the process runs. While the subscription is down, notices are missed, so
/// on every (re)connection everything is forgotten once.
pub fn listen_for_stale(
    valkey: Valkey,
    me: String,
    forget: impl Fn(Stale) + Send + Sync + 'static,
) -> tokio::task::JoinHandle<()> {
    let channel = channel(&valkey);
    tokio::spawn(async move {
        let mut backoff = Backoff::new();
        loop {
            match valkey.client.get_async_pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                    Ok(()) => {
                        backoff.connected();
                        Stale::VARIANTS.iter().for_each(|w| forget(*w));
                        let mut messages = pubsub.on_message();
                        while let Some(message) = messages.next().await {
                            let Ok(text) = message.get_payload::<String>() else { continue };
                            let Some((from, what)) = text.split_once(' ') else { continue };
                            if from == me {
                                continue;
                            }
                            if let Some(what) = Stale::from_key(what) {
                                forget(what);
                            }
                        }
                        tracing::warn!(valkey = %valkey.url, "lost the subscription to other instances' changes; reconnecting");
                    }
                    Err(e) => {
                        tracing::warn!(valkey = %valkey.url, error = %e, "cannot subscribe to other instances' changes")
                    }
                },
                Err(e) => {
                    tracing::warn!(valkey = %valkey.url, error = %e, "cannot listen for other instances' changes")
                }
            }
            backoff.wait().await;
        }
    })
}
