//! CPU-heavy work on tokio's blocking threads, away from the threads serving requests.

use async_trait::async_trait;
use goats_core::password;
use goats_core::ports::CpuWork;

pub struct BlockingThreads;

#[async_trait]
impl CpuWork for BlockingThreads {
    async fn verify_password(&self, secret: String, hash: String, login: String) -> bool {
        tokio::task::spawn_blocking(move || password::verify(&secret, &hash, &login)).await.unwrap_or(false)
    }
}
