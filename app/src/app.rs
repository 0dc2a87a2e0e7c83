//! Wiring: connect the configured adapters and build the services over them.

use std::sync::Arc;

use chrono::Duration;
use goats_core::admin::fields::FieldAdmin;
use goats_core::admin::mail::{MailAdmin, MailAdminPorts};
use goats_core::admin::notifications::NotificationAdmin;
use goats_core::admin::{AdminPorts, AdminService};
use goats_core::agent_notifications::NotificationChoices;
use goats_core::api_tokens::ApiTokens;
use goats_core::auth::{AuthService, new_secret};
use goats_core::cached::{CachedLookups, CachedPeople, CachedPreferences};
use goats_core::calendar::Calendars;
use goats_core::customer_profile::CustomerProfiles;
use goats_core::mail::{Postmaster, PostmasterPorts};
use goats_core::out_of_office::OutOfOfficeService;
use goats_core::ports::{AloneInstance, Clock, SettingsStore, StaleNotices, SystemClock};
use goats_core::ports::{DeliveryJournal, NotificationChannel};
use goats_core::tickets::{TicketPorts, TicketService};
use goats_core::web_session::{SessionTimeouts, WebSessions};
use goats_http::{AccessTokens, AppState};
use goats_notify::{ChannelFilter, Dispatcher, ToastHub};
use goats_sql::{Db, MigrationOutcome};
use goats_valkey::{ValkeyFailures, ValkeySessions};

use crate::config::Config;
use crate::error::AppError;
use crate::shared::{Caches, Shared};
use crate::{bootstrap, notifications};

/// The `goats_setting` row holding the generated access-token key.
const JWT_KEY_SETTING: &str = "auth.jwt_key";

/// A running goats: its configuration, storage and services.
/// How long a cached lookup, agent, grant or preference serves before it is read again:
/// how soon this instance sees what an admin changed on another one. Its own changes it
/// sees at once.
const CACHE_TTL: Duration = Duration::seconds(10);

/// How long a ticket, a list page or a list's total serves from memory: changes through
/// this instance (its services and its scheduled jobs) show at once, other instances'
/// within this.
const READ_CACHE_TTL: Duration = Duration::seconds(5);

/// How long a browser session read from the database serves this instance's requests: a
/// logout through this instance ends it at once, one through another instance within this.
const SESSION_KEEP: Duration = Duration::seconds(2);

pub struct App {
    pub config: Config,
    pub db: Db,
    /// The database behind the read caches every service shares (see `goats_core::cached`).
    pub lookups: Arc<CachedLookups>,
    pub people: Arc<CachedPeople>,
    pub preferences: Arc<CachedPreferences>,
    pub tickets: Arc<TicketService>,
    /// Where arriving mail goes: new tickets and follow-ups.
    pub postmaster: Arc<Postmaster>,
    pub auth: Arc<AuthService>,
    pub access_tokens: Arc<AccessTokens>,
    pub sessions: Arc<WebSessions>,
    /// Customers' sessions in the portal (`/customer`).
    pub customer_sessions: Arc<WebSessions<String>>,
    /// Administration, for the API, the admin pages and the command line alike.
    pub admin: Arc<AdminService>,
    /// Where services and jobs publish events: it hands them to the channels.
    pub events: Arc<Dispatcher>,
    /// The in-app channel the agents' browsers follow.
    pub live: Arc<ToastHub>,
    pub deliveries: Arc<dyn DeliveryJournal>,
    pub calendars: Calendars,
    /// What `/metrics` writes out, when a token is configured.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Valkey and the tasks following the other instances, when configured.
    pub shared: Option<Shared>,
}

/// What a program embedding goats adds to it: its own notification channels, each with
/// the events it takes.
#[derive(Default, Clone)]
pub struct Extensions {
    channels: Vec<(Arc<dyn NotificationChannel>, ChannelFilter)>,
}

impl Extensions {
    pub fn channels(&self) -> &[(Arc<dyn NotificationChannel>, ChannelFilter)] {
        &self.channels
    }

    pub fn channel(mut self, channel: Arc<dyn NotificationChannel>, filter: ChannelFilter) -> Self {
        self.channels.push((channel, filter));
        self
    }
}

/// How many database connections an [`App`] keeps.
enum Connections {
    Pool,
    Single,
}

impl App {
    /// Connects to the database, brings its schema up to date, and on a brand-new
    /// database sets the first admin password.
    pub async fn start(config: Config) -> Result<Self, AppError> {
        Self::start_with(config, &Extensions::default()).await
    }

    /// [`Self::start`] for a command that handles one thing and ends (`goats mail
    /// ingest`): one database connection, as its work runs one statement at a time.
    pub async fn start_single(config: Config) -> Result<Self, AppError> {
        Self::start_on(config, &Extensions::default(), Connections::Single).await
    }

    /// [`Self::start`], with a program's own additions.
    pub async fn start_with(config: Config, extensions: &Extensions) -> Result<Self, AppError> {
        Self::start_on(config, extensions, Connections::Pool).await
    }

    async fn start_on(mut config: Config, extensions: &Extensions, connections: Connections) -> Result<Self, AppError> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        // Before any cache is made: each takes its counters when it is.
        let metrics = config.metrics.token.as_ref().and_then(|_| crate::metrics::recorder());
        // Before the database is touched: a Valkey that does not answer changes nothing.
        let mut shared = Shared::connect(&config.valkey, config.notifications.live_buffer).await?;
        let db = match connections {
            Connections::Pool => Db::connect(&config.database.url).await?,
            Connections::Single => Db::connect_single(&config.database.url).await?,
        }
        .with_clock(clock.clone());
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
        crate::config::otrs_settings::adopt(&mut config, &db).await?;
        let db = match &config.tickets.article_dir {
            Some(dir) => {
                db.with_article_dir(goats_sql::ArticleDir::open(dir, "article directory").map_err(AppError::Config)?)
            }
            None => db,
        };
        let others: Arc<dyn StaleNotices> = match &shared {
            Some(shared) => shared.notices(),
            None => Arc::new(AloneInstance),
        };
        let store = Arc::new(db.clone());
        let lookups = Arc::new(CachedLookups::new(store.clone(), CACHE_TTL, clock.clone()).announcing(others.clone()));
        let people = Arc::new(
            CachedPeople::new(store.clone(), store.clone(), CACHE_TTL, clock.clone()).announcing(others.clone()),
        );
        let preferences =
            Arc::new(CachedPreferences::new(store.clone(), CACHE_TTL, clock.clone()).announcing(others.clone()));
        let ports = TicketPorts {
            tickets: store.clone(),
            articles: store.clone(),
            lookups: lookups.clone(),
            agents: people.clone(),
            counter: store.clone(),
            dynamic_fields: store.clone(),
            services: store.clone(),
            settings: store.clone(),
            seen: store.clone(),
            clock: clock.clone(),
        };
        let calendars = config.calendars()?;
        let deliveries: Arc<dyn DeliveryJournal> = Arc::new(db.clone());
        let live = Arc::new(ToastHub::new(config.notifications.live_buffer));
        // With several instances, events go into the stream they all follow into `live`.
        let feed: Arc<dyn NotificationChannel> = match &shared {
            Some(shared) => shared.feed(),
            None => live.clone(),
        };
        let agents = notifications::agent_notifier(
            &config,
            &db,
            (lookups.clone(), people.clone(), people.clone()),
            preferences.clone(),
            &feed,
            clock.clone(),
        );
        let events =
            Arc::new(notifications::dispatcher(&config.notifications, &db, &feed, &deliveries, agents, extensions)?);
        let tickets = Arc::new(
            TicketService::new(ports, config.tickets.numbers())
                .with_read_cache(READ_CACHE_TTL)
                .with_attachment_limit(config.tickets.max_attachment_mb * 1024 * 1024)
                .with_events(events.clone())
                .with_outgoing_mail(Arc::new(goats_mail::Composer), store.clone())
                .announcing(others),
        );
        let postmaster = Arc::new(Postmaster::new(
            PostmasterPorts {
                tickets: store.clone(),
                articles: store.clone(),
                lookups: lookups.clone(),
                customers: store.clone(),
                responses: store.clone(),
                filters: store.clone(),
                spool: store.clone(),
                clock: clock.clone(),
            },
            tickets.clone(),
            config.tickets.numbers(),
        ));
        let cpu = Arc::new(crate::cpu::BlockingThreads);
        let admin = Arc::new(AdminService::new(AdminPorts {
            lookups: lookups.clone(),
            groups: people.clone(),
            agents: people.clone(),
            customers: store.clone(),
            cpu: cpu.clone(),
            addresses: store.clone(),
            texts: store.clone(),
            services: store.clone(),
            settings: store.clone(),
            templates: store.clone(),
        }));
        let refresh_ttl = Duration::days(config.auth.refresh_token_days);
        let mut auth =
            AuthService::new(people.clone(), people.clone(), store.clone(), store, clock.clone(), refresh_ttl)
                .with_cpu(cpu);
        if let Some(shared) = &shared {
            auth = auth.with_failures(Arc::new(ValkeyFailures::new(shared.valkey.clone())));
        }
        let auth = Arc::new(auth);
        let key = match &config.auth.jwt_secret {
            Some(k) => k.clone(),
            None => db.get_or_insert(JWT_KEY_SETTING, &new_secret()).await?,
        };
        let access_tokens =
            Arc::new(AccessTokens::new(key.as_bytes(), Duration::minutes(config.auth.access_token_minutes)));
        let timeouts = SessionTimeouts {
            idle: Duration::minutes(config.auth.session_idle_minutes),
            absolute: Duration::hours(config.auth.session_absolute_hours),
        };
        // In Valkey, a session is read on every request (as cheap as a lookup in memory),
        // so a logout ends it on every instance at once.
        let (sessions, customer_sessions) = match shared.as_ref().map(|s| &s.valkey) {
            Some(v) => (
                WebSessions::new(Arc::new(ValkeySessions::new(v.clone(), timeouts)), clock.clone(), timeouts),
                WebSessions::new(Arc::new(ValkeySessions::new(v.clone(), timeouts)), clock.clone(), timeouts),
            ),
            None => (
                WebSessions::new(Arc::new(db.clone()), clock.clone(), timeouts).keep_for(SESSION_KEEP),
                WebSessions::new(Arc::new(db.clone()), clock.clone(), timeouts).keep_for(SESSION_KEEP),
            ),
        };
        let (sessions, customer_sessions) = (Arc::new(sessions), Arc::new(customer_sessions));
        if let Some(shared) = &mut shared {
            let caches = Caches {
                lookups: lookups.clone(),
                people: people.clone(),
                preferences: preferences.clone(),
                tickets: tickets.clone(),
            };
            shared.follow(caches, live.clone()).await?;
        }
        Ok(Self {
            config,
            db,
            lookups,
            people,
            preferences,
            tickets,
            postmaster,
            auth,
            access_tokens,
            sessions,
            customer_sessions,
            admin,
            events,
            live,
            deliveries,
            calendars,
            metrics,
            shared,
        })
    }

    /// Ends a command or a server: what it changed reaches the other instances before
    /// the connections close.
    pub async fn close(self) {
        if let Some(shared) = &self.shared {
            shared.flush().await;
        }
        self.db.close().await;
    }

    /// What the HTTP edge serves from.
    pub fn http_state(&self) -> AppState {
        let store = Arc::new(self.db.clone());
        AppState {
            readiness: std::iter::once(store.clone() as Arc<dyn goats_core::ports::Readiness>)
                .chain(self.shared.as_ref().map(|s| Arc::new(s.valkey.clone()) as _))
                .collect(),
            tickets: self.tickets.clone(),
            auth: self.auth.clone(),
            access_tokens: self.access_tokens.clone(),
            api_tokens: Arc::new(ApiTokens::new(store.clone(), Arc::new(SystemClock))),
            lookups: self.lookups.clone(),
            agents: self.people.clone(),
            customers: store.clone(),
            sessions: self.sessions.clone(),
            customer_sessions: self.customer_sessions.clone(),
            preferences: self.preferences.clone(),
            schedule: store.clone(),
            live: self.live.clone(),
            deliveries: self.deliveries.clone(),
            admin: self.admin.clone(),
            mail_admin: Arc::new(MailAdmin::new(MailAdminPorts {
                accounts: Arc::new(self.db.clone()),
                responses: Arc::new(self.db.clone()),
                filters: Arc::new(self.db.clone()),
                lookups: self.lookups.clone(),
                reader: Arc::new(goats_mail::Mailboxes),
                texts: Arc::new(self.db.clone()),
            })),
            field_admin: Arc::new(FieldAdmin::new(Arc::new(self.db.clone()), self.tickets.clone())),
            notification_choices: Arc::new(NotificationChoices::new(
                Arc::new(self.db.clone()),
                self.preferences.clone(),
                self.lookups.clone(),
                Arc::new(self.db.clone()),
            )),
            notification_admin: Arc::new(NotificationAdmin::new(Arc::new(self.db.clone()), self.lookups.clone())),
            out_of_office: Arc::new(OutOfOfficeService::new(self.people.clone(), self.preferences.clone())),
            customer_profiles: Arc::new(CustomerProfiles::new(store.clone(), Arc::new(self.db.clone()))),
            // Checked when the configuration was validated.
            trusted_proxies: goats_http::client_addr::TrustedProxies::parse(&self.config.trusted_proxies)
                .unwrap_or_default(),
            metrics: self.metrics.clone().zip(self.config.metrics.token.clone()).map(|(handle, token)| {
                goats_http::metrics::MetricsAccess::new(token, crate::metrics::render(handle, self.db.clone()))
            }),
        }
    }
}
