//! The salutations and signatures queues reply with: OTRS's `salutation` and
//! `signature`, two tables of the same columns.

use async_trait::async_trait;
use goats_core::model::{UserId, Valid};
use goats_core::ports::{QueueText, QueueTextKind, QueueTexts};
use goats_core::{DomainError, DomainResult};
use sea_orm::ConnectionTrait;

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, int, opt_text, text};

#[async_trait]
impl QueueTexts for Db {
    async fn queue_texts(&self, kind: QueueTextKind) -> DomainResult<Vec<QueueText>> {
        // By name in any case, whatever the engine's collation.
        let sql = format!(
            "SELECT id, name, text, content_type, comments, valid_id FROM {} ORDER BY LOWER(name), name",
            kind.table()
        );
        let rows = self.conn.query_all_raw(self.stmt(&sql, [])).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(QueueText {
                    id: int(r, "id")? as i32,
                    name: text(r, "name")?,
                    text: text(r, "text")?,
                    content_type: opt_text(r, "content_type")?,
                    comments: opt_text(r, "comments")?,
                    valid: Valid::is_valid(int(r, "valid_id")? as i32),
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn save_queue_text(&self, kind: QueueTextKind, t: QueueText, by: UserId) -> DomainResult<i32> {
        let valid = if t.valid { 1 } else { 2 };
        if t.id == 0 {
            let columns = ["name", "text", "content_type", "comments", "valid_id"];
            let values = vec![t.name.into(), t.text.into(), t.content_type.into(), t.comments.into(), valid.into()];
            return Ok(self.insert_audited(kind.table(), &columns, values, by).await? as i32);
        }
        let sql = format!(
            "UPDATE {} SET name = ?, text = ?, content_type = ?, comments = ?, valid_id = ?, change_time = ?, \
             change_by = ? WHERE id = ?",
            kind.table()
        );
        let values = [
            t.name.into(),
            t.text.into(),
            t.content_type.into(),
            t.comments.into(),
            valid.into(),
            self.now().into(),
            by.into(),
            t.id.into(),
        ];
        let _w = self.write_guard().await;
        let r = self.conn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found(kind.table(), t.id));
        }
        Ok(t.id)
    }
}
