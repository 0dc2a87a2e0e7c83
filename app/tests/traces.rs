//! Traces through the binary: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the spans of a
//! request — named by its route, in the trace the caller's `traceparent` names — and of
//! its database queries reach an OTLP receiver the test runs; the request's log lines
//! carry the trace id.

// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// An OTLP/HTTP receiver on loopback: answers 200 to every POST to `/v1/traces` and
/// keeps the (protobuf) bodies.
fn otlp_receiver() -> (u16, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let keep = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut raw = Vec::new();
            let mut buf = [0u8; 8192];
            let body = loop {
                let Ok(n) = s.read(&mut buf) else { break None };
                if n == 0 {
                    break None;
                }
                raw.extend_from_slice(&buf[..n]);
                let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if raw.len() >= end + 4 + length {
                    assert!(head.starts_with("post /v1/traces "), "{head}");
                    break Some(raw[end + 4..end + 4 + length].to_vec());
                }
            };
            if let Some(body) = body {
                keep.lock().unwrap().push(body);
            }
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (port, bodies)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn spans_reach_an_otlp_receiver_and_log_lines_carry_the_trace_id() {
    let (otlp, received) = otlp_receiver();
    let dir = temp_dir();
    let port = free_port();
    let server = Server::start(
        goats(&dir.0)
            .env("GOATS_ADMIN_PASSWORD", "traces-password")
            .env("GOATS_LOG_FORMAT", "json")
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://127.0.0.1:{otlp}"))
            .env("OTEL_BSP_SCHEDULE_DELAY", "100"),
        port,
    );
    let traceparent = format!("00-{TRACE_ID}-00f067aa0ba902b7-01");
    // Wrong passwords until the throttle speaks: its warning is logged inside the request.
    let wrong = r#"{"login":"root@localhost","password":"wrong-password"}"#;
    let mut status = 0;
    for _ in 0..6 {
        let headers = [("traceparent", traceparent.as_str())];
        status = exchange(port, "POST", "/api/v1/auth/login", Some(wrong), &headers).unwrap().0;
    }
    assert_eq!(status, 429);

    let trace_id: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&TRACE_ID[2 * i..2 * i + 2], 16).unwrap()).collect();
    let start = Instant::now();
    let arrived = |needle: &[u8]| received.lock().unwrap().iter().any(|b| contains(b, needle));
    while !(arrived(b"POST /api/v1/auth/login") && arrived(b"sea_orm.query_one")) {
        let batches = received.lock().unwrap().len();
        let (request, query) = (arrived(b"POST /api/v1/auth/login"), arrived(b"sea_orm.query_one"));
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "not all spans arrived: {batches} batches, the request's {request}, a query's {query}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(arrived(&trace_id), "the request continued the caller's trace");

    let out = server.stop();
    let log = stderr(&out);
    let line = log.lines().find(|l| l.contains("a login was throttled")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains(TRACE_ID), "the log line names the trace: {line}");
}
