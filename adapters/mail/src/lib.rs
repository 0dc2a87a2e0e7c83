//! goats' mail adapter. In: an arriving message's bytes read into the
//! [`InboundMail`](goats_core::mail::InboundMail) the postmaster decides on; parsing is
//! mail-parser's (MIME trees, nested messages, every charset encoding_rs knows, both
//! transfer encodings), and what cannot be read is never a failure: a broken message
//! still gives what could be read, and its bytes are kept whole. Out: messages written
//! as MIME and handed to an SMTP server, both with lettre. Mail accounts: read over
//! IMAP with async-imap and POP3 with async-pop. Mail servers deliver to its [`lmtp`]
//! server.

mod compose;
mod imap;
pub mod lmtp;
mod mailboxes;
mod parse;
mod pop3;
mod smtp;
mod tls;

pub use compose::Composer;
pub use mailboxes::Mailboxes;
pub use parse::parse;
pub use smtp::{SmtpSecurity, SmtpSettings, SmtpTransport};
