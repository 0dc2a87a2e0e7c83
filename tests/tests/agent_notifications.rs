//! Agent notifications on real databases: goats' own default notifications on SQLite,
//! PostgreSQL and MariaDB, and Znuny's genuine ones read from a Znuny database. A new
//! ticket in an agent's "My Queues" leaves a mail in `mail_queue` (with no article) and
//! a `SendAgentNotification` history row, in one transaction, without making the
//! ticket's ETag stale.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use goats_core::agent_notifications::{AgentNotifier, NotifierPorts, NotifierSettings};
use goats_core::event::{Event, TicketRef};
use goats_core::history::HistoryType;
use goats_core::model::*;
use goats_core::permission::{AgentPermissions, Permission};
use goats_core::ports::*;
use goats_sql::{Db, migrate};
use goats_tests::{Engine, TestDatabase, ticket_service, znuny};

fn notifier(db: &Db) -> AgentNotifier {
    let ports =
        NotifierPorts::of_one(Arc::new(db.clone()), Arc::new(SystemClock), Some(Arc::new(goats_mail::Composer)), None);
    let settings = NotifierSettings {
        sender_name: "Help Desk".into(),
        sender_email: "desk@example.com".into(),
        base_url: "https://desk.example.com".into(),
        ticket_hook: "Ticket#".into(),
        hook_divider: String::new(),
        default_language: "en".into(),
        self_notify: false,
    };
    AgentNotifier::new(ports, settings)
}

async fn reader(db: &Db) -> UserId {
    let id = AgentRepository::create(
        db,
        NewAgent {
            login: "reader".into(),
            first_name: "Rita".into(),
            last_name: "Reader".into(),
            email: Some("rita@example.com".into()),
            password_hash: "!".into(),
        },
        1,
    )
    .await
    .unwrap();
    db.grant_user(id, 1, Permission::Rw, 1).await.unwrap();
    db.set_my_queues(id, &[2]).await.unwrap();
    id
}

/// Opens a ticket from a customer's call in Raw and notifies of it; returns the mail.
async fn new_ticket_notifies(db: &Db, engine: &str) -> String {
    reader(db).await;
    let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
    let service = ticket_service(db, Arc::new(SystemClock));
    let mut new = goats_core::testing::phoned_ticket(2);
    new.title = "Printer on fire".into();
    let ticket = service.create(&root, new).await.unwrap();
    let event = Event::TicketCreated {
        ticket: TicketRef::from(&ticket),
        by: 1,
        article_id: 1,
        history: HistoryType::PhoneCallCustomer,
    };
    assert_eq!(notifier(db).notify(&event).await.unwrap(), 1, "{engine}");

    let queued = MailQueue::due(db, chrono::Utc::now() + chrono::Duration::minutes(1), 10).await.unwrap();
    assert_eq!(queued.len(), 1, "{engine}");
    assert_eq!(queued[0].article_id, None, "{engine}: a notification is no article");
    assert_eq!(queued[0].envelope.recipients, ["rita@example.com"], "{engine}");
    assert!(MailQueue::states(db, ticket.id).await.unwrap().is_empty(), "{engine}: no article shows as queued");
    let history = TicketRepository::history(db, ticket.id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.history_type, "SendAgentNotification", "{engine}");
    assert!(last.name.ends_with("%%reader%%Email"), "{engine}: {}", last.name);
    let again = TicketRepository::get(db, ticket.id).await.unwrap().unwrap();
    assert_eq!(again.version, ticket.version, "{engine}: the ETag stays");
    let parsed = goats_mail::parse(queued[0].raw.clone());
    format!("{}\n{}", parsed.subject, parsed.body)
}

#[tokio::test]
async fn goats_default_notifications_reach_my_queues_on_every_engine() {
    for engine in [Engine::Sqlite, Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        let db: Db = t.connect().await;
        migrate(&db).await.unwrap();
        let all = db.ticket_notifications().await.unwrap();
        assert_eq!(all.len(), 12, "{engine:?}");
        for (n, unknown) in &all {
            assert!(unknown.is_empty(), "{engine:?}: {} has items goats ignores: {unknown:?}", n.name);
            assert!(n.messages.iter().any(|m| m.language == "en") && n.messages.iter().any(|m| m.language == "de"));
        }
        let mail = new_ticket_notifies(&db, &format!("{engine:?}")).await;
        assert!(mail.starts_with("New ticket: Printer on fire"), "{engine:?}: {mail}");
        assert!(mail.contains("Hello Rita,"), "{engine:?}: {mail}");
        assert!(mail.contains("https://desk.example.com/tickets/"), "{engine:?}: {mail}");
        db.close().await;
        t.drop_database().await;
    }
}

#[tokio::test]
async fn a_znuny_databases_own_notifications_are_sent_as_znuny_words_them() {
    for engine in [Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        znuny::load(&t);
        let db: Db = t.connect().await;
        migrate(&db).await.unwrap();
        let all = db.ticket_notifications().await.unwrap();
        assert_eq!(all.len(), 16, "{engine:?}: Znuny ships sixteen");
        let created = &all.iter().find(|(n, _)| n.name == "Ticket create notification").unwrap().0;
        assert_eq!(created.events, ["NotificationNewTicket"]);
        assert!(created.visible_for_agent);
        let mail = new_ticket_notifies(&db, &format!("{engine:?}")).await;
        assert!(mail.starts_with("Ticket Created: Printer on fire"), "{engine:?}: {mail}");
        assert!(mail.contains("Hi Rita,"), "{engine:?}: {mail}");
        db.close().await;
        t.drop_database().await;
    }
}

/// Saving a Znuny notification through goats replaces what goats edits and keeps the
/// rest: OTRS's tooltips and its texts in languages goats does not edit.
#[tokio::test]
async fn saving_a_znuny_notification_keeps_what_goats_does_not_edit() {
    use goats_core::admin::notifications::NotificationAdmin;
    use goats_core::agent_notifications::NotificationMessage;
    use sea_orm::ConnectionTrait;
    for engine in [Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        znuny::load(&t);
        let db: Db = t.connect().await;
        migrate(&db).await.unwrap();
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        let admin = NotificationAdmin::new(Arc::new(db.clone()), Arc::new(db.clone()));
        let before = admin.get(&root, 1).await.unwrap();
        let languages = before.notification.messages.len();
        assert!(languages > 2, "{engine:?}: Znuny ships many languages");
        let mut n = before.notification.clone();
        n.messages = vec![NotificationMessage {
            language: "en".into(),
            subject: "Fresh: <OTRS_TICKET_Title>".into(),
            text: "Hi <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>, a new one.".into(),
            content_type: "text/plain".into(),
        }];
        n.once_per_day = true;
        admin.save(&root, n, true).await.unwrap();
        let after = admin.get(&root, 1).await.unwrap();
        assert!(after.notification.once_per_day, "{engine:?}");
        assert_eq!(after.notification.messages.len(), languages, "{engine:?}: the other languages are kept");
        let tooltip = db
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                db.connection().get_database_backend(),
                "SELECT COUNT(*) AS n FROM notification_event_item WHERE notification_id = 1 AND event_key = 'VisibleForAgentTooltip'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by::<i64, _>("n")
            .unwrap();
        assert_eq!(tooltip, 1, "{engine:?}: OTRS's tooltip is kept");
        let mail = new_ticket_notifies(&db, &format!("{engine:?}")).await;
        assert!(mail.starts_with("Fresh: Printer on fire"), "{engine:?}: {mail}");
        db.close().await;
        t.drop_database().await;
    }
}

/// "My Services" live in OTRS's `personal_services`: an agent who chose a ticket's
/// service, but not its queue, hears of the new ticket through goats' default "new
/// ticket" notification (recipients: My Queues and My Services), on every engine.
#[tokio::test]
async fn my_services_are_kept_and_reach_their_agents_on_every_engine() {
    for engine in [Engine::Sqlite, Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        let db: Db = t.connect().await;
        migrate(&db).await.unwrap();
        let service = |name: &str| Service { id: 0, name: name.into(), comments: None, valid: true };
        let vpn = db.save_service(service("VPN"), None, 1).await.unwrap();
        let mail = db.save_service(service("Mail"), None, 1).await.unwrap();
        let sam = AgentRepository::create(
            &db,
            NewAgent {
                login: "sam".into(),
                first_name: "Sam".into(),
                last_name: "Service".into(),
                email: Some("sam@example.com".into()),
                password_hash: "!".into(),
            },
            1,
        )
        .await
        .unwrap();
        db.grant_user(sam, 1, Permission::Rw, 1).await.unwrap();
        db.set_my_services(sam, &[mail, vpn]).await.unwrap();
        db.set_my_services(sam, &[vpn]).await.unwrap();
        assert_eq!(db.my_services(sam).await.unwrap(), [vpn], "{engine:?}: replaced, not added");
        assert_eq!(db.service_subscribers(vpn).await.unwrap(), [sam], "{engine:?}");
        assert!(db.service_subscribers(mail).await.unwrap().is_empty(), "{engine:?}");
        assert!(db.my_queues(sam).await.unwrap().is_empty(), "{engine:?}: queues are another list");

        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        let mut new = goats_core::testing::phoned_ticket(2);
        new.service_id = Some(vpn);
        let ticket = ticket_service(&db, Arc::new(SystemClock)).create(&root, new).await.unwrap();
        let event = Event::TicketCreated {
            ticket: TicketRef::from(&ticket),
            by: 1,
            article_id: 1,
            history: HistoryType::PhoneCallCustomer,
        };
        assert_eq!(notifier(&db).notify(&event).await.unwrap(), 1, "{engine:?}");
        let queued = MailQueue::due(&db, chrono::Utc::now() + chrono::Duration::minutes(1), 10).await.unwrap();
        assert_eq!(queued[0].envelope.recipients, ["sam@example.com"], "{engine:?}");
        db.close().await;
        t.drop_database().await;
    }
}
