//! The admin pages (`/admin/…`, the admin group only): one module per kind of thing an
//! administrator keeps, each a list, a form to add one and a form to change one. Nothing
//! is deleted, only set invalid, as in OTRS; a refused form comes back as it was typed,
//! with each problem beside its field.

pub(crate) mod answer_templates;
pub(crate) mod auto_responses;
mod calendar_choice;
pub(crate) mod companies;
pub(crate) mod contacts;
pub(crate) mod deliveries;
pub(crate) mod fields;
mod grant_matrix;
pub(crate) mod groups;
pub(crate) mod lookups;
pub(crate) mod mail_accounts;
mod named_form;
pub(crate) mod notifications;
mod path_kind;
pub(crate) mod postmaster_filters;
pub(crate) mod queue_texts;
pub(crate) mod queues;
pub(crate) mod roles;
pub(crate) mod routes;
mod search_pages;
pub(crate) mod services;
pub(crate) mod slas;
pub(crate) mod system_addresses;
pub(crate) mod ticket_defaults;
pub(crate) mod users;
