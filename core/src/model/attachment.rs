use super::{ArticleId, FileBytes, Spooled};
use crate::content_type::{clean_filename, sniff};

/// A file attached to an article (OTRS `article_data_mime_attachment`), without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attachment {
    pub id: i64,
    pub article_id: ArticleId,
    pub filename: String,
    /// What the bytes are, as goats sniffed them when they arrived.
    pub content_type: String,
    pub size: u64,
    /// `attachment`, or `inline` for images a mail body shows.
    pub disposition: String,
}

/// A file to attach to a new article. Built only through [`NewAttachment::new`], which
/// cleans the name and takes the type from the bytes, never from the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    filename: String,
    content_type: String,
    /// Shared, not copied, when the article is (a new ticket's article is cloned for
    /// each attempt at a ticket number).
    content: FileBytes,
}

impl NewAttachment {
    pub fn new(filename: &str, content: Vec<u8>) -> Self {
        Self { filename: clean_filename(filename), content_type: sniff(&content), content: content.into() }
    }

    /// The same file, its bytes now held by the store (the postmaster spools a large
    /// mail's files before storing its article).
    pub(crate) fn spooled_as(&mut self, spooled: Spooled) {
        self.content = FileBytes::Spooled(spooled);
    }

    pub fn filename(&self) -> &str {
        &self.filename
    }

    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    pub fn content(&self) -> &FileBytes {
        &self.content
    }

    pub fn size(&self) -> u64 {
        self.content.len()
    }
}
