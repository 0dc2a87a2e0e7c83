//! What the black-box tests of the `goats` binary share: running it with a clean
//! environment in a temporary folder, a bare HTTP client, and a server that is stopped
//! (or killed) when the test ends.
// Each test binary uses its own part of these.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const GOATS: &str = env!("CARGO_BIN_EXE_goats");

/// A command with a clean environment: no GOATS_* or DB_* leaking in from outside.
pub fn goats(dir: &Path) -> Command {
    let mut c = Command::new(GOATS);
    c.current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).env("GOATS_LOG", "warn");
    c
}

pub fn temp_dir() -> tempdir::Dir {
    tempdir::Dir::new()
}

pub mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let p = std::env::temp_dir().join(format!("goats-cli-{}", rand_suffix()));
            std::fs::create_dir_all(&p).unwrap();
            Self(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    fn rand_suffix() -> String {
        use std::time::{SystemTime, UNIX_EPOCH};
        let n = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
        format!("{n}-{}", std::process::id())
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A bare HTTP/1.1 GET: status code and body.
pub fn get(port: u16, path: &str) -> Option<(u16, String)> {
    request(port, "GET", path, None, None)
}

/// A bare HTTP/1.1 request with an optional JSON body and bearer token.
pub fn request(port: u16, method: &str, path: &str, body: Option<&str>, token: Option<&str>) -> Option<(u16, String)> {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.as_deref().map(|a| ("Authorization", a)).into_iter().collect();
    exchange(port, method, path, body, &headers).map(|(status, _, body)| (status, body))
}

/// A bare HTTP/1.1 request with these headers: status code, response head and body.
pub fn exchange(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Option<(u16, String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Some((status, head.to_string(), body.to_string()))
}

/// A header of a response head, by its name in any case.
pub fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

pub fn wait_ready(port: u16, child: &mut Child) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Some((200, _)) = get(port, "/readyz") {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("goats exited early with {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("goats did not become ready on port {port}");
}

/// A running `goats serve` that is killed if the test fails before stopping it.
pub struct Server(pub Option<Child>);

impl Server {
    pub fn start(cmd: &mut Command, port: u16) -> Self {
        let mut child = cmd
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_ready(port, &mut child);
        Self(Some(child))
    }

    pub fn stop(mut self) -> Output {
        stop(self.0.take().expect("running"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn stop(child: Child) -> Output {
    // SIGTERM, as a process supervisor stops it; SIGKILL if it has not exited in 20 s.
    let pid = child.id().to_string();
    let _ = Command::new("kill").arg("-TERM").arg(&pid).status();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if rx.recv_timeout(Duration::from_secs(20)).is_err() {
            let _ = Command::new("kill").arg("-KILL").arg(&pid).status();
            return true;
        }
        false
    });
    // Reads the pipes while waiting, so a chatty child cannot block on a full pipe.
    let out = child.wait_with_output().unwrap();
    let _ = tx.send(());
    assert!(!watchdog.join().unwrap(), "goats did not stop on SIGTERM");
    out
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One clear line, a non-zero exit, no panic, no secret.
pub fn assert_clean_failure(o: &Output, expect: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "expected failure, got success: {err}");
    assert!(err.contains(expect), "expected `{expect}` in: {err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
    assert!(!err.contains("hunter2"), "password leaked: {err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("goats: error:")).count(), 1, "{err}");
}
