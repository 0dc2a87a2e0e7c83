//! `make bench`: how fast goats is, measured from another process.
//!
//! For each engine it seeds a database (reusing one already seeded), starts the release
//! binary, and drives every case with `oha` at 1, 8, 32 and 64 concurrent clients. It reports
//! requests per second, p50/p99 latency, each case's throughput as a share of the
//! `/healthz` ceiling, memory (idle and peak RSS) and start-up time, as a table, as
//! `target/bench/results.json` and as `target/bench/throughput.svg`. It also times an
//! import of a Znuny database of the same size from MariaDB into each engine
//! (`target/bench/import.json`).

mod cases;
mod chart;
mod imap;
mod import;
mod instances;
mod lmtp;
mod load;
mod mail;
mod mail_memory;
mod replies;
mod report;
mod server;

use std::path::PathBuf;
use std::time::Duration;

use report::{EngineResult, Results};
use server::Engine;

/// Messages the IMAP case puts in the mailbox: about five seconds' worth at the target
/// of 200 a second.
const IMAP_MESSAGES: usize = 1_000;

/// What a run measures; every value can be set from the environment.
pub struct Settings {
    pub goats: PathBuf,
    pub out: PathBuf,
    pub tickets: u64,
    /// Articles each seeded ticket has (3: 300,000 for the 100,000 tickets the targets
    /// are set at).
    pub articles_per_ticket: u32,
    pub duration: Duration,
    pub concurrency: Vec<u32>,
    pub engines: Vec<Engine>,
    /// Words of the case names to run (all when empty); the ceiling always runs.
    pub cases: Vec<String>,
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn settings() -> Settings {
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("target"));
    let engines = std::env::var("BENCH_ENGINES").unwrap_or_else(|_| "sqlite,postgres".into());
    Settings {
        goats: target.join("release").join("goats"),
        out: PathBuf::from("target").join("bench"),
        tickets: env_or("BENCH_TICKETS", 100_000),
        articles_per_ticket: env_or("BENCH_ARTICLES", 3),
        duration: Duration::from_secs(env_or("BENCH_SECONDS", 5)),
        concurrency: std::env::var("BENCH_CLIENTS")
            .unwrap_or_else(|_| "1,8,32,64".into())
            .split(',')
            .filter_map(|c| c.trim().parse().ok())
            .collect(),
        engines: engines.split(',').filter_map(|e| Engine::parse(e.trim())).collect(),
        cases: std::env::var("BENCH_CASES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect(),
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let s = settings();
    if !s.goats.exists() {
        return Err(format!("{} is missing; `make bench` builds it first", s.goats.display()));
    }
    std::fs::create_dir_all(&s.out).map_err(|e| format!("cannot create {}: {e}", s.out.display()))?;
    let mut results = Results::new(&s);
    let mut mail_results = Vec::new();
    let mut memory_results = Vec::new();
    let mut reply_results = Vec::new();
    let mut imap_results = Vec::new();
    let mut lmtp_results = Vec::new();
    let mut instance_results = None;
    let import_results =
        if s.cases.is_empty() || s.cases.iter().any(|c| c == "import") { import::measure(&s)? } else { Vec::new() };
    // `BENCH_CASES=import` alone needs no server.
    let serving = s.cases.is_empty() || s.cases.iter().any(|c| c != "import");
    if serving {
        load::check_oha()?;
    }
    for engine in s.engines.iter().filter(|_| serving) {
        eprintln!("bench: {} — preparing {} tickets", engine.name(), s.tickets);
        let mut db = server::prepare(&s, *engine)?;
        // Earlier runs' writes (tickets created under load, mail) are the newest tickets,
        // where searches look first, and read like none of the seeded ones: past a
        // twentieth more than seeded, the database is seeded anew.
        let held = cases::Fixture::tickets_held(&server::Running::start(&s, &db)?.base)?;
        if held > s.tickets + s.tickets / 20 {
            eprintln!("bench: {} holds {held} tickets, {} seeded: seeding it anew", engine.name(), s.tickets);
            server::forget_seeding(&s, *engine);
            db = server::prepare(&s, *engine)?;
        }
        let startup_ms = server::startup_time(&s, &db)?;
        let running = server::Running::start(&s, &db)?;
        let fixture = cases::Fixture::create(&running.base, s.tickets)?;
        std::thread::sleep(Duration::from_millis(500));
        let idle_rss_kb = running.rss_kb();
        let mut measured = Vec::new();
        let all = cases::all(&fixture);
        for case in all.iter().filter(|c| c.wanted(&s.cases)) {
            for &clients in &s.concurrency {
                eprintln!("bench: {} {} × {clients}", engine.name(), case.name);
                measured.push(load::drive(&running.base, case, clients, s.duration)?);
            }
        }
        // A mix needs a client per part: it runs at the highest concurrency alone.
        let most = s.concurrency.iter().copied().max().unwrap_or(1);
        for mix in cases::mixes(&fixture, &all).iter().filter(|m| m.wanted(&s.cases)) {
            eprintln!("bench: {} {} × {most}", engine.name(), mix.name);
            measured.push(load::drive_mix(&running.base, mix, most, s.duration)?);
        }
        let peak_rss_kb = running.peak_rss_kb();
        if s.cases.is_empty() || s.cases.iter().any(|c| c == "mail") {
            if *engine == Engine::MariaDb {
                server::mariadb_fits_large_mail()?;
            }
            eprintln!("bench: {} mail ingest", engine.name());
            mail_results.extend(mail::measure(&s, engine.name(), &db)?);
            eprintln!("bench: {} mail ingest memory", engine.name());
            memory_results.extend(mail_memory::measure(&s, engine.name(), &db)?);
        }
        if s.cases.is_empty() || s.cases.iter().any(|c| c == "mail" || c == "lmtp") {
            eprintln!("bench: {} mail delivered over LMTP", engine.name());
            lmtp_results.extend(lmtp::measure(&s, engine.name(), &db)?);
        }
        if s.cases.is_empty() || s.cases.iter().any(|c| c == "mail" || c == "imap") {
            eprintln!("bench: {} mail read over IMAP", engine.name());
            imap_results.push(imap::measure(&s, engine.name(), &db, IMAP_MESSAGES)?);
        }
        if s.cases.is_empty() || s.cases.iter().any(|c| c == "replies") {
            eprintln!("bench: {} replies to an SMTP peer", engine.name());
            reply_results.push(replies::measure(&s, engine.name(), &db)?);
        }
        drop(running);
        if *engine == Engine::Postgres && (s.cases.is_empty() || s.cases.iter().any(|c| c == "instances")) {
            eprintln!("bench: postgres two instances behind nginx × {most}");
            instance_results = Some(instances::measure(&s, &db, most)?);
        }
        results.engines.push(EngineResult::new(engine.name(), startup_ms, idle_rss_kb, peak_rss_kb, measured));
    }
    import::print(&import_results);
    if !import_results.is_empty() {
        let import_json = serde_json::to_string_pretty(&import_results).map_err(|e| e.to_string())?;
        std::fs::write(s.out.join("import.json"), import_json).map_err(|e| format!("import.json: {e}"))?;
    }
    if !serving {
        return Ok(());
    }
    report::print(&results);
    mail::print(&mail_results);
    mail_memory::print(&memory_results);
    lmtp::print(&lmtp_results);
    imap::print(&imap_results);
    replies::print(&reply_results);
    instances::print(&instance_results);
    if let Some(r) = &instance_results {
        let json = serde_json::to_string_pretty(r).map_err(|e| e.to_string())?;
        std::fs::write(s.out.join("instances.json"), json).map_err(|e| format!("instances.json: {e}"))?;
    }
    let mail_json = serde_json::json!({
        "ingest": mail_results, "lmtp": lmtp_results, "imap": imap_results, "memory": memory_results, "replies": reply_results
    });
    let mail_json = serde_json::to_string_pretty(&mail_json).map_err(|e| e.to_string())?;
    std::fs::write(s.out.join("mail.json"), mail_json).map_err(|e| format!("mail.json: {e}"))?;
    report::write(&results, &s.out)?;
    chart::write(&results, &s.out.join("throughput.svg"))?;
    eprintln!("bench: wrote {} and {}", s.out.join("results.json").display(), s.out.join("throughput.svg").display());
    Ok(())
}
