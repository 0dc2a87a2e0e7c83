//! Reading tickets for agents: one ticket, its page, lists and counts, kept briefly in
//! the read cache when the service has one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission};
use crate::search::{SearchQuery, Snippet};

use super::TicketService;

pub use crate::ports::SEARCH_COUNT_LIMIT;

/// A ticket as its page shows it (see [`TicketService::zoom`]).
#[derive(Debug, Clone)]
pub struct TicketZoom {
    /// With its articles.
    pub ticket: Ticket,
    pub abilities: Vec<Permission>,
    pub watching: bool,
    pub links: Vec<LinkedTicket>,
    pub accounted: f64,
    /// Where the outgoing articles' mail is.
    pub deliveries: Vec<(ArticleId, crate::ports::DeliveryState)>,
    /// The articles the agent had not seen before this zoom showed them.
    pub new_articles: Vec<ArticleId>,
}

impl TicketService {
    /// A ticket's articles as agents read them: with their fields' values.
    pub(super) async fn articles_of(&self, id: TicketId) -> DomainResult<Vec<Article>> {
        match &self.reads {
            Some(r) => r.articles.get_or_load(id, || self.articles_with_fields(id)).await.map(Arc::unwrap_or_clone),
            None => self.articles_with_fields(id).await,
        }
    }

    async fn articles_with_fields(&self, id: TicketId) -> DomainResult<Vec<Article>> {
        let mut articles = self.ports.articles.list_for_ticket(id).await?;
        let ids: Vec<ArticleId> = articles.iter().map(|a| a.id).collect();
        // Most sites define no article fields: then there are no values to look for.
        if ids.is_empty() || self.article_field_defs().await?.is_empty() {
            return Ok(articles);
        }
        // By position: a ticket may hold thousands of articles.
        let at: HashMap<ArticleId, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        for (article_id, value) in self.ports.dynamic_fields.article_values(&ids).await? {
            if let Some(&i) = at.get(&article_id) {
                articles[i].dynamic_fields.push(value);
            }
        }
        Ok(articles)
    }

    pub(super) async fn watchers_of(&self, id: TicketId) -> DomainResult<Vec<UserId>> {
        match &self.reads {
            Some(r) => r.watchers.get_or_load(id, || self.ports.tickets.watchers(id)).await.map(Arc::unwrap_or_clone),
            None => self.ports.tickets.watchers(id).await,
        }
    }

    pub(super) async fn links_of(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>> {
        match &self.reads {
            Some(r) => r.links.get_or_load(id, || self.ports.tickets.links(id)).await.map(Arc::unwrap_or_clone),
            None => self.ports.tickets.links(id).await,
        }
    }

    pub(super) async fn accounted_of(&self, id: TicketId) -> DomainResult<f64> {
        match &self.reads {
            Some(r) => {
                r.accounted.get_or_load(id, || self.ports.tickets.accounted_time(id)).await.map(Arc::unwrap_or_clone)
            }
            None => self.ports.tickets.accounted_time(id).await,
        }
    }

    /// A ticket for reading, from the read cache when there is one.
    pub(super) async fn read(&self, id: TicketId) -> DomainResult<Ticket> {
        let found = match &self.reads {
            Some(r) => Arc::unwrap_or_clone(r.tickets.get_or_load(id, || self.ports.tickets.get(id)).await?),
            None => self.ports.tickets.get(id).await?,
        };
        found.ok_or_else(|| DomainError::not_found("ticket", id))
    }

    /// The total and one page of the tickets matching `filter`.
    pub(super) async fn page_of(
        &self,
        filter: TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<Page<Ticket>> {
        // State types become state ids from the (cached) states, so the database filters
        // the ticket table's own indexed column.
        let filter = if filter.state_types.is_empty() {
            filter
        } else {
            let ids: Vec<StateId> = self
                .ports
                .lookups
                .states()
                .await?
                .into_iter()
                .filter(|s| filter.state_types.contains(&s.state_type))
                .filter(|s| filter.state_ids.is_empty() || filter.state_ids.contains(&s.id))
                .map(|s| s.id)
                .collect();
            if ids.is_empty() {
                return Ok(Page::empty(page));
            }
            TicketFilter { state_ids: ids, state_types: Vec::new(), ..filter }
        };
        let tickets = &self.ports.tickets;
        let limit = filter.text.is_some().then_some(SEARCH_COUNT_LIMIT);
        let ranked = sort.field == TicketSortField::Relevance && filter.text.is_some();
        let (counted, items) = match &self.reads {
            Some(r) if ranked => {
                let key = format!("{filter:?}|{sort:?}|{page:?}");
                let found = r.ranked.get_or_load(key, || tickets.ranked_page(&filter, sort, page)).await?;
                Arc::unwrap_or_clone(found)
            }
            None if ranked => tickets.ranked_page(&filter, sort, page).await?,
            Some(r) => {
                let key = format!("{filter:?}");
                let total = *r.counts.get_or_load(key.clone(), || tickets.count(&filter, limit)).await?;
                let items =
                    r.pages.get_or_load(format!("{key}|{sort:?}|{page:?}"), || tickets.page(&filter, sort, page));
                (total, Arc::unwrap_or_clone(items.await?))
            }
            None => (tickets.count(&filter, limit).await?, tickets.page(&filter, sort, page).await?),
        };
        let total_capped = limit.is_some_and(|l| counted > l);
        let total = limit.map_or(counted, |l| counted.min(l));
        Ok(Page { items, total, page: page.page, per_page: page.per_page, total_capped })
    }

    /// Everything a ticket's page shows about it, read once: the ticket with its
    /// articles, what the actor may do with it, whether they watch it, its links and the
    /// time accounted on it.
    pub async fn zoom(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<TicketZoom> {
        let mut ticket = self.read(id).await?;
        let mut access = self.access((&ticket).into()).await?;
        access.watcher_ids = self.watchers_of(id).await?;
        let watching = access.watcher_ids.contains(&actor.user_id);
        if !actor.can_access_ticket(&access, Permission::Ro) {
            return Err(DomainError::not_found("ticket", id));
        }
        let abilities = Permission::ALL.into_iter().filter(|p| actor.can_access_ticket(&access, *p)).collect();
        let articles = self.articles_of(id).await?;
        let deliveries = self.deliveries_of(&articles).await?;
        ticket.articles = Some(articles);
        ticket.dynamic_fields = Some(self.ports.dynamic_fields.ticket_values(id).await?);
        let links = self.linked(actor, id).await?;
        let accounted = self.accounted_of(id).await?;
        let new_articles = self.mark_read(actor.user_id, id).await?;
        Ok(TicketZoom { ticket, abilities, watching, links, accounted, deliveries, new_articles })
    }

    /// The zoom shows every article, so the agent has now read them all, as OTRS marks
    /// them once its zoom has shown them: the articles that were new to them. A ticket
    /// they opened moments ago is not asked about again until something changes.
    async fn mark_read(&self, agent: UserId, id: TicketId) -> DomainResult<Vec<ArticleId>> {
        let Some(r) = &self.reads else {
            return Ok(self.ports.seen.mark_seen(id, agent).await?.unwrap_or_default());
        };
        // Set by the load when it runs: a kept entry means nothing to mark.
        let marked = std::sync::Mutex::new(None);
        let mark = || async {
            let written = self.ports.seen.mark_seen(id, agent).await?;
            *marked.lock().unwrap_or_else(|e| e.into_inner()) = written;
            Ok(())
        };
        r.read.get_or_load((agent, id), mark).await?;
        let marked = marked.into_inner().unwrap_or_else(|e| e.into_inner());
        if marked.is_some() {
            r.unseen.forget();
        }
        Ok(marked.unwrap_or_default())
    }

    /// Those of the listed tickets with an article the actor has not seen.
    pub async fn unseen(
        &self,
        actor: &AgentPermissions,
        listed: impl IntoIterator<Item = &Ticket>,
    ) -> DomainResult<HashSet<TicketId>> {
        let ids: Vec<TicketId> = listed.into_iter().map(|t| t.id).collect();
        let load = || self.ports.seen.unseen(&ids, actor.user_id);
        match &self.reads {
            // A page's marks differ per agent, so they are kept apart from the page.
            Some(r) => r.unseen.get_or_load((actor.user_id, ids.clone()), load).await.map(Arc::unwrap_or_clone),
            None => load().await,
        }
    }

    /// The ticket as the database has it now (never from the read cache), for a check
    /// made before changing it (`If-Match`).
    pub async fn current(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Ticket> {
        let ticket = self.load(id).await?;
        if !self.may(actor, (&ticket).into(), Permission::Ro).await? {
            return Err(DomainError::not_found("ticket", id));
        }
        Ok(ticket)
    }

    /// A ticket the actor may read, with its dynamic fields (and its articles when
    /// asked); a ticket they may not read does not exist for them.
    pub async fn get(&self, actor: &AgentPermissions, id: TicketId, with_articles: bool) -> DomainResult<Ticket> {
        let mut ticket = self.readable(actor, id).await?;
        if with_articles {
            ticket.articles = Some(self.articles_of(id).await?);
        }
        ticket.dynamic_fields = Some(self.ports.dynamic_fields.ticket_values(id).await?);
        Ok(ticket)
    }

    /// Where the mail of each outgoing article of a ticket the actor may read is.
    pub async fn deliveries(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
    ) -> DomainResult<Vec<(ArticleId, crate::ports::DeliveryState)>> {
        self.readable(actor, id).await?;
        self.deliveries_of(&self.articles_of(id).await?).await
    }

    /// The ticket's own columns, once the actor may read it: the check the other use
    /// cases start with, without reading what only a shown ticket needs.
    pub(super) async fn readable(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Ticket> {
        let ticket = self.read(id).await?;
        if !self.may(actor, (&ticket).into(), Permission::Ro).await? {
            return Err(DomainError::not_found("ticket", id));
        }
        Ok(ticket)
    }

    /// Tickets in the queues the actor may read, narrowed by `filter`.
    pub async fn list(
        &self,
        actor: &AgentPermissions,
        filter: TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<Page<Ticket>> {
        let readable = actor.groups_with(Permission::Ro);
        let all_queues = self.ports.lookups.queues().await?;
        let queues: Vec<QueueId> = all_queues
            .iter()
            .filter(|q| readable.contains(&q.group_id))
            .filter(|q| filter.queue_ids.is_empty() || filter.queue_ids.contains(&q.id))
            .map(|q| q.id)
            .collect();
        if queues.is_empty() {
            return Ok(Page::empty(page));
        }
        // An agent who may read every queue and asked for none in particular needs no
        // queue condition at all, which lets the database walk an index in sort order.
        let unrestricted = filter.queue_ids.is_empty() && queues.len() == all_queues.len();
        let filter = TicketFilter { queue_ids: if unrestricted { Vec::new() } else { queues }, ..filter };
        self.page_of(filter, sort, page).await
    }

    /// The passages shown under a search's results, by ticket: around the first word of
    /// the search in each ticket's first article that has one. Only tickets in queues the
    /// actor may read are looked into.
    pub async fn search_passages(
        &self,
        actor: &AgentPermissions,
        listed: &[Ticket],
        query: &SearchQuery,
    ) -> DomainResult<HashMap<TicketId, Snippet>> {
        let readable = actor.groups_with(Permission::Ro);
        let queues = self.ports.lookups.queues().await?;
        let may_read = |t: &&Ticket| queues.iter().any(|q| q.id == t.queue_id && readable.contains(&q.group_id));
        let ids: Vec<TicketId> = listed.iter().filter(may_read).map(|t| t.id).collect();
        self.passages_of(&ids, query, false).await
    }

    /// [`Self::search_passages`] for a customer: from the articles shown to customers, of
    /// the listed tickets that are theirs or their company's.
    pub async fn search_passages_for_customer(
        &self,
        login: &str,
        company: &str,
        listed: &[Ticket],
        query: &SearchQuery,
    ) -> DomainResult<HashMap<TicketId, Snippet>> {
        let theirs = |t: &&Ticket| crate::permission::customer_can_see(t, login, company);
        let ids: Vec<TicketId> = listed.iter().filter(theirs).map(|t| t.id).collect();
        self.passages_of(&ids, query, true).await
    }

    async fn passages_of(
        &self,
        ids: &[TicketId],
        query: &SearchQuery,
        customer_only: bool,
    ) -> DomainResult<HashMap<TicketId, Snippet>> {
        let texts = self.ports.tickets.search_passages(ids, query, customer_only).await?;
        Ok(texts.into_iter().filter_map(|(id, text)| query.snippet(&text).map(|s| (id, s))).collect())
    }

    /// Ticket counts per queue and state, over the queues the actor may read.
    pub async fn counts(&self, actor: &AgentPermissions) -> DomainResult<Vec<(Queue, TicketState, u64)>> {
        let readable = actor.groups_with(Permission::Ro);
        let queues = self.ports.lookups.queues().await?;
        let states = self.ports.lookups.states().await?;
        let mut out = Vec::new();
        for (queue_id, state_id, n) in self.ports.tickets.count_by_queue_and_state().await? {
            let queue = queues.iter().find(|q| q.id == queue_id && readable.contains(&q.group_id));
            if let (Some(q), Some(s)) = (queue, states.iter().find(|s| s.id == state_id)) {
                out.push((q.clone(), s.clone(), n));
            }
        }
        out.sort_by(|a, b| a.0.name.cmp(&b.0.name).then(a.1.name.cmp(&b.1.name)));
        Ok(out)
    }

    /// The ticket with this number, if the actor may read it.
    pub async fn find_by_number(&self, actor: &AgentPermissions, number: &str) -> DomainResult<Option<TicketId>> {
        let Some(id) = self.ports.tickets.id_by_number(number.trim()).await? else {
            return Ok(None);
        };
        let ticket = self.load_unversioned(id).await?;
        Ok(self.may(actor, (&ticket).into(), Permission::Ro).await?.then_some(id))
    }

    pub async fn history(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
    ) -> DomainResult<Vec<crate::history::HistoryRecord>> {
        self.readable(actor, id).await?;
        self.ports.tickets.history(id).await
    }
}
