//! Cache notices between instances over Valkey's pub/sub: a write announces what it made
//! stale, every instance listening forgets it.

use std::time::Duration;

use futures_util::StreamExt;
use goats_core::ports::{Stale, StaleNotices};
use strum::VariantArray;
use tokio::sync::mpsc;

use crate::Valkey;

/// Announces on behalf of one instance. The write that announces never waits: notices
/// queue here and one task sends them, several at once when writes come fast.
pub struct StaleAnnouncer {
    queue: mpsc::UnboundedSender<Stale>,
}

/// Names this instance in its notices, so it does not forget twice what it wrote.
fn instance_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

impl StaleAnnouncer {
    /// Starts the sending task; returns the announcer and this instance's id, which
    /// [`listen_for_stale`] needs to skip the instance's own notices.
    pub fn start(valkey: Valkey) -> (Self, String) {
        let (queue, mut pending) = mpsc::unbounded_channel::<Stale>();
        let me = instance_id();
        let channel = valkey.key(&["stale"]);
        let sender = me.clone();
        tokio::spawn(async move {
            while let Some(first) = pending.recv().await {
                let mut what = vec![first];
                while let Ok(more) = pending.try_recv() {
                    if !what.contains(&more) {
                        what.push(more);
                    }
                }
                let mut pipe = redis::pipe();
                for w in &what {
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
        });
        (Self { queue }, me)
    }
}

impl StaleNotices for StaleAnnouncer {
    fn announce(&self, what: Stale) {
        let _ = self.queue.send(what);
    }
}

/// Listens for the other instances' notices and hands each to `forget`, for as long as
/// the process runs. While the subscription is down, notices are missed, so on every
/// (re)connection everything is forgotten once.
pub fn listen_for_stale(
    valkey: Valkey,
    me: String,
    forget: impl Fn(Stale) + Send + Sync + 'static,
) -> tokio::task::JoinHandle<()> {
    let channel = valkey.key(&["stale"]);
    tokio::spawn(async move {
        let mut retry = Duration::from_millis(100);
        loop {
            match valkey.client.get_async_pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                    Ok(()) => {
                        retry = Duration::from_millis(100);
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
            tokio::time::sleep(retry).await;
            retry = (retry * 2).min(Duration::from_secs(5));
        }
    })
}
