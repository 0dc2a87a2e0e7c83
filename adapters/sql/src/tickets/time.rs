//! Time accounted on a ticket (`time_accounting`): each row with the TimeAccounting
//! history row that names the ticket's total as that transaction made it.

use goats_core::history::HistoryEntry;
use goats_core::model::*;
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::row::{Undecodable, opt_text};

impl Db {
    /// The sum of the ticket's `time_unit`s.
    pub(super) async fn total_time(&self, conn: &impl ConnectionTrait, id: TicketId) -> Result<f64, sea_orm::DbErr> {
        // DECIMAL sums come back as NUMERIC/DECIMAL; read them as text, the one form every engine gives.
        let sql = match self.dialect {
            Dialect::MySql => {
                "SELECT CAST(COALESCE(SUM(time_unit), 0) AS CHAR) AS total FROM time_accounting WHERE ticket_id = ?"
            }
            _ => {
                "SELECT CAST(COALESCE(SUM(time_unit), 0) AS VARCHAR(32)) AS total FROM time_accounting WHERE ticket_id = ?"
            }
        };
        let row = conn.query_one_raw(self.stmt(sql, [id.into()])).await?;
        match row.map(|r| opt_text(&r, "total")).transpose()?.flatten() {
            None => Ok(0.0),
            Some(t) => Ok(t.trim().parse().map_err(|_| Undecodable::query("total"))?),
        }
    }

    /// Adds `units` with its history row; the ticket's new total. The caller holds the
    /// ticket's row (on SQLite, the write lock), so the total is no other writer's.
    pub(crate) async fn account_in(
        &self,
        txn: &DatabaseTransaction,
        id: TicketId,
        article_id: Option<ArticleId>,
        units: f64,
        by: UserId,
    ) -> Result<f64, sea_orm::DbErr> {
        let now = self.now();
        txn.execute_raw(self.stmt(
            "INSERT INTO time_accounting (ticket_id, article_id, time_unit, create_time, create_by, change_time, change_by) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            [id.into(), article_id.into(), units.into(), now.into(), by.into(), now.into(), by.into()],
        ))
        .await?;
        let total = self.total_time(txn, id).await?;
        self.write_history(txn, id, vec![HistoryEntry::time_accounting(units, total, article_id)], by).await?;
        Ok(total)
    }

    /// Time accounted on its own (not with an article).
    pub(super) async fn write_time(
        &self,
        id: TicketId,
        article_id: Option<ArticleId>,
        units: f64,
        by: UserId,
    ) -> DomainResult<f64> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        // OTRS leaves the ticket's change time as it is; the row lock alone orders
        // concurrent accountings, so each history row names a total that existed.
        let held = self.hold_ticket(&txn, id).await.map_err(to_domain)?;
        if !held {
            return Err(DomainError::not_found("ticket", id));
        }
        let total = self.account_in(&txn, id, article_id, units, by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(total)
    }
}
