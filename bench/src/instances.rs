//! Several instances as one, measured (PostgreSQL): the mixed agent workload through
//! nginx over one goats and over two sharing one database and one Valkey, and how long
//! a change made through one instance takes to show through the other (its cached copy
//! forgotten on the other's notice).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::Settings;
use crate::cases::{Fixture, all, body, mixes};
use crate::load::{Measured, cache_answers, drive_mix};
use crate::server::{Database, Running, free_port};

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

    let nginx = Nginx::start(&s.out, &[&a])?;
    let fixture = Fixture::create(&nginx.base, s.tickets)?;
    let cases = all(&fixture);
    let mix = mixes(&fixture, &cases).into_iter().next().ok_or("no mixed workload")?;
    let one = drive_both(&nginx.base, &[&a], &mix, clients, s.duration)?;
    drop(nginx);
    let nginx = Nginx::start(&s.out, &[&a, &b])?;
    let two = drive_both(&nginx.base, &[&a, &b], &mix, clients, s.duration)?;
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

/// nginx (`make test-tools` installs Debian's) on a loopback port, round-robin over the
/// given instances.
struct Nginx {
    base: String,
    child: Child,
}

impl Nginx {
    fn start(out: &Path, behind: &[&Running]) -> Result<Self, String> {
        let binary = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .ok_or("nginx is missing: `make test-tools` installs it")?;
        let dir = std::fs::canonicalize(out).map_err(|e| e.to_string())?.join("nginx");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let port = free_port()?;
        let servers: String =
            behind.iter().map(|r| format!("server {} max_fails=0;", r.base.trim_start_matches("http://"))).collect();
        let d = dir.display();
        let conf = format!(
            "daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/error.log;
             events {{ worker_connections 4096; }}
             http {{
               access_log off;
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
               uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
               upstream goats {{ {servers} keepalive 64; }}
               server {{
                 listen 127.0.0.1:{port};
                 location / {{
                   proxy_pass http://goats;
                   proxy_http_version 1.1;
                   proxy_set_header Connection \"\";
                   proxy_set_header Host $host;
                   proxy_buffering off;
                 }}
               }}
             }}"
        );
        let file = dir.join("nginx.conf");
        std::fs::write(&file, conf).map_err(|e| format!("{}: {e}", file.display()))?;
        let child = Command::new(binary)
            .arg("-c")
            .arg(&file)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("nginx: {e}"))?;
        let nginx = Self { base: format!("http://127.0.0.1:{port}"), child };
        let started = Instant::now();
        while ureq::get(&format!("{}/healthz", nginx.base)).call().is_err() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err(format!("nginx did not start (see {d}/error.log)"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(nginx)
    }
}

impl Drop for Nginx {
    /// One process, no workers (`master_process off`): killing it leaves nothing behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
