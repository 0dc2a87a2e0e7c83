//! Mail through the pipe an MTA uses: `goats mail ingest` run once per message, as many
//! at a time as pipes are measured, with messages of the shapes help desks receive (a
//! short plain mail, an HTML newsletter, a mail with a 200 KB attachment, a reply to an
//! earlier one), each with its own Message-ID. The floor is the same number of
//! processes doing nothing (`goats --version`): what no pipe can beat on this machine.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Settings;
use crate::server::Database;

#[derive(Debug, serde::Serialize)]
pub struct MailMeasured {
    pub engine: &'static str,
    pub pipes: u32,
    pub messages: usize,
    pub per_second: f64,
    /// Processes a second that do nothing, at the same concurrency.
    pub floor_per_second: f64,
    pub floor_share: f64,
}

pub fn message(n: usize, run: u128) -> Vec<u8> {
    let id = format!("<bench-{run}-{n}@customer.example>");
    match n % 4 {
        0 => format!(
            "From: Customer {n} <c{n}@customer.example>\r\nTo: support@helpdesk.example\r\nSubject: Printer {n} does not print\r\n\
             Message-ID: {id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe printer on floor {n} shows error E{n}.\r\n"
        )
        .into_bytes(),
        1 => format!(
            "From: news@shop.example\r\nSubject: Offers {n}\r\nMessage-ID: {id}\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>{}</body></html>\r\n",
            "<p>Offer of the week, all prices reduced.</p>".repeat(40)
        )
        .into_bytes(),
        2 => {
            let file: String = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n".repeat(5_500);
            format!(
                "From: Bob <b{n}@customer.example>\r\nSubject: Invoice {n}\r\nMessage-ID: {id}\r\nMIME-Version: 1.0\r\n\
                 Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
                 --B\r\nContent-Type: application/octet-stream; name=\"invoice-{n}.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
                 {file}--B--\r\n"
            )
            .into_bytes()
        }
        _ => format!(
            "From: Customer {n} <c{n}@customer.example>\r\nSubject: Re: Printer {} does not print\r\nMessage-ID: {id}\r\n\
             In-Reply-To: <bench-{run}-{}@customer.example>\r\n\r\nStill broken.\r\n",
            n - 3,
            n - 3
        )
        .into_bytes(),
    }
}

/// `goats` (the binary at `goats`) `mail ingest` into the Raw queue of the database at
/// `url`, reading the message from a pipe.
pub fn ingest_command(goats: &std::path::Path, url: &str) -> Command {
    let mut cmd = Command::new(goats);
    cmd.args(["mail", "ingest", "--queue", "Raw"])
        .env("GOATS_DATABASE_URL", url)
        .env("GOATS_LOG_LEVEL", "warn")
        .env_remove("GOATS_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    cmd
}

/// Runs `job` on `pipes` threads for `duration`; how many finished.
fn drive(
    pipes: u32,
    duration: Duration,
    job: impl Fn(usize) -> Result<(), String> + Send + Sync + 'static,
) -> Result<usize, String> {
    let done = Arc::new(AtomicUsize::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let job = Arc::new(job);
    let until = Instant::now() + duration;
    let workers: Vec<_> = (0..pipes)
        .map(|_| {
            let (done, next, job) = (done.clone(), next.clone(), job.clone());
            std::thread::spawn(move || -> Result<(), String> {
                while Instant::now() < until {
                    job(next.fetch_add(1, Ordering::Relaxed))?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join().map_err(|_| "a pipe panicked".to_string())??;
    }
    Ok(done.load(Ordering::Relaxed))
}

pub fn measure(s: &Settings, engine: &'static str, db: &Database) -> Result<Vec<MailMeasured>, String> {
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let mut out = Vec::new();
    for pipes in [1u32, 4] {
        let goats = s.goats.clone();
        let floor = drive(pipes, s.duration, move |_| {
            let status = Command::new(&goats).arg("--version").stdout(Stdio::null()).status();
            status.map_err(|e| e.to_string()).and_then(|st| if st.success() { Ok(()) } else { Err(format!("{st}")) })
        })?;
        let (goats, url) = (s.goats.clone(), db.url.clone());
        let messages = drive(pipes, s.duration, move |n| {
            let mut child = ingest_command(&goats, &url).spawn().map_err(|e| format!("mail ingest: {e}"))?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(&message(n, run)).map_err(|e| format!("mail ingest: {e}"))?;
            }
            let status = child.wait().map_err(|e| format!("mail ingest: {e}"))?;
            if status.success() { Ok(()) } else { Err(format!("mail ingest failed ({status})")) }
        })?;
        let secs = s.duration.as_secs_f64();
        let (per_second, floor_per_second) = (messages as f64 / secs, floor as f64 / secs);
        out.push(MailMeasured {
            engine,
            pipes,
            messages,
            per_second,
            floor_per_second,
            floor_share: if floor_per_second > 0.0 { per_second / floor_per_second } else { 0.0 },
        });
    }
    Ok(out)
}

pub fn print(all: &[MailMeasured]) {
    println!("\nmail ingest through the pipe (one process per message)");
    println!("{:<10} {:>5} {:>10} {:>12} {:>12}", "engine", "pipes", "msgs/s", "floor/s", "of floor");
    for m in all {
        println!(
            "{:<10} {:>5} {:>10.1} {:>12.1} {:>11.0}%",
            m.engine,
            m.pipes,
            m.per_second,
            m.floor_per_second,
            m.floor_share * 100.0
        );
    }
}
