//! In-memory implementations of every port, seeded with OTRS's default rows, so the
//! domain rules can be tested without a database.

mod answer_templates;
mod auto_responses;
mod clock;
mod dynamic_fields;
mod filters;
mod fixtures;
mod lookups;
mod mail;
mod mail_accounts;
mod notifications;
mod people;
mod queue_texts;
mod schedule;
mod seen;
mod services;
mod spool;
mod tickets;
mod tokens;

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};

pub use clock::FixedClock;
pub use fixtures::{contact, phoned_ticket, queue};
pub use schedule::RecordingBus;

use crate::history::HistoryRecord;
use crate::model::*;
use crate::permission::Permission;
use crate::ports::{Clock, TicketDraft};
use crate::tickets::TicketPorts;

#[derive(Default)]
struct State {
    tickets: Vec<(TicketDraft, TicketId, DateTime<Utc>, DateTime<Utc>)>,
    articles: Vec<Article>,
    attachments: Vec<(Attachment, Vec<u8>)>,
    history: Vec<HistoryRecord>,
    watchers: Vec<(TicketId, UserId)>,
    /// (source, target, OTRS link type): as `link_relation` holds them.
    links: Vec<(TicketId, TicketId, &'static str)>,
    time: Vec<(TicketId, f64)>,
    /// Who has seen which ticket and which article (OTRS's Seen flags).
    seen_tickets: std::collections::HashSet<(TicketId, UserId)>,
    seen_articles: std::collections::HashSet<(ArticleId, UserId)>,
    /// Mail articles' messages as they arrived.
    plain: Vec<(ArticleId, bytes::Bytes)>,
    /// Files spooled ahead of their articles, by id.
    spooled: std::collections::HashMap<i64, bytes::Bytes>,
    /// Outgoing messages waiting, and the reasons of those given up.
    mail_queue: Vec<mail::Queued>,
    send_errors: Vec<(ArticleId, String)>,
    mail_ids: i64,
    auto_responses: Vec<(i32, crate::ports::NewAutoResponse)>,
    queue_auto_responses: Vec<(QueueId, i32)>,
    system_addresses: Vec<crate::ports::SystemAddressRecord>,
    queue_texts: Vec<(crate::ports::QueueTextKind, crate::ports::QueueText)>,
    automatic_mail: Vec<(String, chrono::NaiveDate)>,
    filters: Vec<crate::mail::PostmasterFilter>,
    mail_accounts: Vec<crate::ports::MailAccount>,
    counters: Vec<(i64, u64, DateTime<Utc>)>,
    queues: Vec<Queue>,
    states: Vec<TicketState>,
    priorities: Vec<Priority>,
    types: Vec<TicketType>,
    agents: Vec<(Agent, String)>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    user_grants: Vec<(UserId, GroupId, Permission)>,
    role_grants: Vec<(RoleId, GroupId, Permission)>,
    role_users: Vec<(RoleId, UserId)>,
    companies: Vec<CustomerCompany>,
    customers: Vec<(CustomerUser, Option<String>)>,
    refresh_tokens: Vec<(crate::ports::RefreshTokenRecord, String)>,
    settings: Vec<(String, String)>,
    api_tokens: Vec<(crate::ports::ApiTokenRecord, String)>,
    web_sessions: Vec<crate::ports::WebSessionRecord>,
    customer_sessions: Vec<crate::ports::WebSessionRecord<String>>,
    preferences: Vec<(UserId, String, String)>,
    customer_preferences: Vec<(String, String, String)>,
    escalation_policies: Vec<(QueueId, crate::escalation::EscalationPolicy)>,
    escalations: Vec<(TicketId, crate::escalation::EscalationColumns)>,
    claims: Vec<(String, DateTime<Utc>)>,
    /// With whether each is valid.
    notifications: Vec<(crate::agent_notifications::TicketNotification, bool)>,
    personal_queues: Vec<(UserId, QueueId)>,
    personal_services: Vec<(UserId, ServiceId)>,
    dynamic_fields: Vec<(TicketId, DynamicFieldValue)>,
    article_fields: Vec<(ArticleId, DynamicFieldValue)>,
    dynamic_field_defs: Vec<FieldDefinition>,
    services: Vec<Service>,
    /// `service_customer_user`: (login, service), `<DEFAULT>` for every customer.
    service_customers: Vec<(String, ServiceId)>,
    slas: Vec<Sla>,
    templates: Vec<AnswerTemplate>,
}

/// One store implementing every port, shared through `Arc`s.
#[derive(Clone)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
    clock: Arc<dyn Clock>,
}

impl MemoryStore {
    /// A store holding OTRS's default rows: states, priorities, the four queues, the
    /// users/admin/stats groups and `root@localhost` (id 1) with rw on all of them.
    pub fn with_defaults(clock: Arc<dyn Clock>) -> Self {
        let mut s = State::default();
        for (id, name, t, colour) in [
            (1, "new", StateType::New, "#50B5FF"),
            (2, "closed successful", StateType::Closed, "#3DD598"),
            (3, "closed unsuccessful", StateType::Closed, "#FC5A5A"),
            (4, "open", StateType::Open, "#FFC542"),
            (5, "removed", StateType::Removed, "#8D8D9B"),
            (6, "pending reminder", StateType::PendingReminder, "#FF8A25"),
            (7, "pending auto close+", StateType::PendingAuto, "#FF8A25"),
            (8, "pending auto close-", StateType::PendingAuto, "#FF8A25"),
            (9, "merged", StateType::Merged, "#FF8A25"),
        ] {
            s.states.push(TicketState {
                id,
                name: name.into(),
                state_type: t,
                valid: true,
                colour: Colour::parse(colour),
            });
        }
        for (id, name, colour) in [
            (1, "1 very low", "#03c4f0"),
            (2, "2 low", "#83bfc8"),
            (3, "3 normal", "#cdcdcd"),
            (4, "4 high", "#ffaaaa"),
            (5, "5 very high", "#ff505e"),
        ] {
            s.priorities.push(Priority { id, name: name.into(), valid: true, colour: Colour::parse(colour) });
        }
        s.types.push(TicketType { id: 1, name: "Unclassified".into(), valid: true });
        s.system_addresses.push(crate::ports::SystemAddressRecord {
            id: 1,
            address: crate::ports::SystemAddress { email: "helpdesk@localhost".into(), name: "Help Desk".into() },
            queue_id: 1,
            comments: None,
            valid: true,
        });
        for (kind, name, text) in [
            (
                crate::ports::QueueTextKind::Salutation,
                "system standard salutation (en)",
                "Hello <OTRS_CUSTOMER_REALNAME>,\n",
            ),
            (
                crate::ports::QueueTextKind::Signature,
                "system standard signature (en)",
                "\n-- \n<OTRS_Agent_UserFirstname> <OTRS_Agent_UserLastname>\n",
            ),
        ] {
            let text = crate::ports::QueueText {
                id: 1,
                name: name.into(),
                text: text.into(),
                content_type: Some("text/plain; charset=utf-8".into()),
                comments: None,
                valid: true,
            };
            s.queue_texts.push((kind, text));
        }
        for (id, name) in [(1, "Postmaster"), (2, "Raw"), (3, "Junk"), (4, "Misc")] {
            s.queues.push(Queue {
                id,
                name: name.into(),
                group_id: 1,
                unlock_timeout: 0,
                first_response_time: 0,
                update_time: 0,
                solution_time: 0,
                calendar_name: None,
                comments: None,
                follow_up: FollowUp::Possible,
                follow_up_lock: false,
                customer_selectable: true,
                customer_closable: true,
                system_address_id: 1,
                salutation_id: 1,
                signature_id: 1,
                valid: true,
            });
        }
        // OTRS's empty answer, offered in the four queues (goats seeds no demo answer).
        s.templates.push(AnswerTemplate {
            id: 1,
            name: "empty answer".into(),
            content_type: Some("text/plain; charset=utf-8".into()),
            template_type: crate::model::ANSWER.into(),
            valid: true,
            queue_ids: vec![1, 2, 3, 4],
            ..Default::default()
        });
        for (id, name) in [(1, "users"), (2, "admin"), (3, "stats"), (4, "timeaccounting_webservice")] {
            s.groups.push(Group { id, name: name.into(), comments: None, valid: true });
            // As in OTRS's default data, root holds no rights on the web service group.
            if id != 4 {
                s.user_grants.push((1, id, Permission::Rw));
            }
        }
        s.agents.push((
            Agent {
                id: 1,
                login: "root@localhost".into(),
                first_name: "Admin".into(),
                last_name: "OTRS".into(),
                title: None,
                email: None,
                valid: true,
            },
            crate::password::LOCKED.into(),
        ));
        Self { state: Arc::new(Mutex::new(s)), clock }
    }

    /// The ports of a ticket service, all backed by this store.
    pub fn ticket_ports(&self) -> TicketPorts {
        let me = Arc::new(self.clone());
        TicketPorts {
            tickets: me.clone(),
            articles: me.clone(),
            lookups: me.clone(),
            agents: me.clone(),
            counter: me.clone(),
            dynamic_fields: me.clone(),
            services: me.clone(),
            settings: me.clone(),
            seen: me.clone(),
            clock: self.clock.clone(),
        }
    }

    /// The ports of the scheduled jobs, all backed by this store, publishing to `events`.
    pub fn job_ports(&self, events: Arc<dyn crate::ports::EventBus>) -> crate::scheduled::JobPorts {
        let me = Arc::new(self.clone());
        crate::scheduled::JobPorts {
            tickets: me.clone(),
            lookups: me.clone(),
            agents: me.clone(),
            schedule: me,
            events,
            clock: self.clock.clone(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock only happens in a failing test; keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Names in the order the SQL stores list them: by name in any case, then exactly.
pub(crate) fn by_name<T>(mut items: Vec<T>, name: impl Fn(&T) -> &String) -> Vec<T> {
    items.sort_by(|a, b| name(a).to_lowercase().cmp(&name(b).to_lowercase()).then_with(|| name(a).cmp(name(b))));
    items
}
