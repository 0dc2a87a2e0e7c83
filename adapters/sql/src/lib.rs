//! OTRS-shaped storage for goats: one code path over SQLite, PostgreSQL and
//! MySQL/MariaDB, implementing goats-core's repository ports.
//!
//! The tables and columns are OTRS's own, so the same database can be shared with a
//! running OTRS or Znuny. Dialect differences stay inside this crate.

mod agent_notifications;
mod agents;
mod answer_templates;
mod article_dir;
mod articles;
mod attachments;
mod attachments_on_disk;
mod auto_responses;
mod blob_parts;
mod connection;
mod counter;
mod creation;
mod customers;
mod deliveries;
mod dynamic_fields;
mod error;
mod groups;
pub mod import;
mod like;
mod links;
mod lookups;
mod mail_accounts;
mod mail_queue;
pub mod migrate;
mod postmaster_filters;
mod preferences;
mod queue_texts;
mod row;
mod schedule;
pub mod schema;
pub mod search;
pub mod seed;
mod seen_flags;
mod services;
mod shared_commit;
mod spool;
mod sysconfig;
mod tickets;
mod tokens;
mod turns;
mod web_sessions;

pub use article_dir::ArticleDir;
pub use connection::{Db, Dialect};
pub use error::{SqlError, mask_url};
pub use migrate::{MigrationOutcome, migrate};
