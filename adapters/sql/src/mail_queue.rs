//! OTRS's `mail_queue`: outgoing messages wait here (one row per article, or with none
//! for an agent notification) until the SMTP server takes them;
//! `article_data_mime_send_error` keeps why an article's was given up.
//! A row is claimed by moving its `due_time` past the claim's end, in a statement that
//! only succeeds while the row is still due: of two instances, one sends it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::ports::*;
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult, TransactionTrait};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, opt_int, opt_text, opt_time, text};

impl Db {
    /// Queues an article's message, in the article's transaction.
    pub(crate) async fn enqueue(
        &self,
        txn: &DatabaseTransaction,
        article_id: ArticleId,
        envelope: &Envelope,
        raw: &[u8],
    ) -> Result<(), sea_orm::DbErr> {
        self.enqueue_message(txn, Some(article_id), envelope, raw).await
    }

    /// Queues a message that is no article (an agent notification), as OTRS does.
    pub(crate) async fn enqueue_unattached(
        &self,
        txn: &DatabaseTransaction,
        envelope: &Envelope,
        raw: &[u8],
    ) -> Result<(), sea_orm::DbErr> {
        self.enqueue_message(txn, None, envelope, raw).await
    }

    async fn enqueue_message(
        &self,
        txn: &DatabaseTransaction,
        article_id: Option<ArticleId>,
        envelope: &Envelope,
        raw: &[u8],
    ) -> Result<(), sea_orm::DbErr> {
        self.execute_with_blob(
            txn,
            "INSERT INTO mail_queue (article_id, attempts, sender, recipient, raw_message, create_time) \
             VALUES (?, 0, ?, ?, ?, ?)",
            vec![
                article_id.into(),
                envelope.sender.clone().into(),
                envelope.recipients.join(", ").into(),
                self.now().into(),
            ],
            3,
            raw,
        )
        .await
    }

    fn queued_from(&self, r: &QueryResult) -> DomainResult<QueuedMail> {
        Ok(QueuedMail {
            id: int(r, "id")?,
            article_id: opt_int(r, "article_id")?,
            envelope: Envelope {
                sender: opt_text(r, "sender")?.unwrap_or_default(),
                recipients: text(r, "recipient")?
                    .split(',')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            },
            raw: self.unblob(r, "raw_message", "a queued message")?,
            attempts: int(r, "attempts")? as i32,
        })
    }
}

#[async_trait]
impl MailQueue for Db {
    async fn due(&self, now: DateTime<Utc>, limit: u64) -> DomainResult<Vec<QueuedMail>> {
        let sql = format!(
            "SELECT id, article_id, attempts, sender, recipient, raw_message FROM mail_queue \
             WHERE due_time IS NULL OR due_time <= ? ORDER BY id LIMIT {}",
            limit.clamp(1, 1000)
        );
        let rows = self.conn.query_all_raw(self.stmt(&sql, [db_now(now).into()])).await.map_err(to_domain)?;
        rows.iter().map(|r| self.queued_from(r)).collect()
    }

    async fn claim(&self, id: i64, now: DateTime<Utc>, until: DateTime<Utc>) -> DomainResult<bool> {
        let _w = self.write_guard().await;
        let done = self
            .conn
            .execute_raw(self.stmt(
                "UPDATE mail_queue SET due_time = ?, attempts = attempts + 1 \
                 WHERE id = ? AND (due_time IS NULL OR due_time <= ?)",
                [db_now(until).into(), id.into(), db_now(now).into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(done.rows_affected() == 1)
    }

    async fn sent(&self, id: i64) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(self.stmt("DELETE FROM mail_queue WHERE id = ?", [id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn retry(&self, id: i64, failure: &SendFailure, at: DateTime<Utc>) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(self.stmt(
                "UPDATE mail_queue SET due_time = ?, last_smtp_code = ?, last_smtp_message = ? WHERE id = ?",
                [db_now(at).into(), failure.code.map(i32::from).into(), failure.message.clone().into(), id.into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn give_up(&self, mail: &QueuedMail, failure: &SendFailure) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        txn.execute_raw(self.stmt("DELETE FROM mail_queue WHERE id = ?", [mail.id.into()])).await.map_err(to_domain)?;
        if let Some(article_id) = mail.article_id {
            let reason = failure.reason();
            txn.execute_raw(self.stmt(
                "INSERT INTO article_data_mime_send_error (article_id, message_id, log_message, create_time) \
                 SELECT ?, a_message_id, ?, ? FROM article_data_mime WHERE article_id = ?",
                [article_id.into(), reason.into(), self.now().into(), article_id.into()],
            ))
            .await
            .map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)
    }

    async fn states(&self, ticket_id: TicketId) -> DomainResult<Vec<(ArticleId, DeliveryState)>> {
        let queued = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT q.article_id, q.attempts, q.due_time, q.last_smtp_code, q.last_smtp_message FROM mail_queue q \
                 JOIN article a ON a.id = q.article_id WHERE a.ticket_id = ? ORDER BY q.id",
                [ticket_id.into()],
            ))
            .await
            .map_err(to_domain)?;
        let failed = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT e.article_id, e.log_message FROM article_data_mime_send_error e \
                 JOIN article a ON a.id = e.article_id WHERE a.ticket_id = ? ORDER BY e.id",
                [ticket_id.into()],
            ))
            .await
            .map_err(to_domain)?;
        let mut out = queued
            .iter()
            .map(|r| {
                // Kept apart as OTRS keeps them; read back as a failure reads.
                let code = opt_int(r, "last_smtp_code")?.and_then(|c| u16::try_from(c).ok());
                let last_error = opt_text(r, "last_smtp_message")?
                    .map(|message| SendFailure { code, message, permanent: false }.reason());
                let state = DeliveryState::Queued {
                    attempts: int(r, "attempts")? as i32,
                    last_error,
                    next_attempt: opt_time(r, "due_time")?,
                };
                Ok((int(r, "article_id")?, state))
            })
            .collect::<Decoded<Vec<_>>>()?;
        for r in &failed {
            let reason = opt_text(r, "log_message")?.unwrap_or_default();
            out.push((int(r, "article_id")?, DeliveryState::Failed { reason }));
        }
        Ok(out)
    }
}
