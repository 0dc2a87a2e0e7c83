//! An agent's own notification settings: which of the notifications agents may choose
//! they get by which transport, their "My Queues" (the queues whose new tickets and
//! moves they hear of) and their "My Services" (likewise, by the ticket's service).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::error::{DomainError, DomainResult};
use crate::model::{Queue, QueueId, Service, ServiceId};
use crate::permission::{AgentPermissions, Permission};
use crate::ports::{AgentNotificationStore, LookupRepository, PreferenceStore, ServiceCatalog};

use super::definition::Transport;
use super::preferences::{TRANSPORT_PREFERENCE, TransportChoices};

/// One notification an agent may turn on or off, per transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceRow {
    pub id: i32,
    pub name: String,
    /// The notification's transports, each with whether the agent gets it that way.
    pub transports: Vec<(Transport, bool)>,
}

/// What the settings page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentChoices {
    pub notifications: Vec<ChoiceRow>,
    /// The queues the agent may read, each with whether it is one of "My Queues".
    pub queues: Vec<(Queue, bool)>,
    /// The valid services, each with whether it is one of "My Services".
    pub services: Vec<(Service, bool)>,
}

pub struct NotificationChoices {
    store: Arc<dyn AgentNotificationStore>,
    preferences: Arc<dyn PreferenceStore>,
    lookups: Arc<dyn LookupRepository>,
    services: Arc<dyn ServiceCatalog>,
}

impl NotificationChoices {
    pub fn new(
        store: Arc<dyn AgentNotificationStore>,
        preferences: Arc<dyn PreferenceStore>,
        lookups: Arc<dyn LookupRepository>,
        services: Arc<dyn ServiceCatalog>,
    ) -> Self {
        Self { store, preferences, lookups, services }
    }

    pub async fn of(&self, actor: &AgentPermissions) -> DomainResult<AgentChoices> {
        let stored = self.preferences.preference(actor.user_id, TRANSPORT_PREFERENCE).await?;
        let chosen = TransportChoices::parse(stored.as_deref());
        let notifications = self
            .store
            .ticket_notifications()
            .await?
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.visible_for_agent)
            .map(|n| ChoiceRow {
                id: n.id,
                name: n.name.clone(),
                transports: n.transports.iter().map(|t| (*t, chosen.wants(&n, *t))).collect(),
            })
            .collect();
        let mine: BTreeSet<QueueId> = self.store.my_queues(actor.user_id).await?.into_iter().collect();
        let queues =
            self.readable_queues(actor).await?.into_iter().map(|q| (q.clone(), mine.contains(&q.id))).collect();
        let mine: BTreeSet<ServiceId> = self.store.my_services(actor.user_id).await?.into_iter().collect();
        let services = self.valid_services().await?.into_iter().map(|s| (s.clone(), mine.contains(&s.id))).collect();
        Ok(AgentChoices { notifications, queues, services })
    }

    /// Stores the agent's choices: `on` lists the notifications and transports wanted
    /// (every other choosable one is off), `queues` their "My Queues", `services` their
    /// "My Services". A queue the agent may not read, or a service that is not valid, is
    /// refused, and then nothing is stored.
    pub async fn save(
        &self,
        actor: &AgentPermissions,
        on: &[(i32, Transport)],
        queues: &[QueueId],
        services: &[ServiceId],
    ) -> DomainResult<()> {
        let readable: BTreeSet<QueueId> = self.readable_queues(actor).await?.iter().map(|q| q.id).collect();
        if let Some(q) = queues.iter().find(|q| !readable.contains(q)) {
            return Err(DomainError::invalid("queues", format!("queue {q} is not one you may read")));
        }
        let valid: BTreeSet<ServiceId> = self.valid_services().await?.iter().map(|s| s.id).collect();
        if let Some(s) = services.iter().find(|s| !valid.contains(s)) {
            return Err(DomainError::invalid("services", format!("service {s} does not exist or is invalid")));
        }
        let stored = self.preferences.preference(actor.user_id, TRANSPORT_PREFERENCE).await?;
        // Choices about notifications not shown here (not choosable) are kept as they were.
        let mut chosen = TransportChoices::parse(stored.as_deref());
        for (n, _) in self.store.ticket_notifications().await? {
            if !n.visible_for_agent {
                continue;
            }
            for t in &n.transports {
                chosen.set(n.id, *t, on.contains(&(n.id, *t)));
            }
        }
        let mut queues = queues.to_vec();
        queues.sort_unstable();
        queues.dedup();
        self.store.set_my_queues(actor.user_id, &queues).await?;
        let mut services = services.to_vec();
        services.sort_unstable();
        services.dedup();
        self.store.set_my_services(actor.user_id, &services).await?;
        self.preferences.set_preference(actor.user_id, TRANSPORT_PREFERENCE, &chosen.to_json()).await
    }

    async fn valid_services(&self) -> DomainResult<Vec<Service>> {
        Ok(self.services.services().await?.into_iter().filter(|s| s.valid).collect())
    }

    async fn readable_queues(&self, actor: &AgentPermissions) -> DomainResult<Vec<Queue>> {
        let mut queues: Vec<Queue> = self
            .lookups
            .queues()
            .await?
            .into_iter()
            .filter(|q| q.valid && actor.has(q.group_id, Permission::Ro))
            .collect();
        queues.sort_by_key(|q| q.name.to_lowercase());
        Ok(queues)
    }
}
