//! Wiring: connect the configured adapters and build the services over them.

use std::sync::Arc;

use goats_core::ports::SystemClock;
use goats_core::ticket_service::{TicketPorts, TicketService};
use goats_sql::{Db, MigrationOutcome};

use crate::bootstrap;
use crate::config::Config;
use crate::error::AppError;

/// A running goats: its configuration, storage and services.
pub struct App {
    pub config: Config,
    pub db: Db,
    pub tickets: Arc<TicketService>,
}

impl App {
    /// Connects to the database, brings its schema up to date, and on a brand-new
    /// database sets the first admin password.
    pub async fn start(config: Config) -> Result<Self, AppError> {
        let db = Db::connect(&config.database.url).await?;
        let outcome = goats_sql::migrate(&db).await?;
        match &outcome {
            MigrationOutcome::Created => {
                tracing::info!(database = %goats_sql::mask_url(&config.database.url), "created a new goats database");
                bootstrap::set_initial_admin_password(&db).await?;
            }
            MigrationOutcome::AdoptedOtrs => tracing::info!("found an OTRS schema; added goats' own tables beside it"),
            MigrationOutcome::Upgraded { from, to } => tracing::info!(from, to, "upgraded goats' tables"),
            MigrationOutcome::UpToDate => {}
        }
        let store = Arc::new(db.clone());
        let ports = TicketPorts {
            tickets: store.clone(),
            articles: store.clone(),
            lookups: store.clone(),
            agents: store.clone(),
            counter: store,
            clock: Arc::new(SystemClock),
        };
        let tickets = Arc::new(TicketService::new(ports, config.tickets.numbers()));
        Ok(Self { config, db, tickets })
    }
}
