use std::collections::HashSet;

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::DomainResult;
use crate::model::*;
use crate::ports::SeenFlags;

#[async_trait]
impl SeenFlags for MemoryStore {
    async fn mark_seen(&self, ticket: TicketId, agent: UserId) -> DomainResult<Option<Vec<ArticleId>>> {
        let mut s = self.lock();
        let new = s.unseen_articles(ticket, agent);
        s.seen_articles.extend(new.iter().map(|&a| (a, agent)));
        let flagged = s.seen_tickets.insert((ticket, agent));
        Ok((flagged || !new.is_empty()).then_some(new))
    }

    async fn unseen(&self, tickets: &[TicketId], agent: UserId) -> DomainResult<HashSet<TicketId>> {
        let s = self.lock();
        Ok(tickets.iter().copied().filter(|&t| !s.seen_tickets.contains(&(t, agent))).collect())
    }
}
