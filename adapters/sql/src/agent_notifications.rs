//! Agent notifications in OTRS's tables: the definitions (`notification_event`, its
//! `_item` key/value rows and `_message` texts), "My Queues" (`personal_queues`), and a
//! sent notification's mail (`mail_queue`, with no article) and history row.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::agent_notifications::definition::MANAGED_ITEMS;
use goats_core::agent_notifications::{NotificationMessage, TicketNotification};
use goats_core::history::{HistoryEntry, HistoryType};
use goats_core::model::*;
use goats_core::permission::Permission;
use goats_core::ports::*;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{int, opt_text, text};
use crate::tickets::stored_name;

impl Db {
    /// The notifications with their items and texts; `valid_only` leaves out invalid ones.
    async fn notifications(&self, valid_only: bool) -> DomainResult<Vec<NotificationRecord>> {
        let only = if valid_only { " WHERE n.valid_id = 1" } else { "" };
        let heads =
            self.conn
                .query_all_raw(self.stmt(
                    &format!("SELECT n.id, n.name, n.valid_id FROM notification_event n{only} ORDER BY n.id"),
                    [],
                ))
                .await
                .map_err(to_domain)?;
        if heads.is_empty() {
            return Ok(Vec::new());
        }
        let items = self
            .conn
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT i.notification_id, i.event_key, i.event_value FROM notification_event_item i \
                     JOIN notification_event n ON n.id = i.notification_id{only}"
                ),
                [],
            ))
            .await
            .map_err(to_domain)?;
        let texts = self
            .conn
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT m.notification_id, m.language, m.subject, m.text, m.content_type \
                     FROM notification_event_message m JOIN notification_event n ON n.id = m.notification_id{only} \
                     ORDER BY m.id"
                ),
                [],
            ))
            .await
            .map_err(to_domain)?;
        let mut by_id: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for r in &items {
            let value = opt_text(r, "event_value")?.unwrap_or_default();
            by_id.entry(int(r, "notification_id")?).or_default().push((text(r, "event_key")?, value));
        }
        let mut messages: HashMap<i64, Vec<NotificationMessage>> = HashMap::new();
        for r in &texts {
            messages.entry(int(r, "notification_id")?).or_default().push(NotificationMessage {
                language: text(r, "language")?,
                subject: text(r, "subject")?,
                text: text(r, "text")?,
                content_type: text(r, "content_type")?,
            });
        }
        let mut out = Vec::with_capacity(heads.len());
        for r in &heads {
            let id = int(r, "id")?;
            let (notification, unknown) = TicketNotification::from_items(
                id as i32,
                text(r, "name")?,
                by_id.remove(&id).unwrap_or_default(),
                messages.remove(&id).unwrap_or_default(),
            );
            out.push(NotificationRecord { notification, valid: int(r, "valid_id")? == 1, unknown });
        }
        Ok(out)
    }

    async fn user_ids(&self, sql: &str, values: Vec<Value>) -> DomainResult<Vec<UserId>> {
        let rows = self.conn.query_all_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
        rows.iter().map(|r| Ok(int(r, "user_id")? as UserId)).collect()
    }
}

#[async_trait]
impl AgentNotificationStore for Db {
    async fn ticket_notifications(&self) -> DomainResult<Vec<(TicketNotification, Vec<String>)>> {
        Ok(self.notifications(true).await?.into_iter().map(|r| (r.notification, r.unknown)).collect())
    }

    async fn all_notifications(&self) -> DomainResult<Vec<NotificationRecord>> {
        self.notifications(false).await
    }

    async fn save_notification(&self, n: &TicketNotification, valid: bool, by: UserId) -> DomainResult<i32> {
        let now = self.now();
        let valid_id = if valid { 1 } else { 2 };
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let id = if n.id == 0 {
            let sql = "INSERT INTO notification_event (name, valid_id, comments, create_time, create_by, change_time, \
                       change_by) VALUES (?, ?, '', ?, ?, ?, ?)";
            let values = vec![n.name.clone().into(), valid_id.into(), now.into(), by.into(), now.into(), by.into()];
            self.insert_id(&txn, sql, values).await.map_err(to_domain)? as i32
        } else {
            let sql =
                "UPDATE notification_event SET name = ?, valid_id = ?, change_time = ?, change_by = ? WHERE id = ?";
            let values: Vec<Value> = vec![n.name.clone().into(), valid_id.into(), now.into(), by.into(), n.id.into()];
            let done = txn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
            if done.rows_affected() == 0 {
                return Err(goats_core::DomainError::not_found("notification", n.id));
            }
            n.id
        };
        let managed = vec!["?"; MANAGED_ITEMS.len()].join(", ");
        let mut values: Vec<Value> = vec![id.into()];
        values.extend(MANAGED_ITEMS.iter().map(|k| Value::from(*k)));
        txn.execute_raw(self.stmt(
            &format!("DELETE FROM notification_event_item WHERE notification_id = ? AND event_key IN ({managed})"),
            values,
        ))
        .await
        .map_err(to_domain)?;
        for (key, value) in n.managed_items() {
            txn.execute_raw(self.stmt(
                "INSERT INTO notification_event_item (notification_id, event_key, event_value) VALUES (?, ?, ?)",
                [id.into(), key.into(), value.into()],
            ))
            .await
            .map_err(to_domain)?;
        }
        for m in &n.messages {
            txn.execute_raw(self.stmt(
                "DELETE FROM notification_event_message WHERE notification_id = ? AND language = ?",
                [id.into(), m.language.clone().into()],
            ))
            .await
            .map_err(to_domain)?;
            txn.execute_raw(self.stmt(
                "INSERT INTO notification_event_message (notification_id, content_type, language, subject, text) \
                 VALUES (?, ?, ?, ?, ?)",
                [
                    id.into(),
                    m.content_type.clone().into(),
                    m.language.clone().into(),
                    m.subject.clone().into(),
                    m.text.clone().into(),
                ],
            ))
            .await
            .map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)?;
        Ok(id)
    }

    async fn queue_subscribers(&self, queue: QueueId) -> DomainResult<Vec<UserId>> {
        self.subscribers(&MY_QUEUES, queue).await
    }

    async fn my_queues(&self, user: UserId) -> DomainResult<Vec<QueueId>> {
        self.subscriptions(&MY_QUEUES, user).await
    }

    async fn set_my_queues(&self, user: UserId, queues: &[QueueId]) -> DomainResult<()> {
        self.subscribe(&MY_QUEUES, user, queues).await
    }

    async fn service_subscribers(&self, service: ServiceId) -> DomainResult<Vec<UserId>> {
        self.subscribers(&MY_SERVICES, service).await
    }

    async fn my_services(&self, user: UserId) -> DomainResult<Vec<ServiceId>> {
        self.subscriptions(&MY_SERVICES, user).await
    }

    async fn set_my_services(&self, user: UserId, services: &[ServiceId]) -> DomainResult<()> {
        self.subscribe(&MY_SERVICES, user, services).await
    }

    async fn group_members(&self, group: GroupId, permission: Permission) -> DomainResult<Vec<UserId>> {
        // `rw` holds every other permission, as in the permission check.
        let sql = "SELECT gu.user_id FROM group_user gu JOIN users u ON u.id = gu.user_id \
                   WHERE gu.group_id = ? AND gu.permission_key IN (?, 'rw') AND u.valid_id = 1 \
                   UNION \
                   SELECT ru.user_id FROM role_user ru JOIN roles r ON r.id = ru.role_id \
                   JOIN group_role gr ON gr.role_id = r.id JOIN users u ON u.id = ru.user_id \
                   WHERE gr.group_id = ? AND gr.permission_key IN (?, 'rw') AND gr.permission_value = 1 \
                   AND r.valid_id = 1 AND u.valid_id = 1";
        let key = permission.key();
        self.user_ids(sql, vec![group.into(), key.into(), group.into(), key.into()]).await
    }

    async fn role_members(&self, role: RoleId) -> DomainResult<Vec<UserId>> {
        self.user_ids(
            "SELECT ru.user_id FROM role_user ru JOIN roles r ON r.id = ru.role_id \
             WHERE ru.role_id = ? AND r.valid_id = 1",
            vec![role.into()],
        )
        .await
    }

    async fn sent_since(&self, ticket: TicketId, name: &str, since: DateTime<Utc>) -> DomainResult<bool> {
        let row = self
            .conn
            .query_one_raw(self.stmt(
                "SELECT id FROM ticket_history WHERE ticket_id = ? AND history_type_id = ? AND name = ? \
                 AND create_time >= ?",
                [
                    ticket.into(),
                    HistoryType::SendAgentNotification.id().into(),
                    stored_name(name).into(),
                    since.naive_utc().into(),
                ],
            ))
            .await
            .map_err(to_domain)?;
        Ok(row.is_some())
    }

    async fn record(
        &self,
        ticket: TicketId,
        mails: Vec<(Envelope, Vec<u8>)>,
        history: Vec<HistoryEntry>,
        by: UserId,
    ) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        for (envelope, raw) in &mails {
            self.enqueue_unattached(&txn, envelope, raw).await.map_err(to_domain)?;
        }
        self.write_history(&txn, ticket, history, by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)
    }
}

/// An agent's "My Queues" (`personal_queues`) or "My Services" (`personal_services`):
/// the same two-column list, of queue or service ids.
struct Subscriptions {
    table: &'static str,
    column: &'static str,
}

const MY_QUEUES: Subscriptions = Subscriptions { table: "personal_queues", column: "queue_id" };
const MY_SERVICES: Subscriptions = Subscriptions { table: "personal_services", column: "service_id" };

impl Db {
    async fn subscribers(&self, list: &Subscriptions, id: i32) -> DomainResult<Vec<UserId>> {
        let sql = format!("SELECT DISTINCT user_id FROM {} WHERE {} = ? ORDER BY user_id", list.table, list.column);
        self.user_ids(&sql, vec![id.into()]).await
    }

    async fn subscriptions(&self, list: &Subscriptions, user: UserId) -> DomainResult<Vec<i32>> {
        let (table, column) = (list.table, list.column);
        let sql = format!("SELECT DISTINCT {column} FROM {table} WHERE user_id = ? ORDER BY {column}");
        let rows = self.conn.query_all_raw(self.stmt(&sql, [user.into()])).await.map_err(to_domain)?;
        rows.iter().map(|r| Ok(int(r, column)? as i32)).collect()
    }

    /// Replaces the agent's list in one transaction.
    async fn subscribe(&self, list: &Subscriptions, user: UserId, ids: &[i32]) -> DomainResult<()> {
        let (table, column) = (list.table, list.column);
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let delete = format!("DELETE FROM {table} WHERE user_id = ?");
        txn.execute_raw(self.stmt(&delete, [user.into()])).await.map_err(to_domain)?;
        let insert = format!("INSERT INTO {table} (user_id, {column}) VALUES (?, ?)");
        for id in ids {
            txn.execute_raw(self.stmt(&insert, [user.into(), (*id).into()])).await.map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)
    }
}
