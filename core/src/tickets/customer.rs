//! What customers do with their tickets, as OTRS's customer interface lets them: open,
//! follow up, close, list and read theirs and their company's, and fetch what is shown
//! to them.

use crate::error::{DomainError, DomainResult};
use crate::event::{Event, TicketRef};
use crate::model::*;

use super::follow_up::{FollowUpRules, Reopen};
use super::{ResolvedChange, SYSTEM_USER, TicketService};

/// What a customer writes in a new ticket or a follow-up.
#[derive(Debug, Clone)]
pub struct CustomerWords {
    pub subject: String,
    pub body: String,
    pub attachments: Vec<NewAttachment>,
}

impl CustomerWords {
    /// As OTRS's customer interface stores it: sender customer, internal channel,
    /// visible to the customer, from the customer's address.
    fn into_article(self, customer: &CustomerUser) -> NewArticle {
        let mut a = NewArticle::note(self.subject, self.body);
        a.sender_type = SenderType::Customer;
        a.visible_for_customer = true;
        a.from = Some(customer.mailbox());
        a.attachments = self.attachments;
        a
    }
}

impl TicketService {
    /// One attachment of an article a customer may see, with its bytes.
    pub async fn attachment_for_customer(
        &self,
        login: &str,
        company: &str,
        ticket_id: TicketId,
        attachment_id: i64,
    ) -> DomainResult<(Attachment, Vec<u8>)> {
        let ticket = self.load_unversioned(ticket_id).await?;
        let not_found = || DomainError::not_found("attachment", attachment_id);
        if !crate::permission::customer_can_see(&ticket, login, company) {
            return Err(DomainError::not_found("ticket", ticket_id));
        }
        let (meta, bytes) = self.ports.articles.attachment(attachment_id).await?.ok_or_else(not_found)?;
        let article = self.ports.articles.get(meta.article_id).await?.ok_or_else(not_found)?;
        if article.ticket_id != ticket_id || !article.visible_for_customer {
            return Err(not_found());
        }
        Ok((meta, bytes))
    }

    /// A ticket a customer opens, as OTRS's customer interface does: new, normal
    /// priority, owned by the system user (1) until an agent takes it, the customer's
    /// words its first article (internal channel, visible to them). With customer groups
    /// off (OTRS's default), any valid queue an admin left open to customers will do.
    pub async fn create_for_customer(
        &self,
        customer: &CustomerUser,
        queue_id: QueueId,
        service_id: Option<ServiceId>,
        title: String,
        article: CustomerWords,
    ) -> DomainResult<Ticket> {
        let queue = self.valid_queue(queue_id).await?;
        if !queue.customer_selectable {
            return Err(DomainError::invalid("queue", format!("customers may not open tickets in {}", queue.name)));
        }
        let new = NewTicket {
            title,
            queue_id,
            state_id: 1,
            priority_id: 3,
            type_id: None,
            service_id,
            sla_id: None,
            owner_id: SYSTEM_USER,
            responsible_id: None,
            customer_id: Some(customer.customer_id.clone()).filter(|c| !c.is_empty()),
            customer_user_id: Some(customer.login.clone()),
            pending_until: None,
            article: article.into_article(customer),
        };
        self.open(SYSTEM_USER, new).await.map(|(ticket, _)| ticket)
    }

    /// Whether the customer may still answer the ticket: a closed ticket takes an answer
    /// only when its queue takes follow-ups (OTRS's `follow_up_id`: "possible"); where it
    /// rejects them or wants a new ticket, the customer opens a new one.
    pub async fn customer_may_answer(&self, ticket: &Ticket) -> DomainResult<bool> {
        if !matches!(ticket.state_type, StateType::Closed | StateType::Removed) {
            return Ok(true);
        }
        let queue = self.ports.lookups.queue(ticket.queue_id).await?;
        Ok(queue.is_none_or(|q| q.follow_up == FollowUp::Possible))
    }

    /// A customer's follow-up to one of their tickets (OTRS's `FollowUp`). A closed ticket
    /// opens again, so the follow-up is seen, and is locked to its owner again when the
    /// queue says so; a closed ticket whose queue takes no follow-ups is refused.
    pub async fn customer_follow_up(
        &self,
        customer: &CustomerUser,
        ticket_id: TicketId,
        words: CustomerWords,
    ) -> DomainResult<ArticleId> {
        let ticket = self.load_unversioned(ticket_id).await?;
        if !crate::permission::customer_can_see(&ticket, &customer.login, &customer.customer_id) {
            return Err(DomainError::not_found("ticket", ticket_id));
        }
        let article = words.into_article(customer);
        if article.body.trim().is_empty() {
            return Err(DomainError::invalid("body", "an article needs a body"));
        }
        if !self.customer_may_answer(&ticket).await? {
            return Err(DomainError::invalid(
                "ticket",
                "this ticket is closed and its queue takes no follow-ups; open a new ticket instead",
            ));
        }
        let queue = self.ports.lookups.queue(ticket.queue_id).await?;
        let lock_if_closed = queue.is_some_and(|q| q.follow_up_lock);
        let rules = FollowUpRules { reopen: Reopen::IfClosed, lock_if_closed, history_name: "%%".into() };
        self.follow_up(&ticket, article, rules).await
    }

    /// Whether the customer may close the ticket: it is not closed yet and its queue lets
    /// customers close tickets.
    pub async fn customer_may_close(&self, ticket: &Ticket) -> DomainResult<bool> {
        if matches!(ticket.state_type, StateType::Closed | StateType::Removed | StateType::Merged) {
            return Ok(false);
        }
        let queue = self.ports.lookups.queue(ticket.queue_id).await?;
        Ok(queue.is_some_and(|q| q.customer_closable))
    }

    /// A customer closes one of their tickets where its queue allows it: the ticket
    /// becomes "closed successful" and is unlocked, written by the system user as OTRS
    /// writes what a customer does.
    pub async fn close_for_customer(&self, customer: &CustomerUser, ticket_id: TicketId) -> DomainResult<Ticket> {
        let ticket = self.load_unversioned(ticket_id).await?;
        if !crate::permission::customer_can_see(&ticket, &customer.login, &customer.customer_id) {
            return Err(DomainError::not_found("ticket", ticket_id));
        }
        if !self.customer_may_close(&ticket).await? {
            return Err(DomainError::invalid(
                "ticket",
                "this ticket is closed, or its queue does not let customers close it",
            ));
        }
        let closed = self.closing_state().await?;
        let mut changes =
            vec![ResolvedChange::State { old: self.state_of(&ticket).await?, new: closed, pending_until: None }];
        if ticket.lock == Lock::Lock {
            changes.push(ResolvedChange::Lock(Lock::Unlock));
        }
        self.store_resolved(&ticket, changes, SYSTEM_USER).await?;
        let closed = self.load(ticket_id).await?;
        if let Some(events) = &self.events {
            let change = crate::history::HistoryType::StateUpdate.name().to_string();
            events.publish(Event::TicketUpdated { ticket: TicketRef::from(&closed), change, by: SYSTEM_USER }).await;
        }
        Ok(closed)
    }

    /// The state a customer's close sets: OTRS's "closed successful", or the first valid
    /// closed state of a site that renamed it.
    async fn closing_state(&self) -> DomainResult<TicketState> {
        if let Some(s) = self.ports.lookups.state_by_name("closed successful").await?.filter(|s| s.valid) {
            return Ok(s);
        }
        let states = self.ports.lookups.states().await?;
        states
            .into_iter()
            .find(|s| s.valid && s.state_type == StateType::Closed)
            .ok_or_else(|| DomainError::invalid("state", "there is no valid closed state"))
    }

    /// The tickets a customer may see (their own and their company's), narrowed by `filter`.
    pub async fn list_for_customer(
        &self,
        login: &str,
        company: &str,
        filter: TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<Page<Ticket>> {
        let filter = TicketFilter { customer_scope: Some((login.to_string(), company.to_string())), ..filter };
        self.page_of(filter, sort, page).await
    }

    /// Whether the ticket is one the customer may see (their own or their company's); a
    /// ticket that is gone is not.
    pub async fn customer_may_see(&self, login: &str, company: &str, id: TicketId) -> DomainResult<bool> {
        match self.load(id).await {
            Ok(ticket) => Ok(crate::permission::customer_can_see(&ticket, login, company)),
            Err(DomainError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// One ticket as its customer sees it: only articles visible to the customer.
    pub async fn get_for_customer(&self, login: &str, company: &str, id: TicketId) -> DomainResult<Ticket> {
        let mut ticket = self.load(id).await?;
        if !crate::permission::customer_can_see(&ticket, login, company) {
            return Err(DomainError::not_found("ticket", id));
        }
        let articles = self.ports.articles.list_for_ticket(id).await?;
        ticket.articles = Some(articles.into_iter().filter(|a| a.visible_for_customer).collect());
        Ok(ticket)
    }
}
