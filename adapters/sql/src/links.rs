//! Links between tickets in OTRS's `link_relation`: one row per link, `Normal` without
//! a direction, `ParentChild` from parent (source) to child (target), keys as text.

use goats_core::DomainResult;
use goats_core::history::HistoryEntry;
use goats_core::model::*;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{int, text};

/// The `link_relation` columns of one link, in OTRS's direction.
struct Row {
    source: TicketId,
    target: TicketId,
    link_type: &'static str,
}

fn row(id: TicketId, other: TicketId, kind: LinkKind) -> Row {
    let (source, target) = if kind == LinkKind::ChildOf { (other, id) } else { (id, other) };
    Row { source, target, link_type: kind.otrs_type() }
}

impl Db {
    /// The id of a row named `name` in a link lookup table, created when missing (OTRS
    /// creates `link_object` rows on first use, and so does goats).
    async fn link_lookup(&self, txn: &DatabaseTransaction, table: &str, name: &str) -> Result<i64, DbErr> {
        let select = format!("SELECT id FROM {table} WHERE name = ?");
        if let Some(r) = txn.query_one_raw(self.stmt(&select, [name.into()])).await? {
            return Ok(int(&r, "id")?);
        }
        let now = self.now();
        let (sql, values): (String, Vec<Value>) = if table == "link_object" {
            (format!("INSERT INTO {table} (name) VALUES (?)"), vec![name.into()])
        } else {
            (
                format!(
                    "INSERT INTO {table} (name, valid_id, create_time, create_by, change_time, change_by) VALUES (?, 1, ?, 1, ?, 1)"
                ),
                vec![name.into(), now.into(), now.into()],
            )
        };
        self.insert_id(txn, &sql, values).await
    }

    /// Ids of the link rows matching a link, in either direction for `Normal`.
    async fn matching_links(&self, txn: &DatabaseTransaction, r: &Row) -> Result<(i64, i64, i64, Vec<i64>), DbErr> {
        let object = self.link_lookup(txn, "link_object", "Ticket").await?;
        let link_type = self.link_lookup(txn, "link_type", r.link_type).await?;
        let state = self.link_lookup(txn, "link_state", "Valid").await?;
        let mut pairs = vec![(r.source, r.target)];
        if r.link_type == "Normal" {
            pairs.push((r.target, r.source));
        }
        let mut ids = Vec::new();
        for (source, target) in pairs {
            let found = txn
                .query_all_raw(self.stmt(
                    "SELECT id FROM link_relation WHERE source_object_id = ? AND source_key = ? \
                     AND target_object_id = ? AND target_key = ? AND type_id = ?",
                    [
                        object.into(),
                        source.to_string().into(),
                        object.into(),
                        target.to_string().into(),
                        link_type.into(),
                    ],
                ))
                .await?;
            for f in &found {
                ids.push(int(f, "id")?);
            }
        }
        Ok((object, link_type, state, ids))
    }

    pub(crate) async fn ticket_links(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT r.source_key, r.target_key, lt.name AS link_type FROM link_relation r \
                 JOIN link_type lt ON lt.id = r.type_id \
                 JOIN link_object so ON so.id = r.source_object_id \
                 JOIN link_object tob ON tob.id = r.target_object_id \
                 JOIN link_state ls ON ls.id = r.state_id \
                 WHERE so.name = 'Ticket' AND tob.name = 'Ticket' AND ls.name = 'Valid' \
                 AND (r.source_key = ? OR r.target_key = ?) ORDER BY r.id",
                [id.to_string().into(), id.to_string().into()],
            ))
            .await
            .map_err(to_domain)?;
        let me = id.to_string();
        let mut links = Vec::with_capacity(rows.len());
        for r in &rows {
            let (source, target) = (text(r, "source_key")?, text(r, "target_key")?);
            let normal = text(r, "link_type")? == "Normal";
            let (other, kind) = match (source == me, normal) {
                (true, true) => (target, LinkKind::Normal),
                (false, true) => (source, LinkKind::Normal),
                (true, false) => (target, LinkKind::ParentOf),
                (false, false) => (source, LinkKind::ChildOf),
            };
            // A link to another kind of object (a FAQ entry, a config item) has no ticket id.
            if let Ok(other) = other.parse() {
                links.push((other, kind));
            }
        }
        Ok(links)
    }

    pub(crate) async fn change_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        adding: bool,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool> {
        let r = row(id, other, kind);
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let changed = if adding {
            self.link_in(&txn, id, other, kind, by).await.map_err(to_domain)?
        } else {
            let (.., existing) = self.matching_links(&txn, &r).await.map_err(to_domain)?;
            for link in &existing {
                txn.execute_raw(self.stmt("DELETE FROM link_relation WHERE id = ?", [(*link).into()]))
                    .await
                    .map_err(to_domain)?;
            }
            !existing.is_empty()
        };
        if !changed {
            return Ok(false);
        }
        for (ticket, entry) in history {
            self.write_history(&txn, ticket, vec![entry], by).await.map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)?;
        Ok(true)
    }

    /// Adds a link inside `txn` unless it exists; true when it was added.
    pub(crate) async fn link_in(
        &self,
        txn: &DatabaseTransaction,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        by: UserId,
    ) -> Result<bool, DbErr> {
        let r = row(id, other, kind);
        let (object, link_type, state, existing) = self.matching_links(txn, &r).await?;
        if !existing.is_empty() {
            return Ok(false);
        }
        {
            txn.execute_raw(self.stmt(
                "INSERT INTO link_relation (source_object_id, source_key, target_object_id, target_key, type_id, state_id, create_time, create_by) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    object.into(),
                    r.source.to_string().into(),
                    object.into(),
                    r.target.to_string().into(),
                    link_type.into(),
                    state.into(),
                    self.now().into(),
                    by.into(),
                ],
            ))
            .await?;
        }
        Ok(true)
    }
}
