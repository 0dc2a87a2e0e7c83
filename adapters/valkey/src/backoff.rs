//! How long a follower waits before it connects again to a Valkey that went away.

use std::time::Duration;

const FIRST: Duration = Duration::from_millis(100);
const LONGEST: Duration = Duration::from_secs(5);

/// From 100 ms, doubling up to 5 s, and back to 100 ms once a connection holds: a
/// short outage is bridged at once, a long one is not hammered.
pub(crate) struct Backoff(Duration);

impl Backoff {
    pub(crate) fn new() -> Self {
        Self(FIRST)
    }

    pub(crate) fn connected(&mut self) {
        self.0 = FIRST;
    }

    pub(crate) async fn wait(&mut self) {
        tokio::time::sleep(self.0).await;
        self.0 = (self.0 * 2).min(LONGEST);
    }
}
