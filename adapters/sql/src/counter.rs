//! Ticket counters through `ticket_number_counter`, by OTRS's own rules, so goats and
//! OTRS sharing one database never hand out the same counter:
//!
//! 1. insert a row with counter 0 and a unique `counter_uid`;
//! 2. give every row still at 0 (today's rows only, for date-based generators) the
//!    counter of the row before it plus one — the first such row plus `offset` — with
//!    `UPDATE … WHERE counter = 0`, so whichever process gets there first wins and all
//!    agree on the value;
//! 3. read back the counter of our own row.
//!
//! Each statement commits on its own: an open transaction would hide the rows other
//! processes are numbering.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::ports::TicketNumberCounter;
use goats_core::{DomainError, DomainResult};
use rand::Rng;
use sea_orm::{ConnectionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{db_now, int};

fn counter_uid() -> String {
    let mut rng = rand::rng();
    (0..32).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect()
}

#[async_trait]
impl TicketNumberCounter for Db {
    async fn next(&self, date_based: bool, offset: u64, now: DateTime<Utc>) -> DomainResult<u64> {
        let _w = self.write_guard().await;
        let uid = counter_uid();
        let created = db_now(now);
        self.conn
            .execute_raw(self.stmt(
                "INSERT INTO ticket_number_counter (counter, counter_uid, create_time) VALUES (0, ?, ?)",
                [Value::from(uid.clone()), Value::from(created)],
            ))
            .await
            .map_err(to_domain)?;

        let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
        let (day_sql, day_value): (&str, Vec<Value>) =
            if date_based { (" AND create_time >= ?", vec![midnight.into()]) } else { ("", vec![]) };
        let unset = self
            .conn
            .query_all_raw(self.stmt(
                &format!("SELECT id FROM ticket_number_counter WHERE counter = 0{day_sql} ORDER BY id ASC"),
                day_value.clone(),
            ))
            .await
            .map_err(to_domain)?;

        let mut first = true;
        for row in unset {
            let id = int(&row, "id");
            let mut values = vec![Value::from(id)];
            values.extend(day_value.clone());
            let previous = self
                .conn
                .query_one_raw(self.stmt(
                    &format!(
                        "SELECT counter FROM ticket_number_counter WHERE id < ?{day_sql} ORDER BY id DESC LIMIT 1"
                    ),
                    values,
                ))
                .await
                .map_err(to_domain)?
                .map_or(0, |r| int(&r, "counter"));
            let counter = previous + if first { offset as i64 } else { 1 };
            first = false;
            self.conn
                .execute_raw(self.stmt(
                    "UPDATE ticket_number_counter SET counter = ? WHERE id = ? AND counter = 0",
                    [Value::from(counter), Value::from(id)],
                ))
                .await
                .map_err(to_domain)?;
        }

        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT counter FROM ticket_number_counter WHERE counter_uid = ?", [uid.into()]))
            .await
            .map_err(to_domain)?;
        match row.map(|r| int(&r, "counter")) {
            Some(c) if c > 0 => Ok(c as u64),
            _ => Err(DomainError::Storage("the ticket number counter row vanished".into())),
        }
    }
}
