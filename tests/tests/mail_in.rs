//! Mail in: a corpus of real-world-shaped messages (tests/fixtures/mail) read by the mail
//! adapter and delivered by the postmaster, on the in-memory store and on SQLite,
//! PostgreSQL and MariaDB alike: new tickets, follow-ups by ticket number and by
//! In-Reply-To, the queue's follow-up option on closed tickets, duplicates, charsets,
//! attachments, the message kept as it arrived, and machines told from people.

use std::sync::Arc;

use goats_core::mail::{Delivery, FilterMatch, Postmaster, PostmasterFilter, PostmasterPorts, Route};
use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::ports::*;
use goats_core::testing::{MemoryStore, contact};
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::{TicketChange, TicketService};
use goats_sql::{Db, migrate};
use goats_tests::{Backend, TestDatabase, ticket_service};

fn corpus(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/mail/{name}.eml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A message written here, lines ending in CRLF as on the wire.
fn message(lines: &[&str]) -> Vec<u8> {
    lines.iter().map(|l| format!("{l}\r\n")).collect::<String>().into_bytes()
}

struct Desk {
    postmaster: Postmaster,
    tickets: Arc<TicketService>,
    root: AgentPermissions,
    articles: Arc<dyn ArticleRepository>,
    lookups: Arc<dyn LookupRepository>,
    customers: Arc<dyn CustomerRepository>,
    filters: Arc<dyn PostmasterFilters>,
    agents: Arc<dyn AgentRepository>,
    spool: Spooled,
}

/// Where the store keeps spooled files, to count what is left of them.
enum Spooled {
    Memory(Arc<MemoryStore>),
    Sql(Db),
}

impl Spooled {
    async fn left(&self) -> usize {
        match self {
            Self::Memory(store) => store.spooled_left(),
            Self::Sql(db) => {
                let conn = db.connection();
                let sql = "SELECT COUNT(*) AS n FROM goats_blob_part";
                let stmt = sea_orm::Statement::from_string(sea_orm::ConnectionTrait::get_database_backend(conn), sql);
                let row = sea_orm::ConnectionTrait::query_one_raw(conn, stmt).await.unwrap().unwrap();
                usize::try_from(row.try_get::<i64>("", "n").unwrap()).unwrap()
            }
        }
    }
}

impl Desk {
    /// The desk over one store that holds everything: the memory store or a database.
    fn new<S>(service: TicketService, store: Arc<S>, root: AgentPermissions, spool: Spooled) -> Self
    where
        S: TicketRepository
            + ArticleRepository
            + LookupRepository
            + CustomerRepository
            + AutoResponses
            + PostmasterFilters
            + Spool
            + AgentRepository
            + 'static,
    {
        let tickets = Arc::new(service);
        let ports = PostmasterPorts {
            tickets: store.clone(),
            articles: store.clone(),
            lookups: store.clone(),
            customers: store.clone(),
            responses: store.clone(),
            filters: store.clone(),
            spool: store.clone(),
            clock: Arc::new(SystemClock),
        };
        let postmaster = Postmaster::new(ports, tickets.clone(), TicketNumberConfig::default());
        Self {
            postmaster,
            tickets,
            root,
            articles: store.clone(),
            lookups: store.clone(),
            customers: store.clone(),
            filters: store.clone(),
            agents: store,
            spool,
        }
    }

    async fn deliver(&self, raw: Vec<u8>) -> Delivery {
        self.postmaster.deliver(goats_mail::parse(raw), &Route::default()).await.unwrap().delivery
    }

    async fn ticket(&self, id: TicketId) -> Ticket {
        self.tickets.get(&self.root, id, true).await.unwrap()
    }

    async fn close(&self, id: TicketId) {
        let closed = TicketChange::State { state_id: 2, pending_until: None };
        self.tickets.change(&self.root, id, closed).await.unwrap();
    }

    async fn set_follow_up(&self, option: FollowUp) {
        let raw = self.lookups.queue_by_name("Raw").await.unwrap().unwrap();
        let q = NewQueue {
            name: raw.name,
            group_id: raw.group_id,
            unlock_timeout: raw.unlock_timeout,
            first_response_time: raw.first_response_time,
            update_time: raw.update_time,
            solution_time: raw.solution_time,
            calendar_name: raw.calendar_name,
            comments: raw.comments,
            follow_up: option,
            follow_up_lock: false,
            customer_selectable: raw.customer_selectable,
            customer_closable: raw.customer_closable,
            system_address_id: raw.system_address_id,
            salutation_id: raw.salutation_id,
            signature_id: raw.signature_id,
        };
        self.lookups.update_queue(raw.id, q, 1).await.unwrap();
    }
}

async fn on_each_backend<F, Fut>(f: F)
where
    F: Fn(Backend, Desk) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in Backend::ALL {
        match backend {
            Backend::Memory => {
                let store = Arc::new(MemoryStore::with_defaults(Arc::new(SystemClock)));
                let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
                let service = TicketService::new(store.ticket_ports(), TicketNumberConfig::default());
                f(backend, Desk::new(service, store.clone(), root, Spooled::Memory(store))).await;
            }
            Backend::Sql(engine) => {
                let t = TestDatabase::create(engine).await;
                let db: Db = t.connect().await;
                migrate(&db).await.unwrap();
                let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
                let service = ticket_service(&db, Arc::new(SystemClock));
                let store = Arc::new(db.clone());
                f(backend, Desk::new(service, store, root, Spooled::Sql(db.clone()))).await;
                db.close().await;
                t.drop_database().await;
            }
        }
    }
}

fn new_ticket(d: &Delivery) -> (TicketId, String, ArticleId) {
    match d {
        Delivery::NewTicket { ticket_id, number, article_id } => (*ticket_id, number.clone(), *article_id),
        other => panic!("expected a new ticket, got {other:?}"),
    }
}

#[tokio::test]
async fn a_mail_opens_a_ticket_and_is_kept_as_it_arrived() {
    on_each_backend(|backend, desk| async move {
        let raw = corpus("plain");
        let (id, _, article_id) = new_ticket(&desk.deliver(raw.clone()).await);
        let t = desk.ticket(id).await;
        assert_eq!(
            (t.title.as_str(), t.queue.as_str(), t.state.as_str()),
            ("Printer on fire", "Raw", "new"),
            "{backend:?}"
        );
        assert_eq!(t.priority, "3 normal", "{backend:?}");
        // An unknown sender is the customer by their address, as OTRS has it.
        assert_eq!(t.customer_user_id.as_deref(), Some("jane.doe@example.com"), "{backend:?}");
        let a = &t.articles.unwrap()[0];
        assert_eq!(
            (a.channel, a.sender_type, a.visible_for_customer),
            (CommunicationChannel::Email, SenderType::Customer, true)
        );
        assert_eq!(a.message_id.as_deref(), Some("<plain-1@example.com>"), "{backend:?}");
        assert!(a.body.starts_with("The printer on floor 2 is on fire."), "{backend:?}: {:?}", a.body);
        assert_eq!(
            desk.articles.plain(article_id).await.unwrap(),
            Some(raw.clone()),
            "{backend:?}: the source, byte for byte"
        );
        let history = desk.tickets.history(&desk.root, id).await.unwrap();
        let types: Vec<_> = history.iter().map(|h| h.history_type.as_str()).collect();
        assert_eq!(types.first(), Some(&"NewTicket"), "{backend:?}");
        assert!(types.contains(&"EmailCustomer"), "{backend:?}: {types:?}");

        // The same message again (a retried pipe): nothing new.
        assert_eq!(desk.deliver(raw).await, Delivery::Duplicate { ticket_id: id, article_id }, "{backend:?}");
        assert_eq!(desk.ticket(id).await.articles.unwrap().len(), 1, "{backend:?}");
    })
    .await;
}

#[tokio::test]
async fn a_known_sender_is_their_customer_user() {
    on_each_backend(|backend, desk| async move {
        let mut jane = contact("jane", "ACME");
        jane.email = "jane.doe@example.com".into();
        desk.customers.create_user(jane, None, 1).await.unwrap();
        let (id, _, _) = new_ticket(&desk.deliver(corpus("plain")).await);
        let t = desk.ticket(id).await;
        assert_eq!(
            (t.customer_user_id.as_deref(), t.customer_id.as_deref()),
            (Some("jane"), Some("ACME")),
            "{backend:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn follow_ups_find_their_ticket_by_number_or_by_reply() {
    on_each_backend(|backend, desk| async move {
        let (id, tn, _) = new_ticket(&desk.deliver(corpus("plain")).await);
        let subject = format!("Subject: RE: [Ticket#{tn}] Printer on fire");
        let by_number =
            message(&["From: jane.doe@example.com", &subject, "Message-ID: <re-1@example.com>", "", "Still burning."]);
        assert!(
            matches!(desk.deliver(by_number).await, Delivery::FollowUp { ticket_id, .. } if ticket_id == id),
            "{backend:?}"
        );
        let by_reply = message(&[
            "From: jane.doe@example.com",
            "Subject: Re: Printer on fire",
            "Message-ID: <re-2@example.com>",
            "In-Reply-To: <re-1@example.com>",
            "",
            "Now it is out.",
        ]);
        assert!(
            matches!(desk.deliver(by_reply).await, Delivery::FollowUp { ticket_id, .. } if ticket_id == id),
            "{backend:?}"
        );
        let history = desk.tickets.history(&desk.root, id).await.unwrap();
        let follow_ups: Vec<_> =
            history.iter().filter(|h| h.history_type == "FollowUp").map(|h| h.name.clone()).collect();
        assert_eq!(follow_ups, [format!("%%{tn}%%"), format!("%%{tn}%%")], "{backend:?}");
        // A new ticket stays new when its customer writes again (OTRS opens all others).
        assert_eq!(desk.ticket(id).await.state, "new", "{backend:?}");
        assert_eq!(desk.ticket(id).await.articles.unwrap().len(), 3, "{backend:?}");
    })
    .await;
}

#[tokio::test]
async fn a_closed_ticket_follows_its_queues_follow_up_option() {
    on_each_backend(|backend, desk| async move {
        let (id, tn, _) = new_ticket(&desk.deliver(corpus("plain")).await);
        let answer = |n: u32| {
            message(&[
                "From: jane.doe@example.com",
                &format!("Subject: Re: [Ticket#{tn}] Printer on fire"),
                &format!("Message-ID: <again-{n}@example.com>"),
                "",
                "It is burning again.",
            ])
        };
        // Possible (the default): the ticket opens again.
        desk.close(id).await;
        let reopened = desk.deliver(answer(1)).await;
        assert!(matches!(reopened, Delivery::FollowUp { .. }), "{backend:?}: {reopened:?}");
        assert_eq!(desk.ticket(id).await.state, "open", "{backend:?}");
        // Reject: the mail is kept, the ticket stays closed.
        desk.close(id).await;
        desk.set_follow_up(FollowUp::Reject).await;
        assert!(matches!(desk.deliver(answer(2)).await, Delivery::Rejected { .. }), "{backend:?}");
        let t = desk.ticket(id).await;
        assert_eq!((t.state.as_str(), t.articles.unwrap().len()), ("closed successful", 3), "{backend:?}");
        // New ticket: a new one, without the old number in its title.
        desk.set_follow_up(FollowUp::NewTicket).await;
        let (other, _, _) = new_ticket(&desk.deliver(answer(3)).await);
        assert_ne!(other, id, "{backend:?}");
        assert_eq!(desk.ticket(other).await.title, "Re: Printer on fire", "{backend:?}");
        assert_eq!(desk.ticket(id).await.articles.unwrap().len(), 3, "{backend:?}: the old ticket is left alone");
    })
    .await;
}

/// A message of about 2 MB carrying a file of `bytes`, base64 in 76-character lines.
fn with_file(message_id: &str, headers: &str, bytes: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|l| std::str::from_utf8(l).unwrap()).collect();
    format!(
        "From: Bob <bob@customer.example>\r\nSubject: Scan\r\nMessage-ID: {message_id}\r\n{headers}\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n\
         Content-Type: text/plain\r\n\r\nThe scan is attached.\r\n--B\r\n\
         Content-Type: application/octet-stream; name=\"scan.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         {}\r\n--B--\r\n",
        lines.join("\r\n")
    )
    .into_bytes()
}

/// A mail of some megabytes has its message and its file spooled to the store before
/// its ticket is written (core/src/mail/postmaster.rs), and both come back byte for
/// byte, for a new ticket and for a follow-up; a mail whose ticket cannot be written
/// leaves nothing spooled behind.
#[tokio::test]
async fn a_large_mail_is_spooled_and_kept_whole() {
    on_each_backend(|backend, desk| async move {
        let scan: Vec<u8> = (0..1_600_003u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let kept = |article_id: ArticleId, raw: Vec<u8>| {
            let desk = &desk;
            let scan = &scan;
            async move {
                let article = desk.articles.get(article_id).await.unwrap().unwrap();
                let files = desk.articles.list_for_ticket(article.ticket_id).await.unwrap();
                let file = files
                    .iter()
                    .find(|a| a.id == article_id)
                    .unwrap()
                    .attachments
                    .iter()
                    .find(|f| f.filename == "scan.bin");
                let (_, bytes) = desk.articles.attachment(file.expect("the scan").id).await.unwrap().unwrap();
                assert!(bytes == *scan, "{backend:?}: the file came back changed ({} bytes)", bytes.len());
                let plain = desk.articles.plain(article_id).await.unwrap();
                assert!(plain.as_ref() == Some(&raw), "{backend:?}: the message came back changed");
            }
        };
        let first = with_file("<scan-1@customer.example>", "", &scan);
        let (id, _, article_id) = new_ticket(&desk.deliver(first.clone()).await);
        kept(article_id, first).await;
        let again = with_file("<scan-2@customer.example>", "In-Reply-To: <scan-1@customer.example>\r\n", &scan);
        let Delivery::FollowUp { ticket_id, article_id, .. } = desk.deliver(again.clone()).await else {
            panic!("{backend:?}: a follow-up was expected")
        };
        assert_eq!(ticket_id, id, "{backend:?}");
        kept(article_id, again).await;
        assert_eq!(desk.spool.left().await, 0, "{backend:?}: the articles took their spooled files");

        // No agent to own a new ticket: the mail is refused, and its spooled files go.
        desk.agents.set_valid(1, false, 1).await.unwrap();
        let refused = with_file("<scan-3@customer.example>", "", &scan);
        let err = desk.postmaster.deliver(goats_mail::parse(refused), &Route::default()).await.unwrap_err();
        assert!(err.to_string().contains("invalid"), "{backend:?}: {err}");
        assert_eq!(desk.spool.left().await, 0, "{backend:?}: a refused mail left spooled files behind");
        desk.agents.set_valid(1, true, 1).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn charsets_html_attachments_and_broken_mime_are_read() {
    on_each_backend(|backend, desk| async move {
        let body_of = |d: Delivery| {
            let desk = &desk;
            async move { desk.ticket(new_ticket(&d).0).await }
        };
        let latin1 = body_of(desk.deliver(corpus("latin1")).await).await;
        assert_eq!(latin1.title, "Drücker defekt", "{backend:?}");
        let a = &latin1.articles.unwrap()[0];
        assert!(a.body.contains("Büro druckt nur noch Straßennamen"), "{backend:?}: {:?}", a.body);
        assert_eq!(a.from.as_deref(), Some("Jürgen Müller <juergen@beispiel.de>"), "{backend:?}");

        let sjis = body_of(desk.deliver(corpus("shift_jis")).await).await;
        assert_eq!(sjis.title, "故障", "{backend:?}");
        assert!(sjis.articles.unwrap()[0].body.contains("プリンターが動きません"), "{backend:?}");

        let html = body_of(desk.deliver(corpus("html-only")).await).await;
        let a = &html.articles.unwrap()[0];
        assert!(a.body.contains("your order #4711 is late."), "{backend:?}: {:?}", a.body);
        assert!(
            !a.body.contains("<b>") && !a.body.contains("alert"),
            "{backend:?}: the text, not the markup: {:?}",
            a.body
        );
        assert_eq!(a.attachments.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["file-2.html"]);

        let with_file = desk.deliver(corpus("attachment")).await;
        let (id, _, article_id) = new_ticket(&with_file);
        let a = desk.ticket(id).await.articles.unwrap().remove(0);
        assert_eq!(a.body, "See the invoice attached.", "{backend:?}");
        let pdf = a.attachments.iter().find(|f| f.filename == "invoice 2026-12.pdf").expect("the invoice");
        assert_eq!(pdf.content_type, "application/pdf", "{backend:?}");
        let (_, bytes) = desk.articles.attachment(pdf.id).await.unwrap().unwrap();
        assert!(bytes.starts_with(b"%PDF-1.4"), "{backend:?}");
        assert!(desk.articles.plain(article_id).await.unwrap().is_some());

        let forwarded = body_of(desk.deliver(corpus("forwarded")).await).await;
        let a = &forwarded.articles.unwrap()[0];
        assert_eq!(a.body.trim(), "Forwarding what our provider sent.", "{backend:?}");
        assert_eq!(a.attachments[0].filename, "Outage notice.eml", "{backend:?}: the forwarded message, whole");

        // A broken message is a ticket with what could be read, and its source kept.
        let broken = desk.deliver(corpus("malformed")).await;
        let (id, _, article_id) = new_ticket(&broken);
        let t = desk.ticket(id).await;
        assert_eq!(t.title, "Broken MIME", "{backend:?}");
        assert!(!t.articles.unwrap()[0].body.trim().is_empty(), "{backend:?}");
        assert_eq!(desk.articles.plain(article_id).await.unwrap(), Some(corpus("malformed")), "{backend:?}");
    })
    .await;
}

#[tokio::test]
async fn machines_are_told_from_people_and_x_otrs_headers_need_trust() {
    on_each_backend(|backend, desk| async move {
        let auto =
            desk.postmaster.deliver(goats_mail::parse(corpus("auto-reply")), &Route::default()).await.unwrap().signals;
        assert!(auto.automatic && !auto.bounce, "{backend:?}");
        let bounce =
            desk.postmaster.deliver(goats_mail::parse(corpus("bounce")), &Route::default()).await.unwrap().signals;
        assert!(bounce.bounce, "{backend:?}");
        let person =
            desk.postmaster.deliver(goats_mail::parse(corpus("plain")), &Route::default()).await.unwrap().signals;
        assert!(!person.automatic, "{backend:?}");

        let steered = |n: u32| {
            goats_mail::parse(message(&[
                "From: ops@example.com",
                "Subject: Disk full",
                &format!("Message-ID: <steer-{n}@example.com>"),
                "X-OTRS-Queue: Junk",
                "X-OTRS-Priority: 5 very high",
                "",
                "df says 100%.",
            ]))
        };
        let untrusted = desk.postmaster.deliver(steered(1), &Route::default()).await.unwrap().delivery;
        let t = desk.ticket(new_ticket(&untrusted).0).await;
        assert_eq!(
            (t.queue.as_str(), t.priority.as_str()),
            ("Raw", "3 normal"),
            "{backend:?}: headers anyone can write"
        );
        let trusted = Route { queue: None, trusted: true };
        let t = desk.ticket(new_ticket(&desk.postmaster.deliver(steered(2), &trusted).await.unwrap().delivery).0).await;
        assert_eq!((t.queue.as_str(), t.priority.as_str()), ("Junk", "5 very high"), "{backend:?}");
        let misc = desk.lookups.queue_by_name("Misc").await.unwrap().unwrap();
        let routed = Route { queue: Some(misc.id), trusted: false };
        let t = desk.ticket(new_ticket(&desk.postmaster.deliver(steered(3), &routed).await.unwrap().delivery).0).await;
        assert_eq!(t.queue, "Misc", "{backend:?}: the route's queue");
    })
    .await;
}

/// Postmaster filters, kept in `postmaster_filter`, steer mail whatever its route: a
/// subject that matches goes to Junk, a sender that matches is ignored.
#[tokio::test]
async fn postmaster_filters_steer_and_ignore_mail() {
    on_each_backend(|backend, desk| async move {
        let lottery = PostmasterFilter {
            name: "junk the lottery".into(),
            stop: false,
            matches: vec![
                FilterMatch { header: "Subject".into(), pattern: "lottery|prize".into(), negate: false },
                FilterMatch { header: "From".into(), pattern: "@example\\.com$".into(), negate: true },
            ],
            sets: vec![("X-OTRS-Queue".into(), "Junk".into()), ("X-OTRS-Priority".into(), "1 very low".into())],
        };
        let noreply = PostmasterFilter {
            name: "ignore noreply".into(),
            stop: true,
            matches: vec![FilterMatch { header: "From".into(), pattern: "^noreply@".into(), negate: false }],
            sets: vec![("X-OTRS-Ignore".into(), "yes".into())],
        };
        desk.filters.save_filter(&lottery).await.unwrap();
        desk.filters.save_filter(&noreply).await.unwrap();
        assert_eq!(
            desk.filters.filters().await.unwrap(),
            [noreply.clone(), lottery.clone()],
            "{backend:?}: kept as saved, by name"
        );

        let won = message(&[
            "From: winner@prizes.example",
            "Subject: You won the LOTTERY",
            "Message-ID: <f-1@x>",
            "",
            "Claim now.",
        ]);
        let t = desk.ticket(new_ticket(&desk.deliver(won).await).0).await;
        assert_eq!((t.queue.as_str(), t.priority.as_str()), ("Junk", "1 very low"), "{backend:?}");
        let ours = message(&["From: jane@example.com", "Subject: lottery results", "Message-ID: <f-2@x>", "", "Hi"]);
        assert_eq!(
            desk.ticket(new_ticket(&desk.deliver(ours).await).0).await.queue,
            "Raw",
            "{backend:?}: the negation"
        );
        let bot = message(&["From: noreply@shop.example", "Subject: Your order", "Message-ID: <f-3@x>", "", "Shipped"]);
        assert_eq!(desk.deliver(bot).await, Delivery::Ignored, "{backend:?}");

        assert!(desk.filters.delete_filter("ignore noreply").await.unwrap(), "{backend:?}");
        assert!(!desk.filters.delete_filter("ignore noreply").await.unwrap(), "{backend:?}");
        assert_eq!(desk.filters.filters().await.unwrap(), [lottery], "{backend:?}");
    })
    .await;
}
