//! `ticket` and its satellite tables: reading and listing tickets ([`reads`]), a
//! search's page by relevance ([`ranked`]), applying the edits the domain plans
//! ([`writes`]), their history rows ([`history`]) and merging ([`merge`]). Creation
//! lives in `crate::creation`, where creations share transactions.

mod history;
mod list_indexes;
mod merge;
mod ranked;
mod reads;
mod time;
mod writes;

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::history::{HistoryEntry, HistoryRecord};
use goats_core::model::*;
use goats_core::ports::*;
use goats_core::tickets::{Applied, TicketEdit};
use sea_orm::ConnectionTrait;

pub(crate) use history::{history_name, stored_name};
pub(crate) use list_indexes::create_statements as list_index_statements;
pub(crate) use ranked::RECENT_TICKETS;
pub(crate) use reads::{SELECT_TICKET, ticket_from};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, int};
use reads::{SELECT_TICKET_ROW, SELECT_VERSIONED_TICKET_ROW, filter_sql};

impl Db {
    /// Locks the ticket's row for the rest of `txn`, so writers to one ticket take
    /// their turns; false when there is no such ticket. On SQLite the first statement
    /// must write: a transaction that began by reading cannot take the write lock while
    /// another process writes.
    pub(crate) async fn hold_ticket(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        id: TicketId,
    ) -> Result<bool, sea_orm::DbErr> {
        Ok(match self.dialect {
            crate::connection::Dialect::Sqlite => {
                let touched = txn.execute_raw(self.stmt("UPDATE ticket SET id = id WHERE id = ?", [id.into()]));
                touched.await?.rows_affected() == 1
            }
            _ => {
                let locked = txn.query_one_raw(self.stmt("SELECT id FROM ticket WHERE id = ? FOR UPDATE", [id.into()]));
                locked.await?.is_some()
            }
        })
    }
}

#[async_trait]
impl TicketRepository for Db {
    async fn create(
        &self,
        draft: TicketDraft,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<CreatedTicket> {
        self.creations.write(self, crate::creation::Creation { draft, article, history, by }).await
    }

    async fn get(&self, id: TicketId) -> DomainResult<Option<Ticket>> {
        self.ticket_by_id(SELECT_VERSIONED_TICKET_ROW, id).await
    }

    async fn get_unversioned(&self, id: TicketId) -> DomainResult<Option<Ticket>> {
        self.ticket_by_id(SELECT_TICKET_ROW, id).await
    }

    async fn id_by_number(&self, number: &str) -> DomainResult<Option<TicketId>> {
        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT id FROM ticket WHERE tn = ?", [number.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.map(|r| int(&r, "id")).transpose()?)
    }

    async fn count(&self, filter: &TicketFilter, limit: Option<u64>) -> DomainResult<u64> {
        let Some(filter) = self.resolve_state_types(filter).await? else { return Ok(0) };
        let (where_sql, values) = filter_sql(self.dialect, &filter);
        let count_sql = match limit {
            // The database stops at the limit instead of finding every match.
            Some(limit) => {
                format!("SELECT COUNT(*) AS n FROM (SELECT t.id FROM ticket t{where_sql} LIMIT {}) counted", limit + 1)
            }
            None => format!("SELECT COUNT(*) AS n FROM ticket t{where_sql}"),
        };
        let rows = self.list_rows(&count_sql, values, filter.text.is_some()).await?;
        Ok(rows.first().map(|r| int(r, "n")).transpose()?.unwrap_or(0) as u64)
    }

    async fn page(&self, filter: &TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Vec<Ticket>> {
        let Some(filter) = self.resolve_state_types(filter).await? else { return Ok(Vec::new()) };
        if sort.field == TicketSortField::Relevance && ranked::has_words(&filter) {
            return Ok(self.ranked_resolved(&filter, sort, page).await?.1);
        }
        self.picked_page(&filter, sort, page).await
    }

    async fn ranked_page(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<(u64, Vec<Ticket>)> {
        self.ranked(filter, sort, page).await
    }

    async fn apply(&self, id: TicketId, edit: TicketEdit, by: UserId) -> DomainResult<Applied> {
        self.apply_edit(id, edit, by).await
    }

    async fn history(&self, id: TicketId) -> DomainResult<Vec<HistoryRecord>> {
        self.history_of(id).await
    }

    async fn watchers(&self, id: TicketId) -> DomainResult<Vec<UserId>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt("SELECT user_id FROM ticket_watcher WHERE ticket_id = ?", [id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(rows.iter().map(|r| Ok(int(r, "user_id")? as i32)).collect::<Decoded<_>>()?)
    }

    async fn set_watching(
        &self,
        id: TicketId,
        user: UserId,
        watching: bool,
        history: HistoryEntry,
        by: UserId,
    ) -> DomainResult<bool> {
        self.write_watching(id, user, watching, history, by).await
    }

    async fn merge(&self, source: TicketId, target: TicketId, plan: MergePlan, by: UserId) -> DomainResult<()> {
        self.merge_tickets(source, target, plan, by).await
    }

    async fn account_time(
        &self,
        id: TicketId,
        article_id: Option<ArticleId>,
        units: f64,
        by: UserId,
    ) -> DomainResult<f64> {
        self.write_time(id, article_id, units, by).await
    }

    async fn accounted_time(&self, id: TicketId) -> DomainResult<f64> {
        self.total_time(&self.conn, id).await.map_err(to_domain)
    }

    async fn links(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>> {
        self.ticket_links(id).await
    }

    async fn add_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool> {
        self.change_link(id, other, kind, true, history, by).await
    }

    async fn remove_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool> {
        self.change_link(id, other, kind, false, history, by).await
    }

    async fn search_passages(
        &self,
        tickets: &[TicketId],
        query: &goats_core::search::SearchQuery,
        customer_only: bool,
    ) -> DomainResult<Vec<(TicketId, String)>> {
        self.passages(tickets, query, customer_only).await.map_err(to_domain)
    }

    async fn count_by_queue_and_state(&self) -> DomainResult<Vec<(QueueId, StateId, u64)>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT queue_id, ticket_state_id, COUNT(*) AS n FROM ticket GROUP BY queue_id, ticket_state_id",
                [],
            ))
            .await
            .map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| Ok((int(r, "queue_id")? as QueueId, int(r, "ticket_state_id")? as StateId, int(r, "n")? as u64)))
            .collect::<Decoded<_>>()?)
    }
}
