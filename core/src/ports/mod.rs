//! The ports: what the domain needs from the outside world, one file per concern.
//! Adapters implement them; [`crate::testing`] holds in-memory versions.

mod answer_templates;
mod auth;
mod clock;
mod cpu;
mod dynamic_fields;
mod events;
mod lookups;
mod mail;
mod notifications;
mod people;
mod schedule;
mod seen;
mod services;
mod spool;
mod stale;
mod tickets;

use async_trait::async_trait;

pub use answer_templates::*;
pub use auth::*;
pub use clock::*;
pub use cpu::*;
pub use dynamic_fields::*;
pub use events::*;
pub use lookups::*;
pub use mail::*;
pub use notifications::*;
pub use people::*;
pub use schedule::*;
pub use seen::*;
pub use services::*;
pub use spool::*;
pub use stale::*;
pub use tickets::*;

/// Whether a backing service (the database, Valkey) answers right now; drives `/readyz`.
#[async_trait]
pub trait Readiness: Send + Sync {
    /// What it is, as `/readyz` names it when it does not answer: `the database`.
    fn name(&self) -> &'static str;
    async fn ready(&self) -> bool;
}
