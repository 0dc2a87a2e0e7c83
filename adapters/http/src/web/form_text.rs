//! A url-encoded form read as text, for forms that repeat a field (one per ticked box),
//! which the typed form extractor cannot hold.

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
