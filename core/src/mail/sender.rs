//! The job that empties the mail queue: each due message is claimed (so of several
//! instances one sends it), handed to the SMTP server, and then removed; a temporary
//! failure is tried again later, each wait longer than the last; a permanent one, or
//! too many attempts, ends it with the reason recorded on its article.

use std::sync::Arc;

use chrono::Duration;

use crate::error::DomainResult;
use crate::ports::*;

/// How many due messages are read at a time.
const BATCH: u64 = 50;
/// How many batches one run works through at most: a run empties a queue that filled
/// faster than one batch per tick, instead of sending 50 every few seconds while the
/// rest wait, yet still ends.
const MOST_BATCHES: usize = 40;
/// How long a claim holds: longer than any SMTP conversation.
const CLAIM: Duration = Duration::minutes(10);

/// When to give up and how long to wait between attempts.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: i32,
    pub first_wait: Duration,
    pub longest_wait: Duration,
}

impl Default for RetryPolicy {
    /// Ten attempts over about a day: 1, 2, 4 … minutes, at most 4 hours apart.
    fn default() -> Self {
        Self { attempts: 10, first_wait: Duration::minutes(1), longest_wait: Duration::hours(4) }
    }
}

impl RetryPolicy {
    /// The wait after the `attempt`-th failure (1-based): doubling, capped.
    pub fn wait(&self, attempt: i32) -> Duration {
        let doublings = attempt.clamp(1, 30) - 1;
        let wait = self.first_wait.num_seconds().saturating_mul(1i64 << doublings);
        Duration::seconds(wait.min(self.longest_wait.num_seconds()))
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendRun {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

pub struct MailSender {
    queue: Arc<dyn MailQueue>,
    transport: Arc<dyn MailTransport>,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
}

impl MailSender {
    pub fn new(
        queue: Arc<dyn MailQueue>,
        transport: Arc<dyn MailTransport>,
        clock: Arc<dyn Clock>,
        policy: RetryPolicy,
    ) -> Self {
        Self { queue, transport, clock, policy }
    }

    pub async fn run(&self) -> DomainResult<SendRun> {
        let mut run = SendRun::default();
        for _ in 0..MOST_BATCHES {
            let due = self.queue.due(self.clock.now(), BATCH).await?;
            let full = due.len() as u64 == BATCH;
            let handled = self.send_batch(due, &mut run).await?;
            // A short batch was the last; one whose every message another instance
            // claimed would come back the same.
            if !full || handled == 0 {
                break;
            }
        }
        Ok(run)
    }

    /// Sends what it can claim of `due`; how many it claimed.
    async fn send_batch(&self, due: Vec<QueuedMail>, run: &mut SendRun) -> DomainResult<usize> {
        let mut handled = 0;
        for mail in due {
            let now = self.clock.now();
            if !self.queue.claim(mail.id, now, now + CLAIM).await? {
                continue;
            }
            handled += 1;
            match self.transport.send(&mail.envelope, &mail.raw).await {
                Ok(()) => {
                    self.queue.sent(mail.id).await?;
                    run.sent += 1;
                }
                Err(failure) => {
                    let attempt = mail.attempts + 1;
                    if failure.permanent || attempt >= self.policy.attempts {
                        self.queue.give_up(&mail, &failure).await?;
                        run.failed += 1;
                    } else {
                        let at = self.clock.now() + self.policy.wait(attempt);
                        self.queue.retry(mail.id, &failure, at).await?;
                        run.retried += 1;
                    }
                }
            }
        }
        Ok(handled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_longest() {
        let p = RetryPolicy::default();
        let minutes: Vec<_> = (1..=10).map(|a| p.wait(a).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 240, 240]);
    }
}
