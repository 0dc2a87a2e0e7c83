//! `goats seed`: fills a database with realistic help-desk data for benchmarks and
//! demos — agents, customers, queues, and tickets spread over states, priorities and two
//! years of age, each with articles and OTRS's history rows.
//!
//! Rows are written in multi-row INSERTs with ids chosen up front, which is what makes
//! 100,000 tickets quick; so seeding expects no other writer at the same time. Each
//! batch is indexed for search in its own transaction, as goats' own writes are.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use goats_core::model::{ArticleId, NewAttachment, TicketId};
use goats_core::password;
use goats_core::ticket_number::TicketNumberConfig;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait, Value};

use crate::connection::{Db, Dialect};
use crate::error::SqlError;
use crate::row::{db_now, opt_int};

#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub tickets: u64,
    pub articles_per_ticket: u32,
    /// Same seed, same data.
    pub seed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub agents: u64,
    pub customers: u64,
    pub tickets: u64,
    pub articles: u64,
    /// About one article in twenty carries a file, as help-desk mail does.
    pub attachments: u64,
}

const FIRST: &[&str] = &[
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Katja", "Lukas", "Mara",
    "Noah", "Olga", "Paul", "Rosa", "Samir", "Tara", "Ugo",
];
const LAST: &[&str] = &[
    "Berger", "Costa", "Dahl", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen", "Keller", "Lopez",
    "Meyer", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Weber",
];
const QUEUES: &[&str] = &["Service Desk", "Network", "Hardware", "Software", "Accounts", "Billing"];
const THINGS: &[&str] = &[
    "printer",
    "VPN",
    "laptop",
    "mailbox",
    "invoice",
    "password",
    "monitor",
    "Wi-Fi",
    "license",
    "phone",
    "calendar",
    "backup",
    "shared drive",
    "badge",
    "docking station",
];
const PROBLEMS: &[&str] = &[
    "does not work",
    "is very slow",
    "shows an error",
    "needs replacing",
    "was charged twice",
    "cannot be reached",
    "keeps disconnecting",
    "is locked",
    "is missing",
    "needs an upgrade",
];
const SENTENCES: &[&str] = &[
    "Since this morning nothing happens when I try again.",
    "I already restarted it twice, without success.",
    "Colleagues in the same office report the same thing.",
    "Could you please have a look today? We have a deadline.",
    "The error message says to contact the administrator.",
    "It worked fine until the update last week.",
    "I attached a screenshot of what I see.",
    "Thank you for the quick reply, that solved part of it.",
    "We checked the cabling and the settings on our side.",
    "Please call me back on my mobile if anything is unclear.",
];
/// What an article names besides its sentences, so searches range from words in
/// thousands of tickets to codes in a handful: a device or program, an error as it
/// was shown, a site, and now and then an asset tag, an invoice or a host.
const MODELS: &[&str] = &[
    "ThinkPad T14",
    "ThinkPad X1 Carbon",
    "Latitude 5440",
    "EliteBook 840",
    "MacBook Air M2",
    "Surface Pro 9",
    "LaserJet M404dn",
    "OfficeJet Pro 9025",
    "Brother HL-L2350",
    "Xerox VersaLink C405",
    "Dell U2723QE",
    "Samsung S27",
    "iPhone 15",
    "Galaxy S23",
    "Yealink T54W",
    "Cisco AnyConnect",
    "FortiClient 7.2",
    "GlobalProtect",
    "Outlook 2021",
    "Microsoft Teams",
    "SAP GUI 8.0",
    "DATEV Kanzlei",
    "Acrobat Reader",
    "Firefox ESR",
    "Chrome 131",
    "OneDrive",
    "SharePoint Online",
    "Veeam Agent",
    "Windows 11 23H2",
    "Ubuntu 24.04",
    "Citrix Workspace",
    "Zoom Rooms",
    "Jabra Evolve2",
    "Logitech MX Keys",
    "WD Dock D6000",
];
const ERRORS: &[&str] = &[
    "Error 0x80070005: access is denied.",
    "The certificate for vpn.example.com has expired.",
    "SMTP 550 5.1.1 mailbox unavailable.",
    "DNS_PROBE_FINISHED_NXDOMAIN",
    "Paper jam in tray 2 (code E-1021).",
    "Disk quota exceeded on the home share.",
    "The trust relationship between this workstation and the primary domain failed.",
    "HTTP 503 Service Unavailable from the intranet.",
    "Kernel panic - not syncing: VFS unable to mount root fs.",
    "The license server cannot be reached (code LIC-404).",
    "Your password has expired and must be changed.",
    "Toner low: replace cartridge CF259A.",
    "IRQL_NOT_LESS_OR_EQUAL blue screen after the driver update.",
    "Sync pending: 312 items could not be uploaded.",
    "Authentication failed: MFA prompt timed out.",
    "No signal on DisplayPort 1.",
    "Outlook is trying to connect to the server (offline mode).",
    "Connection reset by peer while mapping drive S:.",
    "BitLocker recovery key required at start-up.",
    "Invoice total does not match the purchase order.",
];
const SITES: &[&str] = &[
    "Berlin",
    "Hamburg",
    "München",
    "Köln",
    "Zürich",
    "Wien",
    "Lyon",
    "Madrid",
    "Milano",
    "Kraków",
    "Göteborg",
    "Rotterdam",
    "Porto",
    "Düsseldorf",
    "Malmö",
    "Brno",
];

/// (state id, state type id, weight): mostly closed, as in a help desk that has run a while.
const STATES: &[(i32, i32, u32)] = &[(1, 1, 10), (4, 2, 15), (6, 4, 5), (2, 3, 60), (3, 3, 10)];
const BATCH: usize = 400;

pub async fn seed(
    db: &Db,
    plan: &SeedPlan,
    numbers: &TicketNumberConfig,
    mut progress: impl FnMut(u64, u64),
) -> Result<SeedReport, SqlError> {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let now = db.instant();
    let mut report = SeedReport::default();
    let _w = db.write_guard().await;

    // Agents, queues and customers: once per seed run, named so reruns add to them.
    let txn = db.conn.begin().await?;
    let run = next_id(db, &txn, "users").await?;
    let pw = password::hash_with_cost(&format!("seed-{}", plan.seed), 4);
    let mut agents = Vec::new();
    for i in 0..20 {
        let (f, l) = (FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()]);
        let login = format!("{}.{}.{run}", f.to_lowercase(), l.to_lowercase());
        let id = db
            .insert_id(&txn, "INSERT INTO users (login, pw, first_name, last_name, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, 1, ?, 1, ?, 1)", vec![login.into(), pw.clone().into(), f.into(), l.into(), db_now(now).into(), db_now(now).into()])
            .await?;
        txn.execute_raw(db.stmt("INSERT INTO group_user (user_id, group_id, permission_key, create_time, create_by, change_time, change_by) VALUES (?, 1, 'rw', ?, 1, ?, 1)", [id.into(), db_now(now).into(), db_now(now).into()])).await?;
        agents.push(id);
    }
    report.agents = agents.len() as u64;
    let mut queues = Vec::new();
    for name in QUEUES {
        let name = format!("{name} {run}");
        let id = db
            .insert_id(&txn, "INSERT INTO queue (name, group_id, unlock_timeout, system_address_id, salutation_id, signature_id, follow_up_id, follow_up_lock, valid_id, create_time, create_by, change_time, change_by) VALUES (?, 1, 0, 1, 1, 1, 1, 0, 1, ?, 1, ?, 1)", vec![name.clone().into(), db_now(now).into(), db_now(now).into()])
            .await?;
        queues.push((id, name));
    }
    let companies = 100usize;
    let mut customers = Vec::new();
    let (mut company_rows, mut customer_rows) = (Vec::new(), Vec::new());
    for c in 0..companies {
        let company = format!("C{run}-{c:04}");
        let name = format!("{} {} GmbH {run}-{c}", LAST[c % LAST.len()], capitalise(THINGS[c % THINGS.len()]));
        company_rows.push(vec![
            company.clone().into(),
            name.into(),
            "Berlin".into(),
            db_now(now).into(),
            db_now(now).into(),
        ]);
        for u in 0..10 {
            let (f, l) = (FIRST[(c + u) % FIRST.len()], LAST[(c * 3 + u) % LAST.len()]);
            let login = format!("{}.{}@{}.example", f.to_lowercase(), l.to_lowercase(), company.to_lowercase());
            customer_rows.push(vec![
                login.clone().into(),
                login.clone().into(),
                company.clone().into(),
                f.into(),
                l.into(),
                db_now(now).into(),
                db_now(now).into(),
            ]);
            customers.push((login, company.clone()));
        }
    }
    insert_rows(
        db,
        &txn,
        "customer_company",
        "customer_id, name, city, create_time, change_time",
        "1, 1, 1",
        "valid_id, create_by, change_by",
        company_rows,
    )
    .await?;
    for chunk in customer_rows.chunks(BATCH) {
        insert_rows(
            db,
            &txn,
            "customer_user",
            "login, email, customer_id, first_name, last_name, create_time, change_time",
            "1, 1, 1",
            "valid_id, create_by, change_by",
            chunk.to_vec(),
        )
        .await?;
    }
    report.customers = customers.len() as u64;
    txn.commit().await?;

    let weight_total: u32 = STATES.iter().map(|s| s.2).sum();
    let mut done = 0u64;
    while done < plan.tickets {
        let n = ((plan.tickets - done) as usize).min(BATCH);
        let txn = db.conn.begin().await?;
        let first_ticket = next_id(db, &txn, "ticket").await?;
        let mut first_article = next_id(db, &txn, "article").await?;
        let mut tickets: Vec<Vec<Value>> = Vec::with_capacity(n);
        let mut articles: Vec<Vec<Value>> = Vec::new();
        let mut mimes: Vec<Vec<Value>> = Vec::new();
        let mut files: Vec<(ArticleId, NewAttachment)> = Vec::new();
        let mut history: Vec<Vec<Value>> = Vec::new();
        let mut counters: Vec<Vec<Value>> = Vec::new();
        for i in 0..n {
            let id = first_ticket + i as i64;
            let age = Duration::minutes(rng.random_range(0..(2 * 365 * 24 * 60)));
            let created = now - age;
            let mut pick = rng.random_range(0..weight_total);
            let &(state_id, state_type, _) = STATES
                .iter()
                .find(|s| {
                    if pick < s.2 {
                        true
                    } else {
                        pick -= s.2;
                        false
                    }
                })
                .unwrap_or(&STATES[0]);
            let priority = [1, 2, 3, 3, 3, 3, 4, 4, 5][rng.random_range(0..9)];
            let (queue_id, queue_name) = &queues[rng.random_range(0..queues.len())];
            let owner = agents[rng.random_range(0..agents.len())];
            let (customer, company) = &customers[rng.random_range(0..customers.len())];
            let title = format!(
                "{} {}",
                capitalise(THINGS[rng.random_range(0..THINGS.len())]),
                PROBLEMS[rng.random_range(0..PROBLEMS.len())]
            );
            // Numbers follow the day's counter; today's are also recorded in
            // ticket_number_counter so live allocation continues after them.
            // The ticket id as the day's counter: unique, and rising within a day.
            let counter = id as u64;
            let number = numbers.build(counter, created.date_naive());
            if created.date_naive() == now.date_naive() {
                counters.push(vec![
                    (counter as i64).into(),
                    format!("seed{}-{id}", plan.seed).into(),
                    db_now(created).into(),
                ]);
            }
            let until: i64 =
                if state_type == 4 { (now + Duration::hours(rng.random_range(1..96))).timestamp() } else { 0 };
            let lock = if state_type == 2 && rng.random_bool(0.3) { 2 } else { 1 };
            let changed = created + Duration::minutes(rng.random_range(0..(age.num_minutes().max(1))));
            tickets.push(vec![
                id.into(),
                number.clone().into(),
                title.clone().into(),
                (*queue_id).into(),
                lock.into(),
                1.into(),
                owner.into(),
                owner.into(),
                priority.into(),
                state_id.into(),
                company.clone().into(),
                customer.clone().into(),
                until.into(),
                db_now(created).into(),
                1.into(),
                db_now(changed).into(),
                1.into(),
            ]);
            history.push(history_row(
                id,
                None,
                1,
                &format!("%%{number}%%{queue_name}%%{priority}%%new%%{id}"),
                *queue_id,
                owner,
                priority,
                1,
                created,
            ));
            for k in 0..plan.articles_per_ticket {
                let aid = first_article;
                first_article += 1;
                let from_customer = k % 2 == 0;
                let at = created + Duration::minutes(k as i64 * rng.random_range(5..240));
                let mut body: Vec<String> = (0..rng.random_range(2..6))
                    .map(|_| SENTENCES[rng.random_range(0..SENTENCES.len())].to_string())
                    .collect();
                body.extend(details(&mut rng));
                let (sender, channel, visible) = if from_customer {
                    (3, 1, 1)
                } else if k % 3 == 1 {
                    (1, 1, 1)
                } else {
                    (1, 3, 0)
                };
                articles.push(vec![
                    aid.into(),
                    id.into(),
                    sender.into(),
                    channel.into(),
                    visible.into(),
                    db_now(at).into(),
                    1.into(),
                    db_now(at).into(),
                    1.into(),
                ]);
                if rng.random_range(0..20) == 0 {
                    files.push((aid, sample_file(&mut rng, aid)));
                }
                let subject = if k == 0 { title.clone() } else { format!("Re: {title}") };
                let from = if from_customer { customer.clone() } else { "helpdesk@example.com".to_string() };
                mimes.push(vec![
                    aid.into(),
                    from.into(),
                    subject.into(),
                    body.join(" ").into(),
                    "text/plain; charset=utf-8".into(),
                    at.timestamp().into(),
                    db_now(at).into(),
                    1.into(),
                    db_now(at).into(),
                    1.into(),
                ]);
                let kind = match (sender, channel) {
                    (3, _) => 12,
                    (_, 3) => 15,
                    _ => 11,
                };
                history.push(history_row(
                    id,
                    Some(aid),
                    kind,
                    if kind == 15 { "%%Note" } else { "%%" },
                    *queue_id,
                    owner,
                    priority,
                    state_id,
                    at,
                ));
            }
            if state_id != 1 {
                let name = ["", "new", "closed successful", "closed unsuccessful", "open", "", "pending reminder"]
                    [state_id as usize];
                history.push(history_row(
                    id,
                    None,
                    27,
                    &format!("%%new%%{name}%%"),
                    *queue_id,
                    owner,
                    priority,
                    state_id,
                    changed,
                ));
            }
        }
        insert_rows(db, &txn, "ticket", "id, tn, title, queue_id, ticket_lock_id, type_id, user_id, responsible_user_id, ticket_priority_id, ticket_state_id, customer_id, customer_user_id, until_time, create_time, create_by, change_time, change_by", "0, 0, 0, 0, 0, 0", "timeout, escalation_time, escalation_update_time, escalation_response_time, escalation_solution_time, archive_flag", tickets).await?;
        insert_rows(db, &txn, "article", "id, ticket_id, article_sender_type_id, communication_channel_id, is_visible_for_customer, create_time, create_by, change_time, change_by", "1", "search_index_needs_rebuild", articles.clone()).await?;
        insert_rows(db, &txn, "article_data_mime", "article_id, a_from, a_subject, a_body, a_content_type, incoming_time, create_time, create_by, change_time, change_by", "", "", mimes).await?;
        insert_rows(db, &txn, "ticket_history", "ticket_id, article_id, history_type_id, name, queue_id, owner_id, priority_id, state_id, type_id, create_time, create_by, change_time, change_by", "", "", history).await?;
        for (article_id, file) in &files {
            db.insert_attachments(&txn, *article_id, std::slice::from_ref(file), 1).await?;
        }
        if !counters.is_empty() {
            insert_rows(db, &txn, "ticket_number_counter", "counter, counter_uid, create_time", "", "", counters)
                .await?;
        }
        let ids: Vec<TicketId> = (first_ticket..first_ticket + n as i64).collect();
        db.index_tickets(&txn, &ids).await?;
        txn.commit().await?;
        report.articles += articles.len() as u64;
        report.attachments += files.len() as u64;
        done += n as u64;
        report.tickets = done;
        progress(done, plan.tickets);
    }
    if db.dialect == Dialect::Postgres {
        for t in ["ticket", "article"] {
            db.conn
                .execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
                ))
                .await?;
        }
    }
    // Fresh statistics: without them PostgreSQL plans for empty tables and, for one,
    // finds a ticket's newest history row by walking the whole history backwards. On
    // PostgreSQL a vacuum too, as autovacuum would soon run one: until then no page is
    // marked all-visible, index-only scans read the table as well, and the autovacuum
    // that follows a seed ran while the first measurements did (the list page at 10 %
    // of the ceiling then, 16 % after).
    let analyze = match db.dialect {
        Dialect::MySql => "ANALYZE TABLE ticket, ticket_history, article, article_data_mime, customer_user",
        Dialect::Postgres => "VACUUM ANALYZE",
        Dialect::Sqlite => "ANALYZE",
    };
    db.conn.execute_unprepared(analyze).await?;
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn history_row(
    ticket: i64,
    article: Option<i64>,
    kind: i32,
    name: &str,
    queue: i64,
    owner: i64,
    priority: i32,
    state: i32,
    at: DateTime<Utc>,
) -> Vec<Value> {
    let t: NaiveDateTime = db_now(at);
    vec![
        ticket.into(),
        article.into(),
        kind.into(),
        name.into(),
        queue.into(),
        owner.into(),
        priority.into(),
        state.into(),
        1.into(),
        t.into(),
        1.into(),
        t.into(),
        1.into(),
    ]
}

/// The particulars an article mentions (see [`MODELS`]).
fn details(rng: &mut StdRng) -> Vec<String> {
    let mut out = vec![
        format!(
            "Affected: {} at the {} office.",
            MODELS[rng.random_range(0..MODELS.len())],
            SITES[rng.random_range(0..SITES.len())]
        ),
        ERRORS[rng.random_range(0..ERRORS.len())].to_string(),
    ];
    match rng.random_range(0..6) {
        0 => out.push(format!("Asset tag AT-{:05}.", rng.random_range(0..40_000))),
        1 => out.push(format!("See invoice INV-2026-{:05}.", rng.random_range(0..60_000))),
        2 => out.push(format!("Host srv-{:03}.corp.example.", rng.random_range(0..900))),
        _ => {}
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

async fn next_id(db: &Db, txn: &DatabaseTransaction, table: &str) -> Result<i64, SqlError> {
    let row = txn.query_one_raw(db.stmt(&format!("SELECT MAX(id) AS m FROM {table}"), [])).await?;
    // An empty table has no MAX.
    Ok(row.map(|r| opt_int(&r, "m")).transpose()?.flatten().unwrap_or(0) + 1)
}

/// One multi-row INSERT per call; `fixed` values are written literally for every row.
/// A small file of the kinds help desks receive: a log excerpt, a CSV export or a
/// configuration snippet, its bytes depending on the article.
fn sample_file(rng: &mut impl Rng, article_id: ArticleId) -> NewAttachment {
    match rng.random_range(0..3) {
        0 => {
            let lines: String = (0..rng.random_range(5..40))
                .map(|i| {
                    format!(
                        "2024-03-{:02} 10:{:02}:{:02} ERROR job {article_id}: step {i} failed\n",
                        i % 28 + 1,
                        i % 60,
                        (i * 7) % 60
                    )
                })
                .collect();
            NewAttachment::new("error.log", lines.into_bytes())
        }
        1 => {
            let rows: String = (0..rng.random_range(3..30))
                .map(|i| format!("{i};item-{};{}\n", article_id % 97 + i, rng.random_range(1..500)))
                .collect();
            NewAttachment::new("export.csv", format!("id;item;amount\n{rows}").into_bytes())
        }
        _ => NewAttachment::new(
            "settings.ini",
            format!("[client]\nid = {article_id}\nserver = mail.example.com\nport = 993\n").into_bytes(),
        ),
    }
}

async fn insert_rows(
    db: &Db,
    txn: &DatabaseTransaction,
    table: &str,
    columns: &str,
    fixed: &str,
    fixed_columns: &str,
    rows: Vec<Vec<Value>>,
) -> Result<(), SqlError> {
    if rows.is_empty() {
        return Ok(());
    }
    let per_row = rows[0].len();
    let marks = vec!["?"; per_row].join(", ");
    let row_sql = if fixed.is_empty() { format!("({marks})") } else { format!("({marks}, {fixed})") };
    let all_columns =
        if fixed_columns.is_empty() { columns.to_string() } else { format!("{columns}, {fixed_columns}") };
    let sql = format!("INSERT INTO {table} ({all_columns}) VALUES {}", vec![row_sql; rows.len()].join(", "));
    let values: Vec<Value> = rows.into_iter().flatten().collect();
    txn.execute_raw(db.stmt(&sql, values)).await?;
    Ok(())
}
