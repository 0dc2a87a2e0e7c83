//! Ticket counters through `ticket_number_counter`, by OTRS's own rules, so goats and
//! OTRS sharing one database never hand out the same counter:
//!
//! 1. insert a row with counter 0 and a unique `counter_uid`;
//! 2. give every row still at 0 (today's rows only, for date-based generators) the
//!    counter of the row before it plus one — the first such row plus `offset` — with
//!    `UPDATE … WHERE counter = 0`, so whichever process gets there first wins and all
//!    agree on the value;
//! 3. our own row's counter is the answer.
//!
//! Each statement commits on its own: an open transaction would hide the rows other
//! processes are numbering.
//!
//! Two things keep this fast when many tickets are created at once. The creators of one
//! goats take turns (`counter_turn`), so they never wait on each other's row locks or
//! number each other's rows — that made 64 concurrent creators slower than one. And a
//! creator numbers only the rows up to its own, reading them with the last numbered row
//! before them in one query, so it knows every value it sets without reading it back.

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
        let _turn = self.counter_turn().await;
        let _w = self.write_guard().await;
        let own = self
            .insert_id(
                &self.conn,
                "INSERT INTO ticket_number_counter (counter, counter_uid, create_time) VALUES (0, ?, ?)",
                vec![Value::from(counter_uid()), Value::from(db_now(now))],
            )
            .await
            .map_err(to_domain)?;

        // The last numbered row before ours, then every row after it up to ours (all at
        // 0 when read: rows of other processes still on their way, and ours).
        let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
        let day = if date_based { " AND create_time >= ?" } else { "" };
        let bounds = || if date_based { vec![Value::from(own), midnight.into()] } else { vec![Value::from(own)] };
        let values = [bounds(), bounds()].concat();
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT id, counter FROM ticket_number_counter WHERE id <= ?{day} AND id >= COALESCE(\
                     (SELECT MAX(id) FROM ticket_number_counter WHERE id < ? AND counter <> 0{day}), 0) ORDER BY id"
                ),
                values,
            ))
            .await
            .map_err(to_domain)?;

        let mut previous = 0;
        let mut first = true;
        for row in rows {
            let (id, counter) = (int(&row, "id"), int(&row, "counter"));
            previous = if counter != 0 {
                // The row before the run, or ours, numbered by a newer creator meanwhile.
                counter
            } else {
                let counter = previous + if first { offset as i64 } else { 1 };
                first = false;
                self.number(id, counter).await?
            };
            if id == own && previous > 0 {
                return Ok(previous as u64);
            }
        }
        Err(DomainError::Storage("the ticket number counter row vanished".into()))
    }
}

impl Db {
    /// Sets row `id` to `counter` unless another process numbered it first; returns the
    /// counter the row has now.
    async fn number(&self, id: i64, counter: i64) -> DomainResult<i64> {
        let set = self
            .conn
            .execute_raw(self.stmt(
                "UPDATE ticket_number_counter SET counter = ? WHERE id = ? AND counter = 0",
                [Value::from(counter), Value::from(id)],
            ))
            .await
            .map_err(to_domain)?;
        if set.rows_affected() == 1 {
            return Ok(counter);
        }
        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT counter FROM ticket_number_counter WHERE id = ?", [Value::from(id)]))
            .await
            .map_err(to_domain)?;
        Ok(row.map_or(0, |r| int(&r, "counter")))
    }
}
