//! Ticket lists as a contract: one set of tickets, written through the ticket service,
//! then every filter, every sort order in both directions and pages through the results,
//! as agents and as customers see them. The in-memory store and SQLite, PostgreSQL and
//! MariaDB must give the same answers, line by line; a few answers are also checked
//! against what the tickets were made with, so four stores agreeing on a wrong answer
//! still fails.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use goats_core::admin::AgentInput;
use goats_core::model::*;
use goats_core::permission::{AgentPermissions, Permission};
use goats_core::ports::Clock;
use goats_core::testing::FixedClock;
use goats_core::tickets::{TicketChange, TicketService};
use goats_tests::backends::{answer, assert_stores_agree};
use goats_tests::{Backend, Opened};

const TICKETS: usize = 30;

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z").expect("a time").to_utc()
}

/// What ticket `i` is made with. Titles mix upper and lower case so the title order
/// shows how each store compares case.
struct Spec {
    title: String,
    queue: usize,
    priority: PriorityId,
    state: StateId,
    owner: usize,
    responsible: usize,
    customer_id: Option<&'static str>,
    customer_user: Option<&'static str>,
    type_id: Option<TypeId>,
    locked: bool,
    body: String,
}

fn spec(i: usize) -> Spec {
    const WORDS: [&str; 6] = ["alpha", "Bravo", "charlie", "Delta", "echo", "Foxtrot"];
    Spec {
        title: format!("{} {:02}", WORDS[i % WORDS.len()], i),
        queue: i % 4,
        priority: (i % 5) as PriorityId + 1,
        state: [1, 4, 2, 6, 1][i % 5],
        owner: i % 2,
        responsible: i % 3,
        customer_id: [Some("ACME"), Some("Globex"), None][i % 3],
        customer_user: [Some("ann"), Some("bob"), Some("cid"), None][i % 4],
        type_id: if i.is_multiple_of(2) { Some(1) } else { None },
        locked: i.is_multiple_of(6),
        body: if i % 7 == 3 { format!("Invoice 4711, reminder {i}") } else { format!("The printer in room {i}") },
    }
}

/// The agents and queues the tickets are spread over.
struct Cast {
    agents: [UserId; 3],
    queues: [QueueId; 4],
}

async fn cast(o: &Opened) -> Cast {
    let admin = o.admin_service();
    let mut agents = [1; 3];
    for (slot, login) in agents.iter_mut().skip(1).zip(["dana", "erin"]) {
        let input = AgentInput {
            login: login.into(),
            first_name: login.into(),
            last_name: "Agent".into(),
            email: None,
            password: format!("{login}-password"),
        };
        *slot = admin.create_agent(&o.root, input).await.expect("agent").id;
    }
    let group = admin.create_group(&o.root, "support", None).await.expect("group");
    let support = admin.create_queue(&o.root, goats_core::testing::queue("Support", group.id)).await.expect("queue");
    for agent in agents {
        admin.set_agent_grant(&o.root, agent, 1, Permission::Rw, true).await.expect("grant");
    }
    admin.set_agent_grant(&o.root, 1, group.id, Permission::Rw, true).await.expect("grant");
    Cast { agents, queues: [2, 3, 4, support.id] }
}

async fn fill(o: &Opened, service: &TicketService, clock: &FixedClock, cast: &Cast, root: &AgentPermissions) {
    for i in 0..TICKETS {
        let s = spec(i);
        clock.advance(Duration::minutes(7));
        let mut article = NewArticle::note(s.title.clone(), s.body);
        article.visible_for_customer = i % 2 == 1;
        let new = NewTicket {
            title: s.title,
            queue_id: cast.queues[s.queue],
            state_id: 1,
            priority_id: s.priority,
            type_id: s.type_id,
            owner_id: cast.agents[s.owner],
            responsible_id: Some(cast.agents[s.responsible]),
            customer_id: s.customer_id.map(Into::into),
            customer_user_id: s.customer_user.map(Into::into),
            pending_until: None,
            article,
        };
        let t = service.create(root, new).await.unwrap_or_else(|e| panic!("{:?} ticket {i}: {e}", o.backend));
        let mut changes = Vec::new();
        if s.state != 1 {
            let pending_until = (s.state == 6).then(|| clock.now() + Duration::hours(i as i64 % 9 + 1));
            changes.push(TicketChange::State { state_id: s.state, pending_until });
        }
        if s.locked {
            changes.push(TicketChange::Lock(Lock::Lock));
        }
        if !changes.is_empty() {
            // Changed later than created, and in another order than created.
            clock.advance(Duration::seconds((TICKETS - i) as i64));
            service.change_all(root, t.id, changes, Default::default()).await.expect("change");
        }
    }
}

fn filters(cast: &Cast) -> Vec<(&'static str, TicketFilter)> {
    let f = TicketFilter::default;
    let at = |minutes: i64| Some(start() + Duration::minutes(minutes));
    vec![
        ("everything", f()),
        ("queue Misc", TicketFilter { queue_ids: vec![4], ..f() }),
        ("queues Raw and Support", TicketFilter { queue_ids: vec![2, cast.queues[3]], ..f() }),
        ("state open", TicketFilter { state_ids: vec![4], ..f() }),
        ("closed", TicketFilter { state_types: vec![StateType::Closed], ..f() }),
        ("new or pending", TicketFilter { state_types: vec![StateType::New, StateType::PendingReminder], ..f() }),
        ("state type and state", TicketFilter { state_types: vec![StateType::New], state_ids: vec![1, 4], ..f() }),
        ("no state has the type", TicketFilter { state_types: vec![StateType::Merged], ..f() }),
        ("very low or very high", TicketFilter { priority_ids: vec![1, 5], ..f() }),
        ("owner dana", TicketFilter { owner_ids: vec![cast.agents[1]], ..f() }),
        ("responsible erin", TicketFilter { responsible_ids: vec![cast.agents[2]], ..f() }),
        ("company ACME", TicketFilter { customer_ids: vec!["ACME".into()], ..f() }),
        ("customer users", TicketFilter { customer_user_ids: vec!["bob".into(), "cid".into()], ..f() }),
        ("type 1", TicketFilter { type_ids: vec![1], ..f() }),
        ("locked", TicketFilter { lock: Some(Lock::Lock), ..f() }),
        ("unlocked", TicketFilter { lock: Some(Lock::Unlock), ..f() }),
        ("title, other case", TicketFilter { title_contains: Some("bRAVO".into()), ..f() }),
        ("title digits", TicketFilter { title_contains: Some("1".into()), ..f() }),
        ("title wildcard characters", TicketFilter { title_contains: Some("_%".into()), ..f() }),
        ("text in a body", TicketFilter { text_contains: Some("INVOICE 4711".into()), ..f() }),
        ("text in a customer user", TicketFilter { text_contains: Some("CI".into()), ..f() }),
        ("created from", TicketFilter { created_from: at(70), ..f() }),
        ("created until", TicketFilter { created_until: at(70), ..f() }),
        ("created between", TicketFilter { created_from: at(35), created_until: at(140), ..f() }),
        ("changed from", TicketFilter { changed_from: at(150), ..f() }),
        ("changed until", TicketFilter { changed_until: at(150), ..f() }),
        (
            "several at once",
            TicketFilter {
                queue_ids: vec![2, 3, 4],
                state_types: vec![StateType::New, StateType::Open],
                priority_ids: vec![1, 2, 3],
                customer_ids: vec!["ACME".into(), "Globex".into()],
                ..f()
            },
        ),
    ]
}

const SORT_FIELDS: [TicketSortField; 9] = [
    TicketSortField::Number,
    TicketSortField::Title,
    TicketSortField::Queue,
    TicketSortField::State,
    TicketSortField::Priority,
    TicketSortField::Owner,
    TicketSortField::Created,
    TicketSortField::Changed,
    TicketSortField::PendingUntil,
];

fn line(name: &str, page: &Page<Ticket>) -> String {
    let titles: Vec<&str> = page.items.iter().map(|t| t.title.as_str()).collect();
    format!("{name}: {} [{}]", page.total, titles.join(", "))
}

/// Every answer the scenario asks for, one line each.
async fn transcript(backend: Backend) -> Vec<String> {
    let clock = Arc::new(FixedClock::at(start()));
    let o = backend.open(clock.clone()).await;
    let cast = cast(&o).await;
    let service = o.ticket_service();
    let root = AgentPermissions::new(1, o.admin.groups.grants_for(1).await.expect("grants"));
    fill(&o, &service, &clock, &cast, &root).await;

    let mut lines = Vec::new();
    let every = PageRequest::new(1, 100);
    let by_number = TicketSort { field: TicketSortField::Number, direction: SortDirection::Asc };
    for (name, filter) in filters(&cast) {
        let page = service.list(&root, filter, by_number, every).await.expect("list");
        lines.push(line(name, &page));
    }
    for field in SORT_FIELDS {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let sort = TicketSort { field, direction };
            for n in [1, 3, 5] {
                let page = service.list(&root, TicketFilter::default(), sort, PageRequest::new(n, 7)).await;
                lines.push(line(&format!("{field:?} {direction:?} page {n}"), &page.expect("list")));
            }
        }
    }
    // Sorted by title, ties in a filtered list keep the id order.
    let sort = TicketSort { field: TicketSortField::Queue, direction: SortDirection::Desc };
    let filter = TicketFilter { state_types: vec![StateType::New], ..Default::default() };
    lines.push(line("new by queue", &service.list(&root, filter, sort, every).await.expect("list")));

    // An agent sees only the queues their groups reach.
    let dana = AgentPermissions::new(cast.agents[1], o.admin.groups.grants_for(cast.agents[1]).await.expect("grants"));
    lines.push(line(
        "dana's view",
        &service.list(&dana, TicketFilter::default(), by_number, every).await.expect("list"),
    ));
    let counts = service.counts(&dana).await.expect("counts");
    let counts: Vec<String> = counts.iter().map(|(q, s, n)| format!("{}/{}={n}", q.name, s.name)).collect();
    lines.push(format!("dana's counts: {}", counts.join(", ")));

    // Customers: their own tickets and their company's.
    for (login, company) in [("ann", "ACME"), ("bob", ""), ("dora", "Globex"), ("nobody", "")] {
        let page = service
            .list_for_customer(login, company, TicketFilter::default(), by_number, every)
            .await
            .expect("customer list");
        lines.push(line(&format!("customer {login} of {company:?}"), &page));
    }
    let open = TicketFilter { state_types: vec![StateType::Open, StateType::New], ..Default::default() };
    let page = service.list_for_customer("ann", "ACME", open, by_number, PageRequest::new(2, 3)).await;
    lines.push(line("customer ann, open, page 2", &page.expect("customer list")));
    o.close().await;
    lines
}

fn total(lines: &[String], name: &str) -> usize {
    answer(lines, name).split(' ').next().and_then(|n| n.parse().ok()).expect("a total")
}

/// Counts straight from the specs, so a wrong answer every store shares still fails.
fn expected(pick: impl Fn(&Spec) -> bool) -> usize {
    (0..TICKETS).map(spec).filter(|s| pick(s)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_store_lists_the_same_tickets_in_the_same_order() {
    let memory = transcript(Backend::Memory).await;
    assert_eq!(total(&memory, "everything"), TICKETS);
    assert_eq!(total(&memory, "closed"), expected(|s| s.state == 2));
    assert_eq!(total(&memory, "company ACME"), expected(|s| s.customer_id == Some("ACME")));
    assert_eq!(total(&memory, "locked"), expected(|s| s.locked));
    assert_eq!(total(&memory, "text in a body"), expected(|s| s.body.contains("Invoice 4711")));
    assert_eq!(total(&memory, "title, other case"), expected(|s| s.title.starts_with("Bravo")));
    assert_eq!(total(&memory, "title wildcard characters"), 0, "% and _ are plain characters");
    assert_eq!(total(&memory, "no state has the type"), 0);
    assert_eq!(
        total(&memory, "customer ann of \"ACME\""),
        expected(|s| s.customer_user == Some("ann") || s.customer_id == Some("ACME"))
    );
    assert_eq!(total(&memory, "customer nobody of \"\""), 0, "an empty company matches no ticket without one");
    assert!(answer(&memory, "Title Asc page 1").contains("[alpha 00, alpha 06"), "{memory:?}");

    assert_stores_agree(&memory, transcript).await;
}
