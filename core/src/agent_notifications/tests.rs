use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;
use crate::event::{Event, TicketRef};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission};
use crate::ports::*;
use crate::testing::{FixedClock, MemoryStore};
use crate::ticket_number::TicketNumberConfig;
use crate::tickets::TicketService;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_717_243_200, 0).unwrap() // 2024-06-01 12:00 UTC
}

/// Writes a message as its headers and text, enough to read back in a test.
struct PlainComposer;

impl MailComposer for PlainComposer {
    fn compose(&self, mail: &OutboundMail) -> crate::DomainResult<Vec<u8>> {
        Ok(format!("From: {}\nTo: {}\nSubject: {}\n\n{}", mail.from, mail.to, mail.subject, mail.body).into_bytes())
    }
}

#[derive(Default)]
struct Feed(Mutex<Vec<(Event, Vec<UserId>)>>);

#[async_trait]
impl NotificationChannel for Feed {
    fn name(&self) -> String {
        "feed".into()
    }
    async fn deliver(&self, event: &Event, recipients: &[Recipient]) -> Result<(), ChannelError> {
        self.0.lock().unwrap().push((event.clone(), recipients.iter().map(|r| r.id).collect()));
        Ok(())
    }
}

struct World {
    store: MemoryStore,
    service: TicketService,
    notifier: AgentNotifier,
    feed: Arc<Feed>,
    clock: Arc<FixedClock>,
}

fn items(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn message(language: &str, subject: &str, text: &str) -> NotificationMessage {
    NotificationMessage {
        language: language.into(),
        subject: subject.into(),
        text: text.into(),
        content_type: "text/plain".into(),
    }
}

fn created() -> TicketNotification {
    TicketNotification::from_items(
        1,
        "Ticket create notification".into(),
        items(&[
            ("VisibleForAgent", "1"),
            ("Events", "NotificationNewTicket"),
            ("Recipients", "AgentMyQueues"),
            ("SendOnOutOfOffice", "1"),
            ("Transports", "Email"),
            ("Transports", "NotificationView"),
            ("AgentEnabledByDefault", "Email"),
        ]),
        vec![
            message(
                "en",
                "New: <OTRS_TICKET_Title>",
                "Hi <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>,\n\
                 [<OTRS_CONFIG_Ticket::Hook><OTRS_CONFIG_Ticket::HookDivider><OTRS_TICKET_TicketNumber>] in \
                 <OTRS_TICKET_Queue>:\n<OTRS_CUSTOMER_BODY[1]>\n\
                 <OTRS_CONFIG_HttpType>://<OTRS_CONFIG_FQDN>/tickets/<OTRS_TICKET_TicketID>\n<OTRS_CONFIG_DatabasePw>",
            ),
            message("de", "Neu: <OTRS_TICKET_Title>", "Hallo <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>"),
        ],
    )
    .0
}

fn owner_update() -> TicketNotification {
    TicketNotification::from_items(
        5,
        "Ticket owner update notification".into(),
        items(&[("Events", "NotificationOwnerUpdate"), ("Recipients", "AgentOwner"), ("Transports", "Email")]),
        vec![message("en", "Yours now: <OTRS_TICKET_Title>", "<OTRS_CURRENT_UserFirstname> gave it to you.")],
    )
    .0
}

fn reminder() -> TicketNotification {
    TicketNotification::from_items(
        9,
        "Ticket pending reminder notification".into(),
        items(&[
            ("Events", "NotificationPendingReminder"),
            ("Recipients", "AgentOwner"),
            ("OncePerDay", "1"),
            ("Transports", "Email"),
        ]),
        vec![message("en", "Reminder: <OTRS_TICKET_Title>", "Time has come.")],
    )
    .0
}

async fn world() -> World {
    let clock = Arc::new(FixedClock::at(now()));
    let store = MemoryStore::with_defaults(clock.clone());
    store.set_notifications(vec![created(), owner_update(), reminder()]);
    let service = TicketService::new(store.ticket_ports(), TicketNumberConfig::default());
    let feed = Arc::new(Feed::default());
    let ports = NotifierPorts::of_one(
        Arc::new(store.clone()),
        clock.clone(),
        Some(Arc::new(PlainComposer)),
        Some(feed.clone()),
    );
    let settings = NotifierSettings {
        sender_name: "Help Desk".into(),
        sender_email: "desk@example.com".into(),
        base_url: "https://desk.example.com".into(),
        ticket_hook: "Ticket#".into(),
        hook_divider: "".into(),
        default_language: "en".into(),
        self_notify: false,
    };
    World { notifier: AgentNotifier::new(ports, settings), store, service, feed, clock }
}

async fn agent(w: &World, login: &str, grants: &[(GroupId, Permission)]) -> AgentPermissions {
    let id = AgentRepository::create(
        &w.store,
        NewAgent {
            login: login.into(),
            first_name: login.to_uppercase(),
            last_name: "Agent".into(),
            email: Some(format!("{login}@example.com")),
            password_hash: "!".into(),
        },
        1,
    )
    .await
    .unwrap();
    for (g, p) in grants {
        w.store.grant_user(id, *g, *p, 1).await.unwrap();
    }
    AgentPermissions::new(id, w.store.grants_for(id).await.unwrap())
}

fn phoned(queue_id: QueueId) -> NewTicket {
    let mut t = crate::testing::phoned_ticket(queue_id);
    t.title = "Printer on fire".into();
    t.article.body = "It is on fire.\nSecond line.".into();
    t
}

fn mails(w: &World) -> Vec<(Vec<String>, String)> {
    w.store.queued_mail().into_iter().map(|m| (m.envelope.recipients, String::from_utf8(m.raw).unwrap())).collect()
}

async fn creation_event(w: &World, by: &AgentPermissions, queue: QueueId) -> (Ticket, Event) {
    let ticket = w.service.create(by, phoned(queue)).await.unwrap();
    let event = Event::TicketCreated {
        ticket: TicketRef::from(&ticket),
        by: by.user_id,
        article_id: 1,
        history: crate::history::HistoryType::PhoneCallCustomer,
    };
    (ticket, event)
}

#[tokio::test]
async fn a_new_ticket_reaches_the_agents_who_watch_its_queue_and_may_read_it() {
    let w = world().await;
    let maker = agent(&w, "maker", &[(1, Permission::Rw)]).await;
    let reader = agent(&w, "reader", &[(1, Permission::Ro)]).await;
    let outsider = agent(&w, "outsider", &[(3, Permission::Rw)]).await;
    let quiet = agent(&w, "quiet", &[(1, Permission::Rw)]).await;
    for a in [&maker, &reader, &outsider] {
        w.store.set_my_queues(a.user_id, &[2]).await.unwrap();
    }
    w.store.set_my_queues(quiet.user_id, &[4]).await.unwrap();

    let (ticket, event) = creation_event(&w, &maker, 2).await;
    assert_eq!(w.notifier.notify(&event).await.unwrap(), 1, "one notification left");

    // The maker did it, the outsider may not read the queue, the quiet agent watches another.
    let sent = mails(&w);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, ["reader@example.com"]);
    let text = &sent[0].1;
    assert!(text.contains("Subject: New: Printer on fire"), "{text}");
    assert!(text.contains("Hi READER,"), "{text}");
    assert!(text.contains(&format!("[Ticket#{}] in Raw", ticket.number)), "{text}");
    assert!(text.contains("> It is on fire.\n"), "the customer's words, one line: {text}");
    assert!(!text.contains("Second line"), "{text}");
    assert!(text.contains(&format!("https://desk.example.com/tickets/{}", ticket.id)), "{text}");
    assert!(text.ends_with("\n-"), "a setting that may be secret is never given out: {text}");

    let history = TicketRepository::history(&w.store, ticket.id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.history_type, "SendAgentNotification");
    assert_eq!(last.name, "%%Ticket create notification%%reader%%Email");
    let after = w.service.get(&maker, ticket.id, false).await.unwrap();
    assert_eq!(after.version, ticket.version, "a sent notification does not make an ETag stale");
    assert!(w.feed.0.lock().unwrap().is_empty(), "the in-app transport is off unless chosen");
}

#[tokio::test]
async fn each_agent_chooses_the_transports_and_gets_their_language() {
    let w = world().await;
    let maker = agent(&w, "maker", &[(1, Permission::Rw)]).await;
    let feed_only = agent(&w, "feedonly", &[(1, Permission::Rw)]).await;
    let german = agent(&w, "german", &[(1, Permission::Rw)]).await;
    for a in [&feed_only, &german] {
        w.store.set_my_queues(a.user_id, &[2]).await.unwrap();
    }
    let mut choices = TransportChoices::default();
    choices.set(1, Transport::Email, false);
    choices.set(1, Transport::NotificationView, true);
    w.store.set_preference(feed_only.user_id, TRANSPORT_PREFERENCE, &choices.to_json()).await.unwrap();
    w.store.set_preference(german.user_id, "UserLanguage", "de").await.unwrap();

    let (_, event) = creation_event(&w, &maker, 2).await;
    assert_eq!(w.notifier.notify(&event).await.unwrap(), 2);
    let sent = mails(&w);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, ["german@example.com"]);
    assert!(sent[0].1.contains("Subject: Neu: Printer on fire") && sent[0].1.contains("Hallo GERMAN"));
    let feed = w.feed.0.lock().unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].1, [feed_only.user_id]);
    assert!(matches!(&feed[0].0, Event::Notified { subject, .. } if subject == "New: Printer on fire"));
}

#[tokio::test]
async fn the_new_owner_hears_of_it_but_not_from_themselves() {
    let w = world().await;
    let boss = agent(&w, "boss", &[(1, Permission::Rw)]).await;
    let worker = agent(&w, "worker", &[(1, Permission::Rw)]).await;
    let (ticket, _) = creation_event(&w, &boss, 2).await;
    let change = crate::tickets::TicketChange::Owner(worker.user_id);
    let after = w.service.change(&boss, ticket.id, change).await.unwrap();
    let event =
        Event::TicketUpdated { ticket: TicketRef::from(&after), change: "OwnerUpdate".into(), by: boss.user_id };
    assert_eq!(w.notifier.notify(&event).await.unwrap(), 1);
    let sent = mails(&w);
    assert_eq!(sent[0].0, ["worker@example.com"]);
    assert!(sent[0].1.contains("BOSS gave it to you."), "{}", sent[0].1);

    let own =
        Event::TicketUpdated { ticket: TicketRef::from(&after), change: "OwnerUpdate".into(), by: worker.user_id };
    assert_eq!(w.notifier.notify(&own).await.unwrap(), 0, "taking a ticket oneself notifies no one");
}

#[tokio::test]
async fn an_away_agent_s_notification_goes_to_their_substitute_if_they_are_in() {
    use crate::out_of_office::{OutOfOffice, OutOfOfficeService};
    let w = world().await;
    let boss = agent(&w, "boss", &[(1, Permission::Rw)]).await;
    let worker = agent(&w, "worker", &[(1, Permission::Rw)]).await;
    let stand_in = agent(&w, "standin", &[(1, Permission::Rw)]).await;
    let absences = OutOfOfficeService::new(Arc::new(w.store.clone()), Arc::new(w.store.clone()));
    let today = now().date_naive();
    let away = |substitute| Some(OutOfOffice { start: today, end: today, substitute });
    let (ticket, _) = creation_event(&w, &boss, 2).await;
    let after = w.service.change(&boss, ticket.id, crate::tickets::TicketChange::Owner(worker.user_id)).await.unwrap();
    let event =
        || Event::TicketUpdated { ticket: TicketRef::from(&after), change: "OwnerUpdate".into(), by: boss.user_id };

    absences.set(worker.user_id, away(None)).await.unwrap();
    assert_eq!(w.notifier.notify(&event()).await.unwrap(), 0, "away, and no one stands in");

    absences.set(worker.user_id, away(Some(stand_in.user_id))).await.unwrap();
    assert_eq!(w.notifier.notify(&event()).await.unwrap(), 1);
    assert_eq!(mails(&w).last().unwrap().0, ["standin@example.com"]);

    absences.set(stand_in.user_id, away(None)).await.unwrap();
    assert_eq!(w.notifier.notify(&event()).await.unwrap(), 0, "a substitute who is away too hears nothing");

    absences.set(worker.user_id, None).await.unwrap();
    assert_eq!(w.notifier.notify(&event()).await.unwrap(), 1);
    assert_eq!(mails(&w).last().unwrap().0, ["worker@example.com"], "back in office");
}

#[tokio::test]
async fn a_once_a_day_notification_goes_once_a_day() {
    let w = world().await;
    let boss = agent(&w, "boss", &[(1, Permission::Rw)]).await;
    let worker = agent(&w, "worker", &[(1, Permission::Rw)]).await;
    let (ticket, _) = creation_event(&w, &boss, 2).await;
    let t = w.service.change(&boss, ticket.id, crate::tickets::TicketChange::Owner(worker.user_id)).await.unwrap();
    let remind = Event::PendingReminder { ticket: TicketRef::from(&t), recipient: worker.user_id, due: now() };
    assert_eq!(w.notifier.notify(&remind).await.unwrap(), 1);
    assert_eq!(w.notifier.notify(&remind).await.unwrap(), 0, "again the same day: nothing");
    w.clock.advance(chrono::Duration::days(1));
    assert_eq!(w.notifier.notify(&remind).await.unwrap(), 1, "the next day: again");
}

#[tokio::test]
async fn conditions_narrow_and_unknown_conditions_never_match() {
    let w = world().await;
    let maker = agent(&w, "maker", &[(1, Permission::Rw)]).await;
    let reader = agent(&w, "reader", &[(1, Permission::Rw)]).await;
    w.store.set_my_queues(reader.user_id, &[2, 4]).await.unwrap();
    let mut only_misc = created();
    only_misc.ticket_conditions.insert("QueueID".into(), vec!["4".into()]);
    w.store.set_notifications(vec![only_misc.clone()]);
    let (_, in_raw) = creation_event(&w, &maker, 2).await;
    assert_eq!(w.notifier.notify(&in_raw).await.unwrap(), 0);
    let (_, in_misc) = creation_event(&w, &maker, 4).await;
    assert_eq!(w.notifier.notify(&in_misc).await.unwrap(), 1);

    let (parsed, unknown) =
        TicketNotification::from_items(3, "x".into(), items(&[("ServiceID", "7"), ("Transports", "SMS")]), vec![]);
    assert_eq!(unknown, ["ServiceID=7", "Transports=SMS"]);
    w.store.set_notifications(vec![TicketNotification {
        events: created().events,
        recipients: created().recipients,
        transports: vec![Transport::Email],
        ..parsed
    }]);
    assert_eq!(w.notifier.notify(&in_misc).await.unwrap(), 0, "a condition goats cannot check is not met");
}

#[tokio::test]
async fn my_services_reach_their_agents_and_both_means_both() {
    let w = world().await;
    let maker = agent(&w, "maker", &[(1, Permission::Rw)]).await;
    let by_service = agent(&w, "service", &[(1, Permission::Rw)]).await;
    let by_queue = agent(&w, "queue", &[(1, Permission::Rw)]).await;
    let by_both = agent(&w, "both", &[(1, Permission::Rw)]).await;
    let vpn = ServiceCatalog::save_service(
        &w.store,
        Service { id: 0, name: "VPN".into(), comments: None, valid: true },
        None,
        1,
    )
    .await
    .unwrap();
    for a in [&by_service, &by_both] {
        w.store.set_my_services(a.user_id, &[vpn]).await.unwrap();
    }
    for a in [&by_queue, &by_both] {
        w.store.set_my_queues(a.user_id, &[2]).await.unwrap();
    }
    let with_recipients = |rule: &str| TicketNotification { recipients: vec![rule.into()], ..created() };
    let mut new = phoned(2);
    new.service_id = Some(vpn);
    let ticket = w.service.create(&maker, new).await.unwrap();
    let event = Event::TicketCreated {
        ticket: TicketRef::from(&ticket),
        by: maker.user_id,
        article_id: 1,
        history: crate::history::HistoryType::PhoneCallCustomer,
    };
    let reached = |w: &World| -> Vec<String> {
        let mut to: Vec<String> = mails(w).into_iter().flat_map(|(r, _)| r).collect();
        to.sort();
        to
    };

    w.store.set_notifications(vec![with_recipients("AgentMyServices")]);
    w.notifier.notify(&event).await.unwrap();
    assert_eq!(reached(&w), ["both@example.com", "service@example.com"]);

    w.store.set_notifications(vec![TicketNotification { id: 2, ..with_recipients("AgentMyQueuesMyServices") }]);
    w.notifier.notify(&event).await.unwrap();
    assert_eq!(reached(&w), ["both@example.com", "both@example.com", "service@example.com"], "only who chose both");

    // A ticket without a service reaches no one by its service.
    let (_, plain) = creation_event(&w, &maker, 2).await;
    w.store.set_notifications(vec![TicketNotification { id: 3, ..with_recipients("AgentMyServices") }]);
    assert_eq!(w.notifier.notify(&plain).await.unwrap(), 0);
}

#[test]
fn otrs_events_follow_the_articles_history_type() {
    use crate::history::HistoryType::*;
    let t = TicketRef {
        id: 1,
        number: "1".into(),
        title: "t".into(),
        queue_id: 1,
        queue: "q".into(),
        priority_id: 3,
        priority: "3 normal".into(),
        state: "new".into(),
        owner_id: 1,
        responsible_id: 1,
    };
    let created = |history| Event::TicketCreated { ticket: t.clone(), by: 2, article_id: 1, history };
    assert!(triggers::otrs_events(&created(EmailCustomer)).contains(&"NotificationNewTicket"));
    assert!(!triggers::otrs_events(&created(PhoneCallAgent)).contains(&"NotificationNewTicket"));
    let added = |history| Event::ArticleAdded { ticket: t.clone(), article_id: 2, internal: true, by: 2, history };
    assert_eq!(triggers::otrs_events(&added(AddNote)), ["ArticleCreate", "NotificationAddNote"]);
    assert_eq!(triggers::otrs_events(&added(FollowUp)), ["ArticleCreate", "NotificationFollowUp"]);
    let updated = Event::TicketUpdated { ticket: t, change: "Move,OwnerUpdate,Lock".into(), by: 2 };
    assert_eq!(
        triggers::otrs_events(&updated),
        ["TicketQueueUpdate", "NotificationMove", "TicketOwnerUpdate", "NotificationOwnerUpdate", "TicketLockUpdate"]
    );
}

#[test]
fn stored_choices_read_as_otrs_writes_them() {
    let c = TransportChoices::parse(Some(r#"{"Notification-1-Email":"0","Notification-2-Email":1}"#));
    let mut one = created();
    assert!(!c.wants(&one, Transport::Email));
    one.id = 2;
    assert!(c.wants(&one, Transport::Email));
    one.id = 3;
    assert!(c.wants(&one, Transport::Email), "unchosen: the default");
    assert!(!c.wants(&one, Transport::NotificationView));
    assert_eq!(TransportChoices::parse(Some("not json")), TransportChoices::default());
}
