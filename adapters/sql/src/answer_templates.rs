//! The answer templates: OTRS's `standard_template` and `queue_standard_template`
//! (which queues offer which template).

use std::collections::HashMap;

use async_trait::async_trait;
use goats_core::model::{AnswerTemplate, QueueId, UserId, Valid};
use goats_core::ports::AnswerTemplates;
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::lookups::audited_insert;
use crate::row::{Decoded, int, opt_text, text};

#[async_trait]
impl AnswerTemplates for Db {
    async fn answer_templates(&self) -> DomainResult<Vec<AnswerTemplate>> {
        let sql = "SELECT queue_id, standard_template_id FROM queue_standard_template";
        let links = self.conn.query_all_raw(self.stmt(sql, [])).await.map_err(to_domain)?;
        let mut queues: HashMap<i64, Vec<QueueId>> = HashMap::new();
        for r in links {
            queues.entry(int(&r, "standard_template_id")?).or_default().push(int(&r, "queue_id")? as QueueId);
        }
        // By name in any case, whatever the engine's collation.
        let sql = "SELECT id, name, text, content_type, template_type, comments, valid_id FROM standard_template \
                   ORDER BY LOWER(name), name";
        let rows = self.conn.query_all_raw(self.stmt(sql, [])).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| {
                let id = int(r, "id")?;
                let mut queue_ids = queues.remove(&id).unwrap_or_default();
                queue_ids.sort_unstable();
                queue_ids.dedup();
                Ok(AnswerTemplate {
                    id: id as i32,
                    name: text(r, "name")?,
                    text: opt_text(r, "text")?.unwrap_or_default(),
                    content_type: opt_text(r, "content_type")?,
                    template_type: text(r, "template_type")?,
                    comments: opt_text(r, "comments")?,
                    valid: Valid::is_valid(int(r, "valid_id")? as i32),
                    queue_ids,
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn save_answer_template(&self, t: AnswerTemplate, by: UserId) -> DomainResult<i32> {
        let now = self.now();
        let valid = (if t.valid { Valid::Valid } else { Valid::Invalid }) as i32;
        let columns: Vec<Value> = vec![
            t.name.into(),
            t.text.into(),
            t.content_type.into(),
            t.template_type.into(),
            t.comments.into(),
            valid.into(),
        ];
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let id = if t.id == 0 {
            let names = ["name", "text", "content_type", "template_type", "comments", "valid_id"];
            let (sql, values) = audited_insert("standard_template", &names, columns, by, now);
            self.insert_id(&txn, &sql, values).await.map_err(to_domain)? as i32
        } else {
            let sql = "UPDATE standard_template SET name = ?, text = ?, content_type = ?, template_type = ?, \
                       comments = ?, valid_id = ?, change_time = ?, change_by = ? WHERE id = ?";
            let mut values = columns;
            values.extend([now.into(), by.into(), t.id.into()]);
            let done = txn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
            if done.rows_affected() == 0 {
                return Err(DomainError::not_found("standard_template", t.id));
            }
            t.id
        };
        let sql = "DELETE FROM queue_standard_template WHERE standard_template_id = ?";
        txn.execute_raw(self.stmt(sql, [id.into()])).await.map_err(to_domain)?;
        for queue in t.queue_ids {
            let names = ["queue_id", "standard_template_id"];
            let (sql, values) =
                audited_insert("queue_standard_template", &names, vec![queue.into(), id.into()], by, now);
            txn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)?;
        Ok(id)
    }
}
