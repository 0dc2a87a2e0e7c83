//! Several instances as one, measured (PostgreSQL): the mixed agent workload through
//! nginx over one goats and over two sharing one database and one Valkey, and how long
//! a change made through one instance takes to show through the other (its cached copy
//! forgotten on the other's notice).

use std::time::{Duration, Instant};

use serde_json::json;

use crate::Settings;
use crate::cases::{Fixture, all, body, mixes};
use crate::load::{Measured, cache_answers, drive_mix};
use goats_test_servers::Nginx;

use crate::server::{Database, Running};

const VALKEY_URL: &str = "redis://127.0.0.1:6379";
/// Changes timed from one instance to the other.
const SAMPLES: usize = 100;

#[derive(Debug, serde::Serialize)]
pub struct InstancesResult {
    pub clients: u32,
    pub one: Measured,
    pub two: Measured,
    /// Two instances' throughput over one's.
    pub ratio: f64,
    pub invalidation_p50_ms: f64,
    pub invalidation_p99_ms: f64,
    pub invalidation_max_ms: f64,
}

pub fn measure(s: &Settings, db: &Database, clients: u32) -> Result<InstancesResult, String> {
    let prefix = format!("goats-bench-{}:", std::process::id());
    let valkey = [("GOATS_VALKEY_URL", VALKEY_URL), ("GOATS_VALKEY_PREFIX", prefix.as_str())];
    let a = Running::start_env(s, db, &valkey)?;
    let b = Running::start_env(s, db, &valkey)?;

    let nginx = Nginx::start(&[a.port()])?;
    let fixture = Fixture::create(&nginx.base(), s.tickets)?;
    let cases = all(&fixture);
    let mix = mixes(&fixture, &cases).into_iter().next().ok_or("no mixed workload")?;
    let one = drive_both(&nginx.base(), &[&a], &mix, clients, s.duration)?;
    drop(nginx);
    let nginx = Nginx::start(&[a.port(), b.port()])?;
    let two = drive_both(&nginx.base(), &[&a, &b], &mix, clients, s.duration)?;
    drop(nginx);

    let mut waits = invalidation(&a.base, &b.base, &fixture)?;
    waits.sort_by(f64::total_cmp);
    let at = |q: f64| waits[((waits.len() - 1) as f64 * q).round() as usize];
    Ok(InstancesResult {
        clients,
        ratio: if one.rps > 0.0 { two.rps / one.rps } else { 0.0 },
        one,
        two,
        invalidation_p50_ms: at(0.5),
        invalidation_p99_ms: at(0.99),
        invalidation_max_ms: at(1.0),
    })
}

/// The mix through `base`, with the cache hit ratio over every instance behind it.
fn drive_both(
    base: &str,
    instances: &[&Running],
    mix: &crate::cases::Mix,
    clients: u32,
    duration: Duration,
) -> Result<Measured, String> {
    let answers = || -> Result<(f64, f64), String> {
        instances.iter().try_fold((0.0, 0.0), |(k, r), i| cache_answers(&i.base).map(|(k2, r2)| (k + k2, r + r2)))
    };
    let before = answers()?;
    let mut measured = drive_mix(base, mix, clients, duration)?;
    let after = answers()?;
    let (kept, read) = (after.0 - before.0, after.1 - before.1);
    measured.cache_hit_ratio = (kept + read > 0.0).then(|| kept / (kept + read));
    Ok(measured)
}

/// Milliseconds from a title changed through `one` answering until `other`, which had
/// the ticket cached, shows the new title; [`SAMPLES`] times.
fn invalidation(one: &str, other: &str, fixture: &Fixture) -> Result<Vec<f64>, String> {
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(5)).build();
    let auth = format!("Bearer {}", fixture.token());
    let path = format!("/api/v1/tickets/{}", fixture.scratch_ticket());
    let title_at = |base: &str| -> Result<String, String> {
        let resp = agent.get(&format!("{base}{path}")).set("authorization", &auth).call().map_err(|e| e.to_string())?;
        Ok(body(resp)?["title"].as_str().unwrap_or_default().to_string())
    };
    let mut waits = Vec::with_capacity(SAMPLES);
    for n in 0..SAMPLES {
        title_at(other)?;
        let title = format!("Seen everywhere {n}");
        agent
            .request("PATCH", &format!("{one}{path}"))
            .set("authorization", &auth)
            .set("content-type", "application/json")
            .send_string(&json!({ "title": title }).to_string())
            .map_err(|e| format!("changing the title: {e}"))?;
        let changed = Instant::now();
        while title_at(other)? != title {
            if changed.elapsed() > Duration::from_secs(10) {
                return Err("the other instance did not see a change within 10 s".into());
            }
        }
        waits.push(changed.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(waits)
}

pub fn print(result: &Option<InstancesResult>) {
    let Some(r) = result else { return };
    println!();
    println!("two instances behind nginx (postgres, valkey), mixed agent work × {}:", r.clients);
    for (label, m) in [("one instance", &r.one), ("two instances", &r.two)] {
        let hits = m.cache_hit_ratio.map(|h| format!("{:.0} %", h * 100.0)).unwrap_or_else(|| "–".into());
        println!(
            "  {label:<14} {:>8.0} req/s  p50 {:>6.1} ms  p99 {:>7.1} ms  ok {:>5.1} %  cache hits {hits}",
            m.rps,
            m.p50_ms,
            m.p99_ms,
            m.success * 100.0
        );
    }
    println!("  two over one: {:.2}×", r.ratio);
    println!(
        "  a change through one seen through the other after: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        r.invalidation_p50_ms, r.invalidation_p99_ms, r.invalidation_max_ms
    );
}
