//! A form read as text, for forms that repeat a field (one per ticked box), which the
//! typed form extractor cannot hold, and for forms that may carry files.

use goats_core::model::NewAttachment;
use poem::http::header;
use poem::{Body, FromRequest, Request};

pub struct FormText(Vec<(String, String)>);

impl FormText {
    pub fn parse(body: &str) -> Self {
        Self(url::form_urlencoded::parse(body.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// A field as typed (passwords keep their spaces); empty when absent.
    pub fn raw(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// A text field, trimmed.
    pub fn get(&self, name: &str) -> String {
        self.raw(name).trim().to_string()
    }

    /// Every value of a repeated field, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Why a posted form could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Larger than `limit`: refused before reading.
    TooLarge,
    /// Not a form, or cut off.
    Malformed,
}

/// A form with files, sent as `multipart/form-data` (HTMX does so whenever the form has
/// a file input) or url-encoded (no files): its text fields, and the files of the
/// `files_field` inputs. At most `limit` bytes are read.
pub async fn with_files(
    req: &Request,
    body: Body,
    files_field: &str,
    limit: u64,
) -> Result<(FormText, Vec<NewAttachment>), Unreadable> {
    let content_type = req.header(header::CONTENT_TYPE).unwrap_or_default().to_string();
    let length: u64 = req.header(header::CONTENT_LENGTH).and_then(|v| v.parse().ok()).unwrap_or(0);
    if length > limit {
        return Err(Unreadable::TooLarge);
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if !content_type.starts_with("multipart/form-data") {
        let bytes = body.into_bytes_limit(limit).await.map_err(|_| Unreadable::TooLarge)?;
        let text =
            FormText(url::form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect());
        return Ok((text, Vec::new()));
    }
    let mut multipart = poem::web::Multipart::from_request(req, &mut poem::RequestBody::new(body))
        .await
        .map_err(|_| Unreadable::Malformed)?;
    let (mut text, mut files) = (Vec::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(|_| Unreadable::Malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == files_field {
            let filename = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| Unreadable::Malformed)?;
            // An empty file input still sends one nameless, empty part.
            if !filename.is_empty() || !bytes.is_empty() {
                files.push(NewAttachment::new(&filename, bytes));
            }
            continue;
        }
        text.push((name, field.text().await.map_err(|_| Unreadable::Malformed)?));
    }
    Ok((FormText(text), files))
}
