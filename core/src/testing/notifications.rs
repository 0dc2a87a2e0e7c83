//! Agent notifications in memory: the definitions a test sets, "My Queues", and the
//! mails and history rows a sent notification leaves.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::MemoryStore;
use super::mail::Queued;
use crate::agent_notifications::TicketNotification;
use crate::error::DomainResult;
use crate::history::{HistoryEntry, HistoryType};
use crate::model::*;
use crate::permission::Permission;
use crate::ports::*;

impl MemoryStore {
    /// Replaces the notification definitions (the store starts with none).
    pub fn set_notifications(&self, all: Vec<TicketNotification>) {
        self.lock().notifications = all.into_iter().map(|n| (n, true)).collect();
    }

    /// The messages waiting in the mail queue, oldest first.
    pub fn queued_mail(&self) -> Vec<QueuedMail> {
        self.lock().mail_queue.iter().map(|q| q.mail.clone()).collect()
    }
}

#[async_trait]
impl AgentNotificationStore for MemoryStore {
    async fn ticket_notifications(&self) -> DomainResult<Vec<(TicketNotification, Vec<String>)>> {
        Ok(self.lock().notifications.iter().filter(|(_, valid)| *valid).map(|(n, _)| (n.clone(), Vec::new())).collect())
    }

    async fn all_notifications(&self) -> DomainResult<Vec<NotificationRecord>> {
        let s = self.lock();
        Ok(s.notifications
            .iter()
            .map(|(n, valid)| NotificationRecord { notification: n.clone(), valid: *valid, unknown: Vec::new() })
            .collect())
    }

    async fn save_notification(&self, n: &TicketNotification, valid: bool, _by: UserId) -> DomainResult<i32> {
        let mut s = self.lock();
        if s.notifications.iter().any(|(other, _)| other.name == n.name && other.id != n.id) {
            return Err(crate::DomainError::Conflict(format!("a notification is called {}", n.name)));
        }
        if n.id == 0 {
            let id = s.notifications.iter().map(|(x, _)| x.id).max().unwrap_or(0) + 1;
            s.notifications.push((TicketNotification { id, ..n.clone() }, valid));
            return Ok(id);
        }
        let Some(stored) = s.notifications.iter_mut().find(|(x, _)| x.id == n.id) else {
            return Err(crate::DomainError::not_found("notification", n.id));
        };
        // Texts in other languages are kept, as in the database.
        let mut messages = n.messages.clone();
        messages
            .extend(stored.0.messages.iter().filter(|m| !n.messages.iter().any(|x| x.language == m.language)).cloned());
        *stored = (TicketNotification { messages, ..n.clone() }, valid);
        Ok(n.id)
    }

    async fn queue_subscribers(&self, queue: QueueId) -> DomainResult<Vec<UserId>> {
        Ok(self.lock().personal_queues.iter().filter(|(_, q)| *q == queue).map(|(u, _)| *u).collect())
    }

    async fn my_queues(&self, user: UserId) -> DomainResult<Vec<QueueId>> {
        Ok(self.lock().personal_queues.iter().filter(|(u, _)| *u == user).map(|(_, q)| *q).collect())
    }

    async fn set_my_queues(&self, user: UserId, queues: &[QueueId]) -> DomainResult<()> {
        let mut s = self.lock();
        s.personal_queues.retain(|(u, _)| *u != user);
        s.personal_queues.extend(queues.iter().map(|q| (user, *q)));
        Ok(())
    }

    async fn service_subscribers(&self, service: ServiceId) -> DomainResult<Vec<UserId>> {
        Ok(self.lock().personal_services.iter().filter(|(_, x)| *x == service).map(|(u, _)| *u).collect())
    }

    async fn my_services(&self, user: UserId) -> DomainResult<Vec<ServiceId>> {
        Ok(self.lock().personal_services.iter().filter(|(u, _)| *u == user).map(|(_, x)| *x).collect())
    }

    async fn set_my_services(&self, user: UserId, services: &[ServiceId]) -> DomainResult<()> {
        let mut s = self.lock();
        s.personal_services.retain(|(u, _)| *u != user);
        s.personal_services.extend(services.iter().map(|x| (user, *x)));
        Ok(())
    }

    async fn group_members(&self, group: GroupId, permission: Permission) -> DomainResult<Vec<UserId>> {
        let s = self.lock();
        let holds = |p: &Permission| *p == permission || *p == Permission::Rw;
        let mut out: Vec<UserId> =
            s.user_grants.iter().filter(|(_, g, p)| *g == group && holds(p)).map(|(u, ..)| *u).collect();
        for (role, ..) in s.role_grants.iter().filter(|(_, g, p)| *g == group && holds(p)) {
            out.extend(s.role_users.iter().filter(|(r, _)| r == role).map(|(_, u)| *u));
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    async fn role_members(&self, role: RoleId) -> DomainResult<Vec<UserId>> {
        Ok(self.lock().role_users.iter().filter(|(r, _)| *r == role).map(|(_, u)| *u).collect())
    }

    async fn sent_since(&self, ticket: TicketId, name: &str, since: DateTime<Utc>) -> DomainResult<bool> {
        let kind: &str = HistoryType::SendAgentNotification.into();
        Ok(self
            .lock()
            .history
            .iter()
            .any(|h| h.ticket_id == ticket && h.history_type == kind && h.name == name && h.created >= since))
    }

    async fn record(
        &self,
        ticket: TicketId,
        mails: Vec<(Envelope, Vec<u8>)>,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<()> {
        let now = self.clock.now();
        let mut s = self.lock();
        for (envelope, raw) in mails {
            s.mail_ids += 1;
            let id = s.mail_ids;
            s.mail_queue.push(Queued {
                mail: QueuedMail { id, article_id: None, envelope, raw, attempts: 0 },
                due: None,
                last_error: None,
            });
        }
        s.append_history(ticket, history, by, now);
        Ok(())
    }
}
