//! Read-through caches in front of the ports whose rows change rarely but are read on
//! almost every request: queues, states, priorities and types, agents, their grants and
//! preferences. Each decorator implements the port it wraps, so services do not know it
//! is there.
//!
//! A write through the decorator forgets what it may have changed at once, so this
//! instance never serves a value older than its own writes; what another instance
//! changes is seen when the entry expires (the `ttl` given at wiring).

mod lookups;
mod memo;
mod people;

pub use lookups::CachedLookups;
pub use memo::Memo;
pub use people::{CachedPeople, CachedPreferences};
