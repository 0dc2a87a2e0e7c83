//! A search's page by relevance with its count, found in one look into the index: the
//! tickets ranked are the newest that match, so the newest tickets are looked among
//! first and the whole index only when they hold fewer than a list ranks.

use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::ports::*;
use sea_orm::ConnectionTrait;

use super::reads::{SELECT_TICKET_ROW, direction_sql, filter_sql_newer_than, order_sql, ticket_from};
use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, int};
use crate::search::{Recent, ranked_candidates};

/// How many of the newest tickets a search by relevance looks among first: a word in
/// one ticket of twenty finds there all the tickets a list ranks.
pub(crate) const RECENT_TICKETS: i64 = 20 * RELEVANCE_CANDIDATES as i64;

/// Whether a filter's search has words to rank by (not only excluded words or fields).
pub(super) fn has_words(filter: &TicketFilter) -> bool {
    filter.text.as_ref().is_some_and(|q| q.patterns(false).next().is_some())
}

impl Db {
    /// `TicketRepository::ranked_page`.
    pub(super) async fn ranked(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<(u64, Vec<Ticket>)> {
        let Some(resolved) = self.resolve_state_types(filter).await? else { return Ok((0, Vec::new())) };
        if !has_words(&resolved) {
            let items = self.picked_page(&resolved, sort, page).await?;
            return Ok((self.count(&resolved, Some(SEARCH_COUNT_LIMIT)).await?, items));
        }
        let (found, items) = self.ranked_resolved(&resolved, sort, page).await?;
        match found {
            Some(found) => Ok((found, items)),
            // A page past the last one tells nothing of the count.
            None => Ok((self.count(&resolved, Some(SEARCH_COUNT_LIMIT)).await?, items)),
        }
    }

    /// A page by relevance of a resolved filter with words, with the count when the page
    /// holds any ticket. A common word's newest tickets are among the newest of all:
    /// those are looked at first, so its thousands of older matches are never read, and
    /// the whole index only when they hold fewer than a list ranks.
    pub(super) async fn ranked_resolved(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<(Option<u64>, Vec<Ticket>)> {
        if let Some(recent) = self.recent_tickets().await? {
            let (found, items) = self.ranked_rows(filter, sort, page, Some(recent)).await?;
            if found.is_some_and(|n| n > RELEVANCE_CANDIDATES) {
                return Ok((found, items));
            }
        }
        self.ranked_rows(filter, sort, page, None).await
    }

    /// The newest `recent_tickets`; `None` when there are not more than that.
    async fn recent_tickets(&self) -> DomainResult<Option<Recent>> {
        let row = self.conn.query_one_raw(self.stmt("SELECT MAX(id) AS n FROM ticket", [])).await.map_err(to_domain)?;
        let newest = row.map(|r| crate::row::opt_int(&r, "n")).transpose()?.flatten().unwrap_or(0);
        Ok((newest > self.recent_tickets).then_some(Recent { after: newest - self.recent_tickets, newest }))
    }

    /// A page by relevance with its count (`None` past the last page), the search
    /// looking only at the `recent` tickets when given.
    async fn ranked_rows(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        page: PageRequest,
        recent: Option<Recent>,
    ) -> DomainResult<(Option<u64>, Vec<Ticket>)> {
        let (where_sql, where_values) = filter_sql_newer_than(self.dialect, filter, recent);
        let ranking = filter
            .text
            .as_ref()
            .and_then(|q| ranked_candidates(self.dialect, q, filter.customer_scope.is_some(), &where_sql));
        // Without words (see `has_words`) nothing is ranked.
        let Some((ranked, mut values)) = ranking else { return Ok((Some(0), Vec::new())) };
        values.extend(where_values);
        values.push((page.per_page as i64).into());
        values.push((page.offset() as i64).into());
        // The tickets found to rank are the ones counted.
        let columns = SELECT_TICKET_ROW.trim_start_matches("SELECT ");
        let order = order_sql(self.dialect, sort, true, &[]);
        // By relevance the page is cut from the ranked rows before their tickets are
        // read: 50 ticket rows instead of the 1,000 ranked (a seventh of a search's
        // time). Other orders need every ranked ticket's row to sort.
        let (ranked, page_cut) = if sort.field == TicketSortField::Relevance {
            let dir = direction_sql(sort.direction);
            (format!("SELECT * FROM ({ranked}) x ORDER BY x.score {dir}, x.ticket_id {dir} LIMIT ? OFFSET ?"), "")
        } else {
            (ranked, " LIMIT ? OFFSET ?")
        };
        let sql = format!("SELECT r.found, {columns} JOIN ({ranked}) r ON r.ticket_id = t.id{order}{page_cut}");
        let rows = self.list_rows(&sql, values, true).await?;
        let Some(first) = rows.first() else { return Ok((None, Vec::new())) };
        let found = int(first, "found")? as u64;
        Ok((Some(found), rows.iter().map(ticket_from).collect::<Decoded<_>>()?))
    }
}
