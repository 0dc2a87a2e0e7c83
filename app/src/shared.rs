//! What several instances share through Valkey, when `valkey.url` is configured: the
//! notices of what each made stale, the live feed they all follow, and the tasks that
//! listen to the other instances.

use std::sync::Arc;
use std::time::Duration;

use goats_core::cached::{CachedLookups, CachedPeople, CachedPreferences};
use goats_core::ports::{LiveFeed, NotificationChannel, Stale, StaleNotices};
use goats_core::tickets::TicketService;
use goats_notify::ToastHub;
use goats_valkey::{LiveStream, StaleAnnouncer, Valkey, listen_for_stale};

use crate::config::ValkeyConfig;
use crate::error::AppError;

/// How long a command that exits waits for its notices to reach the other instances.
const FLUSH_WITHIN: Duration = Duration::from_secs(2);

/// The connection, what goes out through it, and the tasks following the other
/// instances; dropping it stops them.
pub struct Shared {
    pub valkey: Valkey,
    announcer: Arc<StaleAnnouncer>,
    stream: Arc<LiveStream>,
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
    /// Connects to the configured Valkey, if any; one that does not answer is an error
    /// before anything else is touched.
    pub async fn connect(config: &ValkeyConfig, live_buffer: usize) -> Result<Option<Self>, AppError> {
        let Some(url) = &config.url else { return Ok(None) };
        let valkey = Valkey::connect(url, &config.prefix).await.map_err(|e| AppError::Unavailable(e.to_string()))?;
        Ok(Some(Self {
            announcer: Arc::new(StaleAnnouncer::start(valkey.clone())),
            stream: Arc::new(LiveStream::new(valkey.clone(), live_buffer)),
            valkey,
            tasks: Vec::new(),
        }))
    }

    /// Where this instance's writes say what they made stale.
    pub fn notices(&self) -> Arc<dyn StaleNotices> {
        self.announcer.clone()
    }

    /// The live feed every instance follows, in place of the in-process one.
    pub fn feed(&self) -> Arc<dyn NotificationChannel> {
        self.stream.clone()
    }

    /// Fills `live` with the newest events of the shared stream, then follows it, and
    /// listens for what the other instances made stale.
    pub async fn follow(&mut self, caches: Caches, live: Arc<ToastHub>) -> Result<(), AppError> {
        for event in self.stream.recent().await.map_err(|e| AppError::Unavailable(e.to_string()))? {
            live.accept(event);
        }
        let after = live.last_id();
        let follower = self.stream.clone().follow(after, move |event| live.accept(event));
        let me = self.announcer.instance().to_string();
        let listener = listen_for_stale(self.valkey.clone(), me, move |what| match what {
            Stale::Lookups => caches.lookups.forget_here(),
            Stale::People => caches.people.forget_here(),
            Stale::Preferences => caches.preferences.forget_here(),
            Stale::Tickets => caches.tickets.forget_reads_here(),
            Stale::TicketFields => caches.tickets.forget_field_defs_here(),
        });
        self.tasks.extend([follower, listener]);
        Ok(())
    }

    /// Sends what is still queued for the other instances, before the process exits.
    pub async fn flush(&self) {
        if !self.announcer.flush(FLUSH_WITHIN).await {
            tracing::warn!(valkey = %self.valkey.url(), "could not tell the other instances everything that changed");
        }
    }
}
