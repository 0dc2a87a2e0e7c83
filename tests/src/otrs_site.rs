//! An OTRS site in use, for the tests of live mode and the import: Znuny 7.1.7's schema
//! and default rows, then what a help desk accumulates — agents with every password
//! form OTRS has stored over the years, customers and their companies, groups granted
//! directly and through roles, tickets in every state with e-mail, phone and note
//! articles, attachments in the database and on disk, history, flags, watchers, links,
//! time accounting and dynamic fields. Every row is written the way OTRS writes it (its
//! tables, its encodings, its ArticleStorageFS layout), never through goats.
//!
//! [`build`] returns the database with [`SiteFacts`], what it holds, so a test asks
//! goats for each fact and compares.

use std::path::PathBuf;

use base64::Engine as _;
use md5::{Digest as _, Md5};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

use crate::engines::{Engine, TestDatabase};

/// How the site's database stores text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    /// An old MySQL site: a latin1 database whose tables of people, queues, tickets,
    /// articles and field values are latin1 too; its text keeps to what latin1 holds.
    Latin1,
}

/// Every agent's password; each is stored in another of OTRS's forms.
pub const AGENT_PASSWORD: &str = "Goats-Passw0rd!";
/// The customers' password, where they have one.
pub const CUSTOMER_PASSWORD: &str = "Goats-Passw0rd!";

/// The forms OTRS has stored `AGENT_PASSWORD` in, each computed by another tool than
/// goats: `sha256sum`, `sha1sum`, `sha512sum`; Python's bcrypt over the password and
/// a NUL byte (OTRS's `BCRYPT:cost:salt:hash`); `openssl passwd -1` / `-apr1` salted
/// with the login, as OTRS salts them; Perl's `crypt` (DES).
pub const AGENT_PASSWORD_FORMS: [(&str, &str); 7] = [
    ("sha2agent", "d807ea825d4704f6302b4cfec36341d5543c1d4b25bae38a8f0ea56dcb988b12"),
    ("sha1agent", "02212c462e06c6899abd686dd66ecc895dadf858"),
    (
        "sha512agent",
        "d9008c9ce89cb0c197e534d78060ea6d8c6a9fdf73b5317c63abb9ba0fe6a0cc5750652672c3437711c53321b765fc7e90765e76248324e4881943871ddc0b7d",
    ),
    ("bcryptagent", "BCRYPT:5:0123456789abcdef:xjcJumHFdqlEGy4X2JN1RUL/mAIvJSq"),
    ("md5agent", "$1$md5agent$Gl/ikTh9THW5WD7AlwH38/"),
    ("apragent", "$apr1$apragent$UVrdgWfiF2A8c35xuQFeM."),
    ("desagent", "abiaWAjCgFJmk"),
];

/// An agent who left: a valid password on an invalid account.
pub const LEAVER: &str = "leaver";

/// Where article files kept on disk lie under the ArticleDataDir.
const DISK_DAY: &str = "2026/12/01";

#[derive(Debug, Clone)]
pub struct AgentFact {
    pub id: i32,
    pub login: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct CustomerFact {
    pub login: String,
    pub company: String,
    /// Whether they can log in (a customer without a stored password cannot).
    pub has_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFact {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct ArticleFact {
    pub id: i64,
    /// `communication_channel.name`: Email, Phone, Internal.
    pub channel: &'static str,
    /// `article_sender_type.name`: agent, customer.
    pub sender: &'static str,
    pub visible_for_customer: bool,
    pub from: String,
    pub subject: String,
    pub body: String,
    pub message_id: Option<String>,
    pub files: Vec<FileFact>,
    /// The message as it arrived (`article_data_mime_plain` or `plain.txt`).
    pub source: Option<Vec<u8>>,
    /// Whether its message and files lie in the ArticleDataDir, not the database.
    pub on_disk: bool,
    /// Article fields: name and the value as an agent reads it.
    pub fields: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct TicketFact {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub queue: String,
    pub state: String,
    pub locked: bool,
    pub owner: String,
    pub customer_user: String,
    pub customer_id: String,
    pub until_time: i64,
    pub articles: Vec<ArticleFact>,
    /// Ticket fields: name and the value as an agent reads it.
    pub fields: Vec<(String, String)>,
    /// Linked tickets: id and the kind seen from this ticket (`normal`, `parent_of`,
    /// `child_of`).
    pub links: Vec<(i64, &'static str)>,
    pub watchers: Vec<String>,
    pub accounted: f64,
    /// `ticket_history_type.name` of each history row, oldest first.
    pub history: Vec<&'static str>,
}

/// Who may do what: an agent's login, the queue, and whether they may read and note.
#[derive(Debug, Clone)]
pub struct GrantFact {
    pub login: &'static str,
    pub queue: &'static str,
    pub read: bool,
    pub note: bool,
}

#[derive(Debug, Clone)]
pub struct SiteFacts {
    pub charset: Charset,
    pub agents: Vec<AgentFact>,
    pub customers: Vec<CustomerFact>,
    pub tickets: Vec<TicketFact>,
    pub grants: Vec<GrantFact>,
    /// A copy of the site's ArticleDataDir.
    pub article_dir: PathBuf,
}

impl SiteFacts {
    pub fn ticket(&self, title_start: &str) -> &TicketFact {
        self.tickets.iter().find(|t| t.title.starts_with(title_start)).expect("a ticket of the site")
    }
}

/// A site on `engine` (MariaDB or PostgreSQL) storing text as `charset`.
pub async fn build(engine: Engine, charset: Charset) -> (TestDatabase, goats_sql::Db, SiteFacts) {
    assert!(charset == Charset::Utf8 || engine == Engine::MySql, "latin1 sites are MySQL's");
    let t = TestDatabase::create(engine).await;
    crate::znuny::load(&t);
    let db = t.connect().await;
    if charset == Charset::Latin1 {
        exec(&db, &format!("ALTER DATABASE {} CHARACTER SET latin1 COLLATE latin1_swedish_ci", t.name)).await;
        for table in [
            "users",
            "customer_user",
            "customer_company",
            "queue",
            "ticket",
            "article_data_mime",
            "article_data_mime_attachment",
            "dynamic_field_value",
        ] {
            exec(&db, &format!("ALTER TABLE {table} CONVERT TO CHARACTER SET latin1")).await;
        }
    }
    let article_dir = std::env::temp_dir().join(format!("goats-otrs-site-{}", rand::random::<u64>()));
    let mut w = Writer { db: &db, engine, text: Words::for_charset(charset), article_dir };
    let facts = w.site(charset).await;
    // The site moved to ArticleStorageFS; what came before stays in the database.
    crate::znuny::deploy_setting(
        &db,
        1,
        "Ticket::Article::Backend::MIMEBase::ArticleStorage",
        "Kernel::System::Ticket::Article::Backend::MIMEBase::ArticleStorageFS",
    )
    .await;
    crate::znuny::deploy_setting(&db, 2, "Ticket::Article::Backend::MIMEBase::ArticleDataDir", "/opt/otrs/var/article")
        .await;
    (t, db, facts)
}

/// The site's words: accents everywhere, scripts beyond latin1 where the site can hold
/// them.
struct Words {
    greeting: &'static str,
    street: &'static str,
    dash: &'static str,
    beyond: &'static str,
}

impl Words {
    fn for_charset(charset: Charset) -> Self {
        match charset {
            Charset::Utf8 => {
                Self { greeting: "Grüße", street: "Straße", dash: "—", beyond: "日本語 Привет 🐐" }
            }
            Charset::Latin1 => Self { greeting: "Grüße", street: "Straße", dash: "-", beyond: "Café ½ Zoë" },
        }
    }
}

struct Writer<'a> {
    db: &'a goats_sql::Db,
    engine: Engine,
    text: Words,
    article_dir: PathBuf,
}

/// One ticket the site holds: its state, queue, customer and what happened to it.
struct Plan {
    state: &'static str,
    queue: &'static str,
    customer: &'static str,
    owner: &'static str,
    locked: bool,
}

const PLANS: [Plan; 9] = [
    Plan { state: "new", queue: "Raw", customer: "anna", owner: "root@localhost", locked: false },
    Plan { state: "open", queue: "Support", customer: "anna", owner: "sha2agent", locked: true },
    Plan { state: "pending reminder", queue: "Support", customer: "bert", owner: "sha2agent", locked: true },
    Plan { state: "pending auto close+", queue: "Billing", customer: "bert", owner: "bcryptagent", locked: false },
    Plan { state: "pending auto close-", queue: "Billing", customer: "carla", owner: "bcryptagent", locked: false },
    Plan { state: "closed successful", queue: "Support", customer: "carla", owner: "sha1agent", locked: false },
    Plan { state: "closed unsuccessful", queue: "Raw", customer: "anna", owner: "md5agent", locked: false },
    Plan { state: "merged", queue: "Misc", customer: "bert", owner: "root@localhost", locked: false },
    Plan { state: "removed", queue: "Junk", customer: "carla", owner: "root@localhost", locked: false },
];

/// The pending tickets' time: 2027-01-15 09:30 UTC.
const UNTIL: i64 = 1_799_919_000;

impl Writer<'_> {
    async fn site(&mut self, charset: Charset) -> SiteFacts {
        let agents = self.agents().await;
        let customers = self.customers().await;
        let grants = self.groups_and_queues(&agents).await;
        self.fields().await;
        let mut tickets = Vec::new();
        for (i, plan) in PLANS.iter().enumerate() {
            tickets.push(self.ticket(i, plan, &agents, &customers).await);
        }
        self.relations(&mut tickets, &agents).await;
        SiteFacts { charset, agents, customers, tickets, grants, article_dir: self.article_dir.clone() }
    }

    async fn agents(&mut self) -> Vec<AgentFact> {
        let mut agents = vec![AgentFact { id: 1, login: "root@localhost".into(), name: "Admin OTRS".into() }];
        let forms = AGENT_PASSWORD_FORMS.iter().map(|(l, pw)| (*l, *pw, 1));
        let leaver = (LEAVER, AGENT_PASSWORD_FORMS[0].1, 2);
        for (n, (login, pw, valid)) in forms.chain([leaver]).enumerate() {
            let first = ["Jürgen", "Zoë", "Søren", "Inès", "Björn", "Ángel", "Maëlle", "Ole"][n];
            let last = format!("Müller-{n}");
            let id = self
                .insert(
                    "INSERT INTO users (login, pw, first_name, last_name, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, ?, current_timestamp, 1, current_timestamp, 1)",
                    vec![login.into(), pw.into(), first.into(), last.clone().into(), Value::from(valid)],
                )
                .await;
            let id = i32::try_from(id).expect("a users id");
            agents.push(AgentFact { id, login: login.into(), name: format!("{first} {last}") });
        }
        agents
    }

    async fn customers(&mut self) -> Vec<CustomerFact> {
        let street = self.text.street;
        for (id, name) in [("ACME", format!("ACME Gärten GmbH, {street} 1")), ("GLOBEX", "Globex Ltd".to_string())] {
            self.run(
                "INSERT INTO customer_company (customer_id, name, city, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, 'Köln', 1, current_timestamp, 1, current_timestamp, 1)",
                vec![id.into(), name.into()],
            )
            .await;
        }
        let people = [
            ("anna", "ACME", "Anna", "Schäfer", Some(AGENT_PASSWORD_FORMS[0].1)),
            ("bert", "ACME", "Bert", "Öztürk", Some(AGENT_PASSWORD_FORMS[3].1)),
            ("carla", "GLOBEX", "Carla", "Núñez", None),
        ];
        let mut customers = Vec::new();
        for (login, company, first, last, pw) in people {
            self.insert(
                "INSERT INTO customer_user (login, email, customer_id, pw, first_name, last_name, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, ?, ?, 1, current_timestamp, 1, current_timestamp, 1)",
                vec![
                    login.into(),
                    format!("{login}@{}.example", company.to_lowercase()).into(),
                    company.into(),
                    Value::String(pw.map(str::to_string)),
                    first.into(),
                    last.into(),
                ],
            )
            .await;
            customers.push(CustomerFact { login: login.into(), company: company.into(), has_password: pw.is_some() });
        }
        customers
    }

    /// Two groups with a queue each: Support granted to agents directly (one may only
    /// read), Billing through a role. root keeps every queue, as an admin does.
    async fn groups_and_queues(&mut self, agents: &[AgentFact]) -> Vec<GrantFact> {
        let id_of = |login: &str| agents.iter().find(|a| a.login == login).expect("agent").id;
        let mut groups = Vec::new();
        for name in ["support", "billing"] {
            let id = self
                .insert(
                    "INSERT INTO permission_groups (name, comments, valid_id, create_time, create_by, change_time, change_by) VALUES (?, '', 1, current_timestamp, 1, current_timestamp, 1)",
                    vec![name.into()],
                )
                .await;
            groups.push(id);
            let queue = if name == "support" { "Support" } else { "Billing" };
            self.insert(
                "INSERT INTO queue (name, group_id, unlock_timeout, system_address_id, salutation_id, signature_id, follow_up_id, follow_up_lock, comments, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, 0, 1, 1, 1, 1, 0, ?, 1, current_timestamp, 1, current_timestamp, 1)",
                vec![queue.into(), Value::from(id), format!("{} {}", self.text.greeting, queue).into()],
            )
            .await;
        }
        let (support, billing) = (groups[0], groups[1]);
        let direct = [
            (1, support, "rw"),
            (1, billing, "rw"),
            (id_of("sha2agent"), support, "rw"),
            (id_of("sha1agent"), support, "ro"),
            (id_of("desagent"), 1, "rw"),
            (id_of("md5agent"), 1, "rw"),
            (id_of("apragent"), 1, "rw"),
            (id_of("sha512agent"), 1, "ro"),
        ];
        for (user, group, key) in direct {
            self.run(
                "INSERT INTO group_user (user_id, group_id, permission_key, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, current_timestamp, 1, current_timestamp, 1)",
                vec![Value::from(user), Value::from(group), key.into()],
            )
            .await;
        }
        let role = self
            .insert(
                "INSERT INTO roles (name, comments, valid_id, create_time, create_by, change_time, change_by) VALUES ('Billing team', '', 1, current_timestamp, 1, current_timestamp, 1)",
                vec![],
            )
            .await;
        self.run(
            "INSERT INTO role_user (user_id, role_id, create_time, create_by, change_time, change_by) VALUES (?, ?, current_timestamp, 1, current_timestamp, 1)",
            vec![Value::from(id_of("bcryptagent")), Value::from(role)],
        )
        .await;
        self.run(
            "INSERT INTO group_role (role_id, group_id, permission_key, permission_value, create_time, create_by, change_time, change_by) VALUES (?, ?, 'rw', 1, current_timestamp, 1, current_timestamp, 1)",
            vec![Value::from(role), Value::from(billing)],
        )
        .await;
        vec![
            GrantFact { login: "sha2agent", queue: "Support", read: true, note: true },
            GrantFact { login: "sha1agent", queue: "Support", read: true, note: false },
            GrantFact { login: "bcryptagent", queue: "Billing", read: true, note: true },
            GrantFact { login: "bcryptagent", queue: "Support", read: false, note: false },
            GrantFact { login: "md5agent", queue: "Support", read: false, note: false },
            GrantFact { login: "md5agent", queue: "Raw", read: true, note: true },
            GrantFact { login: "sha512agent", queue: "Raw", read: true, note: false },
        ]
    }

    /// One field of each kind OTRS ships for tickets, and one for articles, with the
    /// YAML configuration its admin page writes.
    async fn fields(&mut self) {
        let fields: [(&str, &str, &str, &str); 8] = [
            ("Contract", "Contract", "Text", "---\nDefaultValue: ''\nLink: ''\nRegExList: []\n"),
            ("Remarks", "Remarks", "TextArea", "---\nDefaultValue: ''\nRegExList: []\nCols: '60'\nRows: '7'\n"),
            (
                "Product",
                "Product",
                "Dropdown",
                "---\nDefaultValue: ''\nLink: ''\nPossibleNone: '1'\nPossibleValues:\n  hw: Hardware\n  sw: Software\nTranslatableValues: '0'\nTreeView: '0'\n",
            ),
            (
                "Channels",
                "Channels",
                "Multiselect",
                "---\nDefaultValue: ~\nPossibleNone: '0'\nPossibleValues:\n  chat: Chat\n  mail: E-mail\n  phone: Telephone\nTranslatableValues: '0'\nTreeView: '0'\n",
            ),
            ("Urgent", "Urgent", "Checkbox", "---\nDefaultValue: '0'\n"),
            (
                "DueDate",
                "Due date",
                "Date",
                "---\nDefaultValue: '0'\nLink: ''\nYearsInFuture: '5'\nYearsInPast: '5'\nYearsPeriod: '0'\n",
            ),
            (
                "CallbackAt",
                "Call back at",
                "DateTime",
                "---\nDefaultValue: '0'\nLink: ''\nYearsInFuture: '5'\nYearsInPast: '5'\nYearsPeriod: '0'\n",
            ),
            ("InvoiceNumber", "Invoice number", "Text", "---\nDefaultValue: ''\nLink: ''\nRegExList: []\n"),
        ];
        for (order, (name, label, kind, config)) in fields.into_iter().enumerate() {
            let object = if name == "InvoiceNumber" { "Article" } else { "Ticket" };
            self.insert(
                "INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by) VALUES (0, ?, ?, ?, ?, ?, ?, 1, current_timestamp, 1, current_timestamp, 1)",
                vec![
                    name.into(),
                    label.into(),
                    Value::from(100 + order as i32),
                    kind.into(),
                    object.into(),
                    // YAML as text on every engine: OTRS base64-encodes only article
                    // files for PostgreSQL.
                    config.into(),
                ],
            )
            .await;
        }
    }

    async fn ticket(&mut self, n: usize, plan: &Plan, agents: &[AgentFact], customers: &[CustomerFact]) -> TicketFact {
        let customer = customers.iter().find(|c| c.login == plan.customer).expect("customer");
        let owner = agents.iter().find(|a| a.login == plan.owner).expect("owner");
        let number = format!("20261201100000{:02}", 10 + n);
        let title = match n {
            0 => format!("{} aus Köln - {}", self.text.greeting, self.text.street),
            1 => format!("Drucker defekt {}", self.text.beyond),
            _ => format!("Anfrage {n}: {}", plan.state),
        };
        let pending = plan.state.starts_with("pending");
        let until = if pending { UNTIL } else { 0 };
        let id = self
            .insert(
                "INSERT INTO ticket (tn, title, queue_id, ticket_lock_id, type_id, user_id, responsible_user_id, ticket_priority_id, ticket_state_id, customer_id, customer_user_id, timeout, until_time, escalation_time, escalation_update_time, escalation_response_time, escalation_solution_time, archive_flag, create_time, create_by, change_time, change_by) \
                 VALUES (?, ?, (SELECT id FROM queue WHERE name = ?), ?, 1, ?, 1, 3, (SELECT id FROM ticket_state WHERE name = ?), ?, ?, 0, ?, 0, 0, 0, 0, 0, current_timestamp, 1, current_timestamp, 1)",
                vec![
                    number.clone().into(),
                    title.clone().into(),
                    plan.queue.into(),
                    Value::from(if plan.locked { 2 } else { 1 }),
                    Value::from(owner.id),
                    plan.state.into(),
                    customer.company.clone().into(),
                    customer.login.clone().into(),
                    Value::from(until),
                ],
            )
            .await;
        let mut ticket = TicketFact {
            id,
            number,
            title: title.clone(),
            queue: plan.queue.into(),
            state: plan.state.into(),
            locked: plan.locked,
            owner: owner.login.clone(),
            customer_user: customer.login.clone(),
            customer_id: customer.company.clone(),
            until_time: until,
            articles: Vec::new(),
            fields: Vec::new(),
            links: Vec::new(),
            watchers: Vec::new(),
            accounted: 0.0,
            history: Vec::new(),
        };
        let created = format!("New Ticket [{}] created.", ticket.number);
        self.history(&mut ticket, "NewTicket", None, &created).await;

        // The customer's mail; the last two tickets keep theirs on disk, as a site that
        // moved to ArticleStorageFS keeps what came after the move.
        let on_disk = n >= PLANS.len() - 2;
        let mail = self.email(&ticket, customer, n, on_disk).await;
        let mail_id = mail.id;
        ticket.articles.push(mail);
        self.history(&mut ticket, "EmailCustomer", Some(mail_id), "Customer mail").await;
        let phone = self.phone_call(&ticket, owner).await;
        let phone_id = phone.id;
        ticket.articles.push(phone);
        self.history(&mut ticket, "PhoneCallCustomer", Some(phone_id), "").await;
        let note = self.note(&ticket, owner, n).await;
        let note_id = note.id;
        ticket.articles.push(note);
        self.history(&mut ticket, "AddNote", Some(note_id), "Added note (Note)").await;
        if plan.state != "new" {
            self.history(&mut ticket, "StateUpdate", None, &format!("%%new%%{}%%", plan.state)).await;
        }
        if pending {
            self.history(&mut ticket, "SetPendingTime", None, "%%2027-01-15 09:30").await;
        }
        if plan.locked {
            self.history(&mut ticket, "Lock", None, "%%lock").await;
        }
        // Every agent who opened it has seen it; the owner read each article.
        let mut seen_by = vec![1, owner.id];
        seen_by.dedup();
        for agent in seen_by {
            self.flag("ticket_flag", "ticket_id", "ticket_key", "ticket_value", id, agent).await;
        }
        for article in ticket.articles.iter().map(|a| a.id).collect::<Vec<_>>() {
            self.flag("article_flag", "article_id", "article_key", "article_value", article, owner.id).await;
        }
        if n < 2 {
            self.ticket_fields(&mut ticket, n).await;
        }
        ticket
    }

    async fn email(&mut self, t: &TicketFact, customer: &CustomerFact, n: usize, on_disk: bool) -> ArticleFact {
        let from =
            format!("\"{} Kunde\" <{}@{}.example>", customer.login, customer.login, customer.company.to_lowercase());
        let message_id = format!("<ticket{n}.{}@mail.example>", t.id);
        let (greeting, dash, beyond) = (self.text.greeting, self.text.dash, self.text.beyond);
        let body =
            format!("Hallo,\n\n{greeting} {dash} {beyond}\nwir brauchen Hilfe mit {}.\n\nViele Grüße\n", t.title);
        let raw = format!(
            "From: {from}\nTo: support@example.com\nSubject: {}\nMessage-ID: {message_id}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\nX-Mailer: Thunderbird\n\n{body}",
            t.title
        );
        let id = self.article(t.id, 3, 1, true).await;
        let content_path = on_disk.then_some(DISK_DAY);
        self.insert(
            "INSERT INTO article_data_mime (article_id, a_from, a_to, a_subject, a_message_id, a_message_id_md5, a_content_type, a_body, incoming_time, content_path, create_time, create_by, change_time, change_by) \
             VALUES (?, ?, 'support@example.com', ?, ?, ?, 'text/plain; charset=utf-8', ?, 1796112000, ?, current_timestamp, 1, current_timestamp, 1)",
            vec![
                Value::from(id),
                from.clone().into(),
                t.title.clone().into(),
                message_id.clone().into(),
                hex_md5(&message_id).into(),
                body.clone().into(),
                Value::String(content_path.map(str::to_string)),
            ],
        )
        .await;
        let mut files = vec![FileFact {
            name: format!("Rechnung-{n}.pdf"),
            content_type: "application/pdf".into(),
            // Octets that are not UTF-8.
            bytes: vec![0x25, 0x50, 0x44, 0x46, 0x2D, 0x00, 0xFF, 0x80, n as u8],
        }];
        if n == 0 {
            // An HTML mail: OTRS keeps its HTML body as the inline attachment `file-2`.
            files.push(FileFact {
                name: "file-2".into(),
                content_type: "text/html; charset=\"utf-8\"".into(),
                bytes: format!("<html><body><p>{}</p></body></html>", self.text.greeting).into_bytes(),
            });
        }
        if on_disk {
            let dir = self.article_dir.join(DISK_DAY).join(id.to_string());
            std::fs::create_dir_all(&dir).expect("article folder");
            std::fs::write(dir.join("plain.txt"), raw.as_bytes()).expect("plain.txt");
            for f in &files {
                std::fs::write(dir.join(&f.name), &f.bytes).expect("attachment file");
                std::fs::write(dir.join(format!("{}.content_type", f.name)), &f.content_type).expect("side file");
                std::fs::write(dir.join(format!("{}.disposition", f.name)), "attachment").expect("side file");
            }
        } else {
            self.insert(
                "INSERT INTO article_data_mime_plain (article_id, body, create_time, create_by, change_time, change_by) VALUES (?, ?, current_timestamp, 1, current_timestamp, 1)",
                vec![Value::from(id), self.blob(raw.as_bytes())],
            )
            .await;
            for f in &files {
                let inline = f.name == "file-2";
                self.insert(
                    "INSERT INTO article_data_mime_attachment (article_id, filename, content_size, content_type, content_id, content_alternative, disposition, content, create_time, create_by, change_time, change_by) \
                     VALUES (?, ?, ?, ?, '', ?, ?, ?, current_timestamp, 1, current_timestamp, 1)",
                    vec![
                        Value::from(id),
                        f.name.clone().into(),
                        f.bytes.len().to_string().into(),
                        f.content_type.clone().into(),
                        if inline { "1" } else { "" }.into(),
                        if inline { "inline" } else { "attachment" }.into(),
                        self.blob(&f.bytes),
                    ],
                )
                .await;
            }
        }
        ArticleFact {
            id,
            channel: "Email",
            sender: "customer",
            visible_for_customer: true,
            from,
            subject: t.title.clone(),
            body,
            message_id: Some(message_id),
            files,
            source: Some(raw.into_bytes()),
            on_disk,
            fields: Vec::new(),
        }
    }

    async fn phone_call(&mut self, t: &TicketFact, owner: &AgentFact) -> ArticleFact {
        let body = format!("Kunde angerufen, Rückruf zugesagt. {}", self.text.beyond);
        self.by_agent(t, owner, "Phone", format!("Anruf zu {}", t.number), body).await
    }

    async fn note(&mut self, t: &TicketFact, owner: &AgentFact, n: usize) -> ArticleFact {
        let body = format!("Intern: Seriennummer prüfen ({}).", self.text.street);
        let mut note = self.by_agent(t, owner, "Internal", "Note".into(), body).await;
        if n < 3 {
            let invoice = format!("RE-2026-{:04}", 17 + n);
            self.value("InvoiceNumber", note.id, Value::from(invoice.clone()), None, None).await;
            note.fields.push(("InvoiceNumber".to_string(), invoice));
        }
        note
    }

    /// What an agent writes in the agent interface: a phone call the customer may read,
    /// or an internal note.
    async fn by_agent(
        &mut self,
        t: &TicketFact,
        owner: &AgentFact,
        channel: &'static str,
        subject: String,
        body: String,
    ) -> ArticleFact {
        let (channel_id, visible) = if channel == "Phone" { (2, true) } else { (3, false) };
        let id = self.article(t.id, 1, channel_id, visible).await;
        self.mime(id, &owner.name, &subject, &body).await;
        ArticleFact {
            id,
            channel,
            sender: "agent",
            visible_for_customer: visible,
            from: owner.name.clone(),
            subject,
            body,
            message_id: None,
            files: Vec::new(),
            source: None,
            on_disk: false,
            fields: Vec::new(),
        }
    }

    async fn article(&mut self, ticket: i64, sender: i32, channel: i32, visible: bool) -> i64 {
        self.insert(
            "INSERT INTO article (ticket_id, article_sender_type_id, communication_channel_id, is_visible_for_customer, search_index_needs_rebuild, insert_fingerprint, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, 1, ?, current_timestamp, 1, current_timestamp, 1)",
            vec![
                Value::from(ticket),
                Value::from(sender),
                Value::from(channel),
                Value::from(i32::from(visible)),
                format!("{}-{}", std::process::id(), rand::random::<u32>()).into(),
            ],
        )
        .await
    }

    async fn mime(&mut self, article: i64, from: &str, subject: &str, body: &str) {
        self.insert(
            "INSERT INTO article_data_mime (article_id, a_from, a_subject, a_content_type, a_body, incoming_time, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, 'text/plain; charset=utf-8', ?, 1796112000, current_timestamp, 1, current_timestamp, 1)",
            vec![Value::from(article), from.into(), subject.into(), body.into()],
        )
        .await;
    }

    async fn history(&mut self, t: &mut TicketFact, kind: &'static str, article: Option<i64>, name: &str) {
        self.insert(
            "INSERT INTO ticket_history (name, history_type_id, ticket_id, article_id, type_id, queue_id, owner_id, priority_id, state_id, create_time, create_by, change_time, change_by) \
             VALUES (?, (SELECT id FROM ticket_history_type WHERE name = ?), ?, ?, 1, (SELECT queue_id FROM ticket WHERE id = ?), (SELECT user_id FROM ticket WHERE id = ?), 3, (SELECT ticket_state_id FROM ticket WHERE id = ?), current_timestamp, 1, current_timestamp, 1)",
            vec![
                name.into(),
                kind.into(),
                Value::from(t.id),
                Value::BigInt(article),
                Value::from(t.id),
                Value::from(t.id),
                Value::from(t.id),
            ],
        )
        .await;
        t.history.push(kind);
    }

    async fn flag(&mut self, table: &str, id_column: &str, key: &str, value: &str, id: i64, agent: i32) {
        self.run(
            &format!("INSERT INTO {table} ({id_column}, {key}, {value}, create_time, create_by) VALUES (?, 'Seen', '1', current_timestamp, ?)"),
            vec![Value::from(id), Value::from(agent)],
        )
        .await;
    }

    /// Values of every kind of ticket field on the first two tickets.
    async fn ticket_fields(&mut self, t: &mut TicketFact, n: usize) {
        let contract = format!("V-{} {}", 4711 + n, self.text.street);
        self.value("Contract", t.id, Value::from(contract.clone()), None, None).await;
        t.fields.push(("Contract".into(), contract));
        let remarks = format!("Zeile eins\nZeile zwei: {}", self.text.beyond);
        self.value("Remarks", t.id, Value::from(remarks.clone()), None, None).await;
        t.fields.push(("Remarks".into(), remarks));
        let (product, label) = if n == 0 { ("hw", "Hardware") } else { ("sw", "Software") };
        self.value("Product", t.id, Value::from(product), None, None).await;
        t.fields.push(("Product".into(), label.into()));
        // A multiselect's keys are a row each.
        for key in ["mail", "phone"] {
            self.value("Channels", t.id, Value::from(key), None, None).await;
        }
        t.fields.push(("Channels".into(), "E-mail, Telephone".into()));
        self.value("Urgent", t.id, Value::String(None), None, Some(1)).await;
        t.fields.push(("Urgent".into(), "1".into()));
        self.value("DueDate", t.id, Value::String(None), Some("2027-02-28 00:00:00"), None).await;
        t.fields.push(("DueDate".into(), "2027-02-28".into()));
        self.value("CallbackAt", t.id, Value::String(None), Some("2027-01-15 14:45:00"), None).await;
        t.fields.push(("CallbackAt".into(), "2027-01-15 14:45:00".into()));
    }

    async fn value(&mut self, field: &str, object: i64, text: Value, date: Option<&str>, int: Option<i64>) {
        let date_sql = match self.engine {
            Engine::Postgres => "CAST(? AS timestamp)",
            _ => "?",
        };
        self.run(
            &format!(
                "INSERT INTO dynamic_field_value (field_id, object_id, value_text, value_date, value_int) VALUES ((SELECT id FROM dynamic_field WHERE name = ?), ?, ?, {date_sql}, ?)"
            ),
            vec![field.into(), Value::from(object), text, Value::String(date.map(str::to_string)), Value::BigInt(int)],
        )
        .await;
    }

    /// Links (a parent and its child, two related tickets), a watcher and time
    /// accounted, as the agent interface writes them.
    async fn relations(&mut self, tickets: &mut [TicketFact], agents: &[AgentFact]) {
        let object = self.insert("INSERT INTO link_object (name) VALUES ('Ticket')", vec![]).await;
        for (source, target, kind) in [(1usize, 2usize, "ParentChild"), (3, 5, "Normal")] {
            let (s, t) = (tickets[source].id, tickets[target].id);
            self.run(
                "INSERT INTO link_relation (source_object_id, source_key, target_object_id, target_key, type_id, state_id, create_time, create_by) \
                 VALUES (?, ?, ?, ?, (SELECT id FROM link_type WHERE name = ?), (SELECT id FROM link_state WHERE name = 'Valid'), current_timestamp, 1)",
                vec![Value::from(object), s.to_string().into(), Value::from(object), t.to_string().into(), kind.into()],
            )
            .await;
            let (from_source, from_target) =
                if kind == "Normal" { ("normal", "normal") } else { ("parent_of", "child_of") };
            tickets[source].links.push((t, from_source));
            tickets[target].links.push((s, from_target));
            tickets[source].history.push("TicketLinkAdd");
            tickets[target].history.push("TicketLinkAdd");
            for (id, other) in [(s, t), (t, s)] {
                self.run(
                    "INSERT INTO ticket_history (name, history_type_id, ticket_id, type_id, queue_id, owner_id, priority_id, state_id, create_time, create_by, change_time, change_by) \
                     SELECT ?, (SELECT id FROM ticket_history_type WHERE name = 'TicketLinkAdd'), id, 1, queue_id, user_id, 3, ticket_state_id, current_timestamp, 1, current_timestamp, 1 FROM ticket WHERE id = ?",
                    vec![format!("%%{other}%%{kind}").into(), Value::from(id)],
                )
                .await;
            }
        }
        let watcher = agents.iter().find(|a| a.login == "sha2agent").expect("agent");
        let watched = &mut tickets[1];
        self.run(
            "INSERT INTO ticket_watcher (ticket_id, user_id, create_time, create_by, change_time, change_by) VALUES (?, ?, current_timestamp, ?, current_timestamp, ?)",
            vec![Value::from(watched.id), Value::from(watcher.id), Value::from(watcher.id), Value::from(watcher.id)],
        )
        .await;
        watched.watchers.push(watcher.login.clone());
        let phone = watched.articles[1].id;
        self.run(
            "INSERT INTO time_accounting (ticket_id, article_id, time_unit, create_time, create_by, change_time, change_by) VALUES (?, ?, 1.5, current_timestamp, 1, current_timestamp, 1)",
            vec![Value::from(watched.id), Value::from(phone)],
        )
        .await;
        watched.accounted = 1.5;
    }

    /// A LONGBLOB's value as OTRS writes it: the bytes on MySQL, base64 in 76-character
    /// lines (Perl's `encode_base64`) in PostgreSQL's TEXT columns.
    fn blob(&self, bytes: &[u8]) -> Value {
        match self.engine {
            Engine::Postgres => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
                let lines: Vec<String> =
                    encoded.as_bytes().chunks(76).map(|c| format!("{}\n", String::from_utf8_lossy(c))).collect();
                Value::from(lines.concat())
            }
            _ => Value::from(bytes.to_vec()),
        }
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        match self.engine {
            Engine::Postgres => {
                let mut numbered = String::with_capacity(sql.len() + 16);
                let mut n = 0;
                for c in sql.chars() {
                    if c == '?' {
                        n += 1;
                        numbered.push_str(&format!("${n}"));
                    } else {
                        numbered.push(c);
                    }
                }
                Statement::from_sql_and_values(DatabaseBackend::Postgres, numbered, values)
            }
            _ => Statement::from_sql_and_values(DatabaseBackend::MySql, sql, values),
        }
    }

    async fn run(&self, sql: &str, values: Vec<Value>) {
        let stmt = self.statement(sql, values);
        self.db.connection().execute_raw(stmt).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Inserts a row and returns the id the database gave it.
    async fn insert(&self, sql: &str, values: Vec<Value>) -> i64 {
        match self.engine {
            Engine::Postgres => {
                let stmt = self.statement(&format!("{sql} RETURNING id"), values);
                let row = self.db.connection().query_one_raw(stmt).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
                let row = row.expect("the inserted row's id");
                row.try_get_by_index::<i64>(0).or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from)).expect("id")
            }
            _ => {
                let stmt = self.statement(sql, values);
                let done = self.db.connection().execute_raw(stmt).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
                done.last_insert_id() as i64
            }
        }
    }
}

async fn exec(db: &goats_sql::Db, sql: &str) {
    db.connection().execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn hex_md5(text: &str) -> String {
    Md5::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
