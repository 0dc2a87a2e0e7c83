//! Mail that arrives: what the postmaster makes of it (a new ticket, a follow-up, or
//! nothing), decided by OTRS's rules. Reading the message's bytes into an
//! [`InboundMail`] is an adapter's work; this module only sees the result.

mod inbound;
mod postmaster;
mod signals;

pub use inbound::InboundMail;
pub use postmaster::{Delivery, Postmaster, PostmasterPorts, Route};
pub use signals::Signals;
