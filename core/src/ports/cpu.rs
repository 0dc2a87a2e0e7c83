//! Where CPU-heavy work (password hashing) runs.

use async_trait::async_trait;

/// Where CPU-heavy work runs. Checking a password hash takes a quarter of a second by
/// design; done on the threads that serve requests, a burst of logins would stall every
/// other request behind it.
#[async_trait]
pub trait CpuWork: Send + Sync {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool;
}

/// Runs the work where it is asked for: for tests and command-line tools.
pub struct InlineCpu;

#[async_trait]
impl CpuWork for InlineCpu {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool {
        crate::password::verify(&secret, &hash, &login)
    }
}
