//! The ticket use cases: open, read, list, change and add articles, each checked
//! against the OTRS permission model before anything is stored.

use std::sync::Arc;

use crate::cached::Memo;
use crate::error::{DomainError, DomainResult};
use crate::event::{Event, TicketRef};
use crate::history::{HistoryEntry, HistoryType, names};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission, TicketAccess};
use crate::ports::*;
use crate::state_rules;
use crate::ticket_change::{self, ResolvedChange, TicketChange};
use crate::ticket_number::TicketNumberConfig;

/// Distinct numbers to try before giving up: OTRS stops after 16,000 collisions.
const MAX_NUMBER_ATTEMPTS: u64 = 16_000;

/// The ports a ticket service works through.
#[derive(Clone)]
pub struct TicketPorts {
    pub tickets: Arc<dyn TicketRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    pub lookups: Arc<dyn LookupRepository>,
    pub agents: Arc<dyn AgentRepository>,
    pub counter: Arc<dyn TicketNumberCounter>,
    pub clock: Arc<dyn Clock>,
}

/// A ticket as its page shows it (see [`TicketService::zoom`]).
#[derive(Debug, Clone)]
pub struct TicketZoom {
    /// With its articles.
    pub ticket: Ticket,
    pub abilities: Vec<Permission>,
    pub watching: bool,
    pub links: Vec<LinkedTicket>,
    pub accounted: f64,
}

/// The user OTRS records as the author of what customers and the system do.
pub const SYSTEM_USER: UserId = 1;

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

/// Attachments larger than this are refused unless configured otherwise.
pub const DEFAULT_MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

pub struct TicketService {
    ports: TicketPorts,
    numbers: TicketNumberConfig,
    max_attachment_bytes: u64,
    events: Option<Arc<dyn EventBus>>,
    /// Reads kept briefly (see [`Self::with_read_cache`]).
    reads: Option<ReadCache>,
}

/// What [`TicketService::with_read_cache`] keeps: list totals, list pages and tickets.
struct ReadCache {
    counts: Memo<String, u64>,
    pages: Memo<String, Vec<Ticket>>,
    tickets: Memo<TicketId, Option<Ticket>>,
    articles: Memo<TicketId, Vec<Article>>,
    watchers: Memo<TicketId, Vec<UserId>>,
    links: Memo<TicketId, Vec<(TicketId, LinkKind)>>,
    accounted: Memo<TicketId, f64>,
}

impl TicketService {
    pub fn new(ports: TicketPorts, numbers: TicketNumberConfig) -> Self {
        Self { ports, numbers, max_attachment_bytes: DEFAULT_MAX_ATTACHMENT_BYTES, events: None, reads: None }
    }

    /// Keeps what agents and integrations read again and again for `ttl`: each list's
    /// total (counting half of 100,000 tickets for every page of a queue view is most of
    /// what the list costs), each list page, and each ticket. This service's own changes
    /// forget them at once, and so does [`Self::forget_reads`] (the scheduled jobs call it
    /// after theirs); changes made by other instances show within `ttl`. Checks before a
    /// change (`If-Match`) and the changes themselves always read the database.
    pub fn with_read_cache(mut self, ttl: chrono::Duration) -> Self {
        let clock = self.ports.clock.clone();
        self.reads = Some(ReadCache {
            counts: Memo::new(ttl, clock.clone()),
            pages: Memo::new(ttl, clock.clone()),
            tickets: Memo::new(ttl, clock.clone()),
            articles: Memo::new(ttl, clock.clone()),
            watchers: Memo::new(ttl, clock.clone()),
            links: Memo::new(ttl, clock.clone()),
            accounted: Memo::new(ttl, clock),
        });
        self
    }

    /// After a change: any kept total, page or ticket may be off now.
    pub fn forget_reads(&self) {
        if let Some(r) = &self.reads {
            r.counts.forget();
            r.pages.forget();
            r.tickets.forget();
            r.articles.forget();
            r.watchers.forget();
            r.links.forget();
            r.accounted.forget();
        }
    }

    async fn articles_of(&self, id: TicketId) -> DomainResult<Vec<Article>> {
        match &self.reads {
            Some(r) => r.articles.get_or_load(id, || self.ports.articles.list_for_ticket(id)).await,
            None => self.ports.articles.list_for_ticket(id).await,
        }
    }

    async fn watchers_of(&self, id: TicketId) -> DomainResult<Vec<UserId>> {
        match &self.reads {
            Some(r) => r.watchers.get_or_load(id, || self.ports.tickets.watchers(id)).await,
            None => self.ports.tickets.watchers(id).await,
        }
    }

    async fn links_of(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>> {
        match &self.reads {
            Some(r) => r.links.get_or_load(id, || self.ports.tickets.links(id)).await,
            None => self.ports.tickets.links(id).await,
        }
    }

    async fn accounted_of(&self, id: TicketId) -> DomainResult<f64> {
        match &self.reads {
            Some(r) => r.accounted.get_or_load(id, || self.ports.tickets.accounted_time(id)).await,
            None => self.ports.tickets.accounted_time(id).await,
        }
    }

    /// A ticket for reading, from the read cache when there is one.
    async fn read(&self, id: TicketId) -> DomainResult<Ticket> {
        let found = match &self.reads {
            Some(r) => r.tickets.get_or_load(id, || self.ports.tickets.get(id)).await?,
            None => self.ports.tickets.get(id).await?,
        };
        found.ok_or_else(|| DomainError::not_found("ticket", id))
    }

    /// The total and one page of the tickets matching `filter`.
    async fn page_of(&self, filter: TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Page<Ticket>> {
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
                return Ok(Page { items: vec![], total: 0, page: page.page, per_page: page.per_page });
            }
            TicketFilter { state_ids: ids, state_types: Vec::new(), ..filter }
        };
        let tickets = &self.ports.tickets;
        let (total, items) = match &self.reads {
            Some(r) => {
                let key = format!("{filter:?}");
                let total = r.counts.get_or_load(key.clone(), || tickets.count(&filter)).await?;
                let items =
                    r.pages.get_or_load(format!("{key}|{sort:?}|{page:?}"), || tickets.page(&filter, sort, page));
                (total, items.await?)
            }
            None => (tickets.count(&filter).await?, tickets.page(&filter, sort, page).await?),
        };
        Ok(Page { items, total, page: page.page, per_page: page.per_page })
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

    /// Refuses attachments larger than `bytes`.
    pub fn with_attachment_limit(mut self, bytes: u64) -> Self {
        self.max_attachment_bytes = bytes;
        self
    }

    pub fn max_attachment_bytes(&self) -> u64 {
        self.max_attachment_bytes
    }

    fn check_attachments(&self, article: &NewArticle) -> DomainResult<()> {
        match article.attachments.iter().find(|a| a.content().len() as u64 > self.max_attachment_bytes) {
            Some(big) => Err(DomainError::invalid(
                "attachments",
                format!(
                    "{} is {} bytes; attachments may have at most {} bytes",
                    big.filename(),
                    big.content().len(),
                    self.max_attachment_bytes
                ),
            )),
            None => Ok(()),
        }
    }

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

    /// One attachment of a ticket the actor may read, with its bytes.
    pub async fn attachment(
        &self,
        actor: &AgentPermissions,
        ticket_id: TicketId,
        attachment_id: i64,
    ) -> DomainResult<(Attachment, Vec<u8>)> {
        self.get(actor, ticket_id, false).await?;
        let not_found = || DomainError::not_found("attachment", attachment_id);
        let (meta, bytes) = self.ports.articles.attachment(attachment_id).await?.ok_or_else(not_found)?;
        // The attachment must belong to this ticket: ids must not open other tickets' files.
        let article = self.ports.articles.get(meta.article_id).await?.ok_or_else(not_found)?;
        if article.ticket_id != ticket_id {
            return Err(not_found());
        }
        Ok((meta, bytes))
    }

    /// Opens a ticket with its first article. Needs `create` on the queue's group.
    pub async fn create(&self, actor: &AgentPermissions, new: NewTicket) -> DomainResult<Ticket> {
        if new.title.trim().is_empty() {
            return Err(DomainError::invalid("title", "a ticket needs a title"));
        }
        let queue = self.valid_queue(new.queue_id).await?;
        if !actor.has(queue.group_id, Permission::Create) {
            return Err(DomainError::PermissionDenied(format!("no create permission on queue {}", queue.name)));
        }
        self.open(actor.user_id, new).await
    }

    /// A ticket a customer opens, as OTRS's customer interface does: new, normal
    /// priority, owned by the system user (1) until an agent takes it, the customer's
    /// words its first article (internal channel, visible to them). With customer groups
    /// off (OTRS's default), any valid queue will do.
    pub async fn create_for_customer(
        &self,
        customer: &CustomerUser,
        queue_id: QueueId,
        title: String,
        article: CustomerWords,
    ) -> DomainResult<Ticket> {
        let new = NewTicket {
            title,
            queue_id,
            state_id: 1,
            priority_id: 3,
            type_id: None,
            owner_id: SYSTEM_USER,
            responsible_id: None,
            customer_id: Some(customer.customer_id.clone()).filter(|c| !c.is_empty()),
            customer_user_id: Some(customer.login.clone()),
            pending_until: None,
            article: article.into_article(customer),
        };
        self.open(SYSTEM_USER, new).await
    }

    /// A customer's follow-up to one of their tickets (OTRS's `FollowUp`). A closed ticket
    /// opens again, so the follow-up is seen.
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
        self.check_attachments(&article)?;
        let history: HistoryBuilder = Box::new(|_, article_id| {
            vec![HistoryEntry { history_type: HistoryType::FollowUp, name: "%%".into(), article_id: Some(article_id) }]
        });
        let article_id = self.ports.articles.add(ticket_id, article, history, SYSTEM_USER).await?;
        self.forget_reads();
        if ticket.state_type == StateType::Closed
            && let Some(open) = self.ports.lookups.state_by_name("open").await?
        {
            let change = ResolvedChange::State { old: self.state_of(&ticket).await?, new: open, pending_until: None };
            let (update, history) = ticket_change::plan(&ticket, &change, self.ports.clock.now())?;
            self.ports.tickets.update(ticket_id, update, history, SYSTEM_USER).await?;
            self.forget_reads();
        }
        self.announce(ticket_id, |ticket| Event::ArticleAdded { ticket, article_id, internal: false }).await;
        Ok(article_id)
    }

    async fn state_of(&self, ticket: &Ticket) -> DomainResult<TicketState> {
        self.ports.lookups.state(ticket.state_id).await?.ok_or_else(|| DomainError::not_found("state", ticket.state_id))
    }

    /// Stores a new ticket, checked for everything but who may open it.
    async fn open(&self, by: UserId, new: NewTicket) -> DomainResult<Ticket> {
        let p = &self.ports;
        let title = new.title.trim().to_string();
        if title.is_empty() {
            return Err(DomainError::invalid("title", "a ticket needs a title"));
        }
        self.check_attachments(&new.article)?;
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
        let mut attempts = 0;
        loop {
            let number = self.allocate_number(now, attempts > 0).await?;
            let history = new_ticket_history(number.clone(), names.clone(), &new, pending);
            let stored_number = number.clone();
            match p.tickets.create(draft(number), new.article.clone(), history, by).await {
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
                        lock: Lock::Unlock,
                        owner_id: owner.id,
                        responsible_id: responsible,
                        customer_id: new.customer_id,
                        customer_user_id: new.customer_user_id,
                        until_time: effect.until_time,
                        created: created.created,
                        changed: created.created,
                        version: created.version,
                        articles: None,
                    };
                    if let Some(events) = &self.events {
                        events.publish(Event::TicketCreated { ticket: TicketRef::from(&ticket) }).await;
                    }
                    return Ok(ticket);
                }
            }
        }
    }

    /// Everything a ticket's page shows about it, read once: the ticket with its
    /// articles, what the actor may do with it, whether they watch it, its links and the
    /// time accounted on it.
    pub async fn zoom(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<TicketZoom> {
        let mut ticket = self.read(id).await?;
        let group = self.group_of(&ticket).await?;
        let watchers = self.watchers_of(id).await?;
        let watching = watchers.contains(&actor.user_id);
        let access = TicketAccess::of(&ticket, group, watchers);
        if !actor.can_access_ticket(&access, Permission::Ro) {
            return Err(DomainError::not_found("ticket", id));
        }
        let abilities = Permission::ALL.into_iter().filter(|p| actor.can_access_ticket(&access, *p)).collect();
        ticket.articles = Some(self.articles_of(id).await?);
        let links = self.linked(actor, id).await?;
        let accounted = self.accounted_of(id).await?;
        Ok(TicketZoom { ticket, abilities, watching, links, accounted })
    }

    /// The ticket as the database has it now (never from the read cache), for a check
    /// made before changing it (`If-Match`).
    pub async fn current(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Ticket> {
        let ticket = self.load(id).await?;
        if !self.may(actor, &ticket, Permission::Ro).await? {
            return Err(DomainError::not_found("ticket", id));
        }
        Ok(ticket)
    }

    /// A ticket the actor may read; a ticket they may not read does not exist for them.
    pub async fn get(&self, actor: &AgentPermissions, id: TicketId, with_articles: bool) -> DomainResult<Ticket> {
        let mut ticket = self.read(id).await?;
        if !self.may(actor, &ticket, Permission::Ro).await? {
            return Err(DomainError::not_found("ticket", id));
        }
        if with_articles {
            ticket.articles = Some(self.articles_of(id).await?);
        }
        Ok(ticket)
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
            return Ok(Page { items: vec![], total: 0, page: page.page, per_page: page.per_page });
        }
        // An agent who may read every queue and asked for none in particular needs no
        // queue condition at all, which lets the database walk an index in sort order.
        let unrestricted = filter.queue_ids.is_empty() && queues.len() == all_queues.len();
        let filter = TicketFilter { queue_ids: if unrestricted { Vec::new() } else { queues }, ..filter };
        self.page_of(filter, sort, page).await
    }

    /// Applies one change, after checking the actor may make it.
    pub async fn change(&self, actor: &AgentPermissions, id: TicketId, change: TicketChange) -> DomainResult<Ticket> {
        self.change_all(actor, id, vec![change]).await
    }

    /// Applies several changes as one: all are checked and planned first, then stored
    /// in one transaction, so a refused change leaves the ticket exactly as it was.
    /// Each change sees the ticket as the ones before it left it; permissions are those
    /// on the ticket as it was when the request came.
    pub async fn change_all(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        changes: Vec<TicketChange>,
    ) -> DomainResult<Ticket> {
        let ticket = self.load_unversioned(id).await?;
        if !self.may(actor, &ticket, Permission::Ro).await? {
            return Err(DomainError::not_found("ticket", id));
        }
        for change in &changes {
            let needed = change.required_permission();
            if !self.may(actor, &ticket, needed).await? {
                return Err(DomainError::PermissionDenied(format!("changing this ticket needs {}", needed.key())));
            }
        }
        let now = self.ports.clock.now();
        let mut working = ticket;
        let mut update = TicketFieldUpdate::default();
        let mut history = Vec::new();
        for change in changes {
            let resolved = self.resolve(actor, &working, change).await?;
            let (up, h) = ticket_change::plan(&working, &resolved, now)?;
            ticket_change::apply(&mut working, &up, &resolved);
            update.merge(up);
            history.extend(h);
        }
        if history.is_empty() {
            return self.load(id).await;
        }
        // Named only when someone listens: this is every agent's edit.
        let what = self
            .events
            .is_some()
            .then(|| history.iter().map(|h| format!("{:?}", h.history_type)).collect::<Vec<_>>().join(","));
        self.ports.tickets.update(id, update, history, actor.user_id).await?;
        self.forget_reads();
        let ticket = self.load(id).await?;
        if let (Some(events), Some(change)) = (&self.events, what) {
            events.publish(Event::TicketUpdated { ticket: TicketRef::from(&ticket), change }).await;
        }
        Ok(ticket)
    }

    /// Adds an article. Internal notes need `note`; anything the customer sees needs `rw`.
    pub async fn add_article(
        &self,
        actor: &AgentPermissions,
        ticket_id: TicketId,
        article: NewArticle,
    ) -> DomainResult<ArticleId> {
        let ticket = self.load_unversioned(ticket_id).await?;
        if !self.may(actor, &ticket, Permission::Ro).await? {
            return Err(DomainError::not_found("ticket", ticket_id));
        }
        let needed = if article.visible_for_customer { Permission::Rw } else { Permission::Note };
        if !self.may(actor, &ticket, needed).await? {
            return Err(DomainError::PermissionDenied(format!("adding this article needs {}", needed.key())));
        }
        if article.body.trim().is_empty() {
            return Err(DomainError::invalid("body", "an article needs a body"));
        }
        self.check_attachments(&article)?;
        let for_history = article.clone();
        let internal = !article.visible_for_customer;
        let history: HistoryBuilder =
            Box::new(move |_, article_id| vec![ticket_change::article_history(&for_history, article_id)]);
        let article_id = self.ports.articles.add(ticket_id, article, history, actor.user_id).await?;
        // Text search matches article bodies: totals may change.
        self.forget_reads();
        // An article leaves the ticket's fields as they were: the ticket read above serves.
        if let Some(events) = &self.events {
            events.publish(Event::ArticleAdded { ticket: TicketRef::from(&ticket), article_id, internal }).await;
        }
        Ok(article_id)
    }

    /// Merges `source` into `target`, as OTRS does: the source's articles and watchers
    /// move to the target, the source gets a note, is set to the merged state and
    /// unlocked, and both record a `Merged` history row. Needs `rw` on both tickets.
    pub async fn merge(
        &self,
        actor: &AgentPermissions,
        source_id: TicketId,
        target_id: TicketId,
    ) -> DomainResult<Ticket> {
        if source_id == target_id {
            return Err(DomainError::invalid("target", "a ticket cannot be merged into itself"));
        }
        let source = self.get(actor, source_id, false).await?;
        let target = self.get(actor, target_id, false).await?;
        for t in [&source, &target] {
            if !self.may(actor, t, Permission::Rw).await? {
                return Err(DomainError::PermissionDenied(format!("merging needs rw on ticket {}", t.number)));
            }
            if t.state_type == StateType::Merged {
                return Err(DomainError::invalid("ticket", format!("ticket {} is already merged", t.number)));
            }
        }
        let states = self.ports.lookups.states().await?;
        let merged = states
            .iter()
            .find(|s| s.state_type == StateType::Merged && s.valid)
            .cloned()
            .ok_or_else(|| DomainError::Conflict("there is no valid state of type merged".into()))?;
        let old = states
            .iter()
            .find(|s| s.id == source.state_id)
            .cloned()
            .ok_or_else(|| DomainError::not_found("state", source.state_id))?;
        let now = self.ports.clock.now();
        let mut working = source.clone();
        let mut update = TicketFieldUpdate::default();
        let mut source_history = Vec::new();
        for change in
            [ResolvedChange::State { old, new: merged, pending_until: None }, ResolvedChange::Lock(Lock::Unlock)]
        {
            let (up, h) = ticket_change::plan(&working, &change, now)?;
            ticket_change::apply(&mut working, &up, &change);
            update.merge(up);
            source_history.extend(h);
        }
        let merged_name = names::merged(&source.number, source.id, &target.number, target.id);
        let [(_, source_link), (_, target_link)] = link_history(HistoryType::TicketLinkAdd, &source, &target);
        source_history.push(source_link);
        source_history.push(HistoryEntry::new(HistoryType::Merged, merged_name.clone()));
        let note = NewArticle::note("Merged", format!("Merged ticket {} into {}.", source.number, target.number));
        let plan = MergePlan {
            source_update: update,
            source_history,
            target_history: vec![target_link, HistoryEntry::new(HistoryType::Merged, merged_name)],
            note,
            link_as_child: true,
        };
        self.ports.tickets.merge(source_id, target_id, plan, actor.user_id).await?;
        self.forget_reads();
        self.load(target_id).await
    }

    /// Starts or stops watching a ticket; any agent who may read it may watch it.
    pub async fn set_watching(&self, actor: &AgentPermissions, id: TicketId, watching: bool) -> DomainResult<()> {
        self.get(actor, id, false).await?;
        let me = self.agent(actor.user_id, "watcher").await?;
        let kind = if watching { HistoryType::Subscribe } else { HistoryType::Unsubscribe };
        let entry = HistoryEntry::new(kind, names::watcher(&me.first_name, &me.last_name, &me.login));
        self.ports.tickets.set_watching(id, me.id, watching, entry, actor.user_id).await?;
        self.forget_reads();
        Ok(())
    }

    /// Records time worked on a ticket (negative to correct); needs `note`, as the
    /// time usually comes with a note. Returns the ticket's new total.
    pub async fn account_time(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        units: f64,
        article_id: Option<ArticleId>,
    ) -> DomainResult<f64> {
        // DECIMAL(10,2) holds up to 99,999,999.99.
        if !units.is_finite() || units == 0.0 || units.abs() >= 100_000_000.0 {
            return Err(DomainError::invalid("time_unit", "a non-zero number below 100,000,000"));
        }
        let ticket = self.load_unversioned(id).await?;
        if !self.may(actor, &ticket, Permission::Ro).await? {
            return Err(DomainError::not_found("ticket", id));
        }
        if !self.may(actor, &ticket, Permission::Note).await? {
            return Err(DomainError::PermissionDenied("accounting time needs note".into()));
        }
        if let Some(a) = article_id {
            let belongs = self.ports.articles.get(a).await?.is_some_and(|x| x.ticket_id == id);
            if !belongs {
                return Err(DomainError::invalid("article_id", format!("article {a} is not part of this ticket")));
            }
        }
        let units = (units * 100.0).round() / 100.0;
        let total = self.ports.tickets.accounted_time(id).await? + units;
        let entry = HistoryEntry {
            article_id,
            ..HistoryEntry::new(HistoryType::TimeAccounting, names::time_accounting(units, total))
        };
        self.ports.tickets.account_time(id, article_id, units, entry, actor.user_id).await?;
        self.forget_reads();
        Ok(total)
    }

    pub async fn accounted_time(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<f64> {
        self.get(actor, id, false).await?;
        self.accounted_of(id).await
    }

    pub async fn history(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
    ) -> DomainResult<Vec<crate::history::HistoryRecord>> {
        self.get(actor, id, false).await?;
        self.ports.tickets.history(id).await
    }

    async fn resolve(
        &self,
        actor: &AgentPermissions,
        ticket: &Ticket,
        change: TicketChange,
    ) -> DomainResult<ResolvedChange> {
        let l = &self.ports.lookups;
        Ok(match change {
            TicketChange::Title(t) => ResolvedChange::Title(t),
            TicketChange::State { state_id, pending_until } => {
                let old =
                    l.state(ticket.state_id).await?.ok_or_else(|| DomainError::not_found("state", ticket.state_id))?;
                let new = l.state(state_id).await?.ok_or_else(|| DomainError::not_found("state", state_id))?;
                if !new.valid {
                    return Err(DomainError::invalid("state", format!("state {} is invalid", new.name)));
                }
                ResolvedChange::State { old, new, pending_until }
            }
            TicketChange::PendingTime(t) => ResolvedChange::PendingTime(t),
            TicketChange::Priority(id) => {
                let old = l
                    .priority(ticket.priority_id)
                    .await?
                    .ok_or_else(|| DomainError::not_found("priority", ticket.priority_id))?;
                let new = l.priority(id).await?.ok_or_else(|| DomainError::not_found("priority", id))?;
                ResolvedChange::Priority { old, new }
            }
            TicketChange::Queue(id) => {
                let old =
                    l.queue(ticket.queue_id).await?.ok_or_else(|| DomainError::not_found("queue", ticket.queue_id))?;
                let new = self.valid_queue(id).await?;
                if !actor.has(new.group_id, Permission::MoveInto) {
                    return Err(DomainError::PermissionDenied(format!(
                        "no move_into permission on queue {}",
                        new.name
                    )));
                }
                ResolvedChange::Queue { old, new }
            }
            TicketChange::Type(id) => {
                let old_id = ticket.type_id.unwrap_or(1);
                let old = l.ticket_type(old_id).await?.ok_or_else(|| DomainError::not_found("type", old_id))?;
                let new = l.ticket_type(id).await?.ok_or_else(|| DomainError::not_found("type", id))?;
                ResolvedChange::Type { old, new }
            }
            TicketChange::Lock(lock) => ResolvedChange::Lock(lock),
            TicketChange::Owner(id) => ResolvedChange::Owner(self.agent(id, "owner").await?),
            TicketChange::Responsible(id) => ResolvedChange::Responsible(self.agent(id, "responsible").await?),
            TicketChange::Customer { customer_id, customer_user_id } => {
                ResolvedChange::Customer { customer_id, customer_user_id }
            }
        })
    }

    /// Draws a ticket number. `checked`: draws again until the number is unused, each
    /// draw skipping further ahead, as OTRS does after a collision.
    async fn allocate_number(&self, now: chrono::DateTime<chrono::Utc>, checked: bool) -> DomainResult<String> {
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

    /// The tickets linked to this one that the actor may read.
    pub async fn links(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Vec<LinkedTicket>> {
        self.get(actor, id, false).await?;
        self.linked(actor, id).await
    }

    /// The links of a ticket the actor may read, to the tickets they may read.
    async fn linked(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Vec<LinkedTicket>> {
        let mut out = Vec::new();
        for (other, kind) in self.links_of(id).await? {
            let ticket = match self.read(other).await {
                Ok(t) => t,
                Err(DomainError::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            if self.may(actor, &ticket, Permission::Ro).await? {
                out.push(LinkedTicket { kind, ticket });
            }
        }
        Ok(out)
    }

    /// Links a ticket to another (OTRS's LinkObject): needs `rw` on this ticket and
    /// sight of the other. Returns false when the link existed already.
    pub async fn link(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
    ) -> DomainResult<bool> {
        let (ticket, target) = self.link_pair(actor, id, other).await?;
        let history = link_history(HistoryType::TicketLinkAdd, &ticket, &target);
        let added = self.ports.tickets.add_link(id, other, kind, history, actor.user_id).await;
        self.forget_reads();
        added
    }

    /// Removes a link; the same permissions as adding it. False when there was none.
    pub async fn unlink(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
    ) -> DomainResult<bool> {
        let (ticket, target) = self.link_pair(actor, id, other).await?;
        let history = link_history(HistoryType::TicketLinkDelete, &ticket, &target);
        let removed = self.ports.tickets.remove_link(id, other, kind, history, actor.user_id).await;
        self.forget_reads();
        removed
    }

    async fn link_pair(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        other: TicketId,
    ) -> DomainResult<(Ticket, Ticket)> {
        if id == other {
            return Err(DomainError::invalid("target", "a ticket cannot be linked to itself"));
        }
        let ticket = self.get(actor, id, false).await?;
        if !self.may(actor, &ticket, Permission::Rw).await? {
            return Err(DomainError::PermissionDenied("linking this ticket needs rw".into()));
        }
        let target = self.get(actor, other, false).await?;
        Ok((ticket, target))
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
        Ok(self.may(actor, &ticket, Permission::Ro).await?.then_some(id))
    }

    /// What the actor may do with a ticket they can read, so a page shows only the
    /// controls that will work (the operations check again when used).
    pub async fn abilities(&self, actor: &AgentPermissions, ticket: &Ticket) -> DomainResult<Vec<Permission>> {
        let group = self.group_of(ticket).await?;
        // Owner, responsible and `rw` on the group settle everything; only otherwise can
        // watching the ticket add to what the agent may do.
        let settled = ticket.owner_id == actor.user_id
            || ticket.responsible_id == actor.user_id
            || actor.has(group, Permission::Rw);
        let watchers = if settled { Vec::new() } else { self.watchers_of(ticket.id).await? };
        let access = TicketAccess::of(ticket, group, watchers);
        Ok(Permission::ALL.into_iter().filter(|p| actor.can_access_ticket(&access, *p)).collect())
    }

    /// What the actor may do with a ticket, by its id; `None` when there is no such
    /// ticket. For checks made before an operation runs (the pages' route guards).
    pub async fn abilities_on(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<Option<Vec<Permission>>> {
        match self.read(id).await {
            Ok(ticket) => self.abilities(actor, &ticket).await.map(Some),
            Err(DomainError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn may(&self, actor: &AgentPermissions, ticket: &Ticket, wanted: Permission) -> DomainResult<bool> {
        let group = self.group_of(ticket).await?;
        if ticket.owner_id == actor.user_id || ticket.responsible_id == actor.user_id || actor.has(group, wanted) {
            return Ok(true);
        }
        // A watcher reaches the ticket whatever the groups say.
        Ok(self.watchers_of(ticket.id).await?.contains(&actor.user_id))
    }

    /// The group of the ticket's queue, which decides who may do what with it.
    async fn group_of(&self, ticket: &Ticket) -> DomainResult<GroupId> {
        let queue = self
            .ports
            .lookups
            .queue(ticket.queue_id)
            .await?
            .ok_or_else(|| DomainError::not_found("queue", ticket.queue_id))?;
        Ok(queue.group_id)
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
}

/// The history OTRS writes for a new ticket: NewTicket, the customer, the pending
/// time, then the first article.
fn new_ticket_history(
    number: String,
    (queue, priority, state): (String, String, String),
    new: &NewTicket,
    pending: Option<chrono::DateTime<chrono::Utc>>,
) -> HistoryBuilder {
    let customer = (new.customer_id.clone(), new.customer_user_id.clone());
    let article = new.article.clone();
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
        h.push(ticket_change::article_history(&article, article_id));
        h
    })
}

#[cfg(test)]
#[path = "ticket_service_tests.rs"]
mod tests;

/// A link's history row on each of its two tickets, naming the other one.
fn link_history(kind: HistoryType, a: &Ticket, b: &Ticket) -> [(TicketId, HistoryEntry); 2] {
    [
        (a.id, HistoryEntry::new(kind, names::link(&b.number, b.id, a.id))),
        (b.id, HistoryEntry::new(kind, names::link(&a.number, a.id, b.id))),
    ]
}
