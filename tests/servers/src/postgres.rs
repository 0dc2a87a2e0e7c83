//! PostgreSQL, to restart under a running goats: the machine's server is shared by
//! every test running at once and must never go down.
//!
//! It is made with `initdb` into a fresh directory and listens on a free loopback port
//! with trust authentication. PostgreSQL refuses to run as root, so under root (as CI
//! runs) every server command runs as the `postgres` user the packages create.

use std::path::PathBuf;
use std::process::Command;

use crate::{free_port, running_as_root};

pub struct OwnPostgres {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

impl OwnPostgres {
    /// Creates and starts the server; panics saying what is missing when it cannot.
    pub fn start() -> Self {
        let bin = server_binaries();
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("goats-postgres-{}-{port}", std::process::id()));
        let own = Self { dir, port, bin };
        own.run("initdb", &["-D", own.dir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            own.port,
            own.dir()
        );
        own.run("pg_ctl", &["-D", own.dir(), "-o", &options, "-l", &own.log(), "-w", "start"]);
        own
    }

    /// The URL of its `postgres` database, to create test databases from.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server the way an administrator's restart does (`-m fast`: every
    /// session ended, open transactions rolled back) and starts it again.
    pub fn restart(&self) {
        // With its log named again: otherwise the new server writes into pg_ctl's output,
        // which then never ends.
        self.run("pg_ctl", &["-D", self.dir(), "-l", &self.log(), "-m", "fast", "-w", "restart"]);
    }

    fn log(&self) -> String {
        self.dir.join("server.log").display().to_string()
    }

    fn dir(&self) -> &str {
        self.dir.to_str().expect("a UTF-8 temporary directory")
    }

    /// One of the server's programs, run as the user the server runs as.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if running_as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        let log = std::fs::read_to_string(self.log()).unwrap_or_default();
        assert!(
            out.status.success(),
            "{program} failed: {}{}\n{log}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self.command("pg_ctl").args(["-D", self.dir(), "-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where Debian puts the server's programs (`/usr/lib/postgresql/<version>/bin`), the
/// newest version first; otherwise wherever `pg_config` says.
fn server_binaries() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let out = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .expect("PostgreSQL's server programs (initdb, pg_ctl) are not installed: install Debian's postgresql package");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}
