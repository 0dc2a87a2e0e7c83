//! Changing a ticket: the edit the domain planned, applied with its precondition in one
//! transaction; watchers, each with its history row.

use chrono::NaiveDateTime;
use goats_core::history::HistoryEntry;
use goats_core::model::*;
use goats_core::tickets::{Applied, Column, Precondition, TicketEdit};
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::row::opt_int;

/// The `ticket` column an edit's [`Column`] writes, with its value: the one place this
/// store names the changeable columns.
fn column(c: Column) -> (&'static str, Value) {
    match c {
        Column::Title(v) => ("title", v.into()),
        Column::Queue(v) => ("queue_id", v.into()),
        Column::State(v) => ("ticket_state_id", v.into()),
        Column::Priority(v) => ("ticket_priority_id", v.into()),
        Column::Type(v) => ("type_id", v.into()),
        Column::Service(v) => ("service_id", v.into()),
        Column::Sla(v) => ("sla_id", v.into()),
        Column::Lock(v) => ("ticket_lock_id", v.id().into()),
        Column::Owner(v) => ("user_id", v.into()),
        Column::Responsible(v) => ("responsible_user_id", v.into()),
        Column::CustomerId(v) => ("customer_id", v.into()),
        Column::CustomerUser(v) => ("customer_user_id", v.into()),
        Column::PendingUntil(v) => ("until_time", v.into()),
        Column::LockedAt(v) => ("timeout", v.into()),
    }
}

/// `UPDATE ticket SET … WHERE id = ?` writing these columns, stamped with who changed
/// the ticket and when.
pub(super) fn update_sql(columns: Vec<Column>, id: TicketId, by: UserId, now: NaiveDateTime) -> (String, Vec<Value>) {
    let mut sets = Vec::with_capacity(columns.len() + 2);
    let mut values = Vec::with_capacity(columns.len() + 3);
    for c in columns {
        let (name, value) = column(c);
        sets.push(format!("{name} = ?"));
        values.push(value);
    }
    sets.push("change_time = ?".into());
    values.push(now.into());
    sets.push("change_by = ?".into());
    values.push(by.into());
    values.push(id.into());
    (format!("UPDATE ticket SET {} WHERE id = ?", sets.join(", ")), values)
}

impl Db {
    /// Applies an edit: the UPDATE first, which takes the ticket's row lock (SQLite: the
    /// database's write lock) until the commit; then the precondition, checked under
    /// that lock, so of two writers expecting one version the second reads the first's
    /// history and gives up; then the history rows.
    pub(super) async fn apply_edit(&self, id: TicketId, edit: TicketEdit, by: UserId) -> DomainResult<Applied> {
        let searched_fields_change = edit
            .columns
            .iter()
            .any(|c| matches!(c, Column::Title(_) | Column::CustomerId(_) | Column::CustomerUser(_)));
        let (mut sql, mut values) = update_sql(edit.columns, id, by, self.now());
        if let Precondition::Columns(g) = &edit.precondition {
            sql.push_str(" AND ticket_state_id = ? AND until_time = ? AND ticket_lock_id = ?");
            values.extend([g.state_id.into(), g.until_time.into(), g.lock.id().into()]);
            if let Some(t) = g.lock_time {
                sql.push_str(" AND timeout = ?");
                values.push(t.into());
            }
        }
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let updated = txn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?.rows_affected();
        if updated == 0 {
            let exists = txn
                .query_one_raw(self.stmt("SELECT id FROM ticket WHERE id = ?", [id.into()]))
                .await
                .map_err(to_domain)?
                .is_some();
            return if exists { Ok(Applied::Stale) } else { Err(DomainError::not_found("ticket", id)) };
        }
        if let Precondition::Version(expected) = &edit.precondition {
            // MySQL: a locking read, so it sees the newest committed rows whatever the
            // transaction's snapshot.
            let lock = if self.dialect == Dialect::MySql { " LOCK IN SHARE MODE" } else { "" };
            let sql = format!(
                "SELECT MAX(id) AS version FROM ticket_history WHERE ticket_id = ? AND history_type_id <> 9{lock}"
            );
            let row = txn.query_one_raw(self.stmt(&sql, [id.into()])).await.map_err(to_domain)?;
            let version = row.as_ref().map(|r| opt_int(r, "version")).transpose()?.flatten().unwrap_or(0);
            if !expected.contains(&version) {
                return Ok(Applied::Stale);
            }
        }
        // Changed field values reindex the ticket's own document themselves.
        if searched_fields_change && edit.fields.is_empty() {
            self.reindex_ticket_fields(&txn, &[id]).await.map_err(to_domain)?;
        }
        let mut history = edit.history;
        history.extend(self.write_field_values(&txn, id, &edit.fields).await?);
        self.write_history(&txn, id, history, by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(Applied::Done)
    }

    pub(super) async fn write_watching(
        &self,
        id: TicketId,
        user: UserId,
        watching: bool,
        history: HistoryEntry,
        by: UserId,
    ) -> DomainResult<bool> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let present = txn
            .query_one_raw(
                self.stmt(
                    "SELECT id FROM ticket_watcher WHERE ticket_id = ? AND user_id = ?",
                    [id.into(), user.into()],
                ),
            )
            .await
            .map_err(to_domain)?
            .is_some();
        if present == watching {
            return Ok(false);
        }
        let now = self.now();
        let stmt = if watching {
            self.stmt(
                "INSERT INTO ticket_watcher (ticket_id, user_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, ?, ?)",
                [id.into(), user.into(), now.into(), by.into(), now.into(), by.into()],
            )
        } else {
            self.stmt("DELETE FROM ticket_watcher WHERE ticket_id = ? AND user_id = ?", [id.into(), user.into()])
        };
        txn.execute_raw(stmt).await.map_err(to_domain)?;
        self.write_history(&txn, id, vec![history], by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(true)
    }
}
