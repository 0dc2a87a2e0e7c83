//! Ticket lists as a contract: one set of tickets, written through the ticket service,
//! then every filter, every sort order in both directions and pages through the results,
//! by dynamic fields as agents type them, as agents and as customers see them. The in-memory store and SQLite, PostgreSQL and
//! MariaDB must give the same answers, line by line; a few answers are also checked
//! against what the tickets were made with, so four stores agreeing on a wrong answer
//! still fails.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use goats_core::admin::AgentInput;
use goats_core::model::*;
use goats_core::permission::{AgentPermissions, Permission};
use goats_core::ports::Clock;
use goats_core::search::SearchQuery;
use goats_core::testing::FixedClock;
use goats_core::tickets::{FieldOperator, TicketChange, TicketService};
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
        body: match i {
            _ if i % 7 == 3 => format!("Invoice 4711, reminder {i}"),
            _ if i % 10 == 5 => format!("Herr Müller meldet: paper jam in tray {i}"),
            _ => format!("The printer in room {i}"),
        },
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
            service_id: None,
            sla_id: None,
            owner_id: cast.agents[s.owner],
            responsible_id: Some(cast.agents[s.responsible]),
            customer_id: s.customer_id.map(Into::into),
            customer_user_id: s.customer_user.map(Into::into),
            pending_until: None,
            article,
        };
        let t = service.create(root, new).await.unwrap_or_else(|e| panic!("{:?} ticket {i}: {e}", o.backend));
        let fields = service.dynamic_field_changes(field_values(i)).await.expect("field values");
        service.set_dynamic_fields(root, t.id, &fields).await.expect("set fields");
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

/// The site's ticket fields, and ticket `i`'s values for them (by name, as texts).
const FIELDS: [(&str, FieldType); 6] = [
    ("Severity", FieldType::Dropdown),
    ("Systems", FieldType::Multiselect),
    ("Billable", FieldType::Checkbox),
    ("Due", FieldType::Date),
    ("Callback", FieldType::DateTime),
    ("Contract", FieldType::Text),
];

fn field_values(i: usize) -> Vec<(String, Vec<String>)> {
    let mut v: Vec<(&str, Vec<String>)> = vec![("Due", vec![format!("2026-12-{:02}", 1 + i % 28)])];
    match i % 3 {
        0 => v.push(("Severity", vec!["high".into()])),
        1 => v.push(("Severity", vec!["low".into()])),
        _ => {}
    }
    match i % 4 {
        0 => v.push(("Systems", vec!["mail".into(), "web".into()])),
        1 => v.push(("Systems", vec!["web".into()])),
        _ => {}
    }
    if i < 20 {
        v.push(("Billable", vec![(i % 2).to_string()]));
    }
    if i < 10 {
        v.push(("Callback", vec![format!("2026-12-05 {i:02}:30:00")]));
    }
    match i % 5 {
        0 => v.push(("Contract", vec![format!("C-{i}")])),
        1 => v.push(("Contract", vec![format!("Gold c-{i}")])),
        _ => {}
    }
    v.into_iter().map(|(n, vals)| (n.to_string(), vals)).collect()
}

async fn define_fields(o: &Opened) {
    for (order, (name, field_type)) in (1..).zip(FIELDS) {
        let possible_values = match name {
            "Severity" => vec![("low".into(), "Low".into()), ("high".into(), "Very high".into())],
            "Systems" => vec![("mail".into(), "Mail".into()), ("web".into(), "Web".into())],
            _ => Vec::new(),
        };
        let field = FieldDefinition {
            id: 0,
            name: name.into(),
            label: name.into(),
            field_type,
            object_type: "Ticket".into(),
            field_order: order,
            valid: true,
            internal: false,
            possible_values,
            default_value: None,
        };
        o.tickets.dynamic_fields.save_field_definition(&field, 1).await.expect("field");
    }
}

/// Lists by dynamic fields, as an agent types a value and as an OTRS script searches.
async fn field_filters(service: &TicketService) -> Vec<(&'static str, TicketFilter)> {
    let typed = |name: &'static str, value: &'static str| async move {
        service.field_filter(name, value).await.unwrap_or_else(|e| panic!("{name} {value}: {e}"))
    };
    let only = |fields: Vec<FieldFilter>| TicketFilter { fields, ..Default::default() };
    let callback_from = service
        .field_filter_by("Callback", FieldOperator::GreaterThanEquals, "2026-12-05 04:30:00")
        .await
        .expect("operator");
    let callback_before =
        service.field_filter_by("Callback", FieldOperator::SmallerThan, "2026-12-05 07:30:00").await.expect("operator");
    vec![
        ("field list key", only(vec![typed("Severity", "high").await])),
        ("field list label", only(vec![typed("Severity", "very HIGH").await])),
        ("field multiselect", only(vec![typed("Systems", "web").await])),
        ("field box unticked", only(vec![typed("Billable", "no").await])),
        ("field box ticked", only(vec![typed("Billable", "yes").await])),
        ("field day", only(vec![typed("Due", "2026-12-05").await])),
        ("field days", only(vec![typed("Due", "2026-12-03..2026-12-10").await])),
        ("field words", only(vec![typed("Contract", "gold").await])),
        ("field wildcard", only(vec![typed("Contract", "c-1*").await])),
        ("field two", only(vec![typed("Severity", "high").await, typed("Systems", "mail").await])),
        ("field time between", only(vec![callback_from, callback_before])),
        (
            "field and columns",
            TicketFilter {
                fields: vec![typed("Billable", "yes").await],
                state_types: vec![StateType::New],
                ..Default::default()
            },
        ),
    ]
}

fn search(typed: &str) -> TicketFilter {
    TicketFilter { text: Some(SearchQuery::parse(typed).expect("a search")), ..Default::default() }
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
        ("text in a body", search("INVOICE 4711")),
        ("text in a customer user", search("cid")),
        ("search words in any order", search("4711 invoice")),
        ("search words in title and body", search("charlie PRINTER")),
        ("search phrase", search("\"paper jam\"")),
        ("search phrase reversed", search("\"jam paper\"")),
        ("search prefix", search("invo*")),
        ("search exclusion", search("printer -charlie -\"room 1\"")),
        ("search umlaut", search("MÜLLER")),
        ("search umlaut folded", search("muller")),
        ("search umlaut spelled", search("Mueller")),
        ("search field subject", search("subject:BRAVO")),
        ("search field queue and words", search("printer -queue:misc")),
        ("search field state", search("state:closed")),
        ("search field owner", search("owner:dana tray")),
        ("search nothing found", search("zebra")),
        ("search a field's text", search("gold")),
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
    define_fields(&o).await;
    fill(&o, &service, &clock, &cast, &root).await;

    let mut lines = Vec::new();
    let every = PageRequest::new(1, 100);
    let by_number = TicketSort { field: TicketSortField::Number, direction: SortDirection::Asc };
    for (name, filter) in filters(&cast).into_iter().chain(field_filters(&service).await) {
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
    // Sorted by queue or state, her queues' tickets alone, a page at a time.
    for field in [TicketSortField::Queue, TicketSortField::State] {
        for (direction, n) in [(SortDirection::Asc, 2), (SortDirection::Desc, 1)] {
            let sort = TicketSort { field, direction };
            let page = service.list(&dana, TicketFilter::default(), sort, PageRequest::new(n, 3)).await;
            lines.push(line(&format!("dana's view by {field:?} {direction:?} page {n}"), &page.expect("list")));
        }
    }
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
    // A customer's search finds only what the customer is shown.
    for words in ["invoice", "jam", "4711 -reminder"] {
        let page = service.list_for_customer("ann", "ACME", search(words), by_number, every).await;
        lines.push(line(&format!("customer ann searching {words}"), &page.expect("customer search")));
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
    assert_eq!(total(&memory, "text in a customer user"), expected(|s| s.customer_user == Some("cid")));
    assert_eq!(answer(&memory, "search words in any order"), answer(&memory, "text in a body"));
    assert_eq!(answer(&memory, "search prefix"), answer(&memory, "text in a body"));
    let printer = |s: &Spec| s.body.starts_with("The printer");
    let charlie = |s: &Spec| s.title.starts_with("charlie");
    assert_eq!(total(&memory, "search words in title and body"), expected(|s| printer(s) && charlie(s)));
    let jam = expected(|s| s.body.contains("paper jam"));
    assert_eq!(total(&memory, "search phrase"), jam);
    assert_eq!(total(&memory, "search phrase reversed"), 0);
    for umlaut in ["search umlaut", "search umlaut folded", "search umlaut spelled"] {
        assert_eq!(total(&memory, umlaut), jam, "{umlaut}");
    }
    let room_1 = |s: &Spec| s.body.split(' ').any(|w| w == "1");
    assert_eq!(total(&memory, "search exclusion"), expected(|s| printer(s) && !charlie(s) && !room_1(s)));
    assert_eq!(total(&memory, "search field subject"), expected(|s| s.title.starts_with("Bravo")));
    assert_eq!(total(&memory, "search field queue and words"), expected(|s| printer(s) && s.queue != 2));
    assert_eq!(total(&memory, "search field state"), expected(|s| s.state == 2));
    assert_eq!(total(&memory, "search field owner"), expected(|s| s.owner == 1 && s.body.contains("tray")));
    assert_eq!(total(&memory, "search nothing found"), 0);
    let gold = |i: &usize| field_values(*i).iter().any(|(n, v)| n == "Contract" && v[0].starts_with("Gold"));
    assert_eq!(total(&memory, "search a field's text"), (0..TICKETS).filter(gold).count());
    assert_eq!(answer(&memory, "customer ann searching invoice"), "1 [Delta 03]", "not the internal note of 24");
    assert_eq!(total(&memory, "title, other case"), expected(|s| s.title.starts_with("Bravo")));
    assert_eq!(total(&memory, "title wildcard characters"), 0, "% and _ are plain characters");
    assert_eq!(total(&memory, "no state has the type"), 0);
    assert_eq!(
        total(&memory, "customer ann of \"ACME\""),
        expected(|s| s.customer_user == Some("ann") || s.customer_id == Some("ACME"))
    );
    assert_eq!(total(&memory, "customer nobody of \"\""), 0, "an empty company matches no ticket without one");
    assert!(answer(&memory, "Title Asc page 1").contains("[alpha 00, alpha 06"), "{memory:?}");
    let has = |i: usize, name: &str, pick: &dyn Fn(&[String]) -> bool| {
        field_values(i).iter().any(|(n, v)| n == name && pick(v))
    };
    let count = |name: &str, pick: &dyn Fn(&[String]) -> bool| (0..TICKETS).filter(|i| has(*i, name, pick)).count();
    assert_eq!(total(&memory, "field list key"), count("Severity", &|v| v[0] == "high"));
    assert_eq!(answer(&memory, "field list label"), answer(&memory, "field list key"));
    assert_eq!(total(&memory, "field multiselect"), count("Systems", &|v| v.contains(&"web".to_string())));
    assert_eq!(total(&memory, "field box unticked"), 10, "an unticked box, not a ticket without a value");
    assert_eq!(total(&memory, "field day"), count("Due", &|v| v[0] == "2026-12-05"));
    assert_eq!(total(&memory, "field days"), count("Due", &|v| ("2026-12-03".."2026-12-11").contains(&v[0].as_str())));
    assert_eq!(total(&memory, "field words"), count("Contract", &|v| v[0].starts_with("Gold")));
    assert_eq!(total(&memory, "field wildcard"), count("Contract", &|v| v[0].to_lowercase().starts_with("c-1")));
    assert_eq!(total(&memory, "field time between"), 3, "04:30, 05:30 and 06:30");
    assert!(total(&memory, "field two") > 0);

    assert_stores_agree(&memory, transcript).await;
}
