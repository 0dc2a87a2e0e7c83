//! CPU-heavy work on tokio's blocking threads, away from the threads serving requests.

use async_trait::async_trait;
use goats_core::password;
use goats_core::ports::CpuWork;
use goats_core::{DomainError, DomainResult};

pub struct BlockingThreads;

#[async_trait]
impl CpuWork for BlockingThreads {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool {
        tokio::task::spawn_blocking(move || password::verify(&secret, &hash, &login)).await.unwrap_or(false)
    }

    async fn hash_password(&self, secret: String) -> DomainResult<String> {
        tokio::task::spawn_blocking(move || password::hash(&secret))
            .await
            .map_err(|e| DomainError::Storage(format!("hashing a password stopped: {e}")))
    }
}
