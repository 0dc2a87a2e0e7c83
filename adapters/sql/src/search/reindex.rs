//! `goats search reindex`: the index rebuilt from the tickets and articles, for rows
//! goats did not write itself (an import, a live OTRS beside goats) or an index from an
//! older goats. Tickets are read in id order, a batch per transaction, so memory stays
//! bounded; where it got to is kept in `goats_setting`, so a run that is stopped goes on
//! from there the next time.

use goats_core::model::*;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::{Db, Dialect};
use crate::error::SqlError;
use crate::row::{Decoded, int, opt_text};

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
}

/// Whether any ticket has no documents: the index was never built here (an OTRS
/// database goats adopted, a goats whose index was of an older shape) or a rebuild
/// stopped.
pub async fn needs_reindex(db: &Db) -> Result<bool, SqlError> {
    // A ticket's agents' document, looked up where it costs least: by the small index of
    // ticket ids on the server databases (the documents' own rows are large, and a cold
    // start on MariaDB read them: 1–1.5 s at 100,000 tickets), by rowid in FTS5.
    let document = match db.dialect {
        Dialect::Sqlite => "d.rowid = t.id * 2",
        Dialect::Postgres | Dialect::MySql => "d.ticket_id = t.id",
    };
    let sql = format!(
        "SELECT t.id FROM ticket t WHERE NOT EXISTS (SELECT 1 FROM goats_search_text d WHERE {document}) LIMIT 1"
    );
    let row = db.conn.query_one_raw(db.stmt(&sql, [])).await?;
    let stopped = db.reindexed_through().await?.is_some();
    Ok(row.is_some() || stopped)
}
