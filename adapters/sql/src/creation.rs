//! A new ticket with its first article and history: written alone, or with the others
//! that arrive at the same time in one shared transaction (see shared_commit.rs).

use async_trait::async_trait;
use std::collections::HashMap;

use chrono::NaiveDateTime;
use goats_core::model::*;
use goats_core::ports::*;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Value};

use crate::articles::{ARTICLE_COLUMNS, ARTICLE_ROW, MIME_COLUMNS, MIME_ROW, article_values, mime_values};
use crate::connection::{Db, Dialect};
use crate::row::{Decoded, int};
use crate::shared_commit::{Write, in_powers_of_two, one_by_one};
use crate::tickets::history_name;

/// A history row's values, in the order of `HISTORY_ROW`.
const HISTORY_VALUES: usize = 13;
const HISTORY_ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// A ticket with its first article and history, written with others waiting at the
/// same time (see shared_commit.rs).
pub(crate) struct Creation {
    pub(crate) draft: TicketDraft,
    pub(crate) article: NewArticle,
    pub(crate) history: HistoryBuilder,
    pub(crate) by: UserId,
}

#[async_trait]
impl Write for Creation {
    type Done = CreatedTicket;

    async fn write(&self, db: &Db, txn: &DatabaseTransaction) -> Result<Self::Done, sea_orm::DbErr> {
        let created = db.now();
        let id = db.insert_ticket(txn, &self.draft, self.by, created).await?;
        let article_id = db.write_article(txn, id, &self.article, self.by).await?;
        db.index_new(txn, &[(id, &self.draft)], &[(article_id, id, &self.article)]).await?;
        db.flag_created(txn, &[(id, article_id, self.by)]).await?;
        db.write_history(txn, id, (self.history)(id, article_id), self.by).await?;
        if let Some(units) = self.article.time_unit {
            db.account_in(txn, id, Some(article_id), units, self.by).await?;
        }
        let version = db.versions(txn, &[id]).await?.get(&id).copied().unwrap_or(0);
        Ok(CreatedTicket { id, article_id, created: created.and_utc(), version })
    }

    /// However many there are, a turn's time no longer grows with round trips per
    /// creation. On PostgreSQL: their ids drawn in one statement, then each part of 1, 2,
    /// 4 … 32 written in one (tickets, articles, mime rows and history together). On
    /// SQLite: the tickets in one statement, their articles in two, their history in
    /// one. Attachments add a statement each. MySQL writes them one by one: the
    /// history's `INSERT … SELECT` over several tickets locked enough of the ticket table
    /// there to deadlock with other processes' creations.
    async fn write_all(all: &[&Self], db: &Db, txn: &DatabaseTransaction) -> Result<Vec<Self::Done>, sea_orm::DbErr> {
        // Time accounted with a first article is rare (the phone-ticket form): those
        // turns are written one by one.
        if all.len() == 1 || db.dialect == Dialect::MySql || all.iter().any(|c| c.article.time_unit.is_some()) {
            return one_by_one(all, db, txn).await;
        }
        let created = db.now();
        let done = |ids: Vec<(TicketId, ArticleId)>, versions: HashMap<TicketId, i64>| {
            ids.into_iter()
                .map(|(id, article_id)| CreatedTicket {
                    id,
                    article_id,
                    created: created.and_utc(),
                    version: versions.get(&id).copied().unwrap_or(0),
                })
                .collect()
        };
        if db.dialect == Dialect::Postgres {
            let ids = db.draw_creation_ids(txn, all.len()).await?;
            let mut drawn = ids.as_slice();
            let mut versions = HashMap::new();
            for part in in_powers_of_two(all) {
                let (these, rest) = drawn.split_at(part.len());
                versions.extend(db.insert_creations(txn, part, these, created).await?);
                drawn = rest;
            }
            return Ok(done(ids, versions));
        }
        let mut ids = Vec::with_capacity(all.len());
        for part in in_powers_of_two(all) {
            let drafts: Vec<_> = part.iter().map(|c| (&c.draft, c.by)).collect();
            let tickets = db.insert_tickets(txn, &drafts, created).await?;
            let first_articles: Vec<_> =
                part.iter().zip(&tickets).map(|(c, &ticket)| (ticket, &c.article, c.by)).collect();
            let articles = db.write_articles(txn, &first_articles).await?;
            let indexed: Vec<_> = tickets.iter().zip(&drafts).map(|(&id, &(d, _))| (id, d)).collect();
            let first: Vec<_> =
                first_articles.iter().zip(&articles).map(|(&(ticket, a, _), &id)| (id, ticket, a)).collect();
            db.index_new(txn, &indexed, &first).await?;
            let written: Vec<_> =
                part.iter().zip(tickets.iter().zip(&articles)).map(|(c, (&t, &a))| (t, a, c.by)).collect();
            db.flag_created(txn, &written).await?;
            let mut history = Vec::new();
            for (c, (&ticket, &article)) in part.iter().zip(tickets.iter().zip(&articles)) {
                history.extend((c.history)(ticket, article).into_iter().map(|e| (ticket, e, c.by)));
            }
            db.write_histories(txn, history).await?;
            ids.extend(tickets.into_iter().zip(articles));
        }
        let versions = db.versions(txn, &ids.iter().map(|&(id, _)| id).collect::<Vec<_>>()).await?;
        Ok(done(ids, versions))
    }
}

const TICKET_COLUMNS: &str = "tn, title, queue_id, ticket_lock_id, type_id, service_id, sla_id, user_id, \
                              responsible_user_id, ticket_priority_id, ticket_state_id, customer_id, customer_user_id, \
                              timeout, until_time, \
                              escalation_time, escalation_update_time, escalation_response_time, \
                              escalation_solution_time, archive_flag, create_time, create_by, change_time, change_by";
const TICKET_ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, ?, ?)";

/// `now`: the creation time, whole seconds.
fn ticket_values(d: &TicketDraft, by: UserId, now: NaiveDateTime) -> Vec<Value> {
    vec![
        d.number.clone().into(),
        d.title.clone().into(),
        d.queue_id.into(),
        d.lock.id().into(),
        d.type_id.into(),
        d.service_id.into(),
        d.sla_id.into(),
        d.owner_id.into(),
        d.responsible_id.into(),
        d.priority_id.into(),
        d.state_id.into(),
        d.customer_id.clone().into(),
        d.customer_user_id.clone().into(),
        d.lock_time.into(),
        d.until_time.into(),
        now.into(),
        by.into(),
        now.into(),
        by.into(),
    ]
}

impl Db {
    async fn insert_ticket(
        &self,
        txn: &DatabaseTransaction,
        d: &TicketDraft,
        by: UserId,
        created: NaiveDateTime,
    ) -> Result<TicketId, sea_orm::DbErr> {
        let sql = format!("INSERT INTO ticket ({TICKET_COLUMNS}) VALUES {TICKET_ROW}");
        self.insert_id(txn, &sql, ticket_values(d, by, created)).await
    }

    /// The newest history row's id of each ticket (its version).
    async fn versions(
        &self,
        txn: &DatabaseTransaction,
        tickets: &[TicketId],
    ) -> Result<HashMap<TicketId, i64>, sea_orm::DbErr> {
        let ids = vec!["?"; tickets.len()].join(", ");
        let rows = txn
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT ticket_id, MAX(id) AS version FROM ticket_history WHERE ticket_id IN ({ids}) \
                     GROUP BY ticket_id"
                ),
                tickets.iter().map(|&id| Value::from(id)),
            ))
            .await?;
        Ok(rows.iter().map(|r| Ok((int(r, "ticket_id")?, int(r, "version")?))).collect::<Decoded<_>>()?)
    }

    /// New tickets in one statement; returns their ids in the order given.
    async fn insert_tickets(
        &self,
        txn: &DatabaseTransaction,
        drafts: &[(&TicketDraft, UserId)],
        created: NaiveDateTime,
    ) -> Result<Vec<TicketId>, sea_orm::DbErr> {
        let rows = vec![TICKET_ROW; drafts.len()].join(", ");
        let values = drafts.iter().flat_map(|&(d, by)| ticket_values(d, by, created));
        self.insert_ids(txn, &format!("INSERT INTO ticket ({TICKET_COLUMNS}) VALUES {rows}"), values, drafts.len())
            .await
    }

    /// Ids for `n` new tickets and their first articles from their sequences
    /// (PostgreSQL), each in ascending order.
    async fn draw_creation_ids(
        &self,
        txn: &DatabaseTransaction,
        n: usize,
    ) -> Result<Vec<(TicketId, ArticleId)>, sea_orm::DbErr> {
        let rows = txn
            .query_all_raw(self.stmt(
                "SELECT nextval(pg_get_serial_sequence('ticket', 'id')) AS t, \
                 nextval(pg_get_serial_sequence('article', 'id')) AS a FROM generate_series(1, ?)",
                [Value::from(n as i32)],
            ))
            .await?;
        let mut tickets: Vec<TicketId> = rows.iter().map(|r| int(r, "t")).collect::<Decoded<_>>()?;
        let mut articles: Vec<ArticleId> = rows.iter().map(|r| int(r, "a")).collect::<Decoded<_>>()?;
        tickets.sort_unstable();
        articles.sort_unstable();
        if tickets.len() != n {
            return Err(sea_orm::DbErr::RecordNotInserted);
        }
        Ok(tickets.into_iter().zip(articles).collect())
    }

    /// New tickets with their first articles, mime rows and history in one statement
    /// (PostgreSQL), under ids drawn before; returns their versions. A creation's history
    /// is the ticket as drafted, so its rows need no read of the ticket table.
    async fn insert_creations(
        &self,
        txn: &DatabaseTransaction,
        part: &[&Creation],
        ids: &[(TicketId, ArticleId)],
        stamp: NaiveDateTime,
    ) -> Result<HashMap<TicketId, i64>, sea_orm::DbErr> {
        let now = stamp.and_utc();
        let mut tickets = Vec::with_capacity(part.len() * 18);
        let mut articles = Vec::with_capacity(part.len() * 9);
        let mut mimes = Vec::with_capacity(part.len() * 16);
        let mut history = Vec::with_capacity(part.len() * 3 * HISTORY_VALUES);
        for (c, &(ticket_id, article_id)) in part.iter().zip(ids) {
            tickets.push(Value::from(ticket_id));
            tickets.extend(ticket_values(&c.draft, c.by, stamp));
            articles.push(Value::from(article_id));
            articles.extend(article_values(ticket_id, &c.article, c.by, now));
            mimes.push(Value::from(article_id));
            mimes.extend(mime_values(&c.article, c.by, now));
            let d = &c.draft;
            for e in (c.history)(ticket_id, article_id) {
                history.extend([
                    Value::from(history_name(&e)),
                    Value::from(e.history_type.id()),
                    Value::from(ticket_id),
                    Value::from(e.article_id),
                    Value::from(d.type_id),
                    Value::from(d.queue_id),
                    Value::from(d.owner_id),
                    Value::from(d.priority_id),
                    Value::from(d.state_id),
                    Value::from(stamp),
                    Value::from(c.by),
                    Value::from(stamp),
                    Value::from(c.by),
                ]);
            }
        }
        let rows = |row: &str, n: usize| vec![row; n].join(", ");
        let n = part.len();
        let history_rows = history.len() / HISTORY_VALUES;
        let mime = format!("INSERT INTO article_data_mime ({MIME_COLUMNS}) VALUES {}", rows(MIME_ROW, n));
        // One statement: the foreign keys between its rows are checked once it is done.
        // The history rows come last, for their ids.
        let mut sql = format!(
            "WITH t AS (INSERT INTO ticket (id, {TICKET_COLUMNS}) VALUES {}), \
             a AS (INSERT INTO article (id, {ARTICLE_COLUMNS}) VALUES {}) ",
            rows(&format!("(?, {}", &TICKET_ROW[1..]), n),
            rows(&format!("(?, {}", &ARTICLE_ROW[1..]), n),
        );
        if history_rows == 0 {
            sql.push_str(&mime);
        } else {
            sql = format!(
                "{sql}, m AS ({mime}) INSERT INTO ticket_history (name, history_type_id, ticket_id, article_id, \
                 type_id, queue_id, owner_id, priority_id, state_id, create_time, create_by, change_time, change_by) \
                 VALUES {} RETURNING id, ticket_id",
                rows(HISTORY_ROW, history_rows)
            );
        }
        let written = txn.query_all_raw(self.stmt(&sql, [tickets, articles, mimes, history].concat())).await?;
        for (c, &(_, article_id)) in part.iter().zip(ids) {
            self.insert_files(txn, article_id, &c.article, c.by).await?;
        }
        let first_articles: Vec<_> = part.iter().zip(ids).map(|(c, &(t, a))| (t, a, c.by)).collect();
        self.flag_created(txn, &first_articles).await?;
        let tickets: Vec<_> = part.iter().zip(ids).map(|(c, &(ticket_id, _))| (ticket_id, &c.draft)).collect();
        let articles: Vec<_> = part.iter().zip(ids).map(|(c, &(t, a))| (a, t, &c.article)).collect();
        self.index_new(txn, &tickets, &articles).await?;
        let mut versions = HashMap::new();
        for row in &written {
            let version = versions.entry(int(row, "ticket_id")?).or_insert(0);
            *version = int(row, "id")?.max(*version);
        }
        Ok(versions)
    }
}
