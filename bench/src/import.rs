//! The move off OTRS: `goats import otrs` of a MariaDB Znuny database (Znuny 7.1.7's
//! genuine schema and rows, then `BENCH_TICKETS` tickets with five articles each,
//! kept between runs) into each engine, timed from outside, with the importer's peak
//! resident memory read from /proc while it runs. Targets: the whole import within 5
//! minutes and 300 MB, whatever the source's size.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Settings;
use crate::server::Engine;

const SOURCE_DATABASE: &str = "goats_bench_otrs";
const TARGET_DATABASE: &str = "goats_bench_import";
const ARTICLES_PER_TICKET: &str = "5";
const MOST_SECONDS: f64 = 300.0;
const MOST_RSS_MB: f64 = 300.0;

#[derive(Debug, serde::Serialize)]
pub struct ImportMeasured {
    pub target: &'static str,
    pub tickets: u64,
    pub rows: u64,
    pub seconds: f64,
    pub rows_per_second: f64,
    pub peak_rss_mb: f64,
    pub within_targets: bool,
}

fn mysql_base() -> String {
    std::env::var("BENCH_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

fn fixtures() -> PathBuf {
    std::env::var("GOATS_ZNUNY_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/znuny/7.1.7"))
}

fn mariadb(sql: Option<&str>, database: Option<&str>, input: Option<&Path>) -> Result<(), String> {
    let url = url::Url::parse(&mysql_base()).map_err(|e| e.to_string())?;
    let mut cmd = Command::new("mariadb");
    cmd.args(["-h", url.host_str().unwrap_or("127.0.0.1"), "-P", &url.port().unwrap_or(3306).to_string()]);
    cmd.args(["-u", if url.username().is_empty() { "root" } else { url.username() }]);
    if let Some(p) = url.password() {
        cmd.arg(format!("-p{p}"));
    }
    if let Some(sql) = sql {
        cmd.args(["-e", sql]);
    }
    cmd.args(database);
    if let Some(file) = input {
        cmd.stdin(std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?);
    }
    let out = cmd.output().map_err(|e| format!("mariadb: {e} (the MariaDB client is needed for the import case)"))?;
    if !out.status.success() {
        return Err(format!("mariadb: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(())
}

/// The Znuny database to import, made once per ticket count.
fn prepare_source(s: &Settings) -> Result<String, String> {
    let url = format!("{}/{SOURCE_DATABASE}", mysql_base());
    let marker = s.out.join("otrs-source.seeded");
    if std::fs::read_to_string(&marker).ok().and_then(|t| t.trim().parse::<u64>().ok()) == Some(s.tickets) {
        return Ok(url);
    }
    let started = Instant::now();
    let _ = std::fs::remove_file(&marker);
    mariadb(Some(&format!("DROP DATABASE IF EXISTS {SOURCE_DATABASE}")), None, None)?;
    mariadb(Some(&format!("CREATE DATABASE {SOURCE_DATABASE} CHARACTER SET utf8mb4")), None, None)?;
    for part in ["schema", "initial_insert", "schema-post"] {
        mariadb(None, Some(SOURCE_DATABASE), Some(&fixtures().join(format!("{part}.mysql.sql"))))?;
    }
    let status = Command::new(&s.goats)
        .args(["seed", "--tickets", &s.tickets.to_string(), "--articles-per-ticket", ARTICLES_PER_TICKET])
        .env("GOATS_DATABASE_URL", &url)
        .env("GOATS_LOG_LEVEL", "warn")
        .env_remove("GOATS_CONFIG")
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("goats seed: {e}"))?;
    if !status.success() {
        return Err(format!("goats seed into {SOURCE_DATABASE} failed ({status})"));
    }
    eprintln!("bench: made a Znuny source with {} tickets in {:.0?}", s.tickets, started.elapsed());
    std::fs::write(&marker, s.tickets.to_string()).map_err(|e| e.to_string())?;
    Ok(url)
}

/// An empty target database for `engine`.
fn empty_target(s: &Settings, engine: Engine) -> Result<String, String> {
    match engine {
        Engine::Sqlite => {
            let dir = std::fs::canonicalize(&s.out).map_err(|e| e.to_string())?.join("import");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            Ok(format!("sqlite://{}", dir.join("goats.db").display()))
        }
        Engine::Postgres => {
            let base =
                std::env::var("BENCH_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
            for sql in
                [format!("DROP DATABASE IF EXISTS {TARGET_DATABASE}"), format!("CREATE DATABASE {TARGET_DATABASE}")]
            {
                let out = Command::new("psql")
                    .args([&format!("{base}/postgres"), "-tAc", &sql])
                    .output()
                    .map_err(|e| format!("psql: {e}"))?;
                if !out.status.success() {
                    return Err(format!("psql: {}", String::from_utf8_lossy(&out.stderr).trim()));
                }
            }
            Ok(format!("{base}/{TARGET_DATABASE}?sslmode=disable"))
        }
        Engine::MariaDb => crate::server::fresh_mariadb_database(TARGET_DATABASE),
    }
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn measure(s: &Settings) -> Result<Vec<ImportMeasured>, String> {
    let source = prepare_source(s)?;
    let mut out = Vec::new();
    for &engine in &s.engines {
        let target = empty_target(s, engine)?;
        let report = s.out.join(format!("import-{}.json", engine.name()));
        eprintln!("bench: import of {} tickets into {}", s.tickets, engine.name());
        let started = Instant::now();
        let mut child = Command::new(&s.goats)
            .args(["import", "otrs", "--from", &source, "--report"])
            .arg(&report)
            .env("GOATS_DATABASE_URL", &target)
            .env("GOATS_LOG_LEVEL", "warn")
            .env_remove("GOATS_CONFIG")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("goats import: {e}"))?;
        let mut peak = 0;
        let status = loop {
            if let Some(kb) = peak_rss_kb(child.id()) {
                peak = peak.max(kb);
            }
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                break status;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let seconds = started.elapsed().as_secs_f64();
        if !status.success() {
            return Err(format!("goats import into {} failed ({status})", engine.name()));
        }
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
        let rows = json["rows"].as_u64().unwrap_or(0);
        let peak_rss_mb = peak as f64 / 1024.0;
        out.push(ImportMeasured {
            target: engine.name(),
            tickets: s.tickets,
            rows,
            seconds,
            rows_per_second: rows as f64 / seconds.max(0.001),
            peak_rss_mb,
            within_targets: seconds <= MOST_SECONDS && peak_rss_mb <= MOST_RSS_MB,
        });
    }
    Ok(out)
}

pub fn print(results: &[ImportMeasured]) {
    if results.is_empty() {
        return;
    }
    println!();
    println!("OTRS import from MariaDB (copy and verification; targets: {MOST_SECONDS:.0} s, {MOST_RSS_MB:.0} MB)");
    println!(
        "{:<10} {:>9} {:>11} {:>9} {:>10} {:>9}  within",
        "target", "tickets", "rows", "seconds", "rows/s", "peak MB"
    );
    for r in results {
        println!(
            "{:<10} {:>9} {:>11} {:>9.1} {:>10.0} {:>9.0}  {}",
            r.target,
            r.tickets,
            r.rows,
            r.seconds,
            r.rows_per_second,
            r.peak_rss_mb,
            if r.within_targets { "yes" } else { "NO" }
        );
    }
}
