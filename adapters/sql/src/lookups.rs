//! Queues, states, priorities and ticket types.

use async_trait::async_trait;
use goats_core::model::*;
use goats_core::ports::{LookupKind, LookupRepository, NewQueue, ReplyTexts, StandardTemplate, SystemAddress};
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, int, opt_int, opt_text, text};

/// A queue with what customers may do with it (goats' `goats_queue_portal`; no row
/// means everything, as OTRS's default setup lets them).
const SELECT_QUEUE: &str = "SELECT id, name, group_id, unlock_timeout, first_response_time, update_time, \
     solution_time, calendar_name, comments, follow_up_id, follow_up_lock, valid_id, \
     system_address_id, salutation_id, signature_id, \
     (SELECT p.customer_selectable FROM goats_queue_portal p WHERE p.queue_id = queue.id) AS customer_selectable, \
     (SELECT p.customer_closable FROM goats_queue_portal p WHERE p.queue_id = queue.id) AS customer_closable \
     FROM queue";

fn queue_from(r: &QueryResult) -> Decoded<Queue> {
    Ok(Queue {
        id: int(r, "id")? as i32,
        name: text(r, "name")?,
        group_id: int(r, "group_id")? as i32,
        unlock_timeout: opt_int(r, "unlock_timeout")?.unwrap_or(0) as i32,
        first_response_time: opt_int(r, "first_response_time")?.unwrap_or(0) as i32,
        update_time: opt_int(r, "update_time")?.unwrap_or(0) as i32,
        solution_time: opt_int(r, "solution_time")?.unwrap_or(0) as i32,
        calendar_name: opt_text(r, "calendar_name")?,
        comments: opt_text(r, "comments")?,
        // An id OTRS does not define (a site's own row) is read as OTRS reads an
        // unknown option: not "reject", not "new ticket", so possible.
        follow_up: FollowUp::from_repr(int(r, "follow_up_id")? as usize).unwrap_or_default(),
        follow_up_lock: opt_int(r, "follow_up_lock")?.unwrap_or(0) == 1,
        customer_selectable: opt_int(r, "customer_selectable")?.unwrap_or(1) == 1,
        customer_closable: opt_int(r, "customer_closable")?.unwrap_or(1) == 1,
        system_address_id: int(r, "system_address_id")? as i32,
        salutation_id: int(r, "salutation_id")? as i32,
        signature_id: int(r, "signature_id")? as i32,
        valid: Valid::is_valid(int(r, "valid_id")? as i32),
    })
}

fn state_from(r: &QueryResult) -> Decoded<TicketState> {
    Ok(TicketState {
        id: int(r, "id")? as i32,
        name: text(r, "name")?,
        state_type: StateType::from_id(int(r, "type_id")? as i32).unwrap_or(StateType::Open),
        valid: Valid::is_valid(int(r, "valid_id")? as i32),
        colour: colour(r)?,
    })
}

/// A lookup's `color`, when it is one.
fn colour(r: &QueryResult) -> Decoded<Option<Colour>> {
    Ok(opt_text(r, "color")?.as_deref().and_then(Colour::parse))
}

impl Db {
    /// Writes what customers may do with the queue, in the caller's transaction.
    async fn set_portal_rights<C: ConnectionTrait>(
        &self,
        conn: &C,
        queue: QueueId,
        q: &NewQueue,
        by: UserId,
    ) -> DomainResult<()> {
        conn.execute_raw(self.stmt("DELETE FROM goats_queue_portal WHERE queue_id = ?", [queue.into()]))
            .await
            .map_err(to_domain)?;
        let sql = "INSERT INTO goats_queue_portal \
                   (queue_id, customer_selectable, customer_closable, change_time, change_by) VALUES (?, ?, ?, ?, ?)";
        let values = [
            queue.into(),
            i32::from(q.customer_selectable).into(),
            i32::from(q.customer_closable).into(),
            self.now().into(),
            by.into(),
        ];
        conn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
        Ok(())
    }

    async fn rows(&self, sql: &str, values: Vec<Value>) -> DomainResult<Vec<QueryResult>> {
        self.conn.query_all_raw(self.stmt(sql, values)).await.map_err(to_domain)
    }

    async fn first(&self, sql: &str, values: Vec<Value>) -> DomainResult<Option<QueryResult>> {
        self.conn.query_one_raw(self.stmt(sql, values)).await.map_err(to_domain)
    }

    /// Inserts a row with the audit columns filled and returns its id.
    pub(crate) async fn insert_audited(
        &self,
        table: &str,
        columns: &[&str],
        values: Vec<Value>,
        by: UserId,
    ) -> DomainResult<i64> {
        let (sql, values) = audited_insert(table, columns, values, by, self.now());
        let _w = self.write_guard().await;
        self.insert_id(&self.conn, &sql, values).await.map_err(to_domain)
    }

    /// Like [`Self::insert_audited`] for tables keyed by something other than an `id`.
    pub(crate) async fn insert_audited_no_id(
        &self,
        table: &str,
        columns: &[&str],
        values: Vec<Value>,
        by: UserId,
    ) -> DomainResult<()> {
        let (sql, values) = audited_insert(table, columns, values, by, self.now());
        let _w = self.write_guard().await;
        self.conn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        Ok(())
    }

    /// Sets `valid_id` (OTRS never deletes reference rows).
    pub(crate) async fn set_valid_id(
        &self,
        table: &str,
        key: &str,
        id: Value,
        valid: bool,
        by: UserId,
    ) -> DomainResult<()> {
        let valid_id = if valid { Valid::Valid } else { Valid::Invalid } as i32;
        let sql = format!("UPDATE {table} SET valid_id = ?, change_time = ?, change_by = ? WHERE {key} = ?");
        let _w = self.write_guard().await;
        let r = self
            .conn
            .execute_raw(self.stmt(&sql, [valid_id.into(), self.now().into(), by.into(), id.clone()]))
            .await
            .map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::NotFound { kind: "row", id: format!("{table} {id:?}") });
        }
        Ok(())
    }
}

/// An INSERT that also fills OTRS's audit columns.
pub(crate) fn audited_insert(
    table: &str,
    columns: &[&str],
    mut values: Vec<Value>,
    by: UserId,
    now: chrono::NaiveDateTime,
) -> (String, Vec<Value>) {
    let mut all: Vec<&str> = columns.to_vec();
    all.extend(["create_time", "create_by", "change_time", "change_by"]);
    values.extend([now.into(), by.into(), now.into(), by.into()]);
    (format!("INSERT INTO {table} ({}) VALUES ({})", all.join(", "), vec!["?"; all.len()].join(", ")), values)
}

fn lookup_table(kind: LookupKind) -> &'static str {
    match kind {
        LookupKind::State => "ticket_state",
        LookupKind::Priority => "ticket_priority",
        LookupKind::Type => "ticket_type",
    }
}

/// `a = ?, b = ?, …` for an UPDATE of `columns`.
pub(crate) fn assignments(columns: &[&str]) -> String {
    columns.iter().map(|c| format!("{c} = ?")).collect::<Vec<_>>().join(", ")
}

/// What an admin sets on a queue, written alike by INSERT and UPDATE.
const QUEUE_SETTINGS: [&str; 13] = [
    "name",
    "group_id",
    "unlock_timeout",
    "first_response_time",
    "update_time",
    "solution_time",
    "calendar_name",
    "comments",
    "follow_up_id",
    "follow_up_lock",
    "system_address_id",
    "salutation_id",
    "signature_id",
];

fn queue_settings(name: String, q: &NewQueue) -> Vec<Value> {
    vec![
        name.into(),
        q.group_id.into(),
        q.unlock_timeout.into(),
        q.first_response_time.into(),
        q.update_time.into(),
        q.solution_time.into(),
        q.calendar_name.clone().into(),
        q.comments.clone().into(),
        q.follow_up.id().into(),
        i32::from(q.follow_up_lock).into(),
        q.system_address_id.into(),
        q.salutation_id.into(),
        q.signature_id.into(),
    ]
}

fn name_required(name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "a name is required"));
    }
    if name.chars().count() > 200 {
        return Err(DomainError::invalid("name", "at most 200 characters"));
    }
    Ok(name.to_string())
}

#[async_trait]
impl LookupRepository for Db {
    async fn queues(&self) -> DomainResult<Vec<Queue>> {
        Ok(self
            .rows(&format!("{SELECT_QUEUE} ORDER BY LOWER(name), name"), vec![])
            .await?
            .iter()
            .map(queue_from)
            .collect::<Decoded<_>>()?)
    }

    async fn queue(&self, id: QueueId) -> DomainResult<Option<Queue>> {
        Ok(self
            .first(&format!("{SELECT_QUEUE} WHERE id = ?"), vec![id.into()])
            .await?
            .as_ref()
            .map(queue_from)
            .transpose()?)
    }

    async fn queue_by_name(&self, name: &str) -> DomainResult<Option<Queue>> {
        Ok(self
            .first(&format!("{SELECT_QUEUE} WHERE name = ?"), vec![name.into()])
            .await?
            .as_ref()
            .map(queue_from)
            .transpose()?)
    }

    async fn create_queue(&self, q: NewQueue, by: UserId) -> DomainResult<QueueId> {
        let name = name_required(&q.name)?;
        let columns: Vec<&str> = QUEUE_SETTINGS.into_iter().chain(["valid_id"]).collect();
        let mut values = queue_settings(name, &q);
        values.push(1.into());
        let (sql, values) = audited_insert("queue", &columns, values, by, self.now());
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let id = self.insert_id(&txn, &sql, values).await.map_err(to_domain)? as QueueId;
        self.set_portal_rights(&txn, id, &q, by).await?;
        txn.commit().await.map_err(to_domain)?;
        Ok(id)
    }

    async fn set_queue_valid(&self, id: QueueId, valid: bool, by: UserId) -> DomainResult<()> {
        self.set_valid_id("queue", "id", id.into(), valid, by).await
    }

    async fn update_queue(&self, id: QueueId, q: NewQueue, by: UserId) -> DomainResult<()> {
        let name = name_required(&q.name)?;
        let sql =
            format!("UPDATE queue SET {}, change_time = ?, change_by = ? WHERE id = ?", assignments(&QUEUE_SETTINGS));
        let mut values = queue_settings(name, &q);
        values.extend([self.now().into(), by.into(), id.into()]);
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let r = txn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found("queue", id));
        }
        self.set_portal_rights(&txn, id, &q, by).await?;
        txn.commit().await.map_err(to_domain)
    }

    async fn rename_lookup(&self, kind: LookupKind, id: i32, name: &str, by: UserId) -> DomainResult<()> {
        let name = name_required(name)?;
        let sql = format!("UPDATE {} SET name = ?, change_time = ?, change_by = ? WHERE id = ?", lookup_table(kind));
        let _w = self.write_guard().await;
        let r = self
            .conn
            .execute_raw(self.stmt(&sql, [name.into(), self.now().into(), by.into(), id.into()]))
            .await
            .map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found(kind.noun(), id));
        }
        Ok(())
    }

    async fn set_lookup_valid(&self, kind: LookupKind, id: i32, valid: bool, by: UserId) -> DomainResult<()> {
        self.set_valid_id(lookup_table(kind), "id", id.into(), valid, by).await
    }

    async fn set_state_type(&self, id: StateId, state_type: StateType, by: UserId) -> DomainResult<()> {
        let sql = "UPDATE ticket_state SET type_id = ?, change_time = ?, change_by = ? WHERE id = ?";
        let values: [Value; 4] = [state_type.id().into(), self.now().into(), by.into(), id.into()];
        let _w = self.write_guard().await;
        let r = self.conn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found("state", id));
        }
        Ok(())
    }

    async fn set_lookup_colour(&self, kind: LookupKind, id: i32, colour: &Colour, by: UserId) -> DomainResult<()> {
        if kind == LookupKind::Type {
            return Err(DomainError::invalid("color", "types have no colour"));
        }
        let sql = format!("UPDATE {} SET color = ?, change_time = ?, change_by = ? WHERE id = ?", lookup_table(kind));
        let values: [Value; 4] = [colour.as_str().into(), self.now().into(), by.into(), id.into()];
        let _w = self.write_guard().await;
        let r = self.conn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found(kind.noun(), id));
        }
        Ok(())
    }

    async fn states(&self) -> DomainResult<Vec<TicketState>> {
        Ok(self
            .rows("SELECT id, name, type_id, valid_id, color FROM ticket_state ORDER BY id", vec![])
            .await?
            .iter()
            .map(state_from)
            .collect::<Decoded<_>>()?)
    }

    async fn state(&self, id: StateId) -> DomainResult<Option<TicketState>> {
        Ok(self
            .first("SELECT id, name, type_id, valid_id, color FROM ticket_state WHERE id = ?", vec![id.into()])
            .await?
            .as_ref()
            .map(state_from)
            .transpose()?)
    }

    async fn state_by_name(&self, name: &str) -> DomainResult<Option<TicketState>> {
        Ok(self
            .first("SELECT id, name, type_id, valid_id, color FROM ticket_state WHERE name = ?", vec![name.into()])
            .await?
            .as_ref()
            .map(state_from)
            .transpose()?)
    }

    async fn create_state(
        &self,
        name: &str,
        state_type: StateType,
        colour: &Colour,
        by: UserId,
    ) -> DomainResult<StateId> {
        let name = name_required(name)?;
        let id = self
            .insert_audited(
                "ticket_state",
                &["name", "type_id", "valid_id", "color"],
                vec![name.into(), state_type.id().into(), 1.into(), colour.as_str().into()],
                by,
            )
            .await?;
        Ok(id as StateId)
    }

    async fn priorities(&self) -> DomainResult<Vec<Priority>> {
        let rows = self.rows("SELECT id, name, valid_id, color FROM ticket_priority ORDER BY id", vec![]).await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(Priority {
                    id: int(r, "id")? as i32,
                    name: text(r, "name")?,
                    valid: Valid::is_valid(int(r, "valid_id")? as i32),
                    colour: colour(r)?,
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn priority(&self, id: PriorityId) -> DomainResult<Option<Priority>> {
        Ok(self.priorities().await?.into_iter().find(|p| p.id == id))
    }

    async fn create_priority(&self, name: &str, colour: &Colour, by: UserId) -> DomainResult<PriorityId> {
        let name = name_required(name)?;
        let id = self
            .insert_audited(
                "ticket_priority",
                &["name", "valid_id", "color"],
                vec![name.into(), 1.into(), colour.as_str().into()],
                by,
            )
            .await?;
        Ok(id as PriorityId)
    }

    async fn types(&self) -> DomainResult<Vec<TicketType>> {
        let rows = self.rows("SELECT id, name, valid_id FROM ticket_type ORDER BY id", vec![]).await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(TicketType {
                    id: int(r, "id")? as i32,
                    name: text(r, "name")?,
                    valid: Valid::is_valid(int(r, "valid_id")? as i32),
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn ticket_type(&self, id: TypeId) -> DomainResult<Option<TicketType>> {
        Ok(self.types().await?.into_iter().find(|t| t.id == id))
    }

    async fn create_type(&self, name: &str, by: UserId) -> DomainResult<TypeId> {
        let name = name_required(name)?;
        let id = self.insert_audited("ticket_type", &["name", "valid_id"], vec![name.into(), 1.into()], by).await?;
        Ok(id as TypeId)
    }

    async fn reply_texts(&self, queue_id: QueueId) -> DomainResult<ReplyTexts> {
        let row = self
            .conn
            .query_one_raw(self.stmt(
                "SELECT s.text AS salutation, g.text AS signature, a.value0 AS address, a.value1 AS address_name \
                 FROM queue q \
                 LEFT JOIN system_address a ON a.id = q.system_address_id AND a.valid_id = 1 \
                 LEFT JOIN salutation s ON s.id = q.salutation_id AND s.valid_id = 1 \
                 LEFT JOIN signature g ON g.id = q.signature_id AND g.valid_id = 1 WHERE q.id = ?",
                [queue_id.into()],
            ))
            .await
            .map_err(to_domain)?;
        let Some(row) = row else { return Ok(ReplyTexts::default()) };
        let templates = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT t.id, t.name, t.text FROM standard_template t \
                 JOIN queue_standard_template qt ON qt.standard_template_id = t.id \
                 WHERE qt.queue_id = ? AND t.valid_id = 1 AND t.template_type = 'Answer' ORDER BY LOWER(t.name), t.name",
                [queue_id.into()],
            ))
            .await
            .map_err(to_domain)?
            .iter()
            .map(|r| {
                Ok(StandardTemplate {
                    id: int(r, "id")? as i32,
                    name: text(r, "name")?,
                    text: opt_text(r, "text")?.unwrap_or_default(),
                })
            })
            .collect::<Decoded<_>>()?;
        let sender = match opt_text(&row, "address")? {
            Some(email) => Some(SystemAddress { email, name: opt_text(&row, "address_name")?.unwrap_or_default() }),
            None => None,
        };
        Ok(ReplyTexts {
            sender,
            salutation: opt_text(&row, "salutation")?,
            signature: opt_text(&row, "signature")?,
            templates,
        })
    }
}
