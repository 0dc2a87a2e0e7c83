use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use goats_core::event::Event;
use goats_core::ports::{ChannelError, LiveEvent, LiveFeed, NotificationChannel, Recipient};
use tokio::sync::Notify;

/// The in-app channel: every event goes into a numbered buffer that the agents'
/// browsers follow (server-sent events), where reminders and escalations pop up as
/// toasts for the agents they are addressed to and ticket news refreshes what is on
/// screen. Permission filtering is the follower's job: the buffer holds everything.
pub struct ToastHub {
    buffer: Mutex<Buffer>,
    arrived: Notify,
    capacity: usize,
}

struct Buffer {
    last_id: u64,
    events: VecDeque<LiveEvent>,
}

impl ToastHub {
    /// Keeps the newest `capacity` events for followers that reconnect.
    pub fn new(capacity: usize) -> Self {
        Self {
            buffer: Mutex::new(Buffer { last_id: 0, events: VecDeque::new() }),
            arrived: Notify::new(),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes an event numbered elsewhere (the feed shared by several instances), in
    /// order: one not newer than the last is ignored.
    pub fn accept(&self, event: LiveEvent) {
        self.push(|last| (event.id > last).then_some(event));
    }

    /// Adds the event `make` numbers after the last id, if it makes one, and wakes the
    /// followers.
    fn push(&self, make: impl FnOnce(u64) -> Option<LiveEvent>) {
        {
            let mut b = self.lock();
            let Some(event) = make(b.last_id) else { return };
            b.last_id = event.id;
            if b.events.len() == self.capacity {
                b.events.pop_front();
            }
            b.events.push_back(event);
        }
        self.arrived.notify_waiters();
    }

    fn newer_than(&self, after: u64) -> Vec<LiveEvent> {
        self.lock().events.iter().filter(|e| e.id > after).cloned().collect()
    }
}

#[async_trait]
impl NotificationChannel for ToastHub {
    fn name(&self) -> String {
        "toast".into()
    }

    async fn deliver(&self, event: &Event, recipients: &[Recipient]) -> Result<(), ChannelError> {
        let recipients = recipients.iter().map(|r| r.id).collect();
        self.push(|last| Some(LiveEvent { id: last + 1, event: event.clone(), recipients }));
        Ok(())
    }
}

#[async_trait]
impl LiveFeed for ToastHub {
    fn last_id(&self) -> u64 {
        self.lock().last_id
    }

    async fn after(&self, after: u64, wait: Duration) -> Vec<LiveEvent> {
        // Register for the wake-up before looking, so an event arriving in between
        // is not missed.
        let arrived = self.arrived.notified();
        tokio::pin!(arrived);
        arrived.as_mut().enable();
        let found = self.newer_than(after);
        if !found.is_empty() {
            return found;
        }
        let _ = tokio::time::timeout(wait, arrived).await;
        self.newer_than(after)
    }
}
