//! Mail accounts read over IMAP and POP3 from a real Dovecot: every message becomes a ticket in
//! the account's queue and leaves the server only once stored; a message read twice
//! (as after a crash between storing and removing) is stored once; an account the
//! server refuses is reported and its mail stays; two instances in the same minute read
//! an account once; messages read at once still find the tickets of those they repeat
//! or answer. On the in-memory store and on SQLite, PostgreSQL and MariaDB.

use std::sync::Arc;

use chrono::Duration;
use goats_core::mail::{MailFetcher, Postmaster, PostmasterPorts};
use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::ports::*;
use goats_core::testing::{FixedClock, MemoryStore};
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::{TicketPorts, TicketService};
use goats_sql::{Db, migrate};
use goats_tests::{Dovecot, Engine, TestDatabase, ticket_ports};

const USER: &str = "helpdesk@example.com";

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/fixtures/mail/{name}.eml", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

struct Desk {
    fetcher: MailFetcher,
    tickets: Arc<TicketService>,
    root: AgentPermissions,
    accounts: Arc<dyn MailAccounts>,
    clock: Arc<FixedClock>,
}

fn desk<S>(store: Arc<S>, ports: TicketPorts, root: AgentPermissions, clock: Arc<FixedClock>) -> Desk
where
    S: TicketRepository
        + ArticleRepository
        + LookupRepository
        + CustomerRepository
        + AutoResponses
        + PostmasterFilters
        + MailAccounts
        + ScheduleStore
        + Spool
        + 'static,
{
    let tickets = Arc::new(TicketService::new(ports, TicketNumberConfig::default()));
    let pm = PostmasterPorts {
        tickets: store.clone(),
        articles: store.clone(),
        lookups: store.clone(),
        customers: store.clone(),
        responses: store.clone(),
        filters: store.clone(),
        spool: store.clone(),
        clock: clock.clone(),
    };
    let postmaster = Arc::new(Postmaster::new(pm, tickets.clone(), TicketNumberConfig::default()));
    let fetcher =
        MailFetcher::new(store.clone(), Arc::new(goats_mail::Mailboxes), postmaster, store.clone(), clock.clone());
    Desk { fetcher, tickets, root, accounts: store, clock }
}

async fn on_each_backend<F, Fut>(f: F)
where
    F: Fn(String, Desk) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z").unwrap().to_utc();
    let clock = Arc::new(FixedClock::at(start));
    let store = Arc::new(MemoryStore::with_defaults(clock.clone()));
    let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
    f("memory".into(), desk(store.clone(), store.ticket_ports(), root, clock)).await;
    for engine in [Engine::Sqlite, Engine::Postgres, Engine::MySql] {
        let t = TestDatabase::create(engine).await;
        let db: Db = t.connect().await;
        migrate(&db).await.unwrap();
        let clock = Arc::new(FixedClock::at(start));
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        let ports = ticket_ports(&db, clock.clone());
        f(format!("{engine:?}"), desk(Arc::new(db.clone()), ports, root, clock)).await;
        db.close().await;
        t.drop_database().await;
    }
}

fn account(port: u16, password: &str) -> MailAccount {
    MailAccount {
        id: 0,
        login: USER.into(),
        password: password.into(),
        host: format!("127.0.0.1:{port}"),
        kind: Some(AccountKind::Imap),
        queue_id: Some(4),
        trusted: false,
        folder: None,
        valid: true,
    }
}

#[tokio::test]
async fn an_imap_account_becomes_tickets_and_its_mail_leaves_once_stored() {
    on_each_backend(|backend, d| async move {
        let server = Dovecot::start(&[(USER, "secret")]);
        let id = d.accounts.create_mail_account(&account(server.imap_port, "secret"), 1).await.unwrap();
        let stored = d.accounts.mail_accounts().await.unwrap();
        assert_eq!(stored, [MailAccount { id, ..account(server.imap_port, "secret") }], "{backend}: read back");
        for name in ["plain", "attachment", "latin1"] {
            server.deliver(USER, &corpus(name));
        }
        let run = d.fetcher.run().await.unwrap();
        assert_eq!((run.delivered, run.failed.len()), (3, 0), "{backend}: {run:?} {}", server.log());
        assert_eq!(server.count(USER), 0, "{backend}: removed once stored");
        let misc = TicketFilter { queue_ids: vec![4], ..TicketFilter::default() };
        let page = d.tickets.list(&d.root, misc.clone(), TicketSort::default(), PageRequest::default()).await.unwrap();
        let mut titles: Vec<_> = page.items.iter().map(|t| t.title.clone()).collect();
        titles.sort();
        assert_eq!(titles, ["Drücker defekt", "Invoice attached", "Printer on fire"], "{backend}");

        // The same message again, as after a crash before it was removed: stored once.
        server.deliver(USER, &corpus("plain"));
        d.clock.advance(Duration::minutes(1));
        assert_eq!(d.fetcher.run().await.unwrap().delivered, 1, "{backend}");
        assert_eq!(server.count(USER), 0, "{backend}");
        let again = d.tickets.list(&d.root, misc, TicketSort::default(), PageRequest::default()).await.unwrap();
        assert_eq!(again.total, 3, "{backend}: no second ticket");

        // Another instance in the same minute leaves the account alone.
        server.deliver(USER, &corpus("forwarded"));
        assert_eq!(d.fetcher.run().await.unwrap().delivered, 0, "{backend}: claimed this minute already");
        assert_eq!(server.count(USER), 1, "{backend}");
    })
    .await;
}

fn mail(id: &str, subject: &str, answers: Option<&str>) -> Vec<u8> {
    let reply = answers.map(|a| format!("In-Reply-To: {a}\r\nReferences: {a}\r\n")).unwrap_or_default();
    format!(
        "From: Jane <jane@customer.example>\r\nTo: support@example.com\r\nSubject: {subject}\r\n\
         Message-ID: {id}\r\n{reply}Content-Type: text/plain; charset=utf-8\r\n\r\nAbout {subject}.\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn messages_read_at_once_find_the_tickets_of_those_they_repeat_or_answer() {
    on_each_backend(|backend, d| async move {
        let server = Dovecot::start(&[(USER, "secret")]);
        d.accounts.create_mail_account(&account(server.imap_port, "secret"), 1).await.unwrap();
        // Enough unrelated mail before and between that several are under way at once,
        // two of them large enough to be fetched in commands of their own.
        for n in 0..5 {
            let mut other = mail(&format!("<other-{n}@customer.example>"), &format!("Other {n}"), None);
            if n % 2 == 1 {
                other.extend("A line of a long log the customer pasted in.\r\n".repeat(16_000).bytes());
            }
            server.deliver(USER, &other);
        }
        server.deliver(USER, &mail("<first@customer.example>", "Scanner jams", None));
        server.deliver(USER, &mail("<first@customer.example>", "Scanner jams", None));
        server.deliver(USER, &mail("<second@customer.example>", "Re: Scanner jams", Some("<first@customer.example>")));
        for n in 5..8 {
            server.deliver(USER, &mail(&format!("<other-{n}@customer.example>"), &format!("Other {n}"), None));
        }
        let run = d.fetcher.run().await.unwrap();
        assert_eq!((run.delivered, run.failed.len()), (11, 0), "{backend}: {run:?} {}", server.log());
        assert_eq!(server.count(USER), 0, "{backend}");
        let misc = TicketFilter { queue_ids: vec![4], ..TicketFilter::default() };
        let page = d.tickets.list(&d.root, misc, TicketSort::default(), PageRequest::default()).await.unwrap();
        assert_eq!(page.total, 9, "{backend}: eight others and one about the scanner");
        let scanner = page.items.iter().find(|t| t.title == "Scanner jams").expect("the scanner's ticket");
        let articles = d.tickets.get(&d.root, scanner.id, true).await.unwrap().articles.unwrap_or_default();
        let subjects: Vec<_> = articles.iter().map(|a| a.subject.as_deref().unwrap_or_default()).collect();
        assert_eq!(subjects, ["Scanner jams", "Re: Scanner jams"], "{backend}: stored once, answered in it");
    })
    .await;
}

#[tokio::test]
async fn a_pop3_account_becomes_tickets_and_its_mail_leaves_once_stored() {
    on_each_backend(|backend, d| async move {
        let pop_user = "pop@example.com";
        let server = Dovecot::start(&[(pop_user, "secret")]);
        let pop = MailAccount {
            login: pop_user.into(),
            kind: Some(AccountKind::Pop3),
            ..account(server.pop3_port, "secret")
        };
        d.accounts.create_mail_account(&pop, 1).await.unwrap();
        server.deliver(pop_user, &corpus("shift_jis"));
        server.deliver(pop_user, &corpus("forwarded"));
        let run = d.fetcher.run().await.unwrap();
        assert_eq!((run.delivered, run.failed.len()), (2, 0), "{backend}: {run:?} {}", server.log());
        assert_eq!(server.count(pop_user), 0, "{backend}: deleted at QUIT");
        let misc = TicketFilter { queue_ids: vec![4], ..TicketFilter::default() };
        let page = d.tickets.list(&d.root, misc, TicketSort::default(), PageRequest::default()).await.unwrap();
        let mut titles: Vec<_> = page.items.iter().map(|t| t.title.clone()).collect();
        titles.sort();
        assert_eq!(titles, ["Fwd: Outage notice", "故障"], "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_refused_login_is_reported_and_the_mail_stays() {
    on_each_backend(|backend, d| async move {
        let server = Dovecot::start(&[(USER, "secret")]);
        d.accounts.create_mail_account(&account(server.imap_port, "wrong"), 1).await.unwrap();
        let pop = MailAccount { kind: Some(AccountKind::Pop3), ..account(server.pop3_port, "also wrong") };
        d.accounts.create_mail_account(&pop, 1).await.unwrap();
        let unreachable = MailAccount { host: "127.0.0.1:9".into(), ..account(0, "secret") };
        d.accounts.create_mail_account(&unreachable, 1).await.unwrap();
        server.deliver(USER, &corpus("plain"));
        let run = d.fetcher.run().await.unwrap();
        assert_eq!(run.delivered, 0, "{backend}");
        let why: Vec<_> = run.failed.iter().map(|(_, why)| why.as_str()).collect();
        assert_eq!(why.len(), 3, "{backend}: {run:?}");
        assert!(why[0].contains("login refused") && why[1].contains("login refused"), "{backend}: {run:?}");
        assert!(why[2].contains("cannot connect"), "{backend}: {run:?}");
        assert_eq!(server.count(USER), 1, "{backend}: the mail stays");
    })
    .await;
}

/// "Test connection" logs in and out of a real Dovecot, over IMAP and POP3, reading
/// nothing: a right password passes, a wrong one fails with the server's answer, a
/// stored account is tested with its stored password, and no mail leaves the server.
#[tokio::test]
async fn test_connection_logs_in_and_out_and_reads_nothing() {
    use goats_core::admin::mail::{MailAdmin, MailAdminPorts};
    let server = Dovecot::start(&[(USER, "secret")]);
    server.deliver(USER, &corpus("plain"));
    let store = Arc::new(MemoryStore::with_defaults(Arc::new(SystemClock)));
    let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
    let admin = MailAdmin::new(MailAdminPorts {
        accounts: store.clone(),
        responses: store.clone(),
        filters: store.clone(),
        lookups: store.clone(),
        reader: Arc::new(goats_mail::Mailboxes),
        texts: store.clone(),
    });
    assert_eq!(admin.test_account(&root, account(server.imap_port, "secret")).await.unwrap(), Ok(()));
    let pop = MailAccount { kind: Some(AccountKind::Pop3), ..account(server.pop3_port, "secret") };
    assert_eq!(admin.test_account(&root, pop).await.unwrap(), Ok(()));
    let wrong = admin.test_account(&root, account(server.imap_port, "wrong")).await.unwrap();
    assert!(wrong.is_err(), "a wrong password fails");

    let id = admin.create_account(&root, account(server.imap_port, "secret")).await.unwrap();
    let stored = MailAccount { id, password: String::new(), ..account(server.imap_port, "") };
    assert_eq!(admin.test_account(&root, stored).await.unwrap(), Ok(()), "the stored password stands in");
    assert_eq!(server.count(USER), 1, "testing reads and removes nothing");
}
