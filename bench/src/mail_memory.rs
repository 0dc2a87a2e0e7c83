//! What one `goats mail ingest` holds in memory, by the size of the message: a short
//! mail, a 200 KB attachment and a 25 MB one (as base64, the way mail carries it),
//! each ingested once with its peak resident memory read from the kernel as the process
//! ends (`wait4`). The short mail's peak is the pipe's own cost; what a larger message
//! adds, divided by its size, says how many copies of it were held at once.

use std::io::Write;

use crate::Settings;
use crate::server::Database;

#[derive(Debug, serde::Serialize)]
pub struct MailMemory {
    pub engine: &'static str,
    pub shape: &'static str,
    pub message_mb: f64,
    pub peak_mb: f64,
    /// (peak − the short mail's peak) / message size.
    pub copies_held: f64,
}

fn with_attachment(run: u128, shape: &str, decoded_bytes: usize) -> Vec<u8> {
    // 54 bytes a line of 72 characters, as base64 encoders wrap them.
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    let lines = decoded_bytes / 54;
    let mut m = format!(
        "From: Bob <bob@customer.example>\r\nSubject: Scan {shape}\r\nMessage-ID: <mem-{run}-{shape}@customer.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n\
         The scan is attached.\r\n--B\r\nContent-Type: application/pdf; name=\"scan-{shape}.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    m.reserve(lines * line.len() + 16);
    for _ in 0..lines {
        m.extend_from_slice(line.as_bytes());
    }
    m.extend_from_slice(b"--B--\r\n");
    m
}

/// Peak resident memory (KB) of `goats mail ingest` fed `message`.
fn peak_kb(s: &Settings, db: &Database, message: &[u8]) -> Result<u64, String> {
    let mut child = crate::mail::ingest_command(&s.goats, &db.url).spawn().map_err(|e| format!("mail ingest: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(message).map_err(|e| format!("mail ingest: {e}"))?;
    }
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (std waits only when asked),
    // and both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return Err(format!("mail ingest: wait4 failed: {}", std::io::Error::last_os_error()));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("mail ingest failed (wait status {status})"));
    }
    // Linux gives the peak in kilobytes.
    u64::try_from(usage.ru_maxrss).map_err(|e| e.to_string())
}

pub fn measure(s: &Settings, engine: &'static str, db: &Database) -> Result<Vec<MailMemory>, String> {
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let short = format!(
        "From: Ann <ann@customer.example>\r\nSubject: Printer\r\nMessage-ID: <mem-{run}-short@customer.example>\r\n\r\n\
         The printer does not print.\r\n"
    )
    .into_bytes();
    let base_kb = peak_kb(s, db, &short)?;
    let mut out = vec![MailMemory {
        engine,
        shape: "short mail",
        message_mb: short.len() as f64 / 1_048_576.0,
        peak_mb: base_kb as f64 / 1024.0,
        copies_held: 0.0,
    }];
    for (shape, bytes) in [("200 KB attachment", 200 * 1024), ("25 MB attachment", 25 * 1024 * 1024)] {
        let message = with_attachment(run, shape.split(' ').next().unwrap_or(shape), bytes);
        let kb = peak_kb(s, db, &message)?;
        let message_kb = message.len() as f64 / 1024.0;
        out.push(MailMemory {
            engine,
            shape,
            message_mb: message_kb / 1024.0,
            peak_mb: kb as f64 / 1024.0,
            copies_held: (kb.saturating_sub(base_kb)) as f64 / message_kb,
        });
    }
    Ok(out)
}

pub fn print(all: &[MailMemory]) {
    println!("\nmemory of one mail ingest, by message size (peak RSS of the process)");
    println!("{:<10} {:<20} {:>12} {:>10} {:>8}", "engine", "message", "message MB", "peak MB", "copies");
    for m in all {
        println!("{:<10} {:<20} {:>12.2} {:>10.1} {:>8.1}", m.engine, m.shape, m.message_mb, m.peak_mb, m.copies_held);
    }
}
