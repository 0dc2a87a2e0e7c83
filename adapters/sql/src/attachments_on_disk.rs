//! Live mode on a site that keeps article files on disk (`ArticleStorageFS`): the
//! messages and attachments the database has no rows for, read from the configured
//! `ArticleDataDir` (see `crate::article_dir`). Without one configured, nothing here
//! reads anything.

use std::collections::HashMap;
use std::sync::Arc;

use goats_core::model::*;
use goats_core::{DomainError, DomainResult};
use sea_orm::ConnectionTrait;

use crate::article_dir::{ArticleDir, DiskFile};
use crate::connection::Db;
use crate::error::to_domain;
use crate::row::opt_text;

/// A file on disk has no row id: its id stands for the article and the file's place
/// there, negative so it never meets a row's.
pub(crate) fn disk_id(article_id: ArticleId, position: u16) -> i64 {
    -((article_id << 16) | i64::from(position))
}

pub(crate) fn from_disk_id(id: i64) -> Option<(ArticleId, u16)> {
    (id < 0).then(|| (-id >> 16, (-id & 0xffff) as u16))
}

fn attachment(article_id: ArticleId, file: &DiskFile) -> Attachment {
    Attachment {
        id: disk_id(article_id, file.position),
        article_id,
        filename: file.filename.clone(),
        content_type: file.content_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
        size: file.size,
        disposition: file.disposition.clone().unwrap_or_else(|| "attachment".into()),
    }
}

/// Runs a read of the directory off the async threads: a folder on a network mount,
/// or a large file, must not hold up other requests.
async fn on_disk<T: Send + 'static>(
    dir: &Arc<ArticleDir>,
    read: impl FnOnce(&ArticleDir) -> Result<T, String> + Send + 'static,
) -> DomainResult<T> {
    let dir = dir.clone();
    tokio::task::spawn_blocking(move || read(&dir))
        .await
        .map_err(|e| DomainError::Storage(e.to_string()))?
        .map_err(DomainError::Storage)
}

impl Db {
    /// Where OTRS put the article's files (`article_data_mime.content_path`).
    async fn content_path(&self, article_id: ArticleId) -> DomainResult<Option<String>> {
        let sql = "SELECT content_path FROM article_data_mime WHERE article_id = ?";
        let row = self.conn.query_one_raw(self.stmt(sql, [article_id.into()])).await.map_err(to_domain)?;
        Ok(row.map(|r| opt_text(&r, "content_path")).transpose()?.flatten())
    }

    pub(crate) async fn plain_on_disk(&self, article_id: ArticleId) -> DomainResult<Option<Vec<u8>>> {
        let Some(dir) = &self.article_dir else { return Ok(None) };
        let Some(path) = self.content_path(article_id).await? else { return Ok(None) };
        on_disk(dir, move |d| d.plain(&path, article_id)).await
    }

    pub(crate) async fn attachment_on_disk(
        &self,
        article_id: ArticleId,
        position: u16,
    ) -> DomainResult<Option<(Attachment, Vec<u8>)>> {
        let Some(dir) = &self.article_dir else { return Ok(None) };
        let Some(path) = self.content_path(article_id).await? else { return Ok(None) };
        on_disk(dir, move |d| {
            let files = d.files(&path, article_id)?;
            let Some(file) = files.into_iter().find(|f| f.position == position) else { return Ok(None) };
            let content = file.content()?;
            Ok(Some((attachment(article_id, &file), content)))
        })
        .await
    }

    /// Fills in, for articles the database has no files of, what their folders hold: the
    /// attachments, and whether the message as it arrived is there. `content_paths`
    /// names each article's folder.
    pub(crate) async fn complete_from_disk(
        &self,
        articles: &mut [Article],
        content_paths: HashMap<ArticleId, String>,
    ) -> DomainResult<()> {
        let Some(dir) = &self.article_dir else { return Ok(()) };
        let wanted: Vec<(ArticleId, String, bool, bool)> = articles
            .iter()
            .filter(|a| a.attachments.is_empty() || !a.has_source)
            .filter_map(|a| {
                let path = content_paths.get(&a.id)?.clone();
                Some((a.id, path, a.attachments.is_empty(), !a.has_source))
            })
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let found = on_disk(dir, move |d| {
            let mut found = Vec::with_capacity(wanted.len());
            for (id, path, files, plain) in wanted {
                let files = if files { d.files(&path, id)? } else { Vec::new() };
                let plain = plain && d.has_plain(&path, id);
                found.push((id, files, plain));
            }
            Ok(found)
        })
        .await?;
        for (id, files, plain) in found {
            if let Some(article) = articles.iter_mut().find(|a| a.id == id) {
                article.attachments.extend(files.iter().map(|f| attachment(id, f)));
                article.has_source |= plain;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disk_id_names_the_article_and_the_place_of_the_file() {
        let id = disk_id(123_456_789, 3);
        assert!(id < 0);
        assert_eq!(from_disk_id(id), Some((123_456_789, 3)));
        assert_eq!(from_disk_id(42), None);
    }
}
