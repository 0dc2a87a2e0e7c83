//! Time, behind a port so rules about "now" can be tested at any moment.

use chrono::{DateTime, Utc};

/// The current time, so rules about "now" can be tested at any moment.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
