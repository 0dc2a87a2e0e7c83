//! Mail a mail server hands over LMTP (`mail.lmtp`): goats serve keeps the connections
//! open, so no process starts per message. One and four connections, as a mail server
//! delivers in parallel, each sending messages of the shapes the pipe case sends, one
//! after another (envelope pipelined, the answer awaited). Cache hit ratio: none
//! applies, every message is a write of its own.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Settings;
use crate::server::{Database, Running, free_port};

#[derive(Debug, serde::Serialize)]
pub struct LmtpMeasured {
    pub engine: &'static str,
    pub connections: u32,
    pub messages: usize,
    pub per_second: f64,
    /// goats' peak resident memory since it started.
    pub peak_rss_mb: f64,
}

pub fn measure(s: &Settings, engine: &'static str, db: &Database) -> Result<Vec<LmtpMeasured>, String> {
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let running = Running::start_env(s, db, &[("GOATS_MAIL_LMTP_LISTEN", &listen)])?;
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let next = Arc::new(AtomicUsize::new(0));
    let mut out = Vec::new();
    for connections in [1u32, 4] {
        let done = Arc::new(AtomicUsize::new(0));
        let until = Instant::now() + s.duration;
        let workers: Vec<_> = (0..connections)
            .map(|_| {
                let (done, next) = (done.clone(), next.clone());
                std::thread::spawn(move || -> Result<(), String> {
                    let mut mx = Connection::open(port)?;
                    while Instant::now() < until {
                        mx.deliver(&crate::mail::message(next.fetch_add(1, Ordering::Relaxed), run))?;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(())
                })
            })
            .collect();
        for w in workers {
            w.join().map_err(|_| "an LMTP connection panicked".to_string())??;
        }
        let messages = done.load(Ordering::Relaxed);
        out.push(LmtpMeasured {
            engine,
            connections,
            messages,
            per_second: messages as f64 / s.duration.as_secs_f64(),
            peak_rss_mb: running.peak_rss_kb() as f64 / 1024.0,
        });
    }
    Ok(out)
}

struct Connection {
    read: BufReader<TcpStream>,
    write: TcpStream,
}

impl Connection {
    fn open(port: u16) -> Result<Self, String> {
        let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("lmtp: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| format!("lmtp: {e}"))?;
        let read = BufReader::new(stream.try_clone().map_err(|e| format!("lmtp: {e}"))?);
        let mut c = Self { read, write: stream };
        c.expect('2')?;
        c.send(b"LHLO bench.example\r\n")?;
        c.expect('2')?;
        Ok(c)
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.write.write_all(bytes).map_err(|e| format!("lmtp: {e}"))
    }

    /// Reads one reply (all its lines); it must start with `class`.
    fn expect(&mut self, class: char) -> Result<(), String> {
        loop {
            let mut line = String::new();
            self.read.read_line(&mut line).map_err(|e| format!("lmtp: {e}"))?;
            if !line.starts_with(class) {
                return Err(format!("lmtp: the server said {line:?}"));
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(());
            }
        }
    }

    fn deliver(&mut self, message: &[u8]) -> Result<(), String> {
        self.send(b"MAIL FROM:<mx@bench.example>\r\nRCPT TO:<support@helpdesk.example>\r\nDATA\r\n")?;
        self.expect('2')?;
        self.expect('2')?;
        self.expect('3')?;
        let mut data = Vec::with_capacity(message.len() + 8);
        for line in message.split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b".") {
                data.push(b'.');
            }
            data.extend_from_slice(line);
        }
        data.extend_from_slice(b".\r\n");
        self.send(&data)?;
        self.expect('2')
    }
}

pub fn print(all: &[LmtpMeasured]) {
    println!("\nmail delivered over LMTP to goats serve (connections kept open)");
    println!("{:<10} {:>11} {:>10} {:>10} {:>12}", "engine", "connections", "messages", "msgs/s", "peak RSS MB");
    for m in all {
        println!(
            "{:<10} {:>11} {:>10} {:>10.1} {:>12.1}",
            m.engine, m.connections, m.messages, m.per_second, m.peak_rss_mb
        );
    }
}
