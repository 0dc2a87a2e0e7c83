//! The article a result's passage is taken from: per ticket, the first article (shown to
//! customers, for a customer) that holds a word of the search, found among the listed
//! tickets' articles as the index reads them.

use goats_core::model::*;
use goats_core::search::SearchQuery;
use sea_orm::DbErr;

use crate::connection::Db;

impl Db {
    pub(crate) async fn passages(
        &self,
        tickets: &[TicketId],
        query: &SearchQuery,
        customer_only: bool,
    ) -> Result<Vec<(TicketId, String)>, DbErr> {
        if tickets.is_empty() || query.patterns(false).next().is_none() {
            return Ok(Vec::new());
        }
        let mut articles = self.article_texts(&self.conn, tickets, customer_only).await?;
        articles.sort_by_key(|a| (a.ticket_id, a.id));
        let mut found: Vec<(TicketId, String)> = Vec::new();
        for a in &articles {
            if found.last().is_some_and(|(t, _)| *t == a.ticket_id) {
                continue;
            }
            let words: Vec<String> = a.words().split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
            if query.patterns(false).any(|p| p.found_in(&words)) {
                let subject = a.headers[3].as_deref().unwrap_or_default();
                found.push((a.ticket_id, format!("{subject}\n{}", a.body)));
            }
        }
        Ok(found)
    }
}
