//! The dispatcher and its channels, as the `notifications:` configuration asks.

use std::sync::Arc;
use std::time::Duration;

use goats_notify::{
    ChannelFilter, DeliveryLog, Dispatcher, EmailChannel, MessageText, RetryPolicy, ToastHub, WebhookChannel,
};
use goats_sql::Db;

use crate::app::Extensions;
use crate::config::NotificationsConfig;
use crate::error::AppError;

/// The in-app feed takes every event; email and webhooks what their filters say; then
/// the program's own channels.
pub fn dispatcher(
    config: &NotificationsConfig,
    db: &Db,
    live: &Arc<ToastHub>,
    log: &Arc<DeliveryLog>,
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
    if config.email.enabled {
        let mail = EmailChannel::new(&config.email.smtp(), text.clone()).map_err(AppError::Config)?;
        dispatcher = dispatcher.route(Arc::new(mail), config.email.filter.clone());
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
