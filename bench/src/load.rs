//! Drives one case with `oha` in its own process and reads its JSON summary.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::cases::{Case, Kind, Mix};

/// One case at one concurrency.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measured {
    pub case: &'static str,
    pub kind: Kind,
    pub clients: u32,
    pub requests: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Share of answers with a 2xx status.
    pub success: f64,
    /// Throughput as a share of `/healthz` at the same concurrency (filled in later).
    pub ceiling_share: f64,
    /// The share of the run's answers of the ticket caches (`tickets.*`: tickets, list
    /// pages and totals, searches, articles) that came from a cache (kept, or read by
    /// another request at the same moment) rather than from the database; `None` when
    /// nothing asked them. The caches of queues, states, agents and sessions are left
    /// out: every request reads them and they answer nearly always, which hid how much
    /// of a case the database answered (86 % for a list whose pages mostly missed).
    pub cache_hit_ratio: Option<f64>,
}

/// goats' ticket caches' answers so far, from `/metrics`: (from a cache, from the
/// database).
pub fn cache_answers(base: &str) -> Result<(f64, f64), String> {
    let resp = ureq::get(&format!("{base}/metrics"))
        .set("authorization", &format!("Bearer {}", crate::server::METRICS_TOKEN))
        .call()
        .map_err(|e| format!("/metrics: {e}"))?;
    let text = resp.into_string().map_err(|e| format!("/metrics: {e}"))?;
    let (mut kept, mut read) = (0.0, 0.0);
    let ticket_caches = |l: &&str| l.starts_with("goats_cache_requests_total{") && l.contains(r#"cache="tickets."#);
    for line in text.lines().filter(ticket_caches) {
        let value: f64 = line.rsplit(' ').next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
        if line.contains(r#"outcome="miss""#) {
            read += value;
        } else {
            kept += value;
        }
    }
    Ok((kept, read))
}

pub fn check_oha() -> Result<(), String> {
    match Command::new("oha").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err("oha is not installed; `make bench` installs it with `cargo install oha --locked`".into()),
    }
}

pub fn drive(base: &str, case: &Case, clients: u32, duration: Duration) -> Result<Measured, String> {
    let before = cache_answers(base)?;
    let mut measured = oha(base, case, clients, duration)?;
    let after = cache_answers(base)?;
    let (kept, read) = (after.0 - before.0, after.1 - before.1);
    measured.cache_hit_ratio = (kept + read > 0.0).then(|| kept / (kept + read));
    Ok(measured)
}

/// A mix: each part driven by its own oha at once, with its weight's share of `clients`
/// (one at least). Throughput and answers are summed; p50 and p99 are the slowest part's,
/// since oha reports percentiles, not the latencies to merge them from.
pub fn drive_mix(base: &str, mix: &Mix, clients: u32, duration: Duration) -> Result<Measured, String> {
    let weights: u32 = mix.parts.iter().map(|(w, _)| w).sum();
    let before = cache_answers(base)?;
    let running: Vec<(u32, std::process::Child)> = mix
        .parts
        .iter()
        .enumerate()
        .map(|(i, (weight, case))| {
            let share = (clients * weight / weights.max(1)).max(1);
            let mut cmd = command(base, case, share, duration, i)?;
            let child = cmd
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| format!("oha: {e}"))?;
            Ok((share, child))
        })
        .collect::<Result<_, String>>()?;
    let mut parts = Vec::new();
    for ((share, child), (_, case)) in running.into_iter().zip(&mix.parts) {
        let out = child.wait_with_output().map_err(|e| format!("oha: {e}"))?;
        parts.push(summary(case, share, out)?);
    }
    let after = cache_answers(base)?;
    let (kept, read) = (after.0 - before.0, after.1 - before.1);
    let requests: u64 = parts.iter().map(|m| m.requests).sum();
    let answered: f64 = parts.iter().map(|m| m.success * m.requests as f64).sum();
    Ok(Measured {
        case: mix.name,
        kind: Kind::Mixed,
        clients: parts.iter().map(|m| m.clients).sum(),
        requests,
        rps: parts.iter().map(|m| m.rps).sum(),
        p50_ms: parts.iter().map(|m| m.p50_ms).fold(0.0, f64::max),
        p99_ms: parts.iter().map(|m| m.p99_ms).fold(0.0, f64::max),
        success: if requests == 0 { 0.0 } else { answered / requests as f64 },
        ceiling_share: 0.0,
        cache_hit_ratio: (kept + read > 0.0).then(|| kept / (kept + read)),
    })
}

fn oha(base: &str, case: &Case, clients: u32, duration: Duration) -> Result<Measured, String> {
    let mut cmd = command(base, case, clients, duration, 0)?;
    let out = cmd.output().map_err(|e| format!("oha: {e}"))?;
    summary(case, clients, out)
}

/// oha's command for a case; `slot` tells apart the URL files of cases run at once.
fn command(base: &str, case: &Case, clients: u32, duration: Duration, slot: usize) -> Result<Command, String> {
    let mut cmd = Command::new("oha");
    cmd.args(["--no-tui", "--output-format", "json", "-z", &format!("{}s", duration.as_secs())]).args([
        "-c",
        &clients.to_string(),
        "-m",
        case.method,
    ]);
    for (k, v) in &case.headers {
        cmd.args(["-H", &format!("{k}: {v}")]);
    }
    if let Some(body) = &case.body {
        cmd.args(["-d", body]);
    }
    if case.also.is_empty() {
        cmd.arg(format!("{base}{}", case.path));
    } else {
        // oha picks one line of the file per request.
        let file = std::env::temp_dir().join(format!("goats-bench-urls-{}-{slot}.txt", std::process::id()));
        let urls: Vec<String> = std::iter::once(&case.path).chain(&case.also).map(|p| format!("{base}{p}")).collect();
        std::fs::write(&file, urls.join("\n") + "\n").map_err(|e| format!("{}: {e}", file.display()))?;
        cmd.arg("--urls-from-file").arg(&file);
    }
    Ok(cmd)
}

fn summary(case: &Case, clients: u32, out: std::process::Output) -> Result<Measured, String> {
    if !out.status.success() {
        return Err(format!("oha failed on {}: {}", case.name, String::from_utf8_lossy(&out.stderr)));
    }
    let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("oha's output for {}: {e}", case.name))?;
    let statuses = v["statusCodeDistribution"].as_object().cloned().unwrap_or_default();
    let total: u64 = statuses.values().filter_map(Value::as_u64).sum();
    let ok: u64 = statuses.iter().filter(|(k, _)| k.starts_with('2')).filter_map(|(_, n)| n.as_u64()).sum();
    let ms = |p: &str| v["latencyPercentiles"][p].as_f64().unwrap_or(f64::NAN) * 1000.0;
    Ok(Measured {
        case: case.name,
        kind: case.kind,
        clients,
        requests: total,
        rps: v["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        p50_ms: ms("p50"),
        p99_ms: ms("p99"),
        success: if total == 0 { 0.0 } else { ok as f64 / total as f64 },
        ceiling_share: 0.0,
        cache_hit_ratio: None,
    })
}
