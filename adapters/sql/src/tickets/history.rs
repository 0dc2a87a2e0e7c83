//! `ticket_history`: the rows OTRS records for every change, each a snapshot of the
//! ticket as the change left it.

use goats_core::DomainResult;
use goats_core::history::{HistoryEntry, HistoryRecord};
use goats_core::model::*;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, int, opt_int, text, time};
use crate::shared_commit::in_powers_of_two;

/// A history row's name as `ticket_history.name` holds it: 200 characters at most.
pub(crate) fn history_name(e: &HistoryEntry) -> String {
    stored_name(&e.name)
}

/// A name as `ticket_history.name` holds it, to write it or to look for it.
pub(crate) fn stored_name(name: &str) -> String {
    name.chars().take(200).collect()
}

impl Db {
    /// Appends history rows that snapshot the ticket as it now is in `txn`, in the
    /// order given, in one statement: a ticket's creation writes three, and three
    /// statements were two fifths of PostgreSQL's work in creating one.
    pub(crate) async fn write_history(
        &self,
        txn: &DatabaseTransaction,
        ticket_id: TicketId,
        entries: Vec<HistoryEntry>,
        by: UserId,
    ) -> Result<(), sea_orm::DbErr> {
        if entries.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let rows = vec!["SELECT ? AS n, ? AS name, ? AS history_type_id, ? AS article_id"; entries.len()];
        // The ticket by a constant id: MySQL's INSERT … SELECT then locks that one row
        // (a join to the ticket table locked ranges of it, and creations deadlocked).
        let sql = format!(
            "INSERT INTO ticket_history (name, history_type_id, ticket_id, article_id, type_id, queue_id, owner_id, \
             priority_id, state_id, create_time, create_by, change_time, change_by) \
             SELECT e.name, e.history_type_id, t.id, e.article_id, COALESCE(t.type_id, 1), t.queue_id, t.user_id, \
             t.ticket_priority_id, t.ticket_state_id, ?, ?, ?, ? FROM ({}) e, ticket t WHERE t.id = ? ORDER BY e.n",
            rows.join(" UNION ALL ")
        );
        let mut values = Vec::with_capacity(entries.len() * 4 + 5);
        values.extend([Value::from(now), Value::from(by), Value::from(now), Value::from(by)]);
        for (n, e) in entries.into_iter().enumerate() {
            values.extend([
                Value::from(n as i32),
                Value::from(history_name(&e)),
                Value::from(e.history_type.id()),
                Value::from(e.article_id),
            ]);
        }
        values.push(Value::from(ticket_id));
        txn.execute_raw(self.stmt(&sql, values)).await?;
        Ok(())
    }

    /// History rows of several tickets, in the order given, in one statement (not for
    /// MySQL: see `write_history`).
    pub(crate) async fn write_histories(
        &self,
        txn: &DatabaseTransaction,
        entries: Vec<(TicketId, HistoryEntry, UserId)>,
    ) -> Result<(), sea_orm::DbErr> {
        for part in in_powers_of_two(&entries) {
            self.write_histories_part(txn, part).await?;
        }
        Ok(())
    }

    async fn write_histories_part(
        &self,
        txn: &DatabaseTransaction,
        entries: &[(TicketId, HistoryEntry, UserId)],
    ) -> Result<(), sea_orm::DbErr> {
        let now = self.now();
        let rows = vec![
            "SELECT ? AS n, ? AS ticket_id, ? AS name, ? AS history_type_id, ? AS article_id, ? AS by_id";
            entries.len()
        ];
        let sql = format!(
            "INSERT INTO ticket_history (name, history_type_id, ticket_id, article_id, type_id, queue_id, owner_id, \
             priority_id, state_id, create_time, create_by, change_time, change_by) \
             SELECT e.name, e.history_type_id, t.id, e.article_id, COALESCE(t.type_id, 1), t.queue_id, t.user_id, \
             t.ticket_priority_id, t.ticket_state_id, ?, e.by_id, ?, e.by_id \
             FROM ({}) e JOIN ticket t ON t.id = e.ticket_id ORDER BY e.n",
            rows.join(" UNION ALL ")
        );
        let mut values = Vec::with_capacity(entries.len() * 6 + 2);
        values.extend([Value::from(now), Value::from(now)]);
        for (n, &(ticket_id, ref e, by)) in entries.iter().enumerate() {
            values.extend([
                Value::from(n as i32),
                Value::from(ticket_id),
                Value::from(history_name(e)),
                Value::from(e.history_type.id()),
                Value::from(e.article_id),
                Value::from(by),
            ]);
        }
        txn.execute_raw(self.stmt(&sql, values)).await?;
        Ok(())
    }

    /// A ticket's history, oldest first.
    pub(super) async fn history_of(&self, id: TicketId) -> DomainResult<Vec<HistoryRecord>> {
        let sql = "SELECT h.id, h.ticket_id, h.article_id, ht.name AS type_name, h.name, h.queue_id, h.owner_id, \
                   h.priority_id, h.state_id, h.type_id, h.create_time, h.create_by \
                   FROM ticket_history h JOIN ticket_history_type ht ON ht.id = h.history_type_id \
                   WHERE h.ticket_id = ? ORDER BY h.id";
        let rows = self.conn.query_all_raw(self.stmt(sql, [id.into()])).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(HistoryRecord {
                    id: int(r, "id")?,
                    ticket_id: int(r, "ticket_id")?,
                    article_id: opt_int(r, "article_id")?,
                    history_type: text(r, "type_name")?,
                    name: text(r, "name")?,
                    queue_id: int(r, "queue_id")? as i32,
                    owner_id: int(r, "owner_id")? as i32,
                    priority_id: int(r, "priority_id")? as i32,
                    state_id: int(r, "state_id")? as i32,
                    type_id: int(r, "type_id")? as i32,
                    created: time(r, "create_time")?,
                    created_by: int(r, "create_by")? as i32,
                })
            })
            .collect::<Decoded<_>>()?)
    }
}
