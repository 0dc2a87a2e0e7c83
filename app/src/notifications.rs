//! The dispatcher and its channels, as the `notifications:` configuration asks.

use std::sync::Arc;
use std::time::Duration;

use goats_core::agent_notifications::{AgentNotifier, NotifierPorts, NotifierSettings};
use goats_core::ports::{
    AgentRepository, Clock, DeliveryJournal, GroupRepository, LookupRepository, NotificationChannel, PreferenceStore,
};
use goats_notify::{ChannelFilter, Dispatcher, MessageText, RetryPolicy, WebhookChannel};
use goats_sql::Db;

use crate::app::Extensions;
use crate::config::{Config, NotificationsConfig};
use crate::error::AppError;

/// The in-app feed (`live`: in process, or the stream several instances share) takes
/// every event, and so do the agent notifications (which mail
/// agents through the mail queue); webhooks what their filters say; then the program's
/// own channels.
pub fn dispatcher(
    config: &NotificationsConfig,
    db: &Db,
    live: &Arc<dyn NotificationChannel>,
    log: &Arc<dyn DeliveryJournal>,
    agents: Option<Arc<AgentNotifier>>,
    extensions: &Extensions,
) -> Result<Dispatcher, AppError> {
    let store = Arc::new(db.clone());
    let retry = RetryPolicy {
        attempts: config.retry.attempts,
        first_delay: Duration::from_secs(config.retry.first_delay_seconds),
        max_delay: Duration::from_secs(config.retry.max_delay_seconds.max(config.retry.first_delay_seconds)),
        ..RetryPolicy::default()
    };
    let text = MessageText::new(config.base_url.clone());
    let mut dispatcher =
        Dispatcher::new(store.clone(), store, log.clone(), retry).route(live.clone(), ChannelFilter::default());
    if let Some(agents) = agents {
        dispatcher = dispatcher.route(agents, ChannelFilter::default());
    }
    for hook in &config.webhooks {
        let channel = WebhookChannel::new(
            &hook.name,
            &hook.url,
            &hook.secret,
            hook.body_template.clone(),
            text.clone(),
            Duration::from_secs(hook.timeout_seconds),
        )
        .map_err(AppError::Config)?;
        dispatcher = dispatcher.route(Arc::new(channel), hook.filter.clone());
    }
    for (channel, filter) in extensions.channels() {
        dispatcher = dispatcher.route(channel.clone(), filter.clone());
    }
    Ok(dispatcher)
}

/// The agent notifications of the database, unless turned off. Mail goes out only where
/// an SMTP server is configured: without one it would wait in the queue for ever.
pub fn agent_notifier(
    config: &Config,
    db: &Db,
    cached: (Arc<dyn LookupRepository>, Arc<dyn AgentRepository>, Arc<dyn GroupRepository>),
    preferences: Arc<dyn PreferenceStore>,
    live: &Arc<dyn NotificationChannel>,
    clock: Arc<dyn Clock>,
) -> Option<Arc<AgentNotifier>> {
    let agents = &config.notifications.agents;
    if !agents.enabled {
        return None;
    }
    let store = Arc::new(db.clone());
    let (lookups, people, groups) = cached;
    let ports = NotifierPorts {
        store: store.clone(),
        tickets: store.clone(),
        articles: store.clone(),
        lookups,
        agents: people,
        groups,
        customers: store,
        preferences,
        clock,
        composer: config.mail.smtp.is_some().then(|| Arc::new(goats_mail::Composer) as _),
        feed: Some(live.clone()),
    };
    let settings = NotifierSettings {
        sender_name: agents.sender_name.clone(),
        sender_email: agents.sender_email.clone(),
        base_url: config.notifications.base_url.clone().unwrap_or_else(|| format!("http://{}", config.listen)),
        ticket_hook: config.tickets.hook.clone(),
        hook_divider: String::new(),
        default_language: agents.default_language.clone(),
        self_notify: agents.self_notify,
    };
    Some(Arc::new(AgentNotifier::new(ports, settings)))
}
