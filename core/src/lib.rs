//! The goats domain: what a ticket is and the OTRS rules that govern it.
//!
//! Nothing here performs I/O. Storage, HTTP and the clock are reached through the
//! [`ports`]; adapters implement them, and [`testing`] holds in-memory versions so the
//! rules can be exercised without a server.

pub mod admin;
pub mod agent_notifications;
pub mod api_tokens;
pub mod auth;
pub mod cached;
pub mod calendar;
pub mod content_type;
pub mod customer_profile;
pub mod error;
pub mod escalation;
pub mod event;
pub mod history;
pub mod login_throttle;
pub mod mail;
pub mod model;
pub mod out_of_office;
pub mod password;
pub mod permission;
pub mod ports;
pub mod reply_text;
pub mod scheduled;
pub mod search;
pub mod state_rules;
pub mod ticket_number;
pub mod tickets;
pub mod web_session;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{DomainError, DomainResult};
