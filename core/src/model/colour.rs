//! The colour a state or priority is shown in (OTRS's `ticket_state.color` and
//! `ticket_priority.color`).

use std::fmt;

/// `#` and six hexadecimal digits, as OTRS's admin writes it (`#3DD598`). Only such a
/// value is ever painted: a live OTRS database may hold anything in the column, and
/// what is not a colour is shown as none.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Colour(String);

impl Colour {
    /// The colour written as `#rrggbb` (either case; kept as written), or `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let digits = text.strip_prefix('#')?;
        (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Self(text.to_string()))
    }

    /// What a new state gets unless the admin chooses (OTRS's grey of `removed`).
    pub fn new_state() -> Self {
        Self("#8D8D9B".into())
    }

    /// What a new priority gets unless the admin chooses (OTRS's `3 normal`).
    pub fn new_priority() -> Self {
        Self("#cdcdcd".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hash_and_six_hex_digits_are_colours() {
        assert_eq!(Colour::parse(" #3DD598 ").map(|c| c.to_string()), Some("#3DD598".into()));
        assert_eq!(Colour::parse("#cdcdcd").map(|c| c.to_string()), Some("#cdcdcd".into()));
        for no in ["", "#", "3DD598", "#3DD59", "#3DD5988", "#GGGGGG", "red", "url(#x)", "#12345\u{0660}"] {
            assert_eq!(Colour::parse(no), None, "{no}");
        }
    }
}
