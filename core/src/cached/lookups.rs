//! Queues, states, priorities, types and the queues' reply texts, read through a cache:
//! they are on every page and in every permission check, and change when an admin says.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;

use super::Memo;
use crate::error::DomainResult;
use crate::model::*;
use crate::ports::{AloneInstance, Clock, LookupKind, LookupRepository, NewQueue, ReplyTexts, Stale, StaleNotices};

pub struct CachedLookups {
    inner: Arc<dyn LookupRepository>,
    queues: Memo<(), Vec<Queue>>,
    queue: Memo<QueueId, Option<Queue>>,
    queue_by_name: Memo<String, Option<Queue>>,
    states: Memo<(), Vec<TicketState>>,
    state: Memo<StateId, Option<TicketState>>,
    state_by_name: Memo<String, Option<TicketState>>,
    priorities: Memo<(), Vec<Priority>>,
    priority: Memo<PriorityId, Option<Priority>>,
    types: Memo<(), Vec<TicketType>>,
    ticket_type: Memo<TypeId, Option<TicketType>>,
    reply_texts: Memo<QueueId, ReplyTexts>,
    others: Arc<dyn StaleNotices>,
}

impl CachedLookups {
    pub fn new(inner: Arc<dyn LookupRepository>, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            queues: Memo::new("lookups.queues", ttl, clock.clone()),
            queue: Memo::new("lookups.queue", ttl, clock.clone()),
            queue_by_name: Memo::new("lookups.queue_by_name", ttl, clock.clone()),
            states: Memo::new("lookups.states", ttl, clock.clone()),
            state: Memo::new("lookups.state", ttl, clock.clone()),
            state_by_name: Memo::new("lookups.state_by_name", ttl, clock.clone()),
            priorities: Memo::new("lookups.priorities", ttl, clock.clone()),
            priority: Memo::new("lookups.priority", ttl, clock.clone()),
            types: Memo::new("lookups.types", ttl, clock.clone()),
            ticket_type: Memo::new("lookups.ticket_type", ttl, clock.clone()),
            reply_texts: Memo::new("lookups.reply_texts", ttl, clock.clone()),
            others: Arc::new(AloneInstance),
        }
    }

    /// Tells `others` about every write, so their copies go too.
    pub fn announcing(mut self, others: Arc<dyn StaleNotices>) -> Self {
        self.others = others;
        self
    }

    /// After any write, here or announced by another instance: lookups refer to each
    /// other (a queue's reply texts, a state's type), so everything goes.
    pub fn forget_here(&self) {
        self.queues.forget();
        self.queue.forget();
        self.queue_by_name.forget();
        self.states.forget();
        self.state.forget();
        self.state_by_name.forget();
        self.priorities.forget();
        self.priority.forget();
        self.types.forget();
        self.ticket_type.forget();
        self.reply_texts.forget();
    }

    /// A write, and then forgetting — also when it failed halfway.
    fn write<T>(&self, result: DomainResult<T>) -> DomainResult<T> {
        self.forget_here();
        self.others.announce(Stale::Lookups);
        result
    }
}

#[async_trait]
impl LookupRepository for CachedLookups {
    async fn queues(&self) -> DomainResult<Vec<Queue>> {
        self.queues.get_or_load((), || self.inner.queues()).await.map(Arc::unwrap_or_clone)
    }
    async fn queue(&self, id: QueueId) -> DomainResult<Option<Queue>> {
        self.queue.get_or_load(id, || self.inner.queue(id)).await.map(Arc::unwrap_or_clone)
    }
    async fn queue_by_name(&self, name: &str) -> DomainResult<Option<Queue>> {
        self.queue_by_name
            .get_or_load(name.to_string(), || self.inner.queue_by_name(name))
            .await
            .map(Arc::unwrap_or_clone)
    }
    async fn create_queue(&self, queue: NewQueue, by: UserId) -> DomainResult<QueueId> {
        self.write(self.inner.create_queue(queue, by).await)
    }
    async fn set_queue_valid(&self, id: QueueId, valid: bool, by: UserId) -> DomainResult<()> {
        self.write(self.inner.set_queue_valid(id, valid, by).await)
    }
    async fn states(&self) -> DomainResult<Vec<TicketState>> {
        self.states.get_or_load((), || self.inner.states()).await.map(Arc::unwrap_or_clone)
    }
    async fn state(&self, id: StateId) -> DomainResult<Option<TicketState>> {
        self.state.get_or_load(id, || self.inner.state(id)).await.map(Arc::unwrap_or_clone)
    }
    async fn state_by_name(&self, name: &str) -> DomainResult<Option<TicketState>> {
        self.state_by_name
            .get_or_load(name.to_string(), || self.inner.state_by_name(name))
            .await
            .map(Arc::unwrap_or_clone)
    }
    async fn create_state(
        &self,
        name: &str,
        state_type: StateType,
        colour: &Colour,
        by: UserId,
    ) -> DomainResult<StateId> {
        self.write(self.inner.create_state(name, state_type, colour, by).await)
    }
    async fn priorities(&self) -> DomainResult<Vec<Priority>> {
        self.priorities.get_or_load((), || self.inner.priorities()).await.map(Arc::unwrap_or_clone)
    }
    async fn priority(&self, id: PriorityId) -> DomainResult<Option<Priority>> {
        self.priority.get_or_load(id, || self.inner.priority(id)).await.map(Arc::unwrap_or_clone)
    }
    async fn create_priority(&self, name: &str, colour: &Colour, by: UserId) -> DomainResult<PriorityId> {
        self.write(self.inner.create_priority(name, colour, by).await)
    }
    async fn types(&self) -> DomainResult<Vec<TicketType>> {
        self.types.get_or_load((), || self.inner.types()).await.map(Arc::unwrap_or_clone)
    }
    async fn ticket_type(&self, id: TypeId) -> DomainResult<Option<TicketType>> {
        self.ticket_type.get_or_load(id, || self.inner.ticket_type(id)).await.map(Arc::unwrap_or_clone)
    }
    async fn create_type(&self, name: &str, by: UserId) -> DomainResult<TypeId> {
        self.write(self.inner.create_type(name, by).await)
    }
    async fn reply_texts(&self, queue_id: QueueId) -> DomainResult<ReplyTexts> {
        self.reply_texts.get_or_load(queue_id, || self.inner.reply_texts(queue_id)).await.map(Arc::unwrap_or_clone)
    }
    async fn update_queue(&self, id: QueueId, queue: NewQueue, by: UserId) -> DomainResult<()> {
        self.write(self.inner.update_queue(id, queue, by).await)
    }
    async fn rename_lookup(&self, kind: LookupKind, id: i32, name: &str, by: UserId) -> DomainResult<()> {
        self.write(self.inner.rename_lookup(kind, id, name, by).await)
    }
    async fn set_lookup_valid(&self, kind: LookupKind, id: i32, valid: bool, by: UserId) -> DomainResult<()> {
        self.write(self.inner.set_lookup_valid(kind, id, valid, by).await)
    }
    async fn set_state_type(&self, id: StateId, state_type: StateType, by: UserId) -> DomainResult<()> {
        self.write(self.inner.set_state_type(id, state_type, by).await)
    }
    async fn set_lookup_colour(&self, kind: LookupKind, id: i32, colour: &Colour, by: UserId) -> DomainResult<()> {
        self.write(self.inner.set_lookup_colour(kind, id, colour, by).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FixedClock, MemoryStore};

    #[tokio::test]
    async fn a_write_through_the_cache_is_read_back_at_once() {
        let clock = Arc::new(FixedClock::at(chrono::Utc::now()));
        let store = MemoryStore::with_defaults(clock.clone());
        let cached = CachedLookups::new(Arc::new(store.clone()), Duration::seconds(60), clock.clone());
        let before = cached.states().await.unwrap().len();
        let id = cached.create_state("waiting for parts", StateType::Open, &Colour::new_state(), 1).await.unwrap();
        assert_eq!(cached.states().await.unwrap().len(), before + 1);
        assert_eq!(cached.state(id).await.unwrap().unwrap().name, "waiting for parts");
        cached.rename_lookup(LookupKind::State, id, "waiting for a part", 1).await.unwrap();
        assert_eq!(cached.state(id).await.unwrap().unwrap().name, "waiting for a part");

        // A change made elsewhere (another instance) shows once the entry expires.
        store.rename_lookup(LookupKind::State, id, "parts ordered", 1).await.unwrap();
        assert_eq!(cached.state(id).await.unwrap().unwrap().name, "waiting for a part");
        clock.advance(Duration::seconds(61));
        assert_eq!(cached.state(id).await.unwrap().unwrap().name, "parts ordered");
    }
}
