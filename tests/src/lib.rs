//! Helpers for goats' black-box tests: throw-away databases on every engine, services
//! wired to them, and the Znuny fixture loaded the way Znuny's own installer loads it.

pub mod backends;
pub mod engines;
pub mod otrs_site;
pub mod schema_snapshot;
pub mod services;
pub mod znuny;

pub use backends::{Backend, Opened};
pub use engines::{Engine, TestDatabase};
pub use goats_test_servers::{Dovecot, Nginx, OwnPostgres};
pub use services::{ticket_ports, ticket_service};
