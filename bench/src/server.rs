//! The goats under test: a seeded database per engine (kept between runs) and a
//! running release binary whose memory can be read from /proc.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Settings;

pub const AGENT: &str = "bench";
pub const PASSWORD: &str = "bench-password-0123";
/// What the bench reads `/metrics` with (the cache hit ratio of each case).
pub const METRICS_TOKEN: &str = "bench-metrics-token-0123";
const PG_DATABASE: &str = "goats_bench";
/// The seeded database on MariaDB/MySQL (`BENCH_ENGINES=mariadb`).
const MARIADB_DATABASE: &str = "goats_bench";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
    MariaDb,
}

impl Engine {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "sqlite" => Some(Engine::Sqlite),
            "postgres" | "postgresql" => Some(Engine::Postgres),
            "mariadb" | "mysql" => Some(Engine::MariaDb),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
            Engine::MariaDb => "mariadb",
        }
    }
}

/// The MariaDB/MySQL server the bench's databases live on (`BENCH_MARIADB_URL`, without
/// a database), as goats takes it and as the `mariadb` client does.
pub fn mariadb_server() -> (String, Vec<String>) {
    let url = std::env::var("BENCH_MARIADB_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let (user, host) = rest.rsplit_once('@').unwrap_or(("root", rest));
    let (user, password) = user.split_once(':').map_or((user, None), |(u, p)| (u, Some(p)));
    let (host, port) = host.split_once(':').unwrap_or((host, "3306"));
    let mut args = vec![format!("--user={user}"), format!("--host={host}"), format!("--port={port}")];
    if let Some(p) = password {
        args.push(format!("--password={p}"));
    }
    (url, args)
}

/// Whether the server takes the 25 MB attachment of the mail cases in one value: goats
/// refuses a value past `max_allowed_packet` (Znuny asks for 64 MB), which would stop
/// the run half-way.
pub fn mariadb_fits_large_mail() -> Result<(), String> {
    let packet: u64 =
        mariadb("SELECT @@max_allowed_packet")?.parse().map_err(|e| format!("max_allowed_packet: {e}"))?;
    if packet < 64 * 1024 * 1024 {
        return Err(format!(
            "MariaDB's max_allowed_packet is {} MB; the mail cases store a 25 MB attachment, which needs \
             64 MB as Znuny asks (SET GLOBAL max_allowed_packet = 67108864), or leave out BENCH_CASES=mail",
            packet / 1024 / 1024
        ));
    }
    Ok(())
}

/// An empty database `name` on the MariaDB server (dropped first if there); its URL.
pub fn fresh_mariadb_database(name: &str) -> Result<String, String> {
    mariadb(&format!("DROP DATABASE IF EXISTS {name}"))?;
    mariadb(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"))?;
    Ok(format!("{}/{name}", mariadb_server().0))
}

/// Runs one statement with the `mariadb` client; what it printed.
pub fn mariadb(sql: &str) -> Result<String, String> {
    let (_, args) = mariadb_server();
    let out = Command::new("mariadb")
        .args(&args)
        .args(["-N", "-B", "-e", sql])
        .output()
        .map_err(|e| format!("mariadb: {e} (the MariaDB client is needed for the MariaDB cases)"))?;
    if !out.status.success() {
        return Err(format!("mariadb: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A database goats can be pointed at.
pub struct Database {
    pub url: String,
}

fn goats(s: &Settings, db: &Database) -> Command {
    let mut cmd = Command::new(&s.goats);
    cmd.env("GOATS_DATABASE_URL", &db.url)
        .env("GOATS_LOG_LEVEL", "warn")
        .env("GOATS_METRICS_TOKEN", METRICS_TOKEN)
        .env_remove("GOATS_CONFIG");
    cmd
}

fn run(mut cmd: Command, what: &str, input: Option<&str>) -> Result<(), String> {
    cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() }).stdout(Stdio::null());
    let mut child = cmd.spawn().map_err(|e| format!("{what}: {e}"))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        use std::io::Write;
        stdin.write_all(text.as_bytes()).map_err(|e| format!("{what}: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("{what}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

/// What `goats seed` writes, raised when that changes (2: articles name devices, errors
/// and codes, and are indexed for search; 3: the index holds a document per ticket), so
/// an older fixture is seeded anew. The stamp names the articles per ticket too.
const FIXTURE_VERSION: u32 = 3;

/// A seeded database for the engine: reused when a previous run seeded it with as many
/// tickets by the same fixture version, otherwise made anew.
pub fn prepare(s: &Settings, engine: Engine) -> Result<Database, String> {
    let marker = s.out.join(format!("{}.seeded", engine.name()));
    let stamp = format!("{} v{FIXTURE_VERSION} × {}", s.tickets, s.articles_per_ticket);
    let seeded = std::fs::read_to_string(&marker).ok().is_some_and(|t| t.trim() == stamp);
    // Whether the database is made anew here (a dropped one is, even with its marker left).
    let (db, fresh) = match engine {
        Engine::Sqlite => {
            let dir = std::fs::canonicalize(&s.out).map_err(|e| e.to_string())?.join("sqlite");
            let file = dir.join("goats.db");
            let fresh = !seeded || !file.exists();
            if fresh {
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            }
            (Database { url: format!("sqlite://{}", file.display()) }, fresh)
        }
        Engine::Postgres => {
            let base =
                std::env::var("BENCH_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
            let exists = psql(&base, &format!("SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'"))? == "1";
            let fresh = !seeded || !exists;
            if fresh {
                psql(&base, &format!("DROP DATABASE IF EXISTS {PG_DATABASE}"))?;
                psql(&base, &format!("CREATE DATABASE {PG_DATABASE}"))?;
            }
            // On loopback TLS protects nothing and cost a tenth of the writes' throughput
            // (PostgreSQL encrypts too); a server on another host keeps the driver's default.
            let loopback = ["@127.0.0.1", "@localhost", "@[::1]"].iter().any(|h| base.contains(h));
            let tls = if loopback { "?sslmode=disable" } else { "" };
            (Database { url: format!("{base}/{PG_DATABASE}{tls}") }, fresh)
        }
        Engine::MariaDb => {
            let exists = !mariadb(&format!("SHOW DATABASES LIKE '{MARIADB_DATABASE}'"))?.is_empty();
            let fresh = !seeded || !exists;
            let url = match fresh {
                true => fresh_mariadb_database(MARIADB_DATABASE)?,
                false => format!("{}/{MARIADB_DATABASE}", mariadb_server().0),
            };
            (Database { url }, fresh)
        }
    };
    if fresh {
        let _ = std::fs::remove_file(&marker);
        let started = Instant::now();
        run(goats_cmd(s, &db, &["migrate"]), "goats migrate", None)?;
        let (tickets, articles) = (s.tickets.to_string(), s.articles_per_ticket.to_string());
        let mut seed = goats_cmd(s, &db, &["seed", "--tickets", &tickets, "--articles-per-ticket", &articles]);
        seed.stderr(Stdio::inherit());
        run(seed, "goats seed", None)?;
        eprintln!(
            "bench: seeded {} tickets with {} articles each on {} in {:.0?}",
            s.tickets,
            s.articles_per_ticket,
            engine.name(),
            started.elapsed()
        );
        std::fs::write(&marker, &stamp).map_err(|e| e.to_string())?;
    }
    // The agent the load logs in as: added once, its password set every run.
    let added = run(
        goats_cmd(
            s,
            &db,
            &["user", "add", AGENT, "--first-name", "Bench", "--last-name", "Agent", "--admin", "--password-stdin"],
        ),
        "goats user add",
        Some(&format!("{PASSWORD}\n")),
    );
    if added.is_err() {
        run(
            goats_cmd(s, &db, &["user", "passwd", AGENT, "--password-stdin"]),
            "goats user passwd",
            Some(&format!("{PASSWORD}\n")),
        )?;
    }
    Ok(db)
}

/// Makes the next [`prepare`] seed the engine's database anew.
pub fn forget_seeding(s: &Settings, engine: Engine) {
    let _ = std::fs::remove_file(s.out.join(format!("{}.seeded", engine.name())));
}

fn goats_cmd(s: &Settings, db: &Database, args: &[&str]) -> Command {
    let mut cmd = goats(s, db);
    cmd.args(args);
    cmd
}

fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("psql")
        .args([&format!("{url}/postgres"), "-tAc", sql])
        .output()
        .map_err(|e| format!("psql: {e} (the PostgreSQL client is needed for the PostgreSQL cases)"))?;
    if !out.status.success() {
        return Err(format!("psql: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

pub struct Running {
    pub base: String,
    child: Child,
}

impl Running {
    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0)
    }

    pub fn start(s: &Settings, db: &Database) -> Result<Self, String> {
        Self::start_with(s, db, None)
    }

    /// `goats serve` reading the configuration file `config`, when given.
    pub fn start_with(s: &Settings, db: &Database, config: Option<&std::path::Path>) -> Result<Self, String> {
        let env: Vec<(&str, &str)> = config.and_then(|f| f.to_str()).map(|f| ("GOATS_CONFIG", f)).into_iter().collect();
        Self::start_env(s, db, &env)
    }

    /// `goats serve` with these variables set.
    pub fn start_env(s: &Settings, db: &Database, env: &[(&str, &str)]) -> Result<Self, String> {
        let port = free_port()?;
        let mut cmd = goats(s, db);
        cmd.envs(env.iter().copied());
        let child = cmd
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("goats serve: {e}"))?;
        let running = Running { base: format!("http://127.0.0.1:{port}"), child };
        running.wait_ready(Duration::from_secs(60))?;
        Ok(running)
    }

    fn wait_ready(&self, limit: Duration) -> Result<Duration, String> {
        let started = Instant::now();
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_millis(500)).build();
        while started.elapsed() < limit {
            if agent.get(&format!("{}/readyz", self.base)).call().is_ok() {
                return Ok(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        Err(format!("goats did not become ready on {}", self.base))
    }

    fn status_kb(&self, field: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with(field))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or(0)
    }

    pub fn rss_kb(&self) -> u64 {
        self.status_kb("VmRSS:")
    }

    /// The most resident memory the process has had.
    pub fn peak_rss_kb(&self) -> u64 {
        self.status_kb("VmHWM:")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// From spawning `goats serve` to the first 200 from `/readyz`, the median of five starts.
pub fn startup_time(s: &Settings, db: &Database) -> Result<f64, String> {
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let running = Running::start(s, db)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(running);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}
