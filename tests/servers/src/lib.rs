//! Servers of a test's (or the bench's) own, from Debian's packages (`make test-tools`
//! installs those the machine lacks): each on free loopback ports, its files in a
//! temporary folder, stopped when dropped. A server that cannot start fails the test
//! and says what to install.

mod dovecot;
mod nginx;
mod postgres;

pub use dovecot::Dovecot;
pub use nginx::Nginx;
pub use postgres::OwnPostgres;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0)
}

/// Servers that refuse root (PostgreSQL) then run as the user their package made.
fn running_as_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}
