//! Full-text search: the language agents search in ([`query`]) and the words a ticket is
//! found by ([`words`]). The index itself lives behind the ticket store: each store
//! keeps it in the same transaction as the ticket and its articles.

pub mod query;
pub mod snippet;
pub mod words;

pub use query::{MAX_TERMS, Pattern, SearchField, SearchQuery, SearchTerm, Term, field_contains};
pub use snippet::{Snippet, SnippetPart};
pub use words::{MAX_INDEXED_CHARS, fold, index_text, words};
