//! What each agent has read, kept as OTRS keeps it (its `Seen` ticket and article
//! flags), so agents working in OTRS and in goats see the same tickets as new.

use std::collections::HashSet;

use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::{ArticleId, TicketId, UserId};

#[async_trait]
pub trait SeenFlags: Send + Sync {
    /// `agent` has read the whole ticket: every article of it and the ticket are marked
    /// seen by them. Answers the articles they had not seen before, oldest first, or
    /// `None` when they had read it all already and nothing was written.
    async fn mark_seen(&self, ticket: TicketId, agent: UserId) -> DomainResult<Option<Vec<ArticleId>>>;

    /// Those of `tickets` with an article `agent` has not seen.
    async fn unseen(&self, tickets: &[TicketId], agent: UserId) -> DomainResult<HashSet<TicketId>>;
}
