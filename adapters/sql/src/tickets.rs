//! `ticket` and `ticket_history`: reading, listing, creating and changing tickets.

use async_trait::async_trait;
use chrono::Utc;
use goats_core::history::{HistoryEntry, HistoryRecord};
use goats_core::model::*;
use goats_core::ports::*;
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult, TransactionTrait, Value};

use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::row::{db_now, int, opt_int, opt_text, text, time};
use crate::shared_commit::in_powers_of_two;

/// A ticket with its version (for ETags and guarded updates).
pub(crate) const SELECT_TICKET: &str = "SELECT t.id, t.tn, t.title, t.queue_id, q.name AS queue_name, t.ticket_state_id, \
     s.name AS state_name, s.type_id AS state_type_id, t.ticket_priority_id, p.name AS priority_name, t.type_id, \
     t.ticket_lock_id, t.user_id, t.responsible_user_id, t.customer_id, t.customer_user_id, t.until_time, \
     t.create_time, t.change_time, \
     (SELECT MAX(h.id) FROM ticket_history h WHERE h.ticket_id = t.id) AS version \
     FROM ticket t \
     JOIN queue q ON q.id = t.queue_id \
     JOIN ticket_state s ON s.id = t.ticket_state_id \
     JOIN ticket_priority p ON p.id = t.ticket_priority_id";

/// Tickets for a list: without their versions (0), which nothing listed needs and which
/// would cost a history lookup per row — per matching row, where the database sorts
/// before it limits.
const SELECT_TICKET_ROW: &str = "SELECT t.id, t.tn, t.title, t.queue_id, q.name AS queue_name, t.ticket_state_id, \
     s.name AS state_name, s.type_id AS state_type_id, t.ticket_priority_id, p.name AS priority_name, t.type_id, \
     t.ticket_lock_id, t.user_id, t.responsible_user_id, t.customer_id, t.customer_user_id, t.until_time, \
     t.create_time, t.change_time, 0 AS version \
     FROM ticket t \
     JOIN queue q ON q.id = t.queue_id \
     JOIN ticket_state s ON s.id = t.ticket_state_id \
     JOIN ticket_priority p ON p.id = t.ticket_priority_id";

pub(crate) fn ticket_from(r: &QueryResult) -> Ticket {
    Ticket {
        id: int(r, "id"),
        number: text(r, "tn"),
        title: text(r, "title"),
        queue_id: int(r, "queue_id") as i32,
        queue: text(r, "queue_name"),
        state_id: int(r, "ticket_state_id") as i32,
        state: text(r, "state_name"),
        state_type: StateType::from_id(int(r, "state_type_id") as i32).unwrap_or(StateType::Open),
        priority_id: int(r, "ticket_priority_id") as i32,
        priority: text(r, "priority_name"),
        type_id: opt_int(r, "type_id").map(|v| v as i32),
        lock: Lock::from_id(int(r, "ticket_lock_id") as i32).unwrap_or(Lock::Unlock),
        owner_id: int(r, "user_id") as i32,
        responsible_id: int(r, "responsible_user_id") as i32,
        customer_id: opt_text(r, "customer_id"),
        customer_user_id: opt_text(r, "customer_user_id"),
        until_time: int(r, "until_time"),
        created: time(r, "create_time"),
        changed: time(r, "change_time"),
        version: int(r, "version"),
        articles: None,
    }
}

/// `WHERE` conditions for a filter, with their values in placeholder order. State
/// types must already be resolved to state ids (`list` does so).
fn filter_sql(f: &TicketFilter) -> (String, Vec<Value>) {
    let mut conds: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut any_of = |column: &str, items: Vec<Value>| {
        if !items.is_empty() {
            conds.push(format!("{column} IN ({})", vec!["?"; items.len()].join(", ")));
            values.extend(items);
        }
    };
    any_of("t.queue_id", f.queue_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.ticket_state_id", f.state_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.ticket_priority_id", f.priority_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.user_id", f.owner_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.responsible_user_id", f.responsible_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.customer_id", f.customer_ids.iter().map(|v| Value::from(v.clone())).collect());
    any_of("t.customer_user_id", f.customer_user_ids.iter().map(|v| Value::from(v.clone())).collect());
    any_of("t.type_id", f.type_ids.iter().map(|v| Value::from(*v)).collect());
    let ranges = [
        ("t.create_time >= ?", f.created_from),
        ("t.create_time < ?", f.created_until),
        ("t.change_time >= ?", f.changed_from),
        ("t.change_time < ?", f.changed_until),
    ];
    for (cond, at) in ranges {
        if let Some(at) = at {
            conds.push(cond.into());
            values.push(db_now(at).into());
        }
    }
    if let Some(at) = f.escalated_by {
        conds.push("t.escalation_time > 0 AND t.escalation_time <= ?".into());
        values.push(at.timestamp().into());
    }
    if let Some((login, company)) = &f.customer_scope {
        conds.push("(t.customer_user_id = ? OR t.customer_id = ?)".into());
        values.push(login.clone().into());
        // An empty company must not match tickets without one.
        values.push(if company.is_empty() { Value::String(None) } else { company.clone().into() });
    }
    if let Some(lock) = f.lock {
        conds.push("t.ticket_lock_id = ?".into());
        values.push(Value::from(lock.id()));
    }
    let like = |term: &str| {
        let escaped = term.to_lowercase().replace('!', "!!").replace('%', "!%").replace('_', "!_");
        Value::from(format!("%{escaped}%"))
    };
    if let Some(term) = f.title_contains.as_deref().filter(|t| !t.is_empty()) {
        conds.push("LOWER(t.title) LIKE ? ESCAPE '!'".into());
        values.push(like(term));
    }
    // Searching article bodies reads them all: it is meant for a search, not a queue view.
    if let Some(term) = f.text_contains.as_deref().filter(|t| !t.is_empty()) {
        conds.push(
            "(LOWER(t.title) LIKE ? ESCAPE '!' OR LOWER(t.customer_user_id) LIKE ? ESCAPE '!' OR EXISTS \
             (SELECT 1 FROM article a JOIN article_data_mime m ON m.article_id = a.id \
             WHERE a.ticket_id = t.id AND LOWER(m.a_body) LIKE ? ESCAPE '!'))"
                .into(),
        );
        values.extend([like(term), like(term), like(term)]);
    }
    let sql = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
    (sql, values)
}

fn order_sql(sort: TicketSort) -> String {
    let column = match sort.field {
        TicketSortField::Number => "t.tn",
        TicketSortField::Title => "t.title",
        TicketSortField::Queue => "q.name",
        TicketSortField::State => "s.name",
        TicketSortField::Priority => "t.ticket_priority_id",
        TicketSortField::Owner => "t.user_id",
        TicketSortField::Created => "t.create_time",
        TicketSortField::Changed => "t.change_time",
        TicketSortField::PendingUntil => "t.until_time",
    };
    let dir = match sort.direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    format!(" ORDER BY {column} {dir}, t.id {dir}")
}

/// A history row's name as `ticket_history.name` holds it: 200 characters at most.
pub(crate) fn history_name(e: &HistoryEntry) -> String {
    e.name.chars().take(200).collect()
}

impl Db {
    async fn ticket_by_id(&self, select: &str, id: TicketId) -> DomainResult<Option<Ticket>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{select} WHERE t.id = ?"), [id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.as_ref().map(ticket_from))
    }

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
        let now = db_now(Utc::now());
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
        let now = db_now(Utc::now());
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

    /// Rewrites columns and appends history in one transaction; false when no row
    /// matched the id (and the guard, if any).
    async fn write_update(
        &self,
        id: TicketId,
        guard: Option<TicketGuard>,
        up: TicketFieldUpdate,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<bool> {
        let mut sets: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut set = |column: &'static str, v: Value| {
            sets.push(column);
            values.push(v);
        };
        if let Some(v) = up.title {
            set("title = ?", v.into())
        }
        if let Some(v) = up.queue_id {
            set("queue_id = ?", v.into())
        }
        if let Some(v) = up.state_id {
            set("ticket_state_id = ?", v.into())
        }
        if let Some(v) = up.priority_id {
            set("ticket_priority_id = ?", v.into())
        }
        if let Some(v) = up.type_id {
            set("type_id = ?", v.into())
        }
        if let Some(v) = up.lock {
            set("ticket_lock_id = ?", v.id().into())
        }
        if let Some(v) = up.owner_id {
            set("user_id = ?", v.into())
        }
        if let Some(v) = up.responsible_id {
            set("responsible_user_id = ?", v.into())
        }
        if let Some(v) = up.customer_id {
            set("customer_id = ?", v.into())
        }
        if let Some(v) = up.customer_user_id {
            set("customer_user_id = ?", v.into())
        }
        if let Some(v) = up.until_time {
            set("until_time = ?", v.into())
        }
        if let Some(v) = up.lock_time {
            set("timeout = ?", v.into())
        }
        set("change_time = ?", db_now(Utc::now()).into());
        set("change_by = ?", by.into());
        values.push(id.into());
        let mut sql = format!("UPDATE ticket SET {} WHERE id = ?", sets.join(", "));
        // The guard is checked by the UPDATE itself, so two instances cannot both pass it.
        if let Some(g) = guard {
            sql.push_str(" AND ticket_state_id = ? AND until_time = ? AND ticket_lock_id = ?");
            values.extend([g.state_id.into(), g.until_time.into(), g.lock.id().into()]);
            if let Some(t) = g.lock_time {
                sql.push_str(" AND timeout = ?");
                values.push(t.into());
            }
        }

        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let result = txn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        if result.rows_affected() == 0 {
            return Ok(false);
        }
        self.write_history(&txn, id, history, by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(true)
    }
}

#[async_trait]
impl TicketRepository for Db {
    async fn create(
        &self,
        draft: TicketDraft,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<CreatedTicket> {
        self.creations.write(self, crate::creation::Creation { draft, article, history, by }).await
    }

    async fn get(&self, id: TicketId) -> DomainResult<Option<Ticket>> {
        self.ticket_by_id(SELECT_TICKET, id).await
    }

    async fn get_unversioned(&self, id: TicketId) -> DomainResult<Option<Ticket>> {
        self.ticket_by_id(SELECT_TICKET_ROW, id).await
    }

    async fn id_by_number(&self, number: &str) -> DomainResult<Option<TicketId>> {
        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT id FROM ticket WHERE tn = ?", [number.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.map(|r| int(&r, "id")))
    }

    async fn count(&self, filter: &TicketFilter) -> DomainResult<u64> {
        let Some(filter) = self.resolve_state_types(filter).await? else { return Ok(0) };
        let (where_sql, values) = filter_sql(&filter);
        let count_sql = format!("SELECT COUNT(*) AS n FROM ticket t{where_sql}");
        let row = self.conn.query_one_raw(self.stmt(&count_sql, values)).await.map_err(to_domain)?;
        Ok(row.map_or(0, |r| int(&r, "n")) as u64)
    }

    async fn page(&self, filter: &TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Vec<Ticket>> {
        let Some(filter) = self.resolve_state_types(filter).await? else { return Ok(Vec::new()) };
        let (where_sql, mut values) = filter_sql(&filter);
        values.push((page.per_page as i64).into());
        values.push((page.offset() as i64).into());
        let sql = format!("{SELECT_TICKET_ROW}{where_sql}{} LIMIT ? OFFSET ?", order_sql(sort));
        let rows = self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        Ok(rows.iter().map(ticket_from).collect())
    }

    async fn update(
        &self,
        id: TicketId,
        up: TicketFieldUpdate,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<()> {
        if self.write_update(id, None, up, history, by).await? {
            Ok(())
        } else {
            Err(DomainError::not_found("ticket", id))
        }
    }

    async fn update_guarded(
        &self,
        id: TicketId,
        guard: TicketGuard,
        up: TicketFieldUpdate,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<bool> {
        self.write_update(id, Some(guard), up, history, by).await
    }

    async fn history(&self, id: TicketId) -> DomainResult<Vec<HistoryRecord>> {
        let sql = "SELECT h.id, h.ticket_id, h.article_id, ht.name AS type_name, h.name, h.queue_id, h.owner_id, \
                   h.priority_id, h.state_id, h.type_id, h.create_time, h.create_by \
                   FROM ticket_history h JOIN ticket_history_type ht ON ht.id = h.history_type_id \
                   WHERE h.ticket_id = ? ORDER BY h.id";
        let rows = self.conn.query_all_raw(self.stmt(sql, [id.into()])).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| HistoryRecord {
                id: int(r, "id"),
                ticket_id: int(r, "ticket_id"),
                article_id: opt_int(r, "article_id"),
                history_type: text(r, "type_name"),
                name: text(r, "name"),
                queue_id: int(r, "queue_id") as i32,
                owner_id: int(r, "owner_id") as i32,
                priority_id: int(r, "priority_id") as i32,
                state_id: int(r, "state_id") as i32,
                type_id: int(r, "type_id") as i32,
                created: time(r, "create_time"),
                created_by: int(r, "create_by") as i32,
            })
            .collect())
    }

    async fn watchers(&self, id: TicketId) -> DomainResult<Vec<UserId>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt("SELECT user_id FROM ticket_watcher WHERE ticket_id = ?", [id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(rows.iter().map(|r| int(r, "user_id") as i32).collect())
    }

    async fn set_watching(
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
        let now = db_now(Utc::now());
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

    async fn merge(&self, source: TicketId, target: TicketId, plan: MergePlan, by: UserId) -> DomainResult<()> {
        let now = db_now(Utc::now());
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let run = |sql: &str, values: Vec<Value>| txn.execute_raw(self.stmt(sql, values));
        run("UPDATE article SET ticket_id = ? WHERE ticket_id = ?", vec![target.into(), source.into()])
            .await
            .map_err(to_domain)?;
        // Watchers of the source watch the target from now on (once each).
        run(
            "DELETE FROM ticket_watcher WHERE ticket_id = ? AND user_id IN (SELECT user_id FROM (SELECT user_id FROM ticket_watcher WHERE ticket_id = ?) w)",
            vec![source.into(), target.into()],
        )
        .await
        .map_err(to_domain)?;
        run("UPDATE ticket_watcher SET ticket_id = ? WHERE ticket_id = ?", vec![target.into(), source.into()])
            .await
            .map_err(to_domain)?;
        self.insert_article(&txn, source, &plan.note, by).await.map_err(to_domain)?;
        let up = plan.source_update;
        let mut sets = vec!["change_time = ?", "change_by = ?"];
        let mut values: Vec<Value> = vec![now.into(), by.into()];
        if let Some(v) = up.state_id {
            sets.push("ticket_state_id = ?");
            values.push(v.into());
        }
        if let Some(v) = up.lock {
            sets.push("ticket_lock_id = ?");
            values.push(v.id().into());
        }
        if let Some(v) = up.until_time {
            sets.push("until_time = ?");
            values.push(v.into());
        }
        values.push(source.into());
        run(&format!("UPDATE ticket SET {} WHERE id = ?", sets.join(", ")), values).await.map_err(to_domain)?;
        run(
            "UPDATE ticket SET change_time = ?, change_by = ? WHERE id = ?",
            vec![now.into(), by.into(), target.into()],
        )
        .await
        .map_err(to_domain)?;
        if plan.link_as_child {
            self.link_in(&txn, target, source, LinkKind::ParentOf, by).await.map_err(to_domain)?;
        }
        self.write_history(&txn, source, plan.source_history, by).await.map_err(to_domain)?;
        self.write_history(&txn, target, plan.target_history, by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)
    }

    async fn account_time(
        &self,
        id: TicketId,
        article_id: Option<ArticleId>,
        units: f64,
        history: HistoryEntry,
        by: UserId,
    ) -> DomainResult<()> {
        let now = db_now(Utc::now());
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        txn.execute_raw(self.stmt(
            "INSERT INTO time_accounting (ticket_id, article_id, time_unit, create_time, create_by, change_time, change_by) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            [id.into(), article_id.into(), units.into(), now.into(), by.into(), now.into(), by.into()],
        ))
        .await
        .map_err(to_domain)?;
        self.write_history(&txn, id, vec![history], by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)
    }

    async fn accounted_time(&self, id: TicketId) -> DomainResult<f64> {
        // DECIMAL sums come back as NUMERIC/DECIMAL; read them as text, the one form every engine gives.
        let sql = match self.dialect {
            Dialect::MySql => {
                "SELECT CAST(COALESCE(SUM(time_unit), 0) AS CHAR) AS total FROM time_accounting WHERE ticket_id = ?"
            }
            _ => {
                "SELECT CAST(COALESCE(SUM(time_unit), 0) AS VARCHAR(32)) AS total FROM time_accounting WHERE ticket_id = ?"
            }
        };
        let row = self.conn.query_one_raw(self.stmt(sql, [id.into()])).await.map_err(to_domain)?;
        Ok(row.and_then(|r| crate::row::opt_text(&r, "total")).and_then(|t| t.trim().parse().ok()).unwrap_or(0.0))
    }

    async fn links(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>> {
        self.ticket_links(id).await
    }

    async fn add_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool> {
        self.change_link(id, other, kind, true, history, by).await
    }

    async fn remove_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool> {
        self.change_link(id, other, kind, false, history, by).await
    }

    async fn count_by_queue_and_state(&self) -> DomainResult<Vec<(QueueId, StateId, u64)>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT queue_id, ticket_state_id, COUNT(*) AS n FROM ticket GROUP BY queue_id, ticket_state_id",
                [],
            ))
            .await
            .map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| (int(r, "queue_id") as QueueId, int(r, "ticket_state_id") as StateId, int(r, "n") as u64))
            .collect())
    }
}

impl Db {
    /// The filter with its state types turned into the ids of their states (a handful
    /// of rows), so the ticket table is filtered on its own indexed column and counted
    /// without a join; `None` when no state has those types (nothing can match).
    async fn resolve_state_types(&self, filter: &TicketFilter) -> DomainResult<Option<TicketFilter>> {
        if filter.state_types.is_empty() {
            return Ok(Some(filter.clone()));
        }
        let types: Vec<Value> = filter.state_types.iter().map(|t| Value::from(t.id())).collect();
        let sql = format!("SELECT id FROM ticket_state WHERE type_id IN ({})", vec!["?"; types.len()].join(", "));
        let ids: Vec<StateId> = self
            .conn
            .query_all_raw(self.stmt(&sql, types))
            .await
            .map_err(to_domain)?
            .iter()
            .map(|r| int(r, "id") as StateId)
            .filter(|id| filter.state_ids.is_empty() || filter.state_ids.contains(id))
            .collect();
        if ids.is_empty() {
            return Ok(None);
        }
        Ok(Some(TicketFilter { state_ids: ids, state_types: Vec::new(), ..filter.clone() }))
    }
}
