//! `goats search reindex`: the index rebuilt from the tickets and articles, for rows
//! goats did not write itself (an import, a live OTRS beside goats) or an index from an
//! older goats. Tickets are read in id order, a batch per transaction, so memory stays
//! bounded; where it got to is kept in `goats_setting`, so a run that is stopped goes on
//! from there the next time.

use std::collections::HashMap;

use goats_core::model::*;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use super::SearchDoc;
use crate::connection::Db;
use crate::error::SqlError;
use crate::row::{Decoded, int, opt_int, opt_text};

/// The setting naming the last ticket id indexed by a run that has not finished.
const PROGRESS_SETTING: &str = "search.reindex.after";

/// Tickets per transaction.
const BATCH: usize = 100;

/// How far a rebuild is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReindexProgress {
    pub tickets_done: u64,
    pub tickets_total: u64,
    /// Whether this run went on from an earlier one that stopped.
    pub resumed: bool,
}

impl Db {
    /// Rebuilds the index of every ticket, reporting after each batch. `restart` ignores
    /// where an earlier run stopped.
    pub async fn reindex_search(
        &self,
        restart: bool,
        mut report: impl FnMut(ReindexProgress),
    ) -> Result<ReindexProgress, SqlError> {
        let after = match restart {
            true => None,
            false => self.reindexed_through().await?,
        };
        let tickets_total = self.count_tickets("", None).await?;
        let mut progress = ReindexProgress { tickets_done: 0, tickets_total, resumed: after.is_some() };
        if let Some(after) = after {
            progress.tickets_done = self.count_tickets(" WHERE id <= ?", Some(after)).await?;
        }
        report(progress);
        let mut cursor = after.unwrap_or(0);
        loop {
            let ids: Vec<TicketId> = self
                .conn
                .query_all_raw(self.stmt(
                    "SELECT id FROM ticket WHERE id > ? ORDER BY id LIMIT ?",
                    [cursor.into(), (BATCH as i64).into()],
                ))
                .await?
                .iter()
                .map(|r| int(r, "id"))
                .collect::<Decoded<_>>()?;
            let Some(&last) = ids.last() else { break };
            let _w = self.write_guard().await;
            let txn = self.conn.begin().await?;
            self.index_tickets(&txn, &ids).await?;
            txn.execute_raw(self.stmt("DELETE FROM goats_setting WHERE name = ?", [PROGRESS_SETTING.into()])).await?;
            txn.execute_raw(self.stmt(
                "INSERT INTO goats_setting (name, value, create_time) VALUES (?, ?, ?)",
                [PROGRESS_SETTING.into(), last.to_string().into(), self.now().into()],
            ))
            .await?;
            txn.commit().await?;
            cursor = last;
            progress.tickets_done += ids.len() as u64;
            report(progress);
        }
        let _w = self.write_guard().await;
        self.conn.execute_raw(self.stmt("DELETE FROM goats_setting WHERE name = ?", [PROGRESS_SETTING.into()])).await?;
        Ok(progress)
    }

    async fn count_tickets(&self, condition: &str, id: Option<TicketId>) -> Result<u64, SqlError> {
        let sql = format!("SELECT COUNT(*) AS n FROM ticket{condition}");
        let row = self.conn.query_one_raw(self.stmt(&sql, id.map(Value::from))).await?;
        Ok(row.map(|r| int(&r, "n")).transpose()?.unwrap_or(0) as u64)
    }

    /// The last ticket id an unfinished run indexed.
    async fn reindexed_through(&self) -> Result<Option<TicketId>, SqlError> {
        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT value FROM goats_setting WHERE name = ?", [PROGRESS_SETTING.into()]))
            .await?;
        Ok(row.map(|r| opt_text(&r, "value")).transpose()?.flatten().and_then(|v| v.parse().ok()))
    }

    /// (Re)writes every document of these tickets from their rows and their articles'.
    pub(crate) async fn index_tickets(&self, conn: &impl ConnectionTrait, ids: &[TicketId]) -> Result<(), SqlError> {
        self.reindex_ticket_fields(conn, ids).await?;
        let docs = self.article_docs(conn, ids).await?;
        self.write_search_docs(conn, &docs, true).await?;
        Ok(())
    }

    /// The documents of these tickets' articles, read from their rows.
    async fn article_docs(
        &self,
        conn: &impl ConnectionTrait,
        tickets: &[TicketId],
    ) -> Result<Vec<SearchDoc>, SqlError> {
        let marks = vec!["?"; tickets.len()].join(", ");
        let ids = || tickets.iter().map(|&id| Value::from(id));
        let files_sql = format!(
            "SELECT f.article_id, f.filename FROM article_data_mime_attachment f \
             JOIN article a ON a.id = f.article_id WHERE a.ticket_id IN ({marks})"
        );
        let mut files: HashMap<ArticleId, Vec<String>> = HashMap::new();
        for r in conn.query_all_raw(self.stmt(&files_sql, ids())).await? {
            if let Some(name) = opt_text(&r, "filename")? {
                files.entry(int(&r, "article_id")?).or_default().push(name);
            }
        }
        let sql = format!(
            "SELECT a.id, a.ticket_id, a.is_visible_for_customer, m.a_from, m.a_to, m.a_cc, m.a_subject, m.a_body \
             FROM article a LEFT JOIN article_data_mime m ON m.article_id = a.id WHERE a.ticket_id IN ({marks})"
        );
        let rows = conn.query_all_raw(self.stmt(&sql, ids())).await?;
        let docs = rows
            .iter()
            .map(|r| {
                let id = int(r, "id")?;
                let headers =
                    [opt_text(r, "a_from")?, opt_text(r, "a_to")?, opt_text(r, "a_cc")?, opt_text(r, "a_subject")?];
                let names: Vec<&str> = files.get(&id).into_iter().flatten().map(String::as_str).collect();
                Ok(SearchDoc::of_article_texts(
                    id,
                    int(r, "ticket_id")?,
                    opt_int(r, "is_visible_for_customer")? == Some(1),
                    headers.each_ref().map(Option::as_deref),
                    &opt_text(r, "a_body")?.unwrap_or_default(),
                    &names,
                ))
            })
            .collect::<Decoded<Vec<_>>>()?;
        Ok(docs)
    }
}

/// Whether any ticket has no document of its own fields: the index was never built here
/// (an OTRS database goats adopted, a goats from before the index) or a rebuild stopped.
pub async fn needs_reindex(db: &Db) -> Result<bool, SqlError> {
    let row = db
        .conn
        .query_one_raw(db.stmt(
            &format!(
                "SELECT t.id FROM ticket t WHERE NOT EXISTS (SELECT 1 FROM goats_search_text d WHERE d.{} = -t.id) LIMIT 1",
                super::engine::id_column(db.dialect)
            ),
            [],
        ))
        .await?;
    let stopped = db.reindexed_through().await?.is_some();
    Ok(row.is_some() || stopped)
}
