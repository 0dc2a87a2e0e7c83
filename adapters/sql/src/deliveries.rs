//! The notification delivery log, `goats_notification_delivery`: every instance writes
//! its attempts here, and admins read them newest first.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::ports::{DeliveryAttempt, DeliveryFilter, DeliveryJournal};
use sea_orm::{ConnectionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, opt_text, text, time};

/// The columns' sizes in `schema/goats/v10.schema`: longer text is cut, never refused,
/// so a channel's long error message is still journalled.
const ERROR_CHARS: usize = 1000;
const CHANNEL_CHARS: usize = 200;

fn cut(s: &str, chars: usize) -> String {
    s.chars().take(chars).collect()
}

#[async_trait]
impl DeliveryJournal for Db {
    async fn record(&self, a: &DeliveryAttempt) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let sql = "INSERT INTO goats_notification_delivery \
                   (attempted_at, channel, event, ticket_number, attempt, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?)";
        let values: [Value; 7] = [
            db_now(a.at).into(),
            cut(&a.channel, CHANNEL_CHARS).into(),
            cut(&a.event, 100).into(),
            cut(&a.ticket_number, 50).into(),
            i64::from(a.attempt).into(),
            cut(&a.outcome, 20).into(),
            a.error.as_deref().map(|e| cut(e, ERROR_CHARS)).into(),
        ];
        self.conn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
        Ok(())
    }

    async fn recent(&self, filter: &DeliveryFilter, offset: u64, limit: u64) -> DomainResult<Vec<DeliveryAttempt>> {
        let mut sql = String::from(
            "SELECT attempted_at, channel, event, ticket_number, attempt, outcome, error \
             FROM goats_notification_delivery WHERE 1 = 1",
        );
        let mut values: Vec<Value> = Vec::new();
        for (column, wanted) in
            [("channel", &filter.channel), ("outcome", &filter.outcome), ("ticket_number", &filter.ticket_number)]
        {
            if let Some(v) = wanted {
                sql.push_str(&format!(" AND {column} = ?"));
                values.push(v.clone().into());
            }
        }
        sql.push_str(" ORDER BY attempted_at DESC, id DESC LIMIT ? OFFSET ?");
        let bounded = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        values.push(bounded(limit).into());
        values.push(bounded(offset).into());
        let rows = self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(DeliveryAttempt {
                    at: time(r, "attempted_at")?,
                    channel: text(r, "channel")?,
                    event: text(r, "event")?,
                    ticket_number: text(r, "ticket_number")?,
                    attempt: u32::try_from(int(r, "attempt")?).unwrap_or(0),
                    outcome: text(r, "outcome")?,
                    error: opt_text(r, "error")?,
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn forget_before(&self, before: DateTime<Utc>) -> DomainResult<u64> {
        let _w = self.write_guard().await;
        let sql = "DELETE FROM goats_notification_delivery WHERE attempted_at < ?";
        let done = self.conn.execute_raw(self.stmt(sql, [db_now(before).into()])).await.map_err(to_domain)?;
        Ok(done.rows_affected())
    }
}
