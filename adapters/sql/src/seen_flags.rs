//! OTRS's "seen" flags (`article_flag` and `ticket_flag`, key `Seen`, one row per agent),
//! written as OTRS writes them when an article is added (its TicketNewMessageUpdate
//! event): the ticket turns unseen for every agent, the new article is seen by whoever
//! wrote it, and the writer has seen the ticket again once no article of it is left
//! that they have not seen. OTRS's agents working beside goats find the tickets with
//! news by these rows.

use std::collections::BTreeSet;

use goats_core::model::{ArticleId, TicketId, UserId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Value};

use crate::connection::Db;
use crate::row::int;

/// An article just written: its ticket, its id and who wrote it.
pub(crate) type Written = (TicketId, ArticleId, UserId);

/// A table of flags and its columns: OTRS names them after the table.
struct Flags {
    table: &'static str,
    id: &'static str,
    key: &'static str,
    value: &'static str,
}

const TICKET_FLAG: Flags = Flags { table: "ticket_flag", id: "ticket_id", key: "ticket_key", value: "ticket_value" };
const ARTICLE_FLAG: Flags =
    Flags { table: "article_flag", id: "article_id", key: "article_key", value: "article_value" };

impl Db {
    /// Articles added to tickets that already were. The tickets' rows must already be
    /// locked by `txn` (their change time updated), so two writers to one ticket take
    /// its flags in turn.
    ///
    /// Only plain reads and writes of rows by key: on MySQL a `DELETE … WHERE ticket_id`
    /// takes gap locks and an `INSERT … SELECT` the table's auto-increment lock, and
    /// writers to different tickets deadlocked on them.
    pub(crate) async fn flag_added(&self, txn: &DatabaseTransaction, written: &[Written]) -> Result<(), DbErr> {
        let tickets: BTreeSet<TicketId> = written.iter().map(|&(t, ..)| t).collect();
        if tickets.is_empty() {
            return Ok(());
        }
        let marks = vec!["?"; tickets.len()].join(", ");
        let seen = txn
            .query_all_raw(self.stmt(
                &format!("SELECT id FROM ticket_flag WHERE ticket_key = 'Seen' AND ticket_id IN ({marks})"),
                tickets.iter().map(|&t| Value::from(t)).collect::<Vec<_>>(),
            ))
            .await?;
        let seen = seen.iter().map(|r| int(r, "id")).collect::<Result<Vec<_>, _>>()?;
        if !seen.is_empty() {
            let marks = vec!["?"; seen.len()].join(", ");
            txn.execute_raw(self.stmt(
                &format!("DELETE FROM ticket_flag WHERE id IN ({marks})"),
                seen.into_iter().map(Value::from).collect::<Vec<_>>(),
            ))
            .await?;
        }
        self.flag_articles(txn, written).await?;
        let writers: BTreeSet<(TicketId, UserId)> = written.iter().map(|&(t, _, by)| (t, by)).collect();
        let mut caught_up = Vec::new();
        for (ticket, by) in writers {
            let unseen = txn
                .query_one_raw(self.stmt(
                    "SELECT COUNT(*) AS n FROM article a WHERE a.ticket_id = ? AND NOT EXISTS (\
                     SELECT 1 FROM article_flag f WHERE f.article_id = a.id AND f.article_key = 'Seen' AND f.create_by = ?)",
                    [ticket.into(), by.into()],
                ))
                .await?;
            if unseen.map(|r| int(&r, "n")).transpose()?.unwrap_or(0) == 0 {
                caught_up.push((ticket, by));
            }
        }
        self.flag_tickets(txn, &caught_up).await
    }

    /// New tickets with their first articles: their writers have seen both.
    pub(crate) async fn flag_created(&self, txn: &DatabaseTransaction, written: &[Written]) -> Result<(), DbErr> {
        if written.is_empty() {
            return Ok(());
        }
        self.flag_articles(txn, written).await?;
        let tickets: Vec<_> = written.iter().map(|&(t, _, by)| (t, by)).collect();
        self.flag_tickets(txn, &tickets).await
    }

    async fn flag_tickets(&self, txn: &DatabaseTransaction, seen: &[(TicketId, UserId)]) -> Result<(), DbErr> {
        self.insert_seen(txn, &TICKET_FLAG, seen).await
    }

    async fn flag_articles(&self, txn: &DatabaseTransaction, written: &[Written]) -> Result<(), DbErr> {
        let seen: Vec<_> = written.iter().map(|&(_, a, by)| (a, by)).collect();
        self.insert_seen(txn, &ARTICLE_FLAG, &seen).await
    }

    /// A Seen flag per `(ticket or article id, agent)`, in one statement.
    async fn insert_seen(&self, txn: &DatabaseTransaction, at: &Flags, seen: &[(i64, UserId)]) -> Result<(), DbErr> {
        if seen.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let rows = vec!["(?, 'Seen', '1', ?, ?)"; seen.len()].join(", ");
        let values = seen.iter().flat_map(|&(id, by)| [Value::from(id), now.into(), by.into()]);
        let Flags { table, id, key, value } = at;
        txn.execute_raw(self.stmt(
            &format!("INSERT INTO {table} ({id}, {key}, {value}, create_time, create_by) VALUES {rows}"),
            values.collect::<Vec<_>>(),
        ))
        .await?;
        Ok(())
    }
}
