//! Mail as it arrives, read into the [`InboundMail`] the postmaster decides on. Parsing
//! is mail-parser's: MIME trees, nested messages, every charset encoding_rs knows and
//! both transfer encodings. What cannot be read is never a failure: a message with a
//! broken structure still gives what could be read, and its bytes are kept whole.

mod parse;

pub use parse::parse;
