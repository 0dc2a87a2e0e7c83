//! The articles a result's passage is taken from: per ticket, the first article whose
//! document answers a word of the search, found through the index, then read in one go.

use std::collections::BTreeMap;

use goats_core::model::*;
use goats_core::search::SearchQuery;
use sea_orm::{ConnectionTrait, DbErr, Value};

use super::engine;
use crate::connection::Db;
use crate::row::{Decoded, int, opt_text};

impl Db {
    pub(crate) async fn passages(
        &self,
        tickets: &[TicketId],
        query: &SearchQuery,
        customer_only: bool,
    ) -> Result<Vec<(TicketId, String)>, DbErr> {
        let patterns: Vec<_> = query.patterns(false).collect();
        if tickets.is_empty() || patterns.is_empty() {
            return Ok(Vec::new());
        }
        let d = self.dialect;
        let id = engine::id_column(d);
        let shown = if customer_only { " AND d.customer_visible = 1" } else { "" };
        let marks = vec!["?"; tickets.len()].join(", ");
        let sql = format!(
            "SELECT d.{id} AS doc, d.ticket_id FROM goats_search_text d \
             WHERE {} AND d.ticket_id IN ({marks}) AND d.{id} > 0{shown}",
            engine::matches(d, "d")
        );
        let mut values = vec![Value::from(engine::any_query(d, &patterns))];
        values.extend(tickets.iter().map(|&t| Value::from(t)));
        let mut first: BTreeMap<TicketId, ArticleId> = BTreeMap::new();
        for r in self.conn.query_all_raw(self.stmt(&sql, values)).await? {
            let (doc, ticket) = (int(&r, "doc")?, int(&r, "ticket_id")?);
            first.entry(ticket).and_modify(|a| *a = (*a).min(doc)).or_insert(doc);
        }
        if first.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; first.len()].join(", ");
        let sql = format!("SELECT article_id, a_subject, a_body FROM article_data_mime WHERE article_id IN ({marks})");
        let rows = self.conn.query_all_raw(self.stmt(&sql, first.values().map(|&a| Value::from(a)))).await?;
        let texts: BTreeMap<ArticleId, String> = rows
            .iter()
            .map(|r| {
                let subject = opt_text(r, "a_subject")?.unwrap_or_default();
                Ok((int(r, "article_id")?, format!("{subject}\n{}", opt_text(r, "a_body")?.unwrap_or_default())))
            })
            .collect::<Decoded<_>>()?;
        Ok(first.into_iter().filter_map(|(t, a)| texts.get(&a).map(|text| (t, text.clone()))).collect())
    }
}
