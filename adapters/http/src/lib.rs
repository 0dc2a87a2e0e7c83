//! The goats HTTP edge, on poem: the agent interface (HTMX pages), the REST API
//! (poem-openapi) under `/api`, OTRS's GenericTicketConnectorREST for existing
//! integrations, and the health checks that process supervisors and load balancers ask —
//! `/healthz` (the process runs) and `/readyz` (it can serve: the database answers).
//! Which path each of them answers, and behind which middleware, is declared in the
//! route files (`routes/**/*.yaml`), loaded by [`routing`].

pub mod api;
pub mod client_addr;
mod generic_interface;
mod health;
pub mod metrics;
pub mod routing;
pub mod web;

use std::sync::Arc;

use goats_core::admin::AdminService;
use goats_core::api_tokens::ApiTokens;
use goats_core::auth::AuthService;
use goats_core::ports::{
    AgentRepository, CustomerRepository, DeliveryJournal, LiveFeed, LookupRepository, PreferenceStore, Readiness,
    ScheduleStore,
};
use goats_core::tickets::TicketService;
use goats_core::web_session::WebSessions;

pub use api::tokens::AccessTokens;

/// What the HTTP edge needs from the application.
#[derive(Clone)]
pub struct AppState {
    /// Every backing service a request may need: `/readyz` asks each.
    pub readiness: Vec<Arc<dyn Readiness>>,
    pub tickets: Arc<TicketService>,
    pub auth: Arc<AuthService>,
    pub access_tokens: Arc<AccessTokens>,
    pub api_tokens: Arc<ApiTokens>,
    pub lookups: Arc<dyn LookupRepository>,
    pub agents: Arc<dyn AgentRepository>,
    pub customers: Arc<dyn CustomerRepository>,
    pub sessions: Arc<WebSessions>,
    /// Customers' sessions in the portal, apart from agents'.
    pub customer_sessions: Arc<WebSessions<String>>,
    pub preferences: Arc<dyn PreferenceStore>,
    pub schedule: Arc<dyn ScheduleStore>,
    /// The feed of events the agents' browsers follow.
    pub live: Arc<dyn LiveFeed>,
    pub deliveries: Arc<dyn DeliveryJournal>,
    pub admin: Arc<AdminService>,
    pub mail_admin: Arc<goats_core::admin::mail::MailAdmin>,
    pub field_admin: Arc<goats_core::admin::fields::FieldAdmin>,
    /// Each agent's notification settings and "My Queues".
    pub notification_choices: Arc<goats_core::agent_notifications::NotificationChoices>,
    pub notification_admin: Arc<goats_core::admin::notifications::NotificationAdmin>,
    /// Customers' own names and languages (the portal's settings).
    pub customer_profiles: Arc<goats_core::customer_profile::CustomerProfiles>,
    /// Agents' out-of-office periods and substitutes.
    pub out_of_office: Arc<goats_core::out_of_office::OutOfOfficeService>,
    /// The proxies whose forwarding headers name the client (login throttling, logs).
    pub trusted_proxies: client_addr::TrustedProxies,
    /// `/metrics`, when a token is configured.
    pub metrics: Option<std::sync::Arc<metrics::MetricsAccess>>,
}

/// The server's routes from the route files built into goats: for tests and embedders
/// that do not read a `routes/` folder.
pub fn router(state: AppState) -> routing::reload::LiveRoutes {
    let registry = routing::handlers::standard();
    let table = routing::builtin_table(&registry);
    routing::reload::LiveRoutes::new(&table, registry, state, &routing::RouteSource::Builtin)
}
