//! What several instances share through Valkey, when `valkey.url` is configured: the
//! tasks that listen to the other instances, and what they hand over.

use std::sync::Arc;

use goats_core::cached::{CachedLookups, CachedPeople, CachedPreferences};
use goats_core::ports::{LiveFeed, Stale};
use goats_core::tickets::TicketService;
use goats_notify::ToastHub;
use goats_valkey::{LiveStream, Valkey, listen_for_stale};

use crate::error::AppError;

/// The connection and the tasks following the other instances; dropping it stops them.
pub struct Shared {
    pub valkey: Valkey,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.tasks.iter().for_each(|t| t.abort());
    }
}

/// The caches another instance's notice may concern.
pub struct Caches {
    pub lookups: Arc<CachedLookups>,
    pub people: Arc<CachedPeople>,
    pub preferences: Arc<CachedPreferences>,
    pub tickets: Arc<TicketService>,
}

impl Shared {
    /// Fills `live` with the newest events of the shared stream, then follows it, and
    /// listens for what the other instances (named by anything but `me`) made stale.
    pub async fn follow(
        valkey: Valkey,
        me: String,
        caches: Caches,
        stream: Arc<LiveStream>,
        live: Arc<ToastHub>,
    ) -> Result<Self, AppError> {
        for event in stream.recent().await.map_err(|e| AppError::Unavailable(e.to_string()))? {
            live.accept(event);
        }
        let after = live.last_id();
        let follower = stream.follow(after, move |event| live.accept(event));
        let listener = listen_for_stale(valkey.clone(), me, move |what| match what {
            Stale::Lookups => caches.lookups.forget_here(),
            Stale::People => caches.people.forget_here(),
            Stale::Preferences => caches.preferences.forget_here(),
            Stale::Tickets => caches.tickets.forget_reads_here(),
            Stale::TicketFields => caches.tickets.forget_field_defs_here(),
        });
        Ok(Self { valkey, tasks: vec![follower, listener] })
    }
}
