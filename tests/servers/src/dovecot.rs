//! Dovecot: IMAP and POP3 on free loopback ports, users from a password file, mail in
//! maildirs under a temporary folder.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

pub struct Dovecot {
    child: Child,
    dir: PathBuf,
    pub imap_port: u16,
    pub pop3_port: u16,
}

fn binary() -> PathBuf {
    let found = ["/usr/sbin/dovecot", "/usr/bin/dovecot"].into_iter().map(PathBuf::from).find(|p| p.exists());
    found.unwrap_or_else(|| {
        panic!("Dovecot is missing: run `make test-tools` (it installs dovecot-imapd and dovecot-pop3d)")
    })
}

impl Dovecot {
    /// Starts a server knowing `users` (login, password). Ports are picked free, but
    /// another test may take one before Dovecot binds it: a server that exits at start
    /// is started again on other ports.
    pub fn start(users: &[(&str, &str)]) -> Self {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(users) {
                Ok(server) => return server,
                Err(why) => last = why,
            }
        }
        panic!("Dovecot did not listen: {last}");
    }

    fn try_start(users: &[(&str, &str)]) -> Result<Self, String> {
        static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("goats-dovecot-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["run", "state", "home"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        }
        let (imap_port, pop3_port) = (free_port(), free_port());
        let passwd: String = users.iter().map(|(u, p)| format!("{u}:{{PLAIN}}{p}\n")).collect();
        std::fs::write(dir.join("users"), passwd).unwrap_or_else(|e| panic!("users: {e}"));
        open_to_all(&dir.join("users"));
        let d = dir.display();
        // As the user running the tests, nothing chrooted, no TLS. Dovecot's login and
        // mail processes refuse to run as root: under root they run as the users the
        // Debian package makes, and the mail folders are open to them.
        let me = String::from_utf8(Command::new("id").arg("-un").output().map(|o| o.stdout).unwrap_or_default())
            .unwrap_or_default()
            .trim()
            .to_string();
        let (internal, login, mail) =
            if me == "root" { ("dovecot", "dovenull", "dovecot") } else { (me.as_str(), me.as_str(), me.as_str()) };
        open_to_all(&dir);
        open_to_all(&dir.join("home"));
        let config = format!(
            "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\nprotocols = imap pop3\n\
             listen = 127.0.0.1\nssl = no\nfirst_valid_uid = 1\nfirst_valid_gid = 1\nauth_failure_delay = 0\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             default_internal_user = {internal}\ndefault_login_user = {login}\ndefault_internal_group = {internal}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail} gid={mail} home={d}/home/%u\n}}\n\
             mail_location = maildir:{d}/home/%u/Maildir\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = {imap_port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service pop3-login {{\n  chroot =\n  inet_listener pop3 {{\n    port = {pop3_port}\n  }}\n  inet_listener pop3s {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n"
        );
        std::fs::write(dir.join("dovecot.conf"), config).unwrap_or_else(|e| panic!("dovecot.conf: {e}"));
        let stderr = std::fs::File::create(dir.join("stderr.log")).unwrap_or_else(|e| panic!("stderr.log: {e}"));
        let child = Command::new(binary())
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Dovecot: {e}"));
        let mut server = Self { child, dir, imap_port, pop3_port };
        let start = Instant::now();
        let listening = |port: u16| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        while !(listening(imap_port) && listening(pop3_port)) {
            let exited = matches!(server.child.try_wait(), Ok(Some(_)));
            if exited || start.elapsed() > Duration::from_secs(20) {
                let said = std::fs::read_to_string(server.dir.join("stderr.log")).unwrap_or_default();
                return Err(format!("{said}{}", server.log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    /// Drops `raw` into the user's inbox, as a local delivery would.
    pub fn deliver(&self, user: &str, raw: &[u8]) {
        let maildir = self.dir.join("home").join(user).join("Maildir");
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap_or_else(|e| panic!("maildir: {e}"));
        }
        for d in [
            self.dir.join("home").join(user),
            maildir.clone(),
            maildir.join("new"),
            maildir.join("cur"),
            maildir.join("tmp"),
        ] {
            open_to_all(&d);
        }
        let n = std::fs::read_dir(maildir.join("new")).map(|d| d.count()).unwrap_or(0);
        let name = format!("{}.M{n}P{}.goats-test", Instant::now().elapsed().as_nanos(), std::process::id());
        let unique = format!("{}-{n}-{name}", self.imap_port);
        let file = maildir.join("new").join(unique);
        std::fs::write(&file, raw).unwrap_or_else(|e| panic!("deliver: {e}"));
        open_to_all(&file);
    }

    /// Messages in the user's inbox, read or not.
    pub fn count(&self, user: &str) -> usize {
        let maildir = self.dir.join("home").join(user).join("Maildir");
        ["new", "cur"].iter().map(|s| std::fs::read_dir(maildir.join(s)).map(|d| d.count()).unwrap_or(0)).sum()
    }

    /// Messages in the user's inbox that no client has flagged deleted yet: Dovecot
    /// keeps a message's flags in its file name (`…:2,<flags>`, `T` for deleted).
    pub fn waiting(&self, user: &str) -> usize {
        let maildir = self.dir.join("home").join(user).join("Maildir");
        let unflagged = |name: &std::ffi::OsStr| {
            let name = name.to_string_lossy();
            !name.rsplit_once(":2,").is_some_and(|(_, flags)| flags.contains('T'))
        };
        ["new", "cur"]
            .iter()
            .filter_map(|s| std::fs::read_dir(maildir.join(s)).ok())
            .map(|d| d.filter_map(Result::ok).filter(|e| unflagged(&e.file_name())).count())
            .sum()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }
}

/// Readable and writable by Dovecot's own users: the folder is a test's throw-away.
fn open_to_all(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { 0o777 } else { 0o666 };
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
