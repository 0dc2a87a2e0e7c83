//! The mail queue in memory: what the store queued with outgoing articles.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::error::DomainResult;
use crate::model::*;
use crate::ports::*;

/// A queued message as the memory store keeps it.
#[derive(Debug, Clone)]
pub(super) struct Queued {
    pub mail: QueuedMail,
    pub due: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[async_trait]
impl MailQueue for MemoryStore {
    async fn due(&self, now: DateTime<Utc>, limit: u64) -> DomainResult<Vec<QueuedMail>> {
        let s = self.lock();
        Ok(s.mail_queue
            .iter()
            .filter(|q| q.due.is_none_or(|d| d <= now))
            .take(limit as usize)
            .map(|q| q.mail.clone())
            .collect())
    }

    async fn claim(&self, id: i64, now: DateTime<Utc>, until: DateTime<Utc>) -> DomainResult<bool> {
        let mut s = self.lock();
        match s.mail_queue.iter_mut().find(|q| q.mail.id == id && q.due.is_none_or(|d| d <= now)) {
            Some(q) => {
                q.due = Some(until);
                q.mail.attempts += 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn sent(&self, id: i64) -> DomainResult<()> {
        self.lock().mail_queue.retain(|q| q.mail.id != id);
        Ok(())
    }

    async fn retry(&self, id: i64, failure: &SendFailure, at: DateTime<Utc>) -> DomainResult<()> {
        if let Some(q) = self.lock().mail_queue.iter_mut().find(|q| q.mail.id == id) {
            q.due = Some(at);
            q.last_error = Some(failure.reason());
        }
        Ok(())
    }

    async fn give_up(&self, mail: &QueuedMail, failure: &SendFailure) -> DomainResult<()> {
        let mut s = self.lock();
        s.mail_queue.retain(|q| q.mail.id != mail.id);
        if let Some(article) = mail.article_id {
            s.send_errors.push((article, failure.reason()));
        }
        Ok(())
    }

    async fn states(&self, ticket_id: TicketId) -> DomainResult<Vec<(ArticleId, DeliveryState)>> {
        let s = self.lock();
        let of_ticket = |a: ArticleId| s.articles.iter().any(|x| x.id == a && x.ticket_id == ticket_id);
        let mut out: Vec<_> = s
            .mail_queue
            .iter()
            .filter_map(|q| q.mail.article_id.filter(|a| of_ticket(*a)).map(|a| (a, q)))
            .map(|(a, q)| {
                let state = DeliveryState::Queued {
                    attempts: q.mail.attempts,
                    last_error: q.last_error.clone(),
                    next_attempt: q.due,
                };
                (a, state)
            })
            .collect();
        out.extend(
            s.send_errors
                .iter()
                .filter(|(a, _)| of_ticket(*a))
                .map(|(a, reason)| (*a, DeliveryState::Failed { reason: reason.clone() })),
        );
        Ok(out)
    }
}
