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
//! The creators of one goats take turns, so they never wait on each other's row locks
//! or number each other's rows. A turn serves everyone who asked while the turn before
//! it ran: their rows are inserted in one statement (which returns their ids; MySQL
//! reads them in a second), read by id with the last numbered row before them, and
//! numbered in one more. One turn per creator made the three
//! round trips (two of them commits) the ceiling of ticket creation under load: about
//! 600 a second on two cores, however many agents were waiting.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use goats_core::ports::TicketNumberCounter;
use goats_core::{DomainError, DomainResult};
use rand::Rng;
use sea_orm::{ConnectionTrait, QueryResult, Value};
use tokio::sync::oneshot;

use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, text};

/// Most rows numbered in one turn, so a statement's parameters stay well within every
/// engine's limit.
pub(crate) const MOST_PER_TURN: usize = 200;

/// A creator waiting for its counter.
pub(crate) struct Request {
    date_based: bool,
    offset: u64,
    now: DateTime<Utc>,
    reply: oneshot::Sender<DomainResult<u64>>,
}

impl Request {
    /// Requests numbered together: the same generator rule, and the same day for
    /// date-based counters, which start again each day.
    fn run(&self) -> (bool, u64, Option<NaiveDate>) {
        (self.date_based, self.offset, self.date_based.then(|| self.now.date_naive()))
    }
}

fn counter_uid() -> String {
    let mut rng = rand::rng();
    (0..32).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect()
}

#[async_trait]
impl TicketNumberCounter for Db {
    async fn next(&self, date_based: bool, offset: u64, now: DateTime<Utc>) -> DomainResult<u64> {
        let (reply, answer) = oneshot::channel();
        let db = self.clone();
        self.counters.queue(Request { date_based, offset, now, reply }, move |waiting| async move {
            db.serve(waiting).await;
        });
        answer.await.unwrap_or_else(|_| Err(DomainError::Storage("the ticket counter turn was interrupted".into())))
    }
}

impl Db {
    /// Answers every request of one turn.
    async fn serve(&self, waiting: Vec<Request>) {
        let mut runs: Vec<Vec<Request>> = Vec::new();
        for request in waiting {
            match runs.iter_mut().find(|run| run[0].run() == request.run() && run.len() < MOST_PER_TURN) {
                Some(run) => run.push(request),
                None => runs.push(vec![request]),
            }
        }
        for run in runs {
            let (date_based, offset, _) = run[0].run();
            let nows: Vec<DateTime<Utc>> = run.iter().map(|r| r.now).collect();
            match self.number_rows(date_based, offset, &nows).await {
                Ok(counters) => {
                    for (request, counter) in run.into_iter().zip(counters) {
                        let _ = request.reply.send(Ok(counter));
                    }
                }
                Err(e) => {
                    for request in run {
                        let _ = request.reply.send(Err(e.clone()));
                    }
                }
            }
        }
    }

    /// Inserts one row per entry of `nows` (its creation time) and returns their
    /// counters, in the same order.
    async fn number_rows(&self, date_based: bool, offset: u64, nows: &[DateTime<Utc>]) -> DomainResult<Vec<u64>> {
        let _w = self.write_guard().await;
        let uids: Vec<String> = nows.iter().map(|_| counter_uid()).collect();
        let own = self.insert_counter_rows(&uids, nows).await.map_err(to_domain)?;
        let (Some(&first), Some(&last)) = (own.values().min(), own.values().max()) else {
            return Err(DomainError::Storage("the ticket number counter rows were not inserted".into()));
        };

        // The last numbered row before ours, then every row after it up to our last
        // (all at 0 when read: rows of other processes still on their way, and ours).
        // By id, never by our uids: a `MIN(id) … WHERE counter_uid IN (…)` here was
        // planned as a walk of the whole table from its first row.
        let today = nows.iter().max().map(|now| now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default());
        let (day, day_value) = match today {
            Some(midnight) if date_based => (" AND create_time >= ?", vec![Value::from(midnight)]),
            _ => ("", vec![]),
        };
        let values = [Value::from(last)]
            .into_iter()
            .chain(day_value.clone())
            .chain([Value::from(first)])
            .chain(day_value)
            .collect::<Vec<_>>();
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT id, counter, counter_uid FROM ticket_number_counter WHERE id <= ?{day} \
                     AND id >= COALESCE((SELECT MAX(id) FROM ticket_number_counter WHERE id < ? AND counter <> 0{day}), 0) \
                     ORDER BY id"
                ),
                values,
            ))
            .await
            .map_err(to_domain)?;

        let mut planned: Vec<(i64, i64)> = Vec::new();
        let mut ours: HashMap<String, i64> = HashMap::new();
        let mut previous = 0;
        for row in rows {
            let (id, counter) = (int(&row, "id")?, int(&row, "counter")?);
            previous = if counter != 0 {
                counter
            } else {
                let counter = previous + if planned.is_empty() { offset as i64 } else { 1 };
                planned.push((id, counter));
                counter
            };
            ours.insert(text(&row, "counter_uid")?, previous);
        }

        if !self.set_counters(&planned).await? {
            // Another process numbered some of the rows first; all agree on the values,
            // but what counts is what the rows hold.
            ours = self.counters_of(&uids).await?;
        }
        uids.iter()
            .map(|uid| match ours.get(uid) {
                Some(&counter) if counter > 0 => Ok(counter as u64),
                _ => Err(DomainError::Storage("a ticket number counter row vanished".into())),
            })
            .collect()
    }

    /// Inserts a row at 0 for each uid, created at the matching time of `nows`; returns
    /// their ids by uid.
    async fn insert_counter_rows(
        &self,
        uids: &[String],
        nows: &[DateTime<Utc>],
    ) -> Result<HashMap<String, i64>, sea_orm::DbErr> {
        let rows = vec!["(0, ?, ?)"; uids.len()].join(", ");
        let values = uids.iter().zip(nows).flat_map(|(uid, now)| [Value::from(uid.clone()), Value::from(db_now(*now))]);
        let insert = format!("INSERT INTO ticket_number_counter (counter, counter_uid, create_time) VALUES {rows}");
        let found = if self.dialect == Dialect::MySql {
            self.conn.execute_raw(self.stmt(&insert, values)).await?;
            self.counter_rows("id", uids).await?
        } else {
            self.conn.query_all_raw(self.stmt(&format!("{insert} RETURNING id, counter_uid"), values)).await?
        };
        Ok(found.iter().map(|r| Ok((text(r, "counter_uid")?, int(r, "id")?))).collect::<Decoded<_>>()?)
    }

    /// Sets each row still at 0 to its planned counter; true when every one was.
    async fn set_counters(&self, planned: &[(i64, i64)]) -> DomainResult<bool> {
        if planned.is_empty() {
            return Ok(true);
        }
        let cases = " WHEN ? THEN ?".repeat(planned.len());
        let ids = vec!["?"; planned.len()].join(", ");
        let values = planned
            .iter()
            .flat_map(|&(id, counter)| [Value::from(id), Value::from(counter)])
            .chain(planned.iter().map(|&(id, _)| Value::from(id)));
        let set = self
            .conn
            .execute_raw(self.stmt(
                &format!(
                    "UPDATE ticket_number_counter SET counter = CASE id{cases} END WHERE counter = 0 AND id IN ({ids})"
                ),
                values,
            ))
            .await
            .map_err(to_domain)?;
        Ok(set.rows_affected() == planned.len() as u64)
    }

    async fn counters_of(&self, uids: &[String]) -> DomainResult<HashMap<String, i64>> {
        let rows = self.counter_rows("counter", uids).await.map_err(to_domain)?;
        Ok(rows.iter().map(|row| Ok((text(row, "counter_uid")?, int(row, "counter")?))).collect::<Decoded<_>>()?)
    }

    /// `column` and `counter_uid` of the counter rows with these uids.
    async fn counter_rows(&self, column: &str, uids: &[String]) -> Result<Vec<QueryResult>, sea_orm::DbErr> {
        let own = vec!["?"; uids.len()].join(", ");
        self.conn
            .query_all_raw(self.stmt(
                &format!("SELECT {column}, counter_uid FROM ticket_number_counter WHERE counter_uid IN ({own})"),
                uids.iter().map(|u| Value::from(u.clone())),
            ))
            .await
    }
}
