//! Mail: what the postmaster makes of a message that arrives (a new ticket, a
//! follow-up, or nothing), decided by OTRS's rules, and the job that sends what leaves
//! (queued with its article, see `tickets::outgoing`). Reading and writing MIME and
//! talking SMTP are adapters' work; this module only sees their results.

mod auto_response;
mod fetcher;
mod filters;
mod html_text;
mod inbound;
mod postmaster;
mod sender;
mod signals;

pub use auto_response::MAX_AUTOMATIC_PER_DAY;
pub use fetcher::{FetchRun, MailFetcher};
pub use filters::{FilterMatch, PostmasterFilter};
pub(crate) use html_text::escape_html;
pub use html_text::html_of_plain;
pub use inbound::InboundMail;
pub use postmaster::{Answer, Delivered, Delivery, Postmaster, PostmasterPorts, Route};
pub use sender::{MailSender, RetryPolicy, SendRun};
pub use signals::Signals;
