use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use goats_core::event::Event;
use goats_core::ports::{
    AgentRepository, DeliveryAttempt, DeliveryJournal, EventBus, NotificationChannel, PreferenceStore, Recipient,
};

use crate::filter::ChannelFilter;

/// How often and how patiently a failing delivery is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// A channel that has not answered after this long has failed this attempt.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// Eight attempts over about four minutes.
    fn default() -> Self {
        Self {
            attempts: 8,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
        }
    }
}

struct Route {
    channel: Arc<dyn NotificationChannel>,
    filter: ChannelFilter,
}

/// Fans each event out to every channel whose filter matches. Each delivery runs on
/// its own task, so a slow or failing channel never holds up the others or the work
/// that published the event.
pub struct Dispatcher {
    routes: Vec<Route>,
    /// Deliveries under way, reaped as new ones start; see [`Self::settle`].
    in_flight: std::sync::Mutex<tokio::task::JoinSet<()>>,
    agents: Arc<dyn AgentRepository>,
    preferences: Arc<dyn PreferenceStore>,
    log: Arc<dyn DeliveryJournal>,
    retry: RetryPolicy,
}

impl Dispatcher {
    pub fn new(
        agents: Arc<dyn AgentRepository>,
        preferences: Arc<dyn PreferenceStore>,
        log: Arc<dyn DeliveryJournal>,
        retry: RetryPolicy,
    ) -> Self {
        Self { routes: Vec::new(), in_flight: Default::default(), agents, preferences, log, retry }
    }

    /// Adds a channel with the events it takes.
    pub fn route(mut self, channel: Arc<dyn NotificationChannel>, filter: ChannelFilter) -> Self {
        self.routes.push(Route { channel, filter });
        self
    }

    /// Waits until the deliveries under way are done, at most `within`; false when some
    /// were not. A short-lived process (`goats mail ingest`) calls it before it exits,
    /// or its notifications would die with it.
    pub async fn settle(&self, within: Duration) -> bool {
        let mut running = std::mem::take(&mut *self.in_flight.lock().unwrap_or_else(|e| e.into_inner()));
        tokio::time::timeout(within, async { while running.join_next().await.is_some() {} }).await.is_ok()
    }

    pub fn channels(&self) -> Vec<String> {
        self.routes.iter().map(|r| r.channel.name()).collect()
    }

    /// The valid agents a personal event is addressed to; none for news about a ticket.
    async fn recipients(&self, event: &Event) -> Vec<Recipient> {
        if !event.is_personal() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for id in event.recipients() {
            let agent = match self.agents.get(id).await {
                Ok(Some(a)) if a.valid => a,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(agent = id, error = %e, "cannot look up a notification's recipient");
                    continue;
                }
            };
            let language = self.preferences.preference(id, "UserLanguage").await.ok().flatten();
            out.push(Recipient {
                id,
                name: format!("{} {}", agent.first_name, agent.last_name).trim().to_string(),
                login: agent.login,
                email: agent.email,
                language,
            });
        }
        out
    }
}

#[async_trait]
impl EventBus for Dispatcher {
    async fn publish(&self, event: Event) {
        let matching: Vec<_> = self.routes.iter().filter(|r| r.filter.matches(&event)).collect();
        if matching.is_empty() {
            return;
        }
        let recipients = Arc::new(self.recipients(&event).await);
        let event = Arc::new(event);
        let mut running = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        while running.try_join_next().is_some() {}
        for route in matching {
            let (channel, event, recipients, log) =
                (route.channel.clone(), event.clone(), recipients.clone(), self.log.clone());
            running.spawn(deliver(channel, event, recipients, log, self.retry));
        }
    }
}

async fn deliver(
    channel: Arc<dyn NotificationChannel>,
    event: Arc<Event>,
    recipients: Arc<Vec<Recipient>>,
    log: Arc<dyn DeliveryJournal>,
    retry: RetryPolicy,
) {
    let mut delay = retry.first_delay;
    let attempts = retry.attempts.max(1);
    for attempt in 1..=attempts {
        let outcome = match tokio::time::timeout(retry.timeout, channel.deliver(&event, &recipients)).await {
            Ok(result) => result.map_err(|e| e.0),
            Err(_) => Err(format!("no answer within {} s", retry.timeout.as_secs())),
        };
        let last = attempt == attempts;
        let (status, error) = match &outcome {
            Ok(()) => ("delivered", None),
            Err(e) if last => ("gave_up", Some(e.clone())),
            Err(e) => ("failed", Some(e.clone())),
        };
        metrics::counter!("goats_notification_deliveries_total", "channel" => channel.name(), "outcome" => status)
            .increment(1);
        let record = DeliveryAttempt {
            at: chrono::Utc::now(),
            channel: channel.name(),
            event: event.kind().into(),
            ticket_number: event.ticket().number.clone(),
            attempt,
            outcome: status.into(),
            error: error.clone(),
        };
        // The journal is for looking back; a failure to write it never stops a delivery.
        if let Err(e) = log.record(&record).await {
            tracing::warn!(channel = %record.channel, error = %e, "a delivery attempt could not be journalled");
        }
        match (outcome, last) {
            (Ok(()), _) => return,
            (Err(e), true) => {
                tracing::error!(channel = %channel.name(), event = event.kind(), ticket = %event.ticket().number, attempts, error = %e, "giving up on a notification");
                return;
            }
            (Err(e), false) => {
                tracing::warn!(channel = %channel.name(), event = event.kind(), attempt, error = %e, "notification failed; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(retry.max_delay);
            }
        }
    }
}
