//! What the scheduled jobs read and write: due pending tickets, timed locks, the facts
//! escalation is computed from and its four `ticket` columns, and the claims
//! (`goats_job_claim`) that make each once-only action happen once across instances.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::escalation::{Allowance, Contact, EscalationColumns, EscalationFacts, EscalationPolicy};
use goats_core::model::{SenderType, StateType, TicketId};
use goats_core::ports::{LockedTicket, ScheduleStore};
use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, opt_int, opt_text, time};
use crate::tickets::{SELECT_TICKET, ticket_from};

/// State types whose tickets are open work: new, open, pending reminder, pending auto.
const OPEN_TYPES: &str = "(1, 2, 4, 5)";

/// How many ids go into one `IN (…)` list: well under every engine's parameter limit.
const CHUNK: usize = 500;

#[async_trait]
impl ScheduleStore for Db {
    async fn pending_due(
        &self,
        state_type: StateType,
        now: DateTime<Utc>,
    ) -> DomainResult<Vec<goats_core::model::Ticket>> {
        let sql = format!(
            "{SELECT_TICKET} WHERE s.type_id = ? AND t.until_time > 0 AND t.until_time <= ? ORDER BY t.until_time, t.id"
        );
        let rows = self
            .conn
            .query_all_raw(self.stmt(&sql, [state_type.id().into(), now.timestamp().into()]))
            .await
            .map_err(to_domain)?;
        Ok(rows.iter().map(ticket_from).collect::<Decoded<_>>()?)
    }

    async fn locked_in_timed_queues(&self) -> DomainResult<Vec<LockedTicket>> {
        let select = SELECT_TICKET.replacen(
            "SELECT ",
            "SELECT t.timeout AS lock_time, q.unlock_timeout AS unlock_timeout, q.calendar_name AS calendar_name, ",
            1,
        );
        let sql = format!(
            "{select} WHERE t.ticket_lock_id IN (2, 3) AND q.unlock_timeout > 0 AND s.type_id IN {OPEN_TYPES} ORDER BY t.id"
        );
        let rows = self.conn.query_all_raw(self.stmt(&sql, [])).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(LockedTicket {
                    ticket: ticket_from(r)?,
                    lock_time: int(r, "lock_time")?,
                    unlock_timeout_minutes: int(r, "unlock_timeout")? as i32,
                    calendar_name: opt_text(r, "calendar_name")?,
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn escalation_facts(&self) -> DomainResult<Vec<EscalationFacts>> {
        // Open tickets whose queue or SLA has an allowance, and any ticket whose columns
        // still hold times (closed since, or its queue's allowances were removed).
        let sql = format!(
            "SELECT t.id, s.type_id AS state_type_id, t.create_time, t.escalation_time, t.escalation_response_time, \
             t.escalation_update_time, t.escalation_solution_time, \
             q.first_response_time AS q_fr, q.first_response_notify AS q_frn, q.update_time AS q_up, \
             q.update_notify AS q_upn, q.solution_time AS q_so, q.solution_notify AS q_son, q.calendar_name AS q_cal, \
             sl.id AS sla_id, sl.first_response_time AS s_fr, sl.first_response_notify AS s_frn, \
             sl.update_time AS s_up, sl.update_notify AS s_upn, sl.solution_time AS s_so, \
             sl.solution_notify AS s_son, sl.calendar_name AS s_cal \
             FROM ticket t \
             JOIN ticket_state s ON s.id = t.ticket_state_id \
             JOIN queue q ON q.id = t.queue_id \
             LEFT JOIN sla sl ON sl.id = t.sla_id \
             WHERE (s.type_id IN {OPEN_TYPES} AND (q.first_response_time > 0 OR q.update_time > 0 \
               OR q.solution_time > 0 OR sl.first_response_time > 0 OR sl.update_time > 0 OR sl.solution_time > 0)) \
             OR t.escalation_time > 0 OR t.escalation_response_time > 0 OR t.escalation_update_time > 0 \
             OR t.escalation_solution_time > 0 \
             ORDER BY t.id"
        );
        let rows = self.conn.query_all_raw(self.stmt(&sql, [])).await.map_err(to_domain)?;
        let ids: Vec<TicketId> = rows.iter().map(|r| int(r, "id")).collect::<Decoded<_>>()?;
        let mut contacts = self.contacts(&ids).await?;
        let closed_before = self.ever_closed(&ids).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let id = int(r, "id")?;
                Ok(EscalationFacts {
                    ticket_id: id,
                    state_type: StateType::from_id(int(r, "state_type_id")? as i32).unwrap_or(StateType::Open),
                    created: time(r, "create_time")?,
                    policy: policy(r)?,
                    contacts: contacts.remove(&id).unwrap_or_default(),
                    was_closed: closed_before.contains(&id),
                    stored: EscalationColumns {
                        escalation_time: int(r, "escalation_time")?,
                        response_time: int(r, "escalation_response_time")?,
                        update_time: int(r, "escalation_update_time")?,
                        solution_time: int(r, "escalation_solution_time")?,
                    },
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn set_escalation(&self, id: TicketId, c: EscalationColumns) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(self.stmt(
                "UPDATE ticket SET escalation_time = ?, escalation_response_time = ?, escalation_update_time = ?, \
                 escalation_solution_time = ? WHERE id = ?",
                [
                    c.escalation_time.into(),
                    c.response_time.into(),
                    c.update_time.into(),
                    c.solution_time.into(),
                    id.into(),
                ],
            ))
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn claim(&self, key: &str, at: DateTime<Utc>) -> DomainResult<bool> {
        // The primary key decides: of every instance inserting the same key, exactly
        // one inserts a row.
        let sql = match self.dialect() {
            Dialect::MySql => "INSERT IGNORE INTO goats_job_claim (claim_key, claimed_at) VALUES (?, ?)",
            Dialect::Postgres | Dialect::Sqlite => {
                "INSERT INTO goats_job_claim (claim_key, claimed_at) VALUES (?, ?) ON CONFLICT DO NOTHING"
            }
        };
        let _w = self.write_guard().await;
        let done = self.conn.execute_raw(self.stmt(sql, [key.into(), db_now(at).into()])).await.map_err(to_domain)?;
        Ok(done.rows_affected() == 1)
    }

    async fn forget_claims(&self, before: DateTime<Utc>) -> DomainResult<u64> {
        let _w = self.write_guard().await;
        let done = self
            .conn
            .execute_raw(self.stmt("DELETE FROM goats_job_claim WHERE claimed_at < ?", [db_now(before).into()]))
            .await
            .map_err(to_domain)?;
        Ok(done.rows_affected())
    }
}

impl Db {
    /// Every article of these tickets as escalation sees it, oldest first.
    async fn contacts(&self, ids: &[TicketId]) -> DomainResult<HashMap<TicketId, Vec<Contact>>> {
        let mut out: HashMap<TicketId, Vec<Contact>> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT ticket_id, article_sender_type_id, is_visible_for_customer, create_time FROM article \
                 WHERE ticket_id IN ({}) ORDER BY ticket_id, create_time, id",
                vec!["?"; chunk.len()].join(", ")
            );
            let values: Vec<Value> = chunk.iter().map(|&id| id.into()).collect();
            for r in self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)? {
                let Some(sender) = SenderType::from_id(int(&r, "article_sender_type_id")? as i32) else { continue };
                out.entry(int(&r, "ticket_id")?).or_default().push(Contact {
                    sender,
                    visible_for_customer: int(&r, "is_visible_for_customer")? == 1,
                    created: time(&r, "create_time")?,
                });
            }
        }
        Ok(out)
    }

    /// Which of these tickets have been in a closed state: their history holds a row
    /// written while the ticket was in one.
    async fn ever_closed(&self, ids: &[TicketId]) -> DomainResult<HashSet<TicketId>> {
        let mut out = HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT DISTINCT h.ticket_id FROM ticket_history h JOIN ticket_state s ON s.id = h.state_id \
                 WHERE s.type_id = 3 AND h.ticket_id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let values: Vec<Value> = chunk.iter().map(|&id| id.into()).collect();
            for r in self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)? {
                out.insert(int(&r, "ticket_id")?);
            }
        }
        Ok(out)
    }
}

/// The SLA's allowances when the ticket has one, else the queue's (as OTRS decides).
fn policy(r: &QueryResult) -> Decoded<EscalationPolicy> {
    let prefix = if opt_int(r, "sla_id")?.is_some() { "s" } else { "q" };
    // An allowance OTRS left NULL is no allowance.
    let allowance = |time: &str, notify: &str| -> Decoded<Allowance> {
        Ok(Allowance {
            minutes: opt_int(r, &format!("{prefix}_{time}"))?.unwrap_or(0) as i32,
            notify_percent: opt_int(r, &format!("{prefix}_{notify}"))?.unwrap_or(0) as i32,
        })
    };
    Ok(EscalationPolicy {
        first_response: allowance("fr", "frn")?,
        update: allowance("up", "upn")?,
        solution: allowance("so", "son")?,
        calendar_name: opt_text(r, &format!("{prefix}_cal"))?,
    })
}
