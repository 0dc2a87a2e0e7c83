//! The ticket use cases, each checked against the OTRS permission model before anything
//! is stored. A ticket's fields change in one place: [`change`] plans the changes asked
//! for ([`plan`]) into one [`TicketEdit`] ([`edit`]), which the repository applies
//! atomically with its precondition. The rest: [`open`], [`articles`], [`links`] (and
//! merging), [`customer`] access, [`reads`] and [`access`] (who may do what); a
//! ticket's service and SLA are checked in [`services`].

mod access;
mod articles;
mod change;
mod customer;
pub(crate) mod defaults;
pub mod edit;
mod field_filters;
pub(crate) mod fields;
mod follow_up;
mod links;
mod open;
mod outgoing;
pub mod plan;
mod reads;
mod services;

use std::sync::Arc;

use crate::cached::Memo;
use crate::error::{DomainError, DomainResult};
use crate::event::{Event, TicketRef};
use crate::model::*;
use crate::ports::*;
use crate::ticket_number::TicketNumberConfig;

pub use access::TicketVerdict;
pub use customer::CustomerWords;
pub use edit::{Applied, Column, Precondition, TicketEdit, TicketGuard};
pub use field_filters::{FieldOperator, filter_by, filter_for};
pub(crate) use follow_up::{FollowUpRules, Reopen};
pub use plan::{ResolvedChange, TicketChange};
pub use reads::{SEARCH_COUNT_LIMIT, TicketZoom};
pub use services::ServiceChoices;

/// The ports a ticket service works through.
#[derive(Clone)]
pub struct TicketPorts {
    pub tickets: Arc<dyn TicketRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    pub lookups: Arc<dyn LookupRepository>,
    pub agents: Arc<dyn AgentRepository>,
    pub counter: Arc<dyn TicketNumberCounter>,
    pub dynamic_fields: Arc<dyn DynamicFieldStore>,
    pub services: Arc<dyn ServiceCatalog>,
    /// Where the admin's defaults for new tickets are kept.
    pub settings: Arc<dyn SettingsStore>,
    /// What each agent has read.
    pub seen: Arc<dyn SeenFlags>,
    pub clock: Arc<dyn Clock>,
}

/// The user OTRS records as the author of what customers and the system do.
pub const SYSTEM_USER: UserId = 1;

/// Attachments larger than this are refused unless configured otherwise.
pub const DEFAULT_MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

pub struct TicketService {
    ports: TicketPorts,
    numbers: TicketNumberConfig,
    max_attachment_bytes: u64,
    events: Option<Arc<dyn EventBus>>,
    /// Writes outgoing mail and tells where it is; without it, email articles are
    /// stored and not sent.
    outgoing: Option<Outgoing>,
    /// Reads kept briefly (see [`Self::with_read_cache`]).
    reads: Option<ReadCache>,
    /// The other instances, told when what they keep is stale.
    others: Arc<dyn StaleNotices>,
}

/// What mail that leaves needs: a writer, and the queue it waits in.
struct Outgoing {
    composer: Arc<dyn MailComposer>,
    queue: Arc<dyn MailQueue>,
}

/// The most tickets the kept list pages and searches hold, each: a thousand pages of
/// 25. Ten thousand pages, the bound by entries, took a bench of varied lists from
/// about 105 to 147 MB.
const MOST_LISTED_KEPT: usize = 25_000;

/// The most text of kept articles: a mail's body can be a megabyte.
const MOST_ARTICLE_BYTES_KEPT: usize = 32 << 20;

/// Roughly what a ticket's articles hold: their text, which is nearly all of it.
fn text_bytes(articles: &[Article]) -> usize {
    let optional = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    articles
        .iter()
        .map(|a| {
            a.body.len()
                + optional(&a.from)
                + optional(&a.to)
                + optional(&a.cc)
                + optional(&a.subject)
                + optional(&a.references)
                + std::mem::size_of::<Article>()
        })
        .sum()
}

/// What [`TicketService::with_read_cache`] keeps: list totals, list pages and tickets.
struct ReadCache {
    counts: Memo<String, u64>,
    pages: Memo<String, Vec<Ticket>>,
    /// Searches by relevance, each found with its count in one read.
    ranked: Memo<String, (u64, Vec<Ticket>)>,
    tickets: Memo<TicketId, Option<Ticket>>,
    articles: Memo<TicketId, Vec<Article>>,
    watchers: Memo<TicketId, Vec<UserId>>,
    links: Memo<TicketId, Vec<(TicketId, LinkKind)>>,
    accounted: Memo<TicketId, f64>,
    /// Tickets an agent has opened (and so read) since anything changed.
    read: Memo<(UserId, TicketId), ()>,
    /// Which tickets of a list an agent has news in, by agent and the list's ids.
    unseen: Memo<(UserId, Vec<TicketId>), std::collections::HashSet<TicketId>>,
    /// The site's ticket field definitions: read by every zoom an agent may change and
    /// every save of fields; only an admin's change of the fields forgets them.
    field_defs: Memo<(), Vec<DynamicFieldDef>>,
    /// The site's article field definitions: read by every agent's read of articles
    /// (a site without them is spared the look for their values) and every zoom.
    article_field_defs: Memo<(), Vec<DynamicFieldDef>>,
}

impl TicketService {
    pub fn new(ports: TicketPorts, numbers: TicketNumberConfig) -> Self {
        Self {
            ports,
            numbers,
            max_attachment_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
            events: None,
            outgoing: None,
            reads: None,
            others: Arc::new(AloneInstance),
        }
    }

    /// Tells `others` about every change, so their kept tickets and pages go too.
    pub fn announcing(mut self, others: Arc<dyn StaleNotices>) -> Self {
        self.others = others;
        self
    }

    /// Keeps what agents and integrations read again and again for `ttl`: each list's
    /// total (counting half of 100,000 tickets for every page of a queue view is most of
    /// what the list costs), each list page, and each ticket. This service's own changes
    /// forget them at once, and so does [`Self::forget_reads`] (the scheduled jobs call it
    /// after theirs); changes made by other instances show when they announce them (see
    /// [`Self::announcing`]), or within `ttl`. Checks before a
    /// change (`If-Match`) and the changes themselves always read the database.
    pub fn with_read_cache(mut self, ttl: chrono::Duration) -> Self {
        let clock = self.ports.clock.clone();
        self.reads = Some(ReadCache {
            counts: Memo::new("tickets.counts", ttl, clock.clone()),
            pages: Memo::new("tickets.pages", ttl, clock.clone()).weighing(MOST_LISTED_KEPT, Vec::len),
            ranked: Memo::new("tickets.ranked", ttl, clock.clone()).weighing(MOST_LISTED_KEPT, |(_, page)| page.len()),
            tickets: Memo::new("tickets.ticket", ttl, clock.clone()),
            articles: Memo::new("tickets.articles", ttl, clock.clone())
                .weighing(MOST_ARTICLE_BYTES_KEPT, |articles| text_bytes(articles)),
            watchers: Memo::new("tickets.watchers", ttl, clock.clone()),
            links: Memo::new("tickets.links", ttl, clock.clone()),
            accounted: Memo::new("tickets.accounted", ttl, clock.clone()),
            read: Memo::new("tickets.read", ttl, clock.clone()),
            unseen: Memo::new("tickets.unseen", ttl, clock.clone()),
            field_defs: Memo::new("tickets.field_defs", ttl, clock.clone()),
            article_field_defs: Memo::new("tickets.article_field_defs", ttl, clock),
        });
        self
    }

    /// After a change: any kept total, page or ticket may be off now, here and in the
    /// other instances.
    pub fn forget_reads(&self) {
        self.forget_reads_here();
        self.others.announce(Stale::Tickets);
    }

    /// After another instance announced a change to tickets.
    pub fn forget_reads_here(&self) {
        if let Some(r) = &self.reads {
            r.counts.forget();
            r.pages.forget();
            r.ranked.forget();
            r.tickets.forget();
            r.articles.forget();
            r.watchers.forget();
            r.links.forget();
            r.accounted.forget();
            r.read.forget();
            r.unseen.forget();
        }
    }

    /// After an admin changed the ticket fields: forms and filters offer the new set,
    /// here and in the other instances.
    pub fn forget_field_defs(&self) {
        self.forget_field_defs_here();
        self.others.announce(Stale::TicketFields);
    }

    pub fn forget_field_defs_here(&self) {
        if let Some(r) = &self.reads {
            r.field_defs.forget();
            r.article_field_defs.forget();
            // Kept articles hold the values of the fields valid when they were read.
            r.articles.forget();
        }
    }

    /// Announces every stored change on `events` (live updates, notifications).
    pub fn with_events(mut self, events: Arc<dyn EventBus>) -> Self {
        self.events = Some(events);
        self
    }

    /// Publishes what happened to a ticket, as it is now. A ticket that cannot be read
    /// back is not worth failing the change for: the change is stored already.
    async fn announce(&self, id: TicketId, event: impl FnOnce(TicketRef) -> Event) {
        let Some(events) = &self.events else { return };
        if let Ok(Some(ticket)) = self.ports.tickets.get(id).await {
            events.publish(event(TicketRef::from(&ticket))).await;
        }
    }

    /// Emails agents write leave as mail: composed here and queued by the store with
    /// the article (see `outgoing`).
    pub fn with_outgoing_mail(mut self, composer: Arc<dyn MailComposer>, queue: Arc<dyn MailQueue>) -> Self {
        self.outgoing = Some(Outgoing { composer, queue });
        self
    }

    /// Refuses attachments larger than `bytes`.
    pub fn with_attachment_limit(mut self, bytes: u64) -> Self {
        self.max_attachment_bytes = bytes;
        self
    }

    pub fn max_attachment_bytes(&self) -> u64 {
        self.max_attachment_bytes
    }

    async fn load(&self, id: TicketId) -> DomainResult<Ticket> {
        self.ports.tickets.get(id).await?.ok_or_else(|| DomainError::not_found("ticket", id))
    }

    /// [`Self::load`] without the version, for checks whose ticket is not handed out.
    async fn load_unversioned(&self, id: TicketId) -> DomainResult<Ticket> {
        self.ports.tickets.get_unversioned(id).await?.ok_or_else(|| DomainError::not_found("ticket", id))
    }

    async fn valid_queue(&self, id: QueueId) -> DomainResult<Queue> {
        let queue = self.ports.lookups.queue(id).await?.ok_or_else(|| DomainError::not_found("queue", id))?;
        if !queue.valid {
            return Err(DomainError::invalid("queue", format!("queue {} is invalid", queue.name)));
        }
        Ok(queue)
    }

    async fn agent(&self, id: UserId, field: &'static str) -> DomainResult<Agent> {
        self.ports
            .agents
            .get(id)
            .await?
            .ok_or(DomainError::Invalid { field, reason: format!("agent {id} does not exist") })
    }

    async fn valid_agent(&self, id: UserId, field: &'static str) -> DomainResult<Agent> {
        let agent = self.agent(id, field).await?;
        if !agent.valid {
            return Err(DomainError::invalid(field, format!("agent {} is invalid", agent.login)));
        }
        Ok(agent)
    }

    async fn state_of(&self, ticket: &Ticket) -> DomainResult<TicketState> {
        self.ports.lookups.state(ticket.state_id).await?.ok_or_else(|| DomainError::not_found("state", ticket.state_id))
    }
}

#[cfg(test)]
mod tests;
