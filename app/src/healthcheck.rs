//! `goats healthcheck`: what a container runtime runs to know whether goats serves —
//! one HTTP request to `/readyz` on the configured listen address, with nothing but the
//! binary itself (slim images have no curl, and their `/bin/sh` no `/dev/tcp`).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

use crate::config::Config;
use crate::error::AppError;

const TIMEOUT: Duration = Duration::from_secs(5);

pub fn run(config: &Config) -> Result<(), AppError> {
    let mut addr = config.listen_addr()?;
    // A server listening on every address is asked on loopback.
    if addr.ip().is_unspecified() {
        let ip = if addr.is_ipv4() { Ipv4Addr::LOCALHOST.into() } else { Ipv6Addr::LOCALHOST.into() };
        addr = SocketAddr::new(ip, addr.port());
    }
    let status = ask(addr).map_err(|e| AppError::Unhealthy(format!("goats on {addr} does not answer: {e}")))?;
    match status.as_str() {
        "200" => {
            println!("goats on {addr} is ready");
            Ok(())
        }
        _ => Err(AppError::Unhealthy(format!("goats on {addr} is not ready (HTTP {status})"))),
    }
}

/// The status code `/readyz` answers with.
fn ask(addr: SocketAddr) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(stream, "GET /readyz HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut head = Vec::new();
    stream.take(64).read_to_end(&mut head)?;
    let head = String::from_utf8_lossy(&head);
    head.split_whitespace()
        .nth(1)
        .map(str::to_string)
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {head:?}")))
}
