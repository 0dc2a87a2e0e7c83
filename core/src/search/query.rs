//! The search language agents type, on the pages, in the API's `text=` and in the
//! GenericInterface's TicketSearch:
//!
//! - `printer berlin`: every word somewhere in the ticket, in any order and case;
//! - `"paper jam"`: these words one after the other;
//! - `print*`: a word beginning so;
//! - `-spam`: no such word in the ticket (also `-"a phrase"`, `-field:value`);
//! - `subject:invoice`, `from:"example.com"`: the field contains that text.
//!
//! Anything else is text: `error: disk full` looks for the three words, a quote left
//! open runs to the end. Parsing never fails; only a query too long to run is refused.

use std::fmt;

use strum::{EnumString, IntoStaticStr};

use super::words::words;
use crate::{DomainError, DomainResult};

/// More terms than this are refused: each costs the database a look into the index.
pub const MAX_TERMS: usize = 24;

/// The fields `field:value` looks into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum SearchField {
    /// The ticket number.
    Number,
    Title,
    /// The customer user's login or the customer id.
    Customer,
    From,
    To,
    Subject,
    Body,
    /// An attachment's file name.
    Attachment,
    Queue,
    State,
    /// The owner's login.
    Owner,
}

/// Words looked up in the index, folded as the index folds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Word(String),
    /// A word beginning with these letters.
    Prefix(String),
    /// Words one after the other.
    Phrase(Vec<String>),
}

impl Pattern {
    /// Whether `text_words` (a document's words, in order) holds the pattern.
    pub fn found_in(&self, text_words: &[String]) -> bool {
        match self {
            Self::Word(w) => text_words.iter().any(|t| t == w),
            Self::Prefix(p) => text_words.iter().any(|t| t.starts_with(p.as_str())),
            Self::Phrase(ws) => text_words.windows(ws.len()).any(|window| window == ws.as_slice()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Words(Pattern),
    /// The field's text contains the value (case-insensitive), as typed.
    Field(SearchField, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm {
    pub negated: bool,
    pub term: Term,
}

/// A parsed search. Shown back as it was typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    typed: String,
    terms: Vec<SearchTerm>,
}

impl SearchQuery {
    /// Parses what was typed; refused only with more than [`MAX_TERMS`] terms.
    pub fn parse(typed: &str) -> DomainResult<Self> {
        let terms = Lexer { rest: typed.trim() }.collect::<Vec<_>>();
        if terms.len() > MAX_TERMS {
            return Err(DomainError::invalid(
                "text",
                format!("a search may have at most {MAX_TERMS} words, phrases and fields; it has {}", terms.len()),
            ));
        }
        Ok(Self { typed: typed.trim().to_string(), terms })
    }

    /// True when nothing would narrow the tickets (blank, or only punctuation).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn terms(&self) -> &[SearchTerm] {
        &self.terms
    }

    /// The patterns a ticket must hold, or with `negated` those it must not.
    pub fn patterns(&self, negated: bool) -> impl Iterator<Item = &Pattern> {
        self.terms.iter().filter(move |t| t.negated == negated).filter_map(|t| match &t.term {
            Term::Words(p) => Some(p),
            Term::Field(..) => None,
        })
    }

    /// The field conditions, each with whether it is negated.
    pub fn fields(&self) -> impl Iterator<Item = (bool, SearchField, &str)> {
        self.terms.iter().filter_map(|t| match &t.term {
            Term::Field(f, v) => Some((t.negated, *f, v.as_str())),
            Term::Words(_) => None,
        })
    }
}

impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.typed)
    }
}

/// Cuts typed text into terms, left to right.
struct Lexer<'a> {
    rest: &'a str,
}

impl Lexer<'_> {
    /// Up to the closing quote (or the end), after an opening one.
    fn quoted(&mut self) -> String {
        let (inside, rest) = self.rest.split_once('"').unwrap_or((self.rest, ""));
        self.rest = rest;
        inside.to_string()
    }

    /// Up to the next blank.
    fn bare(&mut self) -> String {
        let end = self.rest.find(char::is_whitespace).unwrap_or(self.rest.len());
        let (chunk, rest) = self.rest.split_at(end);
        self.rest = rest;
        chunk.to_string()
    }

    fn pattern(text: &str, prefix: bool) -> Option<Pattern> {
        let mut ws: Vec<String> = words(text).collect();
        match ws.len() {
            0 => None,
            1 if prefix => ws.pop().map(Pattern::Prefix),
            1 => ws.pop().map(Pattern::Word),
            _ => Some(Pattern::Phrase(ws)),
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = SearchTerm;

    fn next(&mut self) -> Option<SearchTerm> {
        loop {
            self.rest = self.rest.trim_start();
            if self.rest.is_empty() {
                return None;
            }
            let negated = self.rest.len() > 1 && self.rest.starts_with('-');
            if negated {
                self.rest = &self.rest[1..];
            }
            if let Some(rest) = self.rest.strip_prefix('"') {
                self.rest = rest;
                let phrase = self.quoted();
                if let Some(p) = Self::pattern(&phrase, false) {
                    return Some(SearchTerm { negated, term: Term::Words(p) });
                }
                continue;
            }
            let field = self
                .rest
                .split_once(':')
                .filter(|(name, value)| !name.contains(char::is_whitespace) && !value.starts_with(char::is_whitespace))
                .and_then(|(name, _)| name.parse::<SearchField>().ok().map(|f| (f, name.len())));
            if let Some((field, name_len)) = field {
                self.rest = &self.rest[name_len + 1..];
                let value = match self.rest.strip_prefix('"') {
                    Some(rest) => {
                        self.rest = rest;
                        self.quoted()
                    }
                    None => self.bare(),
                };
                if !value.trim().is_empty() {
                    return Some(SearchTerm { negated, term: Term::Field(field, value.trim().to_string()) });
                }
                continue;
            }
            let chunk = self.bare();
            if let Some(p) = Self::pattern(&chunk, chunk.ends_with('*')) {
                return Some(SearchTerm { negated, term: Term::Words(p) });
            }
        }
    }
}

/// Whether a field's text holds the value, without regard to case: what the SQL stores
/// test with `LOWER(…) LIKE`.
pub fn field_contains(field_text: &str, value: &str) -> bool {
    field_text.to_lowercase().contains(&value.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(typed: &str) -> Vec<SearchTerm> {
        SearchQuery::parse(typed).unwrap().terms
    }

    fn word(w: &str) -> SearchTerm {
        SearchTerm { negated: false, term: Term::Words(Pattern::Word(w.into())) }
    }

    #[test]
    fn words_in_any_case_and_with_accents_are_folded() {
        assert_eq!(terms("  Drucker  MÜNCHEN "), [word("drucker"), word("munchen")]);
    }

    #[test]
    fn quotes_make_a_phrase_and_a_quote_left_open_runs_to_the_end() {
        let phrase = |ws: &[&str]| Term::Words(Pattern::Phrase(ws.iter().map(|w| w.to_string()).collect()));
        assert_eq!(
            terms(r#""Paper jam" tray"#),
            [SearchTerm { negated: false, term: phrase(&["paper", "jam"]) }, word("tray")]
        );
        assert_eq!(terms(r#"tray "paper jam"#)[1].term, phrase(&["paper", "jam"]));
        // Joined words are a phrase too: an error code is found as it was written.
        assert_eq!(terms("E-4711")[0].term, phrase(&["e", "4711"]));
    }

    #[test]
    fn a_minus_excludes_and_a_star_makes_a_prefix() {
        let t = terms("print* -spam -\"out of office\" -queue:Junk");
        assert_eq!(t[0], SearchTerm { negated: false, term: Term::Words(Pattern::Prefix("print".into())) });
        assert_eq!(t[1], SearchTerm { negated: true, term: Term::Words(Pattern::Word("spam".into())) });
        assert!(t[2].negated && matches!(&t[2].term, Term::Words(Pattern::Phrase(ws)) if ws.len() == 3));
        assert_eq!(t[3], SearchTerm { negated: true, term: Term::Field(SearchField::Queue, "Junk".into()) });
        // A lone minus is punctuation.
        assert_eq!(terms("a - b"), [word("a"), word("b")]);
    }

    #[test]
    fn known_fields_take_a_value_and_anything_else_with_a_colon_is_words() {
        let t = terms(r#"Subject:invoice from:"Ann Smith" error: disk ticket:7"#);
        assert_eq!(t[0].term, Term::Field(SearchField::Subject, "invoice".into()));
        assert_eq!(t[1].term, Term::Field(SearchField::From, "Ann Smith".into()));
        assert_eq!(t[2], word("error"));
        assert_eq!(t[3], word("disk"));
        assert_eq!(t[4].term, Term::Words(Pattern::Phrase(vec!["ticket".into(), "7".into()])));
    }

    #[test]
    fn blank_and_punctuation_narrow_nothing_and_too_many_terms_are_refused() {
        assert!(SearchQuery::parse("  ").unwrap().is_empty());
        assert!(SearchQuery::parse("?! \"\" title:").unwrap().is_empty());
        let many = vec!["w"; MAX_TERMS + 1].join(" ");
        assert!(matches!(SearchQuery::parse(&many), Err(DomainError::Invalid { field: "text", .. })));
        assert_eq!(SearchQuery::parse(" a  b ").unwrap().to_string(), "a  b");
    }

    #[test]
    fn patterns_are_found_in_words_in_order() {
        let text: Vec<String> = words("The paper jam in tray 2").collect();
        assert!(Pattern::Phrase(vec!["paper".into(), "jam".into()]).found_in(&text));
        assert!(!Pattern::Phrase(vec!["jam".into(), "paper".into()]).found_in(&text));
        assert!(Pattern::Prefix("tra".into()).found_in(&text));
        assert!(!Pattern::Word("tra".into()).found_in(&text));
        assert!(field_contains("Rechnung für Müller", "MÜLLER"));
        assert!(!field_contains("Rechnung", "rechnungen"));
    }
}
