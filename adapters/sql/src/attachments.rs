//! Article attachments in `article_data_mime_attachment`, and the message a mail article
//! was made of in `article_data_mime_plain`. The bytes are stored as Znuny stores them,
//! so either can read the other's rows: raw octets in MySQL's LONGBLOB (and SQLite's
//! BLOB), base64 in 76-character lines in PostgreSQL's TEXT column.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use goats_core::DomainResult;
use goats_core::model::*;
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult, Value};

use crate::attachments_on_disk::from_disk_id;
use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::row::{Decoded, int, opt_text};

const SELECT_META: &str = "SELECT m.id, m.article_id, m.filename, m.content_size, m.content_type, m.disposition \
     FROM article_data_mime_attachment m";

fn meta_from(r: &QueryResult) -> Decoded<Attachment> {
    Ok(Attachment {
        id: int(r, "id")?,
        article_id: int(r, "article_id")?,
        filename: opt_text(r, "filename")?.unwrap_or_default(),
        content_type: opt_text(r, "content_type")?.unwrap_or_else(|| "application/octet-stream".into()),
        size: opt_text(r, "content_size")?.and_then(|s| s.trim().parse().ok()).unwrap_or(0),
        disposition: opt_text(r, "disposition")?.unwrap_or_else(|| "attachment".into()),
    })
}

/// Base64 as Perl's `encode_base64` writes it: 76-character lines, each ending in `\n`.
pub(crate) fn base64_lines(bytes: &[u8]) -> String {
    let flat = STANDARD.encode(bytes);
    let mut out = String::with_capacity(flat.len() + flat.len() / 76 + 1);
    for chunk in flat.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

impl Db {
    /// Bytes as this engine's blob columns hold them.
    pub(crate) fn blob(&self, bytes: &[u8]) -> Value {
        match self.dialect {
            Dialect::Postgres => base64_lines(bytes).into(),
            _ => Value::Bytes(Some(bytes.to_vec())),
        }
    }

    /// Bytes read back from a blob column.
    pub(crate) fn unblob(&self, r: &QueryResult, column: &str, what: &str) -> DomainResult<Vec<u8>> {
        Ok(match self.dialect {
            Dialect::Postgres => {
                let encoded: String =
                    opt_text(r, column)?.unwrap_or_default().chars().filter(|c| !c.is_ascii_whitespace()).collect();
                STANDARD.decode(encoded).map_err(|e| goats_core::DomainError::Storage(format!("{what}: {e}")))?
            }
            _ => match r.try_get::<Option<Vec<u8>>>("", column) {
                Ok(b) => b.unwrap_or_default(),
                Err(_) => opt_text(r, column)?.unwrap_or_default().into_bytes(),
            },
        })
    }

    /// What an article brings besides its text: its attachments, its fields' values
    /// and, for mail, the message as it arrived.
    pub(crate) async fn insert_files(
        &self,
        txn: &DatabaseTransaction,
        article_id: ArticleId,
        article: &NewArticle,
        by: UserId,
    ) -> Result<(), sea_orm::DbErr> {
        self.insert_attachments(txn, article_id, &article.attachments, by).await?;
        self.insert_article_fields(txn, article_id, &article.dynamic_fields).await?;
        if let Some(plain) = &article.plain {
            let now = self.now();
            self.execute_with_file(
                txn,
                "INSERT INTO article_data_mime_plain (article_id, body, create_time, create_by, change_time, change_by) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                vec![article_id.into(), now.into(), by.into(), now.into(), by.into()],
                1,
                plain,
            )
            .await?;
            if let Some(envelope) = &article.outbound {
                // A message to send is composed here, never spooled.
                let raw = plain.held().ok_or_else(|| sea_orm::DbErr::Custom("a message to send was spooled".into()))?;
                self.enqueue(txn, article_id, envelope, raw).await?;
            }
        }
        Ok(())
    }

    /// The message an article was made of, as it arrived.
    pub(crate) async fn plain_of(&self, article_id: ArticleId) -> DomainResult<Option<Vec<u8>>> {
        let sql = "SELECT body FROM article_data_mime_plain WHERE article_id = ? ORDER BY id";
        let Some(r) = self.conn.query_one_raw(self.stmt(sql, [article_id.into()])).await.map_err(to_domain)? else {
            return self.plain_on_disk(article_id).await;
        };
        self.unblob(&r, "body", &format!("the message of article {article_id}")).map(Some)
    }

    pub(crate) async fn insert_attachments(
        &self,
        txn: &DatabaseTransaction,
        article_id: ArticleId,
        files: &[NewAttachment],
        by: UserId,
    ) -> Result<(), sea_orm::DbErr> {
        let now = self.now();
        for file in files {
            self.execute_with_file(
                txn,
                "INSERT INTO article_data_mime_attachment (article_id, filename, content_size, content_type, disposition, \
                 content, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, 'attachment', ?, ?, ?, ?, ?)",
                vec![
                    article_id.into(),
                    file.filename().into(),
                    file.size().to_string().into(),
                    file.content_type().into(),
                    now.into(),
                    by.into(),
                    now.into(),
                    by.into(),
                ],
                4,
                file.content(),
            )
            .await?;
        }
        Ok(())
    }

    /// The attachments (without bytes) of every article of a ticket, in one query.
    pub(crate) async fn attachments_of_ticket(&self, ticket_id: TicketId) -> DomainResult<Vec<Attachment>> {
        let sql = format!("{SELECT_META} JOIN article a ON a.id = m.article_id WHERE a.ticket_id = ? ORDER BY m.id");
        let rows = self.conn.query_all_raw(self.stmt(&sql, [ticket_id.into()])).await.map_err(to_domain)?;
        Ok(rows.iter().map(meta_from).collect::<Decoded<_>>()?)
    }

    pub(crate) async fn attachments_of_article(&self, article_id: ArticleId) -> DomainResult<Vec<Attachment>> {
        let sql = format!("{SELECT_META} WHERE m.article_id = ? ORDER BY m.id");
        let rows = self.conn.query_all_raw(self.stmt(&sql, [article_id.into()])).await.map_err(to_domain)?;
        Ok(rows.iter().map(meta_from).collect::<Decoded<_>>()?)
    }

    pub(crate) async fn attachment_with_content(&self, id: i64) -> DomainResult<Option<(Attachment, Vec<u8>)>> {
        if let Some((article_id, position)) = from_disk_id(id) {
            return self.attachment_on_disk(article_id, position).await;
        }
        let sql = "SELECT m.id, m.article_id, m.filename, m.content_size, m.content_type, m.disposition, m.content \
                   FROM article_data_mime_attachment m WHERE m.id = ?";
        let Some(r) = self.conn.query_one_raw(self.stmt(sql, [id.into()])).await.map_err(to_domain)? else {
            return Ok(None);
        };
        let bytes = self.unblob(&r, "content", &format!("attachment {id}"))?;
        Ok(Some((meta_from(&r)?, bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::base64_lines;

    #[test]
    fn base64_comes_in_perl_lines() {
        let encoded = base64_lines(&[7u8; 100]);
        let lines: Vec<&str> = encoded.lines().collect();
        assert_eq!(lines.iter().map(|l| l.len()).collect::<Vec<_>>(), vec![76, 60]);
        assert!(encoded.ends_with('\n'));
        assert_eq!(base64_lines(b""), "");
    }
}
