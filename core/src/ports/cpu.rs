//! Where CPU-heavy work (password hashing) runs.

use async_trait::async_trait;

use crate::error::DomainResult;

/// Where CPU-heavy work runs. Checking or making a password hash takes a quarter of a
/// second by design; done on the threads that serve requests, a burst of logins or
/// password changes would stall every other request behind it.
#[async_trait]
pub trait CpuWork: Send + Sync {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool;
    /// The password in OTRS's `BCRYPT:` form (see [`crate::password::hash`]).
    async fn hash_password(&self, secret: String) -> DomainResult<String>;
}

/// Runs the work where it is asked for: for tests and command-line tools.
pub struct InlineCpu;

#[async_trait]
impl CpuWork for InlineCpu {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool {
        crate::password::verify(&secret, &hash, &login)
    }

    async fn hash_password(&self, secret: String) -> DomainResult<String> {
        Ok(crate::password::hash(&secret))
    }
}
