//! The postmaster: where an arriving mail goes, by OTRS's rules.
//!
//! 1. A mail whose Message-ID is stored already was delivered before (a retried pipe, a
//!    mailbox read twice): nothing is written.
//! 2. A ticket number of this system in the subject (after the ticket hook), or an
//!    In-Reply-To/References id of a stored article, makes it a follow-up to that
//!    ticket. On a closed ticket the queue's follow-up option decides: possible (the
//!    ticket opens again), reject (the mail is kept, the ticket stays closed) or new
//!    ticket.
//! 3. Anything else opens a ticket in the queue the route names, or `Raw`, OTRS's
//!    default, for the customer user with the sender's address (or, unknown, for the
//!    address itself, as OTRS does).
//!
//! `X-OTRS-*` headers steer a new ticket (queue, priority, state, type, customer,
//! ignore) only when the route is trusted, as anyone can write headers, or when the
//! postmaster filters set them (see [`super::filters`]).

use std::sync::Arc;

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::ports::*;
use crate::ticket_number::TicketNumberConfig;
use crate::tickets::{FollowUpRules, Reopen, SYSTEM_USER, TicketService};

use super::auto_response::Asked;
use super::{InboundMail, PostmasterFilter, Signals};

/// OTRS's `PostmasterDefaultQueue`, `PostmasterDefaultState` and
/// `PostmasterDefaultPriority`.
const DEFAULT_QUEUE: &str = "Raw";
const DEFAULT_STATE: &str = "new";
const DEFAULT_PRIORITY: &str = "3 normal";

/// Where a mail came in: the queue its account or pipe delivers to, and whether its
/// `X-OTRS-*` headers are to be believed.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub queue: Option<QueueId>,
    pub trusted: bool,
}

/// What became of a mail, with what its headers say and the answer it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub delivery: Delivery,
    pub signals: Signals,
    pub answer: Answer,
}

/// The automatic answer to a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// None is due: the queue has none, the mail came from a machine, or its sender
    /// had their day's share.
    None,
    /// Queued for sending, as this article.
    Queued(ArticleId),
    /// One was due and could not be written (the mail itself is stored).
    Failed(String),
}

/// What became of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    NewTicket {
        ticket_id: TicketId,
        number: String,
        article_id: ArticleId,
    },
    FollowUp {
        ticket_id: TicketId,
        number: String,
        article_id: ArticleId,
    },
    /// Kept on a closed ticket whose queue rejects follow-ups; the ticket stays closed.
    Rejected {
        ticket_id: TicketId,
        number: String,
        article_id: ArticleId,
    },
    /// Its Message-ID is stored already: nothing was written.
    Duplicate {
        ticket_id: TicketId,
        article_id: ArticleId,
    },
    /// A trusted `X-OTRS-Ignore: yes`: nothing was written.
    Ignored,
}

#[derive(Clone)]
pub struct PostmasterPorts {
    pub tickets: Arc<dyn TicketRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    pub lookups: Arc<dyn LookupRepository>,
    pub customers: Arc<dyn CustomerRepository>,
    pub responses: Arc<dyn AutoResponses>,
    pub filters: Arc<dyn PostmasterFilters>,
    pub spool: Arc<dyn Spool>,
    pub clock: Arc<dyn Clock>,
}

pub struct Postmaster {
    pub(super) ports: PostmasterPorts,
    pub(super) service: Arc<TicketService>,
    numbers: TicketNumberConfig,
}

impl Postmaster {
    pub fn new(ports: PostmasterPorts, service: Arc<TicketService>, numbers: TicketNumberConfig) -> Self {
        Self { ports, service, numbers }
    }

    /// Delivers one mail: where it went, what its headers say about its sender, and
    /// the automatic answer it got.
    pub async fn deliver(&self, mail: InboundMail, route: &Route) -> DomainResult<Delivered> {
        let signals = Signals::of(&mail);
        let unanswered = |delivery| Delivered { delivery, signals, answer: Answer::None };
        let steering = Steering::of(&mail, route.trusted, &self.ports.filters.filters().await?);
        if steering.get("X-OTRS-Ignore").is_some_and(|v| v.eq_ignore_ascii_case("yes")) {
            return Ok(unanswered(Delivery::Ignored));
        }
        if let Some(id) = &mail.message_id
            && let Some((ticket_id, article_id)) = self.ports.articles.by_message_id(id).await?
        {
            return Ok(unanswered(Delivery::Duplicate { ticket_id, article_id }));
        }
        let asked = Asked::of(&mail);
        let (delivery, because_closed) = match self.followed_ticket(&mail).await? {
            Some(ticket) => self.follow_up(ticket, mail, route, &steering).await?,
            None => (self.new_ticket(mail, route, &steering, None).await?, false),
        };
        // The mail is stored: an answer that cannot be sent must not make the sender
        // (or the MTA) deliver it again, so its failure is reported, not returned.
        let answer = match self.answer(&delivery, because_closed, asked, signals).await {
            Ok(Some(article_id)) => Answer::Queued(article_id),
            Ok(None) => Answer::None,
            Err(e) => Answer::Failed(e.to_string()),
        };
        Ok(Delivered { delivery, signals, answer })
    }

    /// The ticket a mail follows up, if any.
    async fn followed_ticket(&self, mail: &InboundMail) -> DomainResult<Option<Ticket>> {
        let by_number = match self.numbers.find_in_subject(&mail.subject) {
            Some(tn) => self.ports.tickets.id_by_number(&tn).await?,
            None => None,
        };
        let mut found = by_number;
        if found.is_none() {
            for id in mail.answered_ids() {
                if let Some((ticket_id, _)) = self.ports.articles.by_message_id(id).await? {
                    found = Some(ticket_id);
                    break;
                }
            }
        }
        match found {
            Some(id) => Ok(self.ports.tickets.get_unversioned(id).await?),
            None => Ok(None),
        }
    }

    /// The follow-up, and whether it opened a new ticket because the old one is closed.
    async fn follow_up(
        &self,
        ticket: Ticket,
        mail: InboundMail,
        route: &Route,
        steering: &Steering,
    ) -> DomainResult<(Delivery, bool)> {
        let queue = self
            .ports
            .lookups
            .queue(ticket.queue_id)
            .await?
            .ok_or_else(|| DomainError::not_found("queue", ticket.queue_id))?;
        let closed = matches!(ticket.state_type, StateType::Closed | StateType::Removed);
        let number = ticket.number.clone();
        if closed && queue.follow_up == FollowUp::NewTicket {
            return Ok((self.new_ticket(mail, route, steering, Some(&number)).await?, true));
        }
        let rejected = closed && queue.follow_up == FollowUp::Reject;
        let rules = FollowUpRules {
            reopen: if rejected { Reopen::Never } else { Reopen::UnlessNew },
            lock_if_closed: queue.follow_up_lock,
            history_name: if rejected { format!("%%{number}%%Follow up rejected.") } else { format!("%%{number}%%") },
        };
        let article = self.spooled(article(mail)).await?;
        let spooled = article.spooled();
        let added = self.service.follow_up(&ticket, article, rules).await;
        let article_id = self.unless_failed(added, &spooled).await?;
        let ticket_id = ticket.id;
        Ok((
            if rejected {
                Delivery::Rejected { ticket_id, number, article_id }
            } else {
                Delivery::FollowUp { ticket_id, number, article_id }
            },
            false,
        ))
    }

    /// A new ticket for the mail; `closed_ticket` when it answers a closed ticket whose
    /// queue wants a new one (that ticket's number is taken out of the title).
    async fn new_ticket(
        &self,
        mail: InboundMail,
        route: &Route,
        steering: &Steering,
        closed_ticket: Option<&str>,
    ) -> DomainResult<Delivery> {
        let lookups = &self.ports.lookups;
        let steered = match steering.get("X-OTRS-Queue") {
            Some(name) => lookups.queue_by_name(name).await?.filter(|q| q.valid),
            None => None,
        };
        let queue = match (steered, route.queue) {
            (Some(q), _) => Some(q),
            (None, Some(id)) => lookups.queue(id).await?,
            (None, None) => lookups.queue_by_name(DEFAULT_QUEUE).await?,
        }
        .ok_or_else(|| {
            DomainError::invalid("queue", format!("no queue to deliver to (the default is {DEFAULT_QUEUE})"))
        })?;
        let state = match steering.get("X-OTRS-State") {
            Some(name) => lookups.state_by_name(name).await?.filter(|s| s.valid),
            None => None,
        };
        let state = match state {
            Some(s) => s,
            None => lookups
                .state_by_name(DEFAULT_STATE)
                .await?
                .ok_or_else(|| DomainError::not_found("state", DEFAULT_STATE))?,
        };
        let priorities = lookups.priorities().await?;
        let priority = steering
            .get("X-OTRS-Priority")
            .and_then(|name| priorities.iter().find(|p| p.valid && p.name == name))
            .or_else(|| priorities.iter().find(|p| p.name == DEFAULT_PRIORITY))
            .or_else(|| priorities.iter().find(|p| p.valid))
            .ok_or_else(|| DomainError::not_found("priority", DEFAULT_PRIORITY))?
            .id;
        let type_id = match steering.get("X-OTRS-Type") {
            Some(name) => lookups.types().await?.into_iter().find(|t| t.valid && t.name == name).map(|t| t.id),
            None => None,
        };
        let (customer_user, customer_id) = self.customer_of(&mail, steering).await?;
        let title = match closed_ticket {
            Some(tn) => self.without_number(&mail.subject, tn),
            None => mail.subject.trim().to_string(),
        };
        let new = NewTicket {
            title: if title.is_empty() { "(no subject)".into() } else { title },
            queue_id: queue.id,
            state_id: state.id,
            priority_id: priority,
            type_id,
            service_id: None,
            sla_id: None,
            owner_id: SYSTEM_USER,
            responsible_id: None,
            customer_id,
            customer_user_id: customer_user,
            pending_until: None,
            article: self.spooled(article(mail)).await?,
        };
        let spooled = new.article.spooled();
        let opened = self.service.open(SYSTEM_USER, new).await;
        let (ticket, article_id) = self.unless_failed(opened, &spooled).await?;
        Ok(Delivery::NewTicket { ticket_id: ticket.id, number: ticket.number, article_id })
    }

    /// The customer user and company of a new ticket: a trusted `X-OTRS-CustomerUser`
    /// and `X-OTRS-CustomerNo`, else the customer user with the sender's address, else
    /// the address itself for both, as OTRS does.
    async fn customer_of(
        &self,
        mail: &InboundMail,
        steering: &Steering,
    ) -> DomainResult<(Option<String>, Option<String>)> {
        if let Some(login) = steering.get("X-OTRS-CustomerUser") {
            let company = match steering.get("X-OTRS-CustomerNo") {
                Some(no) => Some(no.to_string()),
                None => self.ports.customers.user(login).await?.map(|c| c.customer_id),
            };
            return Ok((Some(login.to_string()), company));
        }
        let Some(address) = mail.sender.as_deref() else { return Ok((None, None)) };
        Ok(match self.ports.customers.user_by_email(address).await? {
            Some(c) => (Some(c.login), Some(c.customer_id).filter(|id| !id.is_empty())),
            None => (Some(address.to_string()), Some(address.to_string())),
        })
    }

    /// The subject without this system's ticket number `tn` (OTRS's TicketSubjectClean),
    /// so that the new ticket's replies are not taken for the old one's.
    fn without_number(&self, subject: &str, tn: &str) -> String {
        let hook = &self.numbers.hook;
        let mut s = subject.to_string();
        for form in [format!("[{hook}{tn}]"), format!("[{hook}: {tn}]"), format!("{hook}{tn}"), format!("{hook}: {tn}")]
        {
            s = s.replace(&form, "");
        }
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Files from this size on are spooled before their article is stored.
const SPOOL_FROM: u64 = 1 << 20;

impl Postmaster {
    /// The article with its large files (the message as it arrived, a big attachment)
    /// spooled to the store and dropped here: the article's transaction then runs
    /// without them in memory, so a mail of 25 MB is not held while the store copies it
    /// into its rows. Spooled once everything else about the mail is settled.
    async fn spooled(&self, mut article: NewArticle) -> DomainResult<NewArticle> {
        let result = self.spool_files(&mut article).await;
        // What was spooled before a failure is in the article already.
        self.unless_failed(result, &article.spooled()).await.map(|()| article)
    }

    async fn spool_files(&self, article: &mut NewArticle) -> DomainResult<()> {
        if let Some(s) = self.spool_if_large(article.plain.as_ref()).await? {
            article.plain = Some(FileBytes::Spooled(s));
        }
        for file in &mut article.attachments {
            if let Some(s) = self.spool_if_large(Some(file.content())).await? {
                file.spooled_as(s);
            }
        }
        Ok(())
    }

    /// Spools bytes held in memory from [`SPOOL_FROM`] on.
    async fn spool_if_large(&self, bytes: Option<&FileBytes>) -> DomainResult<Option<Spooled>> {
        match bytes.and_then(FileBytes::held) {
            Some(held) if held.len() as u64 >= SPOOL_FROM => Ok(Some(self.ports.spool.spool(held).await?)),
            _ => Ok(None),
        }
    }

    /// `result`, having forgotten the spooled files when it is a failure: the article
    /// that was to take them was not stored. Forgetting is tidying only (what is left
    /// is swept later), so its own failure is not the caller's.
    async fn unless_failed<T>(&self, result: DomainResult<T>, spooled: &[Spooled]) -> DomainResult<T> {
        if result.is_err() {
            for s in spooled {
                let _ = self.ports.spool.discard(*s).await;
            }
        }
        result
    }
}

/// The `X-OTRS-*` values that steer a mail: its own when its route is trusted, then
/// what the postmaster filters set, which win.
struct Steering(Vec<(String, String)>);

impl Steering {
    fn of(mail: &InboundMail, trusted: bool, filters: &[PostmasterFilter]) -> Self {
        let mut values: Vec<(String, String)> = if trusted {
            mail.headers.iter().filter(|(n, _)| n.to_ascii_lowercase().starts_with("x-otrs-")).cloned().collect()
        } else {
            Vec::new()
        };
        values.extend(super::filters::apply(filters, mail));
        Self(values)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

/// The article a mail becomes: an email from the customer, visible to them.
fn article(mail: InboundMail) -> NewArticle {
    let references = (!mail.references.is_empty()).then(|| mail.references.join(" "));
    NewArticle {
        sender_type: SenderType::Customer,
        channel: CommunicationChannel::Email,
        visible_for_customer: true,
        from: mail.from,
        to: mail.to,
        cc: mail.cc,
        subject: mail.subject,
        body: mail.body,
        content_type: mail.content_type,
        message_id: mail.message_id,
        in_reply_to: mail.in_reply_to,
        references,
        attachments: mail.attachments,
        time_unit: None,
        plain: Some(FileBytes::Held(mail.raw)),
        outbound: None,
        dynamic_fields: Vec::new(),
    }
}
