//! The agent interface: server-rendered pages (askama templates compiled into the
//! binary) made interactive with HTMX. Where each page is mounted, and behind which
//! middleware, is declared in `routes/` (see [`crate::routing`]); the handlers here use
//! the same core services and permission checks as the REST API.

pub(crate) mod admin;
pub mod assets;
pub(crate) mod bulk;
mod choices;
mod colours;
pub(crate) mod dashboard;
mod desk;
mod field_errors;
pub(crate) mod field_form;
mod form_text;
mod format;
pub(crate) mod guards;
pub mod i18n;
pub(crate) mod live;
pub(crate) mod login;
pub(crate) mod new_ticket;
pub(crate) mod notification_settings;
mod page;
pub(crate) mod password_change;
pub(crate) mod portal;
pub(crate) mod preferences;
mod reminders;
pub(crate) mod saved_filters;
mod session;
pub(crate) mod ticket_actions;
pub(crate) mod ticket_list;
pub(crate) mod zoom;

pub use session::{CSRF_HEADER, SESSION_COOKIE};
