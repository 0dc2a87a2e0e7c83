use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use goats_core::ports::{Clock, SystemClock};

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, Value};
use tokio::sync::{Mutex, MutexGuard};

use crate::article_dir::ArticleDir;
use crate::articles::Addition;
use crate::counter::{MOST_PER_TURN, Request};
use crate::creation::Creation;
use crate::error::{SqlError, mask_url};
use crate::search::time_limit::{self, MySqlServer};
use crate::shared_commit::SharedCommit;
use crate::turns::Turns;

/// The SQL dialects goats speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
    MySql,
}

impl Dialect {
    pub fn backend(self) -> DbBackend {
        match self {
            Self::Sqlite => DbBackend::Sqlite,
            Self::Postgres => DbBackend::Postgres,
            Self::MySql => DbBackend::MySql,
        }
    }
}

/// Shared transactions of one kind open at once: two on the server databases, so one
/// is written while the other gathers; one on SQLite, which writes one transaction at a
/// time anyway. With four, most turns took one or two writes, for the same work per
/// transaction.
fn shared_turns(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres | Dialect::MySql => 2,
        Dialect::Sqlite => 1,
    }
}

/// A connection pool and what is known about the database behind it.
#[derive(Clone)]
pub struct Db {
    pub(crate) conn: DatabaseConnection,
    pub(crate) dialect: Dialect,
    /// SQLite allows one writer; taking this lock first keeps our own connections from
    /// failing each other with SQLITE_BUSY. `None` on the server databases.
    write_lock: Option<Arc<Mutex<()>>>,
    /// The ticket counters this process is waiting for (see counter.rs).
    pub(crate) counters: Turns<Request>,
    /// Ticket creations waiting to be written (see shared_commit.rs).
    pub(crate) creations: SharedCommit<Creation>,
    /// Articles waiting to be added to tickets.
    pub(crate) additions: SharedCommit<Addition>,
    /// `permission_groups` in Znuny ≥ 6.1, `groups` in older OTRS.
    pub(crate) groups_table: &'static str,
    /// What `create_time` and `change_time` are stamped with: core's clock, so the
    /// domain and the rows it writes agree on "now".
    clock: Arc<dyn Clock>,
    /// An OTRS site's article files on disk (live mode with `ArticleStorageFS`).
    pub(crate) article_dir: Option<Arc<ArticleDir>>,
    /// How many of the newest tickets a search by relevance looks among first (see
    /// tickets/ranked.rs).
    pub(crate) recent_tickets: i64,
    /// MariaDB or MySQL, on their dialect: they spell a search's time limit apart
    /// (search/time_limit.rs).
    pub(crate) mysql_server: Option<MySqlServer>,
}

impl Db {
    /// Connects to `url` (`sqlite://path`, `postgres://…`, `mysql://…`/`mariadb://…`).
    /// A SQLite file and its folder are created when missing.
    pub async fn connect(url: &str) -> Result<Self, SqlError> {
        Self::open(url, true, None).await
    }

    /// Like [`Db::connect`], with one connection: for a process that does one thing and
    /// ends, such as `goats mail ingest` run by a mail server once per message. Every
    /// further connection costs it more than its work (a PostgreSQL backend started, or
    /// SQLite's schema read again), and its statements run one after another anyway.
    pub async fn connect_single(url: &str) -> Result<Self, SqlError> {
        Self::open(url, true, Some(1)).await
    }

    /// Like [`Db::connect`], but SQLite does not enforce foreign keys on these
    /// connections: a bulk copy writes rows before the rows they refer to and checks the
    /// keys once at the end (the server databases have theirs set aside instead).
    pub async fn connect_unchecked(url: &str) -> Result<Self, SqlError> {
        Self::open(url, false, None).await
    }

    async fn open(url: &str, foreign_keys: bool, connections: Option<u32>) -> Result<Self, SqlError> {
        let masked = mask_url(url);
        let parsed =
            url::Url::parse(url).map_err(|e| SqlError::BadUrl { url: masked.clone(), reason: e.to_string() })?;
        let (dialect, url) = match parsed.scheme() {
            "sqlite" => (Dialect::Sqlite, url.to_string()),
            "postgres" | "postgresql" => (Dialect::Postgres, url.to_string()),
            "mysql" => (Dialect::MySql, url.to_string()),
            "mariadb" => (Dialect::MySql, url.replacen("mariadb://", "mysql://", 1)),
            other => {
                return Err(SqlError::BadUrl {
                    url: masked,
                    reason: format!("unknown scheme `{other}` (use sqlite, postgres or mysql)"),
                });
            }
        };
        let mut opts = ConnectOptions::new(url.clone());
        // A connection is pinged before use only after it sat idle for a while (a server
        // restart or a proxy's idle cut shows there); pinging before every query was a
        // second round trip per query, most of a ticket read's time on PostgreSQL.
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
        if dialect == Dialect::Sqlite {
            let file = sqlite_path(&url);
            let dir =
                file.as_deref().and_then(|f| std::path::Path::new(f).parent()).filter(|d| !d.as_os_str().is_empty());
            if let Some(dir) = dir {
                std::fs::create_dir_all(dir).map_err(|e| SqlError::Unreachable {
                    url: masked.clone(),
                    reason: format!("cannot create {}: {e}", dir.display()),
                })?;
            }
            // Validate the URL up front: sqlx would otherwise panic later on a bad one.
            SqliteConnectOptions::from_str(&url)
                .map_err(|e| SqlError::BadUrl { url: masked.clone(), reason: e.to_string() })?;
            opts.max_connections(connections.unwrap_or(4)).map_sqlx_sqlite_opts(move |o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(foreign_keys)
            });
        } else {
            opts.max_connections(connections.unwrap_or(16));
        }
        let conn = Database::connect(opts)
            .await
            .map_err(|e| SqlError::Unreachable { url: masked.clone(), reason: first_line(&e.to_string()) })?;
        let mut db = Self {
            conn,
            dialect,
            write_lock: (dialect == Dialect::Sqlite).then(|| Arc::new(Mutex::new(()))),
            counters: Turns::new(1, MOST_PER_TURN),
            creations: SharedCommit::new(shared_turns(dialect)),
            additions: SharedCommit::new(shared_turns(dialect)),
            groups_table: "permission_groups",
            clock: Arc::new(SystemClock),
            article_dir: None,
            recent_tickets: crate::tickets::RECENT_TICKETS,
            mysql_server: None,
        };
        if db.has_table("groups").await? {
            db.groups_table = "groups";
        }
        if dialect == Dialect::MySql {
            let row = db.conn.query_one_raw(db.stmt("SELECT VERSION() AS v", [])).await?;
            let version = row.and_then(|r| crate::row::text_at(&r, 0)).unwrap_or_default();
            db.mysql_server = Some(MySqlServer::of_version(&version));
        }
        Ok(db)
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The underlying sea-orm connection, for tests and tools that inspect the database.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Answers whether the database responds right now and still holds goats' schema.
    /// A bare `SELECT 1` is not enough: MySQL keeps answering on a connection whose
    /// database was dropped.
    pub async fn ping(&self) -> bool {
        self.conn.execute_unprepared("SELECT COUNT(*) FROM goats_schema_version").await.is_ok()
    }

    /// The connections the pool holds now and how many of them are idle, for `/metrics`.
    pub fn pool_use(&self) -> (u32, usize) {
        match self.dialect {
            Dialect::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            Dialect::MySql => {
                let pool = self.conn.get_mysql_connection_pool();
                (pool.size(), pool.num_idle())
            }
            Dialect::Sqlite => {
                let pool = self.conn.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        }
    }

    pub async fn close(self) {
        let _ = self.conn.close().await;
    }

    /// Reads the messages and attachments the database does not hold for an article
    /// from an OTRS site's `ArticleDataDir` (see `crate::article_dir`).
    pub fn with_article_dir(mut self, dir: ArticleDir) -> Self {
        self.article_dir = Some(Arc::new(dir));
        self
    }

    /// Has a search by relevance look among the newest `tickets` first (20,000 unless
    /// told), so a small help desk can be searched both ways.
    pub fn with_recent_tickets(mut self, tickets: i64) -> Self {
        self.recent_tickets = tickets;
        self
    }

    /// Stamps rows with `clock`'s time from now on (the application passes the clock its
    /// services use).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The current time as OTRS's DATETIME columns hold it (whole seconds, UTC).
    pub(crate) fn now(&self) -> NaiveDateTime {
        crate::row::db_now(self.clock.now())
    }

    /// The current instant, for what is kept at a finer grain than DATETIME columns.
    pub(crate) fn instant(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The rows of a list's statement; one that searches is ended by MariaDB and MySQL
    /// after a while (search/time_limit.rs), and the searcher told to narrow it.
    pub(crate) async fn list_rows(
        &self,
        sql: &str,
        values: Vec<Value>,
        searching: bool,
    ) -> goats_core::DomainResult<Vec<sea_orm::QueryResult>> {
        if !searching {
            return self.conn.query_all_raw(self.stmt(sql, values)).await.map_err(crate::error::to_domain);
        }
        let sql = time_limit::limited(self.mysql_server, sql);
        self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(time_limit::search_error)
    }

    /// Serialises writers on SQLite; free elsewhere.
    pub(crate) async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(m) => Some(m.lock().await),
            None => None,
        }
    }

    /// A statement written with `?` placeholders, numbered for PostgreSQL. PostgreSQL
    /// connections cache a statement with the parameter types of its first use, so one
    /// SQL text must always be bound with the same value types (an `i32` id here and an
    /// `i64` there breaks).
    pub(crate) fn stmt(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
        Statement::from_sql_and_values(self.dialect.backend(), self.placeholders(sql), values)
    }

    pub(crate) fn placeholders(&self, sql: &str) -> String {
        if self.dialect != Dialect::Postgres {
            return sql.to_string();
        }
        let mut out = String::with_capacity(sql.len() + 8);
        let mut copied = 0;
        for (n, at) in placeholder_offsets(sql).enumerate() {
            out.push_str(&sql[copied..at]);
            out.push('$');
            out.push_str(&(n + 1).to_string());
            copied = at + 1;
        }
        out.push_str(&sql[copied..]);
        out
    }

    /// Whether the database holds a table named `name` (as spelled in the schema).
    pub async fn has_table(&self, name: &str) -> Result<bool, SqlError> {
        let sql = match self.dialect {
            Dialect::Sqlite => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            // The catalog itself: planning a query of information_schema's view costs a
            // new backend (one per `mail ingest`) about a millisecond.
            Dialect::Postgres => {
                "SELECT 1 FROM pg_catalog.pg_class WHERE relnamespace = current_schema()::regnamespace \
                 AND relname = ? AND relkind IN ('r', 'p')"
            }
            Dialect::MySql => {
                "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
            }
        };
        Ok(self.conn.query_one_raw(self.stmt(sql, [name.into()])).await?.is_some())
    }

    /// The names of the tables in the connected database (schema).
    pub async fn table_names(&self) -> Result<Vec<String>, SqlError> {
        let sql = match self.dialect {
            Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            Dialect::Postgres => {
                "SELECT relname::text FROM pg_catalog.pg_class WHERE relnamespace = current_schema()::regnamespace \
                 AND relkind IN ('r', 'p')"
            }
            Dialect::MySql => "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
        };
        let rows = self.conn.query_all_raw(self.stmt(sql, [])).await?;
        Ok(rows.iter().filter_map(|r| crate::row::text_at(r, 0)).collect())
    }
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

impl Db {
    /// Runs an INSERT and returns the new row's `id`.
    pub(crate) async fn insert_id<C: ConnectionTrait>(
        &self,
        conn: &C,
        sql: &str,
        values: Vec<Value>,
    ) -> Result<i64, sea_orm::DbErr> {
        if self.dialect == Dialect::Postgres {
            let row = conn.query_one_raw(self.stmt(&format!("{sql} RETURNING id"), values)).await?;
            Ok(row.map(|r| crate::row::int(&r, "id")).transpose()?.unwrap_or(0))
        } else {
            Ok(conn.execute_raw(self.stmt(sql, values)).await?.last_insert_id() as i64)
        }
    }

    /// Runs a multi-row INSERT of `rows` rows (PostgreSQL and SQLite) and returns their
    /// `id`s in the order of its VALUES list: the rows are numbered in that order, but
    /// RETURNING need not list them so.
    pub(crate) async fn insert_ids<C: ConnectionTrait>(
        &self,
        conn: &C,
        sql: &str,
        values: impl IntoIterator<Item = Value>,
        rows: usize,
    ) -> Result<Vec<i64>, sea_orm::DbErr> {
        let found = conn.query_all_raw(self.stmt(&format!("{sql} RETURNING id"), values)).await?;
        let mut ids: Vec<i64> = found.iter().map(|r| crate::row::int(r, "id")).collect::<Result<_, _>>()?;
        ids.sort_unstable();
        if ids.len() != rows {
            return Err(sea_orm::DbErr::RecordNotInserted);
        }
        Ok(ids)
    }
}

#[async_trait::async_trait]
impl goats_core::ports::Readiness for Db {
    fn name(&self) -> &'static str {
        "the database"
    }
    async fn ready(&self) -> bool {
        self.ping().await
    }
}

/// Where `sql`'s placeholders are: the byte offset of each `?` outside single quotes.
pub(crate) fn placeholder_offsets(sql: &str) -> impl Iterator<Item = usize> + '_ {
    let mut quoted = false;
    sql.char_indices().filter_map(move |(i, ch)| match ch {
        '\'' => {
            quoted = !quoted;
            None
        }
        '?' if !quoted => Some(i),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://data/goats.db").as_deref(), Some("data/goats.db"));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db?mode=rwc").as_deref(), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
