//! Auto-responses (`auto_response`, assigned to queues in `queue_auto_response`), the
//! system addresses mail leaves from (`system_address`), and the daily count of
//! automatic mail per address (`ticket_loop_protection`, whose `sent_date` OTRS writes
//! as `YYYY-MM-DD`).

use async_trait::async_trait;
use chrono::NaiveDate;
use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::ports::*;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{int, opt_text, text};

/// The `auto_response` columns an admin writes, in the order of [`response_values`].
const RESPONSE_COLUMNS: [&str; 6] = ["name", "text0", "text1", "type_id", "system_address_id", "valid_id"];

fn response_values(r: NewAutoResponse) -> Vec<Value> {
    vec![
        r.name.into(),
        r.body.into(),
        r.subject.into(),
        (r.kind as i32).into(),
        r.system_address_id.into(),
        valid_id(r.valid).into(),
    ]
}

/// The `system_address` columns an admin writes, in the order of [`address_values`].
const ADDRESS_COLUMNS: [&str; 5] = ["value0", "value1", "queue_id", "comments", "valid_id"];

fn address_values(a: SystemAddressRecord) -> Vec<Value> {
    vec![a.address.email.into(), a.address.name.into(), a.queue_id.into(), a.comments.into(), valid_id(a.valid).into()]
}

/// OTRS's `valid_id` for valid (1) and invalid (2).
fn valid_id(valid: bool) -> i32 {
    if valid { 1 } else { 2 }
}

#[async_trait]
impl AutoResponses for Db {
    async fn create_auto_response(&self, r: NewAutoResponse, by: UserId) -> DomainResult<i32> {
        let mut columns = RESPONSE_COLUMNS.to_vec();
        columns.push("content_type");
        let mut values = response_values(r);
        values.push("text/plain".into());
        Ok(self.insert_audited("auto_response", &columns, values, by).await? as i32)
    }

    async fn update_auto_response(&self, id: i32, r: NewAutoResponse, by: UserId) -> DomainResult<()> {
        let set: Vec<String> = RESPONSE_COLUMNS.iter().map(|c| format!("{c} = ?")).collect();
        let sql = format!("UPDATE auto_response SET {}, change_time = ?, change_by = ? WHERE id = ?", set.join(", "));
        let mut values = response_values(r);
        values.extend([self.now().into(), by.into(), id.into()]);
        self.update_one(&sql, values, "auto-response", &id.to_string()).await
    }

    async fn all_system_addresses(&self) -> DomainResult<Vec<SystemAddressRecord>> {
        let sql = "SELECT id, value0, value1, queue_id, comments, valid_id FROM system_address ORDER BY id";
        let rows = self.conn.query_all_raw(self.stmt(sql, [])).await.map_err(to_domain)?;
        let mut all = Vec::with_capacity(rows.len());
        for r in &rows {
            all.push(SystemAddressRecord {
                id: int(r, "id")? as i32,
                address: SystemAddress { email: text(r, "value0")?, name: text(r, "value1")? },
                queue_id: int(r, "queue_id")? as QueueId,
                comments: opt_text(r, "comments")?,
                valid: int(r, "valid_id")? == 1,
            });
        }
        Ok(all)
    }

    async fn save_system_address(&self, a: SystemAddressRecord, by: UserId) -> DomainResult<i32> {
        let id = a.id;
        let mut values = address_values(a);
        if id == 0 {
            return Ok(self.insert_audited("system_address", &ADDRESS_COLUMNS, values, by).await? as i32);
        }
        let set: Vec<String> = ADDRESS_COLUMNS.iter().map(|c| format!("{c} = ?")).collect();
        let sql = format!("UPDATE system_address SET {}, change_time = ?, change_by = ? WHERE id = ?", set.join(", "));
        values.extend([self.now().into(), by.into(), id.into()]);
        self.update_one(&sql, values, "system address", &id.to_string()).await?;
        Ok(id)
    }

    async fn queue_auto_responses(&self, queue: QueueId) -> DomainResult<Vec<i32>> {
        let sql = "SELECT auto_response_id FROM queue_auto_response WHERE queue_id = ? ORDER BY auto_response_id";
        let rows = self.conn.query_all_raw(self.stmt(sql, [queue.into()])).await.map_err(to_domain)?;
        rows.iter().map(|r| Ok(int(r, "auto_response_id")? as i32)).collect()
    }

    async fn system_addresses(&self) -> DomainResult<Vec<(i32, SystemAddress)>> {
        let rows = self
            .conn
            .query_all_raw(
                self.stmt("SELECT id, value0, value1 FROM system_address WHERE valid_id = 1 ORDER BY id", []),
            )
            .await
            .map_err(to_domain)?;
        let mut all = Vec::with_capacity(rows.len());
        for r in &rows {
            all.push((int(r, "id")? as i32, SystemAddress { email: text(r, "value0")?, name: text(r, "value1")? }));
        }
        Ok(all)
    }

    async fn auto_responses(&self) -> DomainResult<Vec<(i32, NewAutoResponse)>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT id, name, text0, text1, type_id, system_address_id, valid_id FROM auto_response \
                     ORDER BY id",
                [],
            ))
            .await
            .map_err(to_domain)?;
        let mut all = Vec::with_capacity(rows.len());
        for r in &rows {
            // A type OTRS knows and goats does not answer with ("auto remove") is left out.
            let Some(kind) = AutoResponseKind::from_repr(int(r, "type_id")? as usize) else { continue };
            all.push((
                int(r, "id")? as i32,
                NewAutoResponse {
                    name: text(r, "name")?,
                    kind,
                    subject: opt_text(r, "text1")?.unwrap_or_default(),
                    body: opt_text(r, "text0")?.unwrap_or_default(),
                    system_address_id: int(r, "system_address_id")? as i32,
                    valid: int(r, "valid_id")? == 1,
                },
            ));
        }
        Ok(all)
    }

    async fn assign_auto_responses(&self, queue: QueueId, ids: &[i32], by: UserId) -> DomainResult<()> {
        let now = self.now();
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        txn.execute_raw(self.stmt("DELETE FROM queue_auto_response WHERE queue_id = ?", [queue.into()]))
            .await
            .map_err(to_domain)?;
        for id in ids {
            txn.execute_raw(self.stmt(
                "INSERT INTO queue_auto_response (queue_id, auto_response_id, create_time, create_by, change_time, \
                 change_by) VALUES (?, ?, ?, ?, ?, ?)",
                [queue.into(), (*id).into(), now.into(), by.into(), now.into(), by.into()],
            ))
            .await
            .map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)
    }

    async fn auto_response(&self, queue: QueueId, kind: AutoResponseKind) -> DomainResult<Option<AutoResponse>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(
                "SELECT r.text0, r.text1, a.value0, a.value1 FROM queue_auto_response q \
                 JOIN auto_response r ON r.id = q.auto_response_id AND r.valid_id = 1 AND r.type_id = ? \
                 JOIN system_address a ON a.id = r.system_address_id AND a.valid_id = 1 \
                 WHERE q.queue_id = ? ORDER BY r.id",
                [(kind as i32).into(), queue.into()],
            ))
            .await
            .map_err(to_domain)?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(AutoResponse {
            subject: opt_text(&r, "text1")?.unwrap_or_default(),
            body: opt_text(&r, "text0")?.unwrap_or_default(),
            sender: SystemAddress { email: text(&r, "value0")?, name: text(&r, "value1")? },
        }))
    }

    async fn count_automatic_mail(&self, address: &str, day: NaiveDate, limit: u32) -> DomainResult<bool> {
        let day = day.format("%Y-%m-%d").to_string();
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let row = txn
            .query_one_raw(self.stmt(
                "SELECT COUNT(*) AS sent FROM ticket_loop_protection WHERE sent_to = ? AND sent_date = ?",
                [address.into(), day.clone().into()],
            ))
            .await
            .map_err(to_domain)?;
        let sent = row.map(|r| int(&r, "sent")).transpose()?.unwrap_or(0);
        if sent >= i64::from(limit) {
            return Ok(false);
        }
        txn.execute_raw(self.stmt(
            "INSERT INTO ticket_loop_protection (sent_to, sent_date) VALUES (?, ?)",
            [address.into(), day.into()],
        ))
        .await
        .map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(true)
    }
}
