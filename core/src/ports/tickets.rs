//! Storing tickets and their articles. A ticket's row changes only through
//! [`TicketRepository::apply`], one planned edit at a time.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::DomainResult;
use crate::history::{HistoryEntry, HistoryRecord};
use crate::model::*;
use crate::tickets::{Applied, Column, TicketEdit};

/// Builds a ticket's history rows once its ids are known, inside the same transaction.
/// `Fn`: a store may write again what it could not commit together with other writes.
pub type HistoryBuilder = Box<dyn Fn(TicketId, ArticleId) -> Vec<HistoryEntry> + Send + Sync>;

/// A new ticket's columns, decided by the domain before storage.
#[derive(Debug, Clone)]
pub struct TicketDraft {
    pub number: String,
    pub title: String,
    pub queue_id: QueueId,
    pub state_id: StateId,
    pub priority_id: PriorityId,
    pub type_id: TypeId,
    pub service_id: Option<ServiceId>,
    pub sla_id: Option<SlaId>,
    pub lock: Lock,
    pub owner_id: UserId,
    pub responsible_id: UserId,
    pub customer_id: Option<String>,
    pub customer_user_id: Option<String>,
    pub until_time: i64,
    /// When the ticket was locked (OTRS's `timeout` column, a Unix epoch; 0 = never):
    /// the unlock timeout counts from here.
    pub lock_time: i64,
}

/// What merging stores, decided by the domain.
#[derive(Debug, Clone)]
pub struct MergePlan {
    pub source_columns: Vec<Column>,
    pub source_history: Vec<HistoryEntry>,
    pub target_history: Vec<HistoryEntry>,
    pub note: NewArticle,
    /// Link the source as a child of the target (as OTRS does), so the merged ticket
    /// is listed on the one it went into.
    pub link_as_child: bool,
}

/// What storing a new ticket gave it: everything of it the draft does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreatedTicket {
    pub id: TicketId,
    pub article_id: ArticleId,
    /// As stored: whole seconds.
    pub created: DateTime<Utc>,
    /// Its newest history row's id (see `Ticket::version`).
    pub version: i64,
}

/// A search counts its matches this far: past it, a list says "more than 1,000". Agents
/// refine a search that finds more; counting every ticket a common word is in would
/// cost each search in proportion to the whole help desk.
pub const SEARCH_COUNT_LIMIT: u64 = 1000;

/// A list by relevance ranks the newest this many tickets that match its words (and
/// filters): ranking every document that has a word most tickets have would cost a
/// search in proportion to the whole help desk, for an order among near-equals. As many
/// as a search counts, so such a list holds as many tickets as its count says.
pub const RELEVANCE_CANDIDATES: u64 = SEARCH_COUNT_LIMIT;

#[async_trait]
pub trait TicketRepository: Send + Sync {
    /// Stores a ticket, its first article and the history rows `history` builds, atomically.
    async fn create(
        &self,
        draft: TicketDraft,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<CreatedTicket>;
    async fn get(&self, id: TicketId) -> DomainResult<Option<Ticket>>;
    /// The ticket without its `version` (0): what a check before a change needs. The
    /// version is a lookup in the ticket's history, which grows with every change.
    async fn get_unversioned(&self, id: TicketId) -> DomainResult<Option<Ticket>> {
        self.get(id).await
    }
    async fn id_by_number(&self, number: &str) -> DomainResult<Option<TicketId>>;
    /// How many tickets match; with `limit`, counting stops past it (at `limit + 1`), so
    /// a common word is not counted through every ticket that has it.
    async fn count(&self, filter: &TicketFilter, limit: Option<u64>) -> DomainResult<u64>;
    /// One page of the matching tickets, in `sort` order. By relevance, the tickets
    /// ranked are the [`RELEVANCE_CANDIDATES`] newest that match.
    async fn page(&self, filter: &TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Vec<Ticket>>;
    /// A search's page by relevance with its count to [`SEARCH_COUNT_LIMIT`] `+ 1`, as
    /// [`Self::count`] and [`Self::page`] give them. A store may find both with one look
    /// into its index: the tickets it ranks are the ones it counts.
    async fn ranked_page(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<(u64, Vec<Ticket>)> {
        Ok((self.count(filter, Some(SEARCH_COUNT_LIMIT)).await?, self.page(filter, sort, page).await?))
    }
    /// A page with the count of all matches.
    async fn list(&self, filter: &TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Page<Ticket>> {
        let total = self.count(filter, None).await?;
        let items = self.page(filter, sort, page).await?;
        Ok(Page { items, total, page: page.page, per_page: page.per_page, total_capped: false })
    }
    /// Applies one planned edit atomically: checks its precondition, rewrites its
    /// columns and appends its history rows (each snapshotting the ticket as changed),
    /// all in one transaction. [`Applied::Stale`] when the precondition no longer held,
    /// and nothing is written; `NotFound` when there is no such ticket.
    async fn apply(&self, id: TicketId, edit: TicketEdit, by: UserId) -> DomainResult<Applied>;
    async fn history(&self, id: TicketId) -> DomainResult<Vec<HistoryRecord>>;
    async fn watchers(&self, id: TicketId) -> DomainResult<Vec<UserId>>;
    /// Adds or removes a watcher with its history row; false when nothing changed.
    async fn set_watching(
        &self,
        id: TicketId,
        user: UserId,
        watching: bool,
        history: HistoryEntry,
        by: UserId,
    ) -> DomainResult<bool>;
    /// Merges `source` into `target` in one transaction: the source's articles and
    /// watchers move to the target, `note` is added to the source, the source's columns
    /// change as `source_columns` say, and both tickets get their history rows.
    async fn merge(&self, source: TicketId, target: TicketId, plan: MergePlan, by: UserId) -> DomainResult<()>;
    /// Records worked time (OTRS's `time_accounting`) with its history row
    /// ([`HistoryEntry::time_accounting`]), and returns the ticket's new total, as seen
    /// in that transaction: concurrent accountings each name the total they made.
    /// `NotFound` when there is no such ticket.
    async fn account_time(
        &self,
        id: TicketId,
        article_id: Option<ArticleId>,
        units: f64,
        by: UserId,
    ) -> DomainResult<f64>;
    /// All time accounted on the ticket.
    async fn accounted_time(&self, id: TicketId) -> DomainResult<f64>;
    /// The tickets linked to this one, and how, seen from this one.
    async fn links(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>>;
    /// Links `id` to `other` as `kind` says, with a history row on each ticket; false
    /// when the link exists already (a `Normal` link in either direction).
    async fn add_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool>;
    /// Removes that link, with a history row on each ticket; false when there was none.
    async fn remove_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool>;
    /// How many tickets each queue holds in each state.
    async fn count_by_queue_and_state(&self) -> DomainResult<Vec<(QueueId, StateId, u64)>>;
    /// For tickets a search listed: the subject and body of each one's first article
    /// (of those shown to customers, when `customer_only`) holding a word of the search,
    /// for the passage the results show. Tickets found by their own fields only have none.
    async fn search_passages(
        &self,
        tickets: &[TicketId],
        query: &crate::search::SearchQuery,
        customer_only: bool,
    ) -> DomainResult<Vec<(TicketId, String)>>;
}

#[async_trait]
pub trait ArticleRepository: Send + Sync {
    /// Stores an article on an existing ticket with its history rows, atomically.
    async fn add(
        &self,
        ticket_id: TicketId,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<ArticleId>;
    async fn get(&self, id: ArticleId) -> DomainResult<Option<Article>>;
    async fn list_for_ticket(&self, ticket_id: TicketId) -> DomainResult<Vec<Article>>;
    /// The ticket and article that carry this Message-ID (found by its MD5, as OTRS
    /// finds follow-ups); the oldest when several do.
    async fn by_message_id(&self, message_id: &str) -> DomainResult<Option<(TicketId, ArticleId)>>;
    /// The message a mail article was made of, as it arrived; `None` for other articles.
    async fn plain(&self, article_id: ArticleId) -> DomainResult<Option<Vec<u8>>>;
    /// One attachment with its bytes.
    async fn attachment(&self, id: i64) -> DomainResult<Option<(Attachment, Vec<u8>)>>;
}

/// Hands out ticket counters the way OTRS does, so instances sharing a database (goats
/// or OTRS) never hand out the same one.
#[async_trait]
pub trait TicketNumberCounter: Send + Sync {
    /// The next counter; date-based generators count from 1 each day. `offset` ≥ 1.
    async fn next(&self, date_based: bool, offset: u64, now: DateTime<Utc>) -> DomainResult<u64>;
}
