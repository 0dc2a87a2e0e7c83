//! The test world shared by the HTTP tests: goats' router over the in-memory ports.
#![allow(dead_code)]

mod browser;

#[allow(unused_imports)]
pub use browser::*;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Duration, Utc};
use goats_core::api_tokens::ApiTokens;
use goats_core::auth::AuthService;
use goats_core::password;
use goats_core::permission::Permission;
use goats_core::ports::*;
use goats_core::testing::{FixedClock, MemoryStore};
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::TicketService;
use goats_core::web_session::{SessionTimeouts, WebSessions};
use goats_http::{AccessTokens, AppState, router};
use poem::EndpointExt;
use poem::endpoint::BoxEndpoint;
use poem::http::StatusCode;
use poem::test::{TestClient, TestResponse};
use serde_json::{Value, json};

pub struct Switch(pub AtomicBool);

#[async_trait::async_trait]
impl Readiness for Switch {
    fn name(&self) -> &'static str {
        "the database"
    }
    async fn ready(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct World {
    pub store: MemoryStore,
    pub ready: Arc<Switch>,
    pub cli: TestClient<BoxEndpoint<'static, poem::Response>>,
    /// The in-app feed, as the application wires it: every event the services
    /// publish reaches it through the dispatcher.
    pub live: Arc<goats_notify::ToastHub>,
    pub events: Arc<goats_notify::Dispatcher>,
    /// The route tree in service, to reload in tests of the route files.
    pub routes: Arc<goats_http::routing::reload::LiveRoutes>,
    /// The notification delivery log the dispatcher writes and the admin pages read.
    pub deliveries: Arc<goats_notify::DeliveryLog>,
}

pub async fn world() -> World {
    let clock = Arc::new(FixedClock::at(Utc::now()));
    let store = MemoryStore::with_defaults(clock.clone());
    store.set_password_hash(1, &password::hash_with_cost("root-password", 4), 1).await.unwrap();
    let s = Arc::new(store.clone());
    let ready = Arc::new(Switch(AtomicBool::new(true)));
    let live = Arc::new(goats_notify::ToastHub::new(100));
    let deliveries = Arc::new(goats_notify::DeliveryLog::new(100));
    let events = Arc::new(
        goats_notify::Dispatcher::new(s.clone(), s.clone(), deliveries.clone(), Default::default())
            .route(live.clone(), Default::default()),
    );
    let tickets =
        Arc::new(TicketService::new(store.ticket_ports(), TicketNumberConfig::default()).with_events(events.clone()));
    let state = AppState {
        readiness: vec![ready.clone()],
        tickets: tickets.clone(),
        auth: Arc::new(AuthService::new(s.clone(), s.clone(), s.clone(), s.clone(), clock.clone(), Duration::days(14))),
        access_tokens: Arc::new(AccessTokens::new(b"test-signing-key-of-at-least-32-bytes", Duration::minutes(15))),
        api_tokens: Arc::new(ApiTokens::new(s.clone(), clock.clone())),
        lookups: s.clone(),
        agents: s.clone(),
        customers: s.clone(),
        sessions: Arc::new(WebSessions::new(s.clone(), clock.clone(), SessionTimeouts::default())),
        customer_sessions: Arc::new(WebSessions::new(s.clone(), clock, SessionTimeouts::default())),
        preferences: s.clone(),
        schedule: s,
        live: live.clone(),
        deliveries: deliveries.clone(),
        admin: Arc::new(goats_core::admin::AdminService::new(goats_core::admin::AdminPorts::of_one_store(
            Arc::new(store.clone()),
            Arc::new(goats_core::ports::InlineCpu),
        ))),
        mail_admin: Arc::new(goats_core::admin::mail::MailAdmin::new(goats_core::admin::mail::MailAdminPorts {
            accounts: Arc::new(store.clone()),
            responses: Arc::new(store.clone()),
            filters: Arc::new(store.clone()),
            lookups: Arc::new(store.clone()),
            reader: Arc::new(goats_mail::Mailboxes),
            texts: Arc::new(store.clone()),
        })),
        field_admin: Arc::new(goats_core::admin::fields::FieldAdmin::new(Arc::new(store.clone()), tickets)),
        notification_choices: Arc::new(goats_core::agent_notifications::NotificationChoices::new(
            Arc::new(store.clone()),
            Arc::new(store.clone()),
            Arc::new(store.clone()),
            Arc::new(store.clone()),
        )),
        notification_admin: Arc::new(goats_core::admin::notifications::NotificationAdmin::new(
            Arc::new(store.clone()),
            Arc::new(store.clone()),
        )),
        customer_profiles: Arc::new(goats_core::customer_profile::CustomerProfiles::new(
            Arc::new(store.clone()),
            Arc::new(store.clone()),
        )),
        out_of_office: Arc::new(goats_core::out_of_office::OutOfOfficeService::new(
            Arc::new(store.clone()),
            Arc::new(store.clone()),
        )),
        trusted_proxies: Default::default(),
        metrics: None,
    };
    let routes = Arc::new(router(state));
    let ep = routes.clone().map_to_response().boxed();
    World { store, ready, cli: TestClient::new(ep), live, events, routes, deliveries }
}

pub async fn json(resp: TestResponse) -> Value {
    resp.0.into_body().into_json().await.unwrap()
}

impl World {
    pub async fn agent(&self, login: &str, grants: &[(i32, Permission)]) -> String {
        let id = AgentRepository::create(
            &self.store,
            NewAgent {
                login: login.into(),
                first_name: login.into(),
                last_name: "Agent".into(),
                email: Some(format!("{login}@example.com")),
                password_hash: password::hash_with_cost("agent-password", 4),
            },
            1,
        )
        .await
        .unwrap();
        for (g, p) in grants {
            self.store.grant_user(id, *g, *p, 1).await.unwrap();
        }
        self.login(login, "agent-password").await
    }

    pub async fn login(&self, login: &str, password: &str) -> String {
        let r =
            self.cli.post("/api/v1/auth/login").body_json(&json!({"login": login, "password": password})).send().await;
        r.assert_status_is_ok();
        json(r).await["access_token"].as_str().unwrap().to_string()
    }

    pub async fn create_ticket(&self, token: &str, queue_id: i32) -> Value {
        let r = self
            .cli
            .post("/api/v1/tickets")
            .header("Authorization", format!("Bearer {token}"))
            .body_json(&json!({
                "title": "VPN is down",
                "queue_id": queue_id,
                "customer_user_id": "jane",
                "article": {"subject": "VPN", "body": "Since 9 am.", "channel": "phone", "sender_type": "customer", "visible_for_customer": true}
            }))
            .send()
            .await;
        r.assert_status(StatusCode::CREATED);
        json(r).await
    }
}

/// A ticket field definition as a site might have it: labelled by its name, a dropdown's
/// or multiselect's keys labelled in capitals.
pub fn field_def(
    id: i32,
    name: &str,
    field_type: goats_core::model::FieldType,
    possible: &[&str],
) -> goats_core::model::DynamicFieldDef {
    goats_core::model::DynamicFieldDef {
        id,
        name: name.into(),
        label: name.into(),
        field_type,
        possible_values: possible.iter().map(|k| (k.to_string(), k.to_uppercase())).collect(),
    }
}

/// Two services and an SLA offered for the first: their ids as form values.
pub async fn catalog(w: &World) -> (String, String, String) {
    use goats_core::model::{Service, ServiceAudience, Sla};
    let service = |name: &str| Service { name: name.into(), valid: true, ..Default::default() };
    let everyone = || Some(ServiceAudience::every_customer());
    let email = w.store.save_service(service("Email"), everyone(), 1).await.unwrap();
    let phone = w.store.save_service(service("Phone"), everyone(), 1).await.unwrap();
    let sla = Sla { name: "Gold".into(), service_ids: vec![email], valid: true, ..Default::default() };
    let gold = w.store.save_sla(sla, 1).await.unwrap();
    (email.to_string(), phone.to_string(), gold.to_string())
}
