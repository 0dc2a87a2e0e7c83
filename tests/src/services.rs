//! Core services wired to one database, as the black-box tests use them.

use std::sync::Arc;

use goats_core::ports::Clock;
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::{TicketPorts, TicketService};
use goats_sql::Db;

/// A ticket service whose every port is `db`, with default ticket numbers.
pub fn ticket_service(db: &Db, clock: Arc<dyn Clock>) -> TicketService {
    let p = Arc::new(db.clone());
    TicketService::new(
        TicketPorts {
            tickets: p.clone(),
            articles: p.clone(),
            lookups: p.clone(),
            agents: p.clone(),
            counter: p,
            clock,
        },
        TicketNumberConfig::default(),
    )
}
