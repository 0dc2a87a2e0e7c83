//! An agent's own notification settings: which of the notifications agents may choose
//! they get by which transport, and their "My Queues" (the queues whose new tickets
//! and moves they hear of).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::error::{DomainError, DomainResult};
use crate::model::{Queue, QueueId};
use crate::permission::{AgentPermissions, Permission};
use crate::ports::{AgentNotificationStore, LookupRepository, PreferenceStore};

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
}

pub struct NotificationChoices {
    store: Arc<dyn AgentNotificationStore>,
    preferences: Arc<dyn PreferenceStore>,
    lookups: Arc<dyn LookupRepository>,
}

impl NotificationChoices {
    pub fn new(
        store: Arc<dyn AgentNotificationStore>,
        preferences: Arc<dyn PreferenceStore>,
        lookups: Arc<dyn LookupRepository>,
    ) -> Self {
        Self { store, preferences, lookups }
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
        Ok(AgentChoices { notifications, queues })
    }

    /// Stores the agent's choices: `on` lists the notifications and transports wanted
    /// (every other choosable one is off), `queues` their "My Queues". A queue the
    /// agent may not read is refused, and then nothing is stored.
    pub async fn save(
        &self,
        actor: &AgentPermissions,
        on: &[(i32, Transport)],
        queues: &[QueueId],
    ) -> DomainResult<()> {
        let readable: BTreeSet<QueueId> = self.readable_queues(actor).await?.iter().map(|q| q.id).collect();
        if let Some(q) = queues.iter().find(|q| !readable.contains(q)) {
            return Err(DomainError::invalid("queues", format!("queue {q} is not one you may read")));
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
        self.preferences.set_preference(actor.user_id, TRANSPORT_PREFERENCE, &chosen.to_json()).await
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
