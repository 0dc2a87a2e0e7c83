//! Core services wired to one database, as the black-box tests use them.

use std::sync::Arc;

use goats_core::ports::Clock;
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::{TicketPorts, TicketService};
use goats_sql::Db;

/// The ticket ports, every one `db`.
pub fn ticket_ports(db: &Db, clock: Arc<dyn Clock>) -> TicketPorts {
    let p = Arc::new(db.clone());
    TicketPorts {
        tickets: p.clone(),
        articles: p.clone(),
        lookups: p.clone(),
        agents: p.clone(),
        counter: p.clone(),
        dynamic_fields: p.clone(),
        services: p.clone(),
        settings: p.clone(),
        seen: p,
        clock,
    }
}

/// A ticket service whose every port is `db`, with default ticket numbers.
pub fn ticket_service(db: &Db, clock: Arc<dyn Clock>) -> TicketService {
    TicketService::new(ticket_ports(db, clock), TicketNumberConfig::default())
}
