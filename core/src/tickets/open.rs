//! Opening a ticket: checked, numbered the way OTRS numbers them, stored with its
//! first article and the history rows OTRS writes.

use crate::error::{DomainError, DomainResult};
use crate::event::{Event, TicketRef};
use crate::history::{HistoryEntry, HistoryType, names};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission};
use crate::ports::*;
use crate::state_rules;

use super::outgoing::Thread;
use super::{TicketService, plan};

/// Distinct numbers to try before giving up: OTRS stops after 16,000 collisions.
const MAX_NUMBER_ATTEMPTS: u64 = 16_000;

impl TicketService {
    /// Opens a ticket with its first article. Needs `create` on the queue's group.
    pub async fn create(&self, actor: &AgentPermissions, new: NewTicket) -> DomainResult<Ticket> {
        if new.title.trim().is_empty() {
            return Err(DomainError::invalid("title", "a ticket needs a title"));
        }
        let queue = self.valid_queue(new.queue_id).await?;
        if !actor.has(queue.group_id, Permission::Create) {
            return Err(DomainError::PermissionDenied(format!("no create permission on queue {}", queue.name)));
        }
        self.open(actor.user_id, new).await.map(|(ticket, _)| ticket)
    }

    /// Stores a new ticket, checked for everything but who may open it; the ticket as
    /// stored, and its first article's id.
    pub(crate) async fn open(&self, by: UserId, mut new: NewTicket) -> DomainResult<(Ticket, ArticleId)> {
        let p = &self.ports;
        let title = new.title.trim().to_string();
        if title.is_empty() {
            return Err(DomainError::invalid("title", "a ticket needs a title"));
        }
        self.check_article(&mut new.article)?;
        let queue = self.valid_queue(new.queue_id).await?;
        let state =
            p.lookups.state(new.state_id).await?.ok_or_else(|| DomainError::not_found("state", new.state_id))?;
        if matches!(state.state_type, StateType::Merged | StateType::Removed) {
            return Err(DomainError::invalid("state", format!("a ticket cannot be opened as {}", state.name)));
        }
        let now = p.clock.now();
        let effect = state_rules::enter_state(state.state_type, new.pending_until, Lock::Unlock, now)?;
        let priority = p
            .lookups
            .priority(new.priority_id)
            .await?
            .ok_or_else(|| DomainError::not_found("priority", new.priority_id))?;
        let type_id = new.type_id.unwrap_or(1);
        p.lookups.ticket_type(type_id).await?.ok_or_else(|| DomainError::not_found("type", type_id))?;
        let (service, sla) = self.services_for_new(new.customer_user_id.as_deref(), new.service_id, new.sla_id).await?;
        let (service_id, sla_id) = (service.as_ref().map(|s| s.id), sla.as_ref().map(|s| s.id));
        let owner = self.valid_agent(new.owner_id, "owner").await?;
        let responsible = match new.responsible_id {
            Some(id) => self.valid_agent(id, "responsible").await?.id,
            None => owner.id,
        };
        let draft = |number: String| TicketDraft {
            number,
            title: title.clone(),
            queue_id: queue.id,
            state_id: state.id,
            priority_id: priority.id,
            type_id,
            service_id,
            sla_id,
            lock: Lock::Unlock,
            owner_id: owner.id,
            responsible_id: responsible,
            customer_id: new.customer_id.clone(),
            customer_user_id: new.customer_user_id.clone(),
            until_time: effect.until_time,
            lock_time: 0,
        };
        let names = (queue.name.clone(), priority.name.clone(), state.name.clone());
        let pending = (effect.until_time != 0).then_some(new.pending_until).flatten();
        // The number is drawn without asking whether it is taken: the unique ticket
        // number decides, and only after a conflict (two processes drew the same counter,
        // or the counter lags behind numbers already given) is each draw checked first,
        // skipping ahead as OTRS does.
        let first_history = plan::article_history_type(&new.article);
        let mut attempts = 0;
        loop {
            let number = self.allocate_number(now, attempts > 0).await?;
            let history = new_ticket_history(number.clone(), names.clone(), &new, first_history, pending);
            let stored_number = number.clone();
            // An email ticket leaves as mail: its subject carries this number.
            let mut article = new.article.clone();
            let thread = Thread { id: None, number: &number, queue_id: queue.id, queue: &queue.name, sender: None };
            self.prepare_outgoing(thread, &mut article).await?;
            match p.tickets.create(draft(number), article, history, by).await {
                Err(DomainError::Conflict(_)) if attempts < 10 => attempts += 1,
                Err(e) => return Err(e),
                Ok(created) => {
                    self.forget_reads();
                    // As stored: the draft and what storing it gave, without reading it back.
                    let ticket = Ticket {
                        id: created.id,
                        number: stored_number,
                        title,
                        queue_id: queue.id,
                        queue: queue.name,
                        state_id: state.id,
                        state: state.name,
                        state_type: state.state_type,
                        priority_id: priority.id,
                        priority: priority.name,
                        type_id: Some(type_id),
                        service_id,
                        service: service.map(|s| s.name),
                        sla_id,
                        sla: sla.map(|s| s.name),
                        lock: Lock::Unlock,
                        owner_id: owner.id,
                        responsible_id: responsible,
                        customer_id: new.customer_id,
                        customer_user_id: new.customer_user_id,
                        until_time: effect.until_time,
                        escalation: Default::default(),
                        created: created.created,
                        changed: created.created,
                        version: created.version,
                        articles: None,
                        dynamic_fields: None,
                    };
                    if let Some(events) = &self.events {
                        events
                            .publish(Event::TicketCreated {
                                ticket: TicketRef::from(&ticket),
                                by,
                                article_id: created.article_id,
                                history: first_history,
                            })
                            .await;
                    }
                    return Ok((ticket, created.article_id));
                }
            }
        }
    }

    /// Draws a ticket number. `checked`: draws again until the number is unused, each
    /// draw skipping further ahead, as OTRS does after a collision.
    pub(super) async fn allocate_number(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        checked: bool,
    ) -> DomainResult<String> {
        let generator = self.numbers.generator;
        for attempt in 0..MAX_NUMBER_ATTEMPTS {
            let counter = if generator.uses_counter() {
                self.ports.counter.next(generator.is_date_based(), attempt + 1, now).await?
            } else {
                0
            };
            let number = self.numbers.build(counter, now.date_naive());
            if !checked || self.ports.tickets.id_by_number(&number).await?.is_none() {
                return Ok(number);
            }
        }
        Err(DomainError::Conflict("no free ticket number after 16000 attempts".into()))
    }
}

/// The history OTRS writes for a new ticket: NewTicket, the customer, the pending
/// time, then the first article.
fn new_ticket_history(
    number: String,
    (queue, priority, state): (String, String, String),
    new: &NewTicket,
    // The first article's kind, not the article: a mail's files are not copied for it.
    article_kind: HistoryType,
    pending: Option<chrono::DateTime<chrono::Utc>>,
) -> HistoryBuilder {
    let customer = (new.customer_id.clone(), new.customer_user_id.clone());
    Box::new(move |ticket_id, article_id| {
        let mut h = vec![HistoryEntry::new(
            HistoryType::NewTicket,
            names::new_ticket(&number, &queue, &priority, &state, ticket_id),
        )];
        if customer.0.is_some() || customer.1.is_some() {
            h.push(HistoryEntry::new(
                HistoryType::CustomerUpdate,
                names::customer_update(customer.0.as_deref().unwrap_or(""), customer.1.as_deref().unwrap_or("")),
            ));
        }
        if pending.is_some() {
            h.push(HistoryEntry::new(HistoryType::SetPendingTime, names::pending_time(pending)));
        }
        h.push(plan::article_history_of(article_kind, article_id));
        h
    })
}
