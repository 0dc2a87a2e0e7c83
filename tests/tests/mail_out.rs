//! Mail out: an agent's reply is written as mail (the queue's system address, the
//! ticket number in the subject, the thread it answers) and queued with its article in
//! one transaction; the sender job hands it to the SMTP server once, retries what
//! failed for a while, and records why it gave up. On the in-memory store and on
//! SQLite, PostgreSQL and MariaDB, with two senders standing for two instances.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::Duration;
use goats_core::DomainError;
use goats_core::mail::{Answer, Delivery, MailSender, Postmaster, PostmasterPorts, RetryPolicy, Route, SendRun};
use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::ports::*;
use goats_core::testing::MemoryStore;
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::{TicketPorts, TicketService};
use goats_sql::{Db, migrate};
use goats_tests::{Engine, TestDatabase, ticket_ports};

/// An SMTP server that answers as told, then takes everything; it keeps what it took.
#[derive(Default)]
struct Scripted {
    answers: Mutex<VecDeque<SendFailure>>,
    taken: Mutex<Vec<(Envelope, Vec<u8>)>>,
}

#[async_trait]
impl MailTransport for Scripted {
    async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendFailure> {
        if let Some(failure) = self.answers.lock().unwrap().pop_front() {
            return Err(failure);
        }
        self.taken.lock().unwrap().push((envelope.clone(), raw.to_vec()));
        Ok(())
    }
}

struct Desk {
    tickets: Arc<TicketService>,
    postmaster: Postmaster,
    root: AgentPermissions,
    /// One queue per instance.
    queues: Vec<Arc<dyn MailQueue>>,
    articles: Arc<dyn ArticleRepository>,
    responses: Arc<dyn AutoResponses>,
}

fn desk(
    ports: TicketPorts,
    customers: Arc<dyn CustomerRepository>,
    responses: Arc<dyn AutoResponses>,
    filters: Arc<dyn PostmasterFilters>,
    spool: Arc<dyn Spool>,
    queues: Vec<Arc<dyn MailQueue>>,
    root: AgentPermissions,
) -> Desk {
    let service = TicketService::new(ports.clone(), TicketNumberConfig::default())
        .with_outgoing_mail(Arc::new(goats_mail::Composer), queues[0].clone());
    let tickets = Arc::new(service);
    let pm = PostmasterPorts {
        tickets: ports.tickets.clone(),
        articles: ports.articles.clone(),
        lookups: ports.lookups.clone(),
        customers,
        responses: responses.clone(),
        filters,
        spool,
        clock: Arc::new(SystemClock),
    };
    let postmaster = Postmaster::new(pm, tickets.clone(), TicketNumberConfig::default());
    Desk { tickets, postmaster, root, queues, articles: ports.articles, responses }
}

async fn on_each_backend<F, Fut>(f: F)
where
    F: Fn(String, Desk) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let store = Arc::new(MemoryStore::with_defaults(Arc::new(SystemClock)));
    let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
    f(
        "memory".into(),
        desk(
            store.ticket_ports(),
            store.clone(),
            store.clone(),
            store.clone(),
            store.clone(),
            vec![store.clone(), store.clone()],
            root,
        ),
    )
    .await;
    for engine in [Engine::Sqlite, Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        let first: Db = t.connect().await;
        migrate(&first).await.unwrap();
        let second: Db = t.connect().await;
        let root = AgentPermissions::new(1, first.grants_for(1).await.unwrap());
        let ports = ticket_ports(&first, Arc::new(SystemClock));
        let queues: Vec<Arc<dyn MailQueue>> = vec![Arc::new(first.clone()), Arc::new(second.clone())];
        f(
            format!("{engine:?}"),
            desk(
                ports,
                Arc::new(first.clone()),
                Arc::new(first.clone()),
                Arc::new(first.clone()),
                Arc::new(first.clone()),
                queues,
                root,
            ),
        )
        .await;
        first.close().await;
        second.close().await;
        t.drop_database().await;
    }
}

fn reply(to: &str) -> NewArticle {
    NewArticle {
        channel: CommunicationChannel::Email,
        visible_for_customer: true,
        to: Some(to.into()),
        ..NewArticle::note("RE: Printer on fire", "We sent the fire brigade.\n\n> Help!")
    }
}

fn sender(queue: &Arc<dyn MailQueue>, transport: &Arc<Scripted>, attempts: i32) -> MailSender {
    let policy = RetryPolicy { attempts, first_wait: Duration::zero(), longest_wait: Duration::zero() };
    MailSender::new(queue.clone(), transport.clone(), Arc::new(SystemClock), policy)
}

/// A ticket from Jane's mail, as the postmaster makes it.
async fn janes_ticket(d: &Desk) -> (TicketId, String) {
    let raw = b"From: Jane Doe <jane.doe@example.com>\r\nSubject: Printer on fire\r\nMessage-ID: <q-1@example.com>\r\n\r\nHelp!\r\n";
    match d.postmaster.deliver(goats_mail::parse(raw.to_vec()), &Route::default()).await.unwrap().delivery {
        Delivery::NewTicket { ticket_id, number, .. } => (ticket_id, number),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_reply_is_written_as_mail_and_queued_with_its_article() {
    on_each_backend(|backend, d| async move {
        let (id, tn) = janes_ticket(&d).await;
        let article_id = d.tickets.add_article(&d.root, id, reply("Jane Doe <jane.doe@example.com>")).await.unwrap();
        let a = d.articles.get(article_id).await.unwrap().unwrap();
        assert_eq!(a.from.as_deref(), Some("Help Desk <helpdesk@localhost>"), "{backend}: the queue's system address");
        assert_eq!(a.subject.as_deref(), Some(format!("RE: [Ticket#{tn}] Printer on fire").as_str()), "{backend}");
        assert_eq!(a.in_reply_to.as_deref(), Some("<q-1@example.com>"), "{backend}");
        let message_id = a.message_id.clone().expect("a Message-ID");
        assert!(message_id.ends_with("@localhost>"), "{backend}: {message_id}");

        let due = d.queues[0].due(chrono::Utc::now(), 10).await.unwrap();
        assert_eq!(due.len(), 1, "{backend}");
        assert_eq!(
            due[0].envelope,
            Envelope { sender: "helpdesk@localhost".into(), recipients: vec!["jane.doe@example.com".into()] }
        );
        assert_eq!(
            Some(due[0].raw.clone()),
            d.articles.plain(article_id).await.unwrap(),
            "{backend}: the article keeps what is sent"
        );
        let written = goats_mail::parse(due[0].raw.clone());
        assert_eq!(
            (written.subject.as_str(), written.message_id.as_deref()),
            (a.subject.as_deref().unwrap(), Some(message_id.as_str()))
        );
        assert_eq!(written.references, ["<q-1@example.com>"], "{backend}");
        // Text and HTML side by side; the text is what the agent wrote.
        let parsed = mail_parser::MessageParser::default().parse(&due[0].raw).expect("a message");
        let html = parsed.body_html(0).expect("an HTML part");
        assert!(html.contains("<p style=\"margin:0 0 1em\">We sent the fire brigade.</p>"), "{backend}: {html}");
        assert!(html.contains(">Help!</blockquote>"), "{backend}: {html}");
        let text = parsed.body_text(0).map(|t| t.replace("\r\n", "\n"));
        assert_eq!(text.as_deref().map(str::trim_end), Some(a.body.trim_end()), "{backend}: the text as written");
        let states = d.tickets.deliveries(&d.root, id).await.unwrap();
        assert!(
            matches!(states[..], [(aid, DeliveryState::Queued { attempts: 0, .. })] if aid == article_id),
            "{backend}: {states:?}"
        );
        let history = d.tickets.history(&d.root, id).await.unwrap();
        let sent = history.iter().find(|h| h.article_id == Some(article_id));
        let sent = sent.map(|h| (h.history_type.as_str(), h.name.as_str()));
        assert_eq!(
            sent,
            Some(("SendAnswer", "%%Jane Doe <jane.doe@example.com>")),
            "{backend}: as OTRS records a reply"
        );

        // An address that is none: nothing is stored, nothing queued.
        let refused = d.tickets.add_article(&d.root, id, reply("Jane from accounting")).await.unwrap_err();
        assert!(matches!(refused, DomainError::Invalid { field: "to", .. }), "{backend}: {refused:?}");
        assert_eq!(d.tickets.get(&d.root, id, true).await.unwrap().articles.unwrap().len(), 2, "{backend}");
        // A note does not leave.
        d.tickets.add_article(&d.root, id, NewArticle::note("Internal", "Called the brigade")).await.unwrap();
        assert_eq!(d.queues[0].due(chrono::Utc::now(), 10).await.unwrap().len(), 1, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn failures_are_retried_then_given_up_and_each_mail_is_sent_once() {
    on_each_backend(|backend, d| async move {
        let (id, _) = janes_ticket(&d).await;
        let first = d.tickets.add_article(&d.root, id, reply("jane.doe@example.com")).await.unwrap();
        let smtp = Arc::new(Scripted::default());
        smtp.answers.lock().unwrap().push_back(SendFailure { code: Some(421), message: "try later".into(), permanent: false });
        let run = sender(&d.queues[0], &smtp, 5).run().await.unwrap();
        assert_eq!(run, SendRun { sent: 0, retried: 1, failed: 0 }, "{backend}");
        let states = d.tickets.deliveries(&d.root, id).await.unwrap();
        assert!(
            matches!(&states[..], [(_, DeliveryState::Queued { attempts: 1, last_error: Some(e), .. })] if e.contains("try later")),
            "{backend}: {states:?}"
        );
        assert_eq!(sender(&d.queues[0], &smtp, 5).run().await.unwrap().sent, 1, "{backend}");
        assert_eq!(d.tickets.deliveries(&d.root, id).await.unwrap(), [(first, DeliveryState::Sent)], "{backend}");

        // Refused for good: given up at once, with the reason on the article.
        let doomed = d.tickets.add_article(&d.root, id, reply("nobody@example.com")).await.unwrap();
        smtp.answers.lock().unwrap().push_back(SendFailure { code: Some(550), message: "no such user".into(), permanent: true });
        assert_eq!(sender(&d.queues[0], &smtp, 5).run().await.unwrap().failed, 1, "{backend}");
        let states = d.tickets.deliveries(&d.root, id).await.unwrap();
        let failed = states.iter().find(|(a, _)| *a == doomed).map(|(_, s)| s.clone());
        assert!(matches!(&failed, Some(DeliveryState::Failed { reason }) if reason.contains("550")), "{backend}: {states:?}");

        // Two instances sending at once: every mail leaves exactly once.
        for n in 0..6 {
            d.tickets.add_article(&d.root, id, reply(&format!("jane+{n}@example.com"))).await.unwrap();
        }
        let taken_before = smtp.taken.lock().unwrap().len();
        let (a, b) = (sender(&d.queues[0], &smtp, 5), sender(&d.queues[1], &smtp, 5));
        let (ra, rb) = tokio::join!(a.run(), b.run());
        assert_eq!(ra.unwrap().sent + rb.unwrap().sent, 6, "{backend}");
        let mut recipients: Vec<_> =
            smtp.taken.lock().unwrap()[taken_before..].iter().map(|(e, _)| e.recipients[0].clone()).collect();
        recipients.sort();
        let expected: Vec<_> = (0..6).map(|n| format!("jane+{n}@example.com")).collect();
        assert_eq!(recipients, expected, "{backend}: each once");
        assert!(d.queues[0].due(chrono::Utc::now(), 10).await.unwrap().is_empty(), "{backend}");

        // A queue that filled faster than one batch a run is emptied by one run.
        for n in 0..130 {
            d.tickets.add_article(&d.root, id, reply(&format!("many+{n}@example.com"))).await.unwrap();
        }
        assert_eq!(sender(&d.queues[0], &smtp, 5).run().await.unwrap().sent, 130, "{backend}");
        assert!(d.queues[0].due(chrono::Utc::now(), 10).await.unwrap().is_empty(), "{backend}");
    })
    .await;
}

/// An email ticket an agent opens leaves as mail too, its subject carrying the number
/// the ticket was given.
#[tokio::test]
async fn an_email_ticket_leaves_with_its_number() {
    on_each_backend(|backend, d| async move {
        let new = NewTicket {
            title: "Your new laptop".into(),
            queue_id: 2,
            state_id: 1,
            priority_id: 3,
            type_id: None,
            service_id: None,
            sla_id: None,
            owner_id: 1,
            responsible_id: None,
            customer_id: None,
            customer_user_id: Some("jane.doe@example.com".into()),
            pending_until: None,
            article: NewArticle { subject: "Your new laptop".into(), ..reply("Jane Doe <jane.doe@example.com>") },
        };
        let t = d.tickets.create(&d.root, new).await.unwrap();
        let due = d.queues[0].due(chrono::Utc::now(), 10).await.unwrap();
        assert_eq!(due.len(), 1, "{backend}");
        let written = goats_mail::parse(due[0].raw.clone());
        assert_eq!(written.subject, format!("[Ticket#{}] Your new laptop", t.number), "{backend}");
        assert_eq!(written.in_reply_to, None, "{backend}: a new thread");
    })
    .await;
}

/// A queue's auto-reply answers a new ticket's sender, quoting them, once per mail and
/// never a machine; no address gets more than the day's share.
#[tokio::test]
async fn auto_responses_answer_people_not_machines() {
    on_each_backend(|backend, d| async move {
        let reply = NewAutoResponse {
            name: "new ticket".into(),
            kind: AutoResponseKind::Reply,
            subject: "RE: <OTRS_CUSTOMER_SUBJECT[40]>".into(),
            body: "We opened ticket <OTRS_TICKET_TicketNumber> for you.\n\nYou wrote:\n<OTRS_CUSTOMER_EMAIL[3]>\n".into(),
            system_address_id: 1,
            valid: true,
        };
        let id = d.responses.create_auto_response(reply, 1).await.unwrap();
        d.responses.assign_auto_responses(2, &[id], 1).await.unwrap();

        let raw = b"From: Jane Doe <jane.doe@example.com>\r\nSubject: Printer on fire\r\nMessage-ID: <a-1@example.com>\r\n\r\nHelp!\r\nIt burns.\r\n";
        let done = d.postmaster.deliver(goats_mail::parse(raw.to_vec()), &Route::default()).await.unwrap();
        let Delivery::NewTicket { ticket_id, number, .. } = done.delivery else { panic!("{done:?}") };
        let Answer::Queued(answer) = done.answer else { panic!("{backend}: {:?}", done.answer) };
        let due = d.queues[0].due(chrono::Utc::now(), 10).await.unwrap();
        assert_eq!(due.len(), 1, "{backend}");
        assert_eq!(due[0].envelope.recipients, ["jane.doe@example.com"], "{backend}");
        let sent = goats_mail::parse(due[0].raw.clone());
        assert_eq!(sent.subject, format!("RE: [Ticket#{number}] Printer on fire"), "{backend}");
        assert_eq!(sent.header("Auto-Submitted"), Some("auto-replied"), "{backend}");
        assert_eq!(sent.in_reply_to.as_deref(), Some("<a-1@example.com>"), "{backend}");
        assert!(sent.body.contains(&format!("We opened ticket {number} for you.")), "{backend}: {}", sent.body);
        assert!(sent.body.contains("> Help!\n> It burns."), "{backend}: {}", sent.body);
        let a = d.articles.get(answer).await.unwrap().unwrap();
        assert_eq!((a.sender_type, a.channel), (SenderType::System, CommunicationChannel::Email), "{backend}");
        let history = d.tickets.history(&d.root, ticket_id).await.unwrap();
        assert!(history.iter().any(|h| h.history_type == "SendAutoReply" && h.name == "%%Jane Doe <jane.doe@example.com>"));

        // An out-of-office answer is stored, and not answered.
        let ooo = b"From: jane.doe@example.com\r\nSubject: Away\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <a-2@example.com>\r\n\r\nBack Monday.\r\n";
        let done = d.postmaster.deliver(goats_mail::parse(ooo.to_vec()), &Route::default()).await.unwrap();
        assert!(matches!(done.delivery, Delivery::NewTicket { .. }), "{backend}");
        assert_eq!(done.answer, Answer::None, "{backend}");
        assert_eq!(d.queues[0].due(chrono::Utc::now(), 10).await.unwrap().len(), 1, "{backend}");

        // The day's share per address.
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let r = &d.responses;
        assert!(r.count_automatic_mail("x@example.com", day, 2).await.unwrap());
        assert!(r.count_automatic_mail("x@example.com", day, 2).await.unwrap());
        assert!(!r.count_automatic_mail("x@example.com", day, 2).await.unwrap(), "{backend}: the third is refused");
        assert!(r.count_automatic_mail("y@example.com", day, 2).await.unwrap(), "{backend}: per address");
        assert!(r.count_automatic_mail("x@example.com", day.succ_opt().unwrap(), 2).await.unwrap(), "{backend}: per day");
    })
    .await;
}

/// What the admin pages keep: system addresses made, changed and set invalid, and
/// auto-responses changed and set invalid, stored and read back alike on every store;
/// an invalid answer or an invalid sender address is never sent.
#[tokio::test]
async fn system_addresses_and_auto_responses_as_admins_keep_them() {
    on_each_backend(|backend, d| async move {
        let r = &d.responses;
        let mut sales = SystemAddressRecord {
            id: 0,
            address: SystemAddress { email: "sales@example.com".into(), name: "Sales Désk".into() },
            queue_id: 2,
            comments: Some("for the shop".into()),
            valid: true,
        };
        sales.id = r.save_system_address(sales.clone(), 1).await.unwrap();
        assert!(sales.id > 1, "{backend}");
        let all = r.all_system_addresses().await.unwrap();
        assert_eq!(all.len(), 2, "{backend}");
        assert_eq!(all[1], sales, "{backend}");
        assert_eq!(all[0].address.email, "helpdesk@localhost", "{backend}: OTRS's default first");

        let answer = NewAutoResponse {
            name: "new ticket".into(),
            kind: AutoResponseKind::Reply,
            subject: "RE: <OTRS_CUSTOMER_SUBJECT[40]>".into(),
            body: "Thanks".into(),
            system_address_id: sales.id,
            valid: true,
        };
        let id = r.create_auto_response(answer.clone(), 1).await.unwrap();
        r.assign_auto_responses(3, &[id], 1).await.unwrap();
        assert_eq!(r.queue_auto_responses(3).await.unwrap(), [id], "{backend}");
        let sent = r.auto_response(3, AutoResponseKind::Reply).await.unwrap().expect("assigned");
        assert_eq!(sent.sender.mailbox(), "Sales Désk <sales@example.com>", "{backend}");

        let changed = NewAutoResponse { body: "Thank you".into(), kind: AutoResponseKind::FollowUp, ..answer.clone() };
        r.update_auto_response(id, changed.clone(), 1).await.unwrap();
        assert_eq!(r.auto_responses().await.unwrap(), [(id, changed.clone())], "{backend}");
        assert!(r.auto_response(3, AutoResponseKind::Reply).await.unwrap().is_none(), "{backend}: now a follow-up");
        assert!(r.auto_response(3, AutoResponseKind::FollowUp).await.unwrap().is_some(), "{backend}");
        let missing = r.update_auto_response(999, changed.clone(), 1).await;
        assert!(matches!(missing, Err(DomainError::NotFound { .. })), "{backend}");

        // An invalid sender address: the answer is not sent, and the address not offered.
        sales.valid = false;
        r.save_system_address(sales.clone(), 1).await.unwrap();
        assert!(r.auto_response(3, AutoResponseKind::FollowUp).await.unwrap().is_none(), "{backend}");
        assert!(!r.system_addresses().await.unwrap().iter().any(|(a, _)| *a == sales.id), "{backend}");
        sales.valid = true;
        r.save_system_address(sales.clone(), 1).await.unwrap();
        // An invalid answer stays assigned and is not sent.
        r.update_auto_response(id, NewAutoResponse { valid: false, ..changed }, 1).await.unwrap();
        assert!(r.auto_response(3, AutoResponseKind::FollowUp).await.unwrap().is_none(), "{backend}");
        assert_eq!(r.queue_auto_responses(3).await.unwrap(), [id], "{backend}");
    })
    .await;
}
