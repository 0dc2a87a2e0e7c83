//! Agent notifications as OTRS sends them (`notification_event`): "new ticket in my
//! queues", "follow-up on my ticket", "owner changed", "moved into my queues", notes
//! and changes on tickets I watch, reminders and escalations. Each is a definition an
//! admin edits ([`definition`]), fired by the OTRS events a goats event raises
//! ([`triggers`]), sent by [`AgentNotifier`] to the agents its rules name, by the
//! transports each agent chose ([`preferences`], set through [`NotificationChoices`]),
//! in their language ([`render`]).

mod choices;
pub mod definition;
mod notifier;
pub mod preferences;
pub mod render;
pub mod triggers;

#[cfg(test)]
mod tests;

pub use choices::{AgentChoices, ChoiceRow, NotificationChoices};
pub use definition::{NotificationMessage, TicketNotification, Transport};
pub use notifier::{AgentNotifier, NotifierPorts, NotifierSettings};
pub use preferences::{TRANSPORT_PREFERENCE, TransportChoices};
