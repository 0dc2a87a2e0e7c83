//! OTRS's "seen" flags (`article_flag` and `ticket_flag`, key `Seen`, one row per agent),
//! written as OTRS writes them when an article is added (its TicketNewMessageUpdate
//! event): the ticket turns unseen for every agent, the new article is seen by whoever
//! wrote it, and the writer has seen the ticket again once no article of it is left
//! that they have not seen. OTRS's agents working beside goats find the tickets with
//! news by these rows, and goats' agents by the same rows: a ticket's zoom marks it
//! and its articles seen as OTRS's zoom does ([`SeenFlags`]).

use std::collections::{BTreeSet, HashSet};

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::model::{ArticleId, TicketId, UserId};
use goats_core::ports::SeenFlags;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::int;
use crate::shared_commit::padded_to_power_of_two;

/// An article just written: its ticket, its id and who wrote it.
pub(crate) type Written = (TicketId, ArticleId, UserId);

/// The articles of a ticket (`?`) an agent (`?`) has no Seen flag on.
const UNSEEN_ARTICLE: &str = "SELECT a.id FROM article a WHERE a.ticket_id = ? AND NOT EXISTS (\
     SELECT 1 FROM article_flag f WHERE f.article_id = a.id AND f.article_key = 'Seen' AND f.create_by = ?)";

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
            if !self.has_unseen(txn, ticket, by).await? {
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

    /// Whether the ticket has an article `agent` has not seen: the first one found ends
    /// the look.
    async fn has_unseen(&self, conn: &impl ConnectionTrait, ticket: TicketId, agent: UserId) -> Result<bool, DbErr> {
        let row = conn
            .query_one_raw(self.stmt(
                &format!("SELECT CASE WHEN EXISTS ({UNSEEN_ARTICLE}) THEN 1 ELSE 0 END AS unseen"),
                [ticket.into(), agent.into()],
            ))
            .await?;
        Ok(row.map(|r| int(&r, "unseen")).transpose()?.unwrap_or(0) == 1)
    }

    /// The ticket's articles `agent` has not seen, oldest first.
    async fn unseen_articles(
        &self,
        conn: &impl ConnectionTrait,
        ticket: TicketId,
        agent: UserId,
    ) -> Result<Vec<ArticleId>, DbErr> {
        let rows = conn
            .query_all_raw(self.stmt(&format!("{UNSEEN_ARTICLE} ORDER BY a.id"), [ticket.into(), agent.into()]))
            .await?;
        Ok(rows.iter().map(|r| int(r, "id")).collect::<Result<_, _>>()?)
    }

    async fn ticket_seen_by(
        &self,
        conn: &impl ConnectionTrait,
        ticket: TicketId,
        agent: UserId,
    ) -> Result<bool, DbErr> {
        let row = conn
            .query_one_raw(self.stmt(
                "SELECT id FROM ticket_flag WHERE ticket_id = ? AND ticket_key = 'Seen' AND create_by = ?",
                [ticket.into(), agent.into()],
            ))
            .await?;
        Ok(row.is_some())
    }

    /// Whether `agent` has seen the ticket and every article of it, in one statement:
    /// the zoom asks on every view.
    async fn read_already(&self, ticket: TicketId, agent: UserId) -> Result<bool, DbErr> {
        let row = self
            .conn
            .query_one_raw(self.stmt(
                &format!(
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM ticket_flag t WHERE t.ticket_id = ? AND t.ticket_key = 'Seen' \
                     AND t.create_by = ?) AND NOT EXISTS ({UNSEEN_ARTICLE}) THEN 1 ELSE 0 END AS seen"
                ),
                [ticket.into(), agent.into(), ticket.into(), agent.into()],
            ))
            .await?;
        Ok(row.map(|r| int(&r, "seen")).transpose()?.unwrap_or(0) == 1)
    }

    /// Seen flags per `(ticket or article id, agent)`, a statement per thousand (the
    /// engines bound the values one statement may carry).
    async fn insert_seen(&self, txn: &DatabaseTransaction, at: &Flags, seen: &[(i64, UserId)]) -> Result<(), DbErr> {
        let now = self.now();
        let Flags { table, id, key, value } = at;
        for part in seen.chunks(1000) {
            let rows = vec!["(?, 'Seen', '1', ?, ?)"; part.len()].join(", ");
            let values = part.iter().flat_map(|&(id, by)| [Value::from(id), now.into(), by.into()]);
            txn.execute_raw(self.stmt(
                &format!("INSERT INTO {table} ({id}, {key}, {value}, create_time, create_by) VALUES {rows}"),
                values.collect::<Vec<_>>(),
            ))
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl SeenFlags for Db {
    async fn mark_seen(&self, ticket: TicketId, agent: UserId) -> DomainResult<Option<Vec<ArticleId>>> {
        // Most zooms show a ticket the agent has read already: one read and no write.
        if self.read_already(ticket, agent).await.map_err(to_domain)? {
            return Ok(None);
        }
        // With the ticket's row held, an article added meanwhile is either among those
        // marked or added after them (and leaves the ticket unseen again).
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        if !self.hold_ticket(&txn, ticket).await.map_err(to_domain)? {
            return Ok(None);
        }
        let unseen = self.unseen_articles(&txn, ticket, agent).await.map_err(to_domain)?;
        let flags: Vec<_> = unseen.iter().map(|&a| (a, agent)).collect();
        self.insert_seen(&txn, &ARTICLE_FLAG, &flags).await.map_err(to_domain)?;
        if !self.ticket_seen_by(&txn, ticket, agent).await.map_err(to_domain)? {
            self.flag_tickets(&txn, &[(ticket, agent)]).await.map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)?;
        Ok(Some(unseen))
    }

    async fn unseen(&self, tickets: &[TicketId], agent: UserId) -> DomainResult<HashSet<TicketId>> {
        let mut unseen: HashSet<TicketId> = tickets.iter().copied().collect();
        let ids: Vec<TicketId> = unseen.iter().copied().collect();
        // A list's page in one statement.
        for part in ids.chunks(1024) {
            let mut part = part.to_vec();
            padded_to_power_of_two(&mut part);
            let marks = vec!["?"; part.len()].join(", ");
            let mut values = vec![Value::from(agent)];
            values.extend(part.iter().map(|&t| Value::from(t)));
            let seen = self
                .conn
                .query_all_raw(self.stmt(
                    &format!(
                        "SELECT ticket_id FROM ticket_flag WHERE ticket_key = 'Seen' AND create_by = ? AND ticket_id IN ({marks})"
                    ),
                    values,
                ))
                .await
                .map_err(to_domain)?;
            for r in &seen {
                unseen.remove(&int(r, "ticket_id")?);
            }
        }
        Ok(unseen)
    }
}
