//! Where contract scenarios run: the in-memory store core's own tests use, and each SQL
//! engine, behind the same ports. A scenario that gives one answer on all four keeps the
//! in-memory store from drifting away from the real ones.

use std::sync::Arc;

use goats_core::admin::{AdminPorts, AdminService};
use goats_core::permission::AgentPermissions;
use goats_core::ports::{Clock, GroupRepository, InlineCpu};
use goats_core::testing::MemoryStore;
use goats_core::ticket_number::TicketNumberConfig;
use goats_core::tickets::{TicketPorts, TicketService};
use goats_sql::{Db, migrate};

use crate::{Engine, TestDatabase, ticket_ports};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Sql(Engine),
}

impl Backend {
    pub const ALL: [Backend; 4] =
        [Backend::Memory, Backend::Sql(Engine::Sqlite), Backend::Sql(Engine::Postgres), Backend::Sql(Engine::MySql)];

    /// A fresh store of this kind with OTRS's default rows, its rows stamped by `clock`.
    pub async fn open(self, clock: Arc<dyn Clock>) -> Opened {
        match self {
            Backend::Memory => {
                let store = Arc::new(MemoryStore::with_defaults(clock));
                let admin = AdminPorts::of_one_store(store.clone(), Arc::new(InlineCpu));
                let root = AgentPermissions::new(1, store.grants_for(1).await.expect("root's grants"));
                Opened { backend: self, tickets: store.ticket_ports(), admin, root, database: None }
            }
            Backend::Sql(engine) => {
                let t = TestDatabase::create(engine).await;
                let db = t.connect().await.with_clock(clock.clone());
                migrate(&db).await.expect("migrate");
                let store = Arc::new(db.clone());
                let admin = AdminPorts::of_one_store(store.clone(), Arc::new(InlineCpu));
                let root = AgentPermissions::new(1, db.grants_for(1).await.expect("root's grants"));
                Opened { backend: self, tickets: ticket_ports(&db, clock), admin, root, database: Some((db, t)) }
            }
        }
    }
}

/// One backend opened for a scenario: every port of the ticket and admin services on
/// the one store, and root (`root@localhost`, id 1) to act as.
pub struct Opened {
    pub backend: Backend,
    pub tickets: TicketPorts,
    pub admin: AdminPorts,
    pub root: AgentPermissions,
    database: Option<(Db, TestDatabase)>,
}

impl Opened {
    pub fn ticket_service(&self) -> TicketService {
        TicketService::new(self.tickets.clone(), TicketNumberConfig::default())
    }

    pub fn admin_service(&self) -> AdminService {
        AdminService::new(self.admin.clone())
    }

    /// Closes the connections and drops the test's database.
    pub async fn close(self) {
        if let Some((db, t)) = self.database {
            db.close().await;
            t.drop_database().await;
        }
    }
}

/// The answer a contract transcript gives to `name` (its line `name: answer`).
pub fn answer<'a>(lines: &'a [String], name: &str) -> &'a str {
    let prefix = format!("{name}: ");
    lines.iter().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("no answer for {name}"))
}

/// Runs `transcript` on each SQL engine and fails naming every line whose answer
/// differs from the in-memory store's `memory`.
pub async fn assert_stores_agree<F, Fut>(memory: &[String], transcript: F)
where
    F: Fn(Backend) -> Fut,
    Fut: std::future::Future<Output = Vec<String>>,
{
    let mut differ = Vec::new();
    for backend in &Backend::ALL[1..] {
        let other = transcript(*backend).await;
        assert_eq!(memory.len(), other.len(), "{backend:?} answers another number of questions");
        for (m, o) in memory.iter().zip(&other).filter(|(m, o)| m != o) {
            differ.push(format!("memory:  {m}\n{:<8} {o}", format!("{backend:?}:")));
        }
    }
    assert!(differ.is_empty(), "the stores answer otherwise:\n{}", differ.join("\n"));
}
