//! goats' notification channels and the dispatcher that feeds them.
//!
//! The [`Dispatcher`] is the [`goats_core::ports::EventBus`] the services and jobs
//! publish to: it works out who an event is for and hands it to every channel whose
//! [`ChannelFilter`] matches, retrying failures with backoff in the background and
//! keeping a [`DeliveryLog`] of every attempt. Channels shipped here: the in-app feed
//! ([`ToastHub`], which the browsers follow) and [`WebhookChannel`]. Mail to agents is
//! not a channel: the agent notifications write it into the durable mail queue.
//! A team adds its own by implementing [`goats_core::ports::NotificationChannel`].

mod delivery_log;
mod dispatcher;
mod filter;
mod message;
mod toast;
mod webhook;

pub use delivery_log::DeliveryLog;
pub use dispatcher::{Dispatcher, RetryPolicy};
pub use filter::ChannelFilter;
pub use message::MessageText;
pub use toast::ToastHub;
pub use webhook::{SIGNATURE_HEADER, WebhookChannel, signature};
