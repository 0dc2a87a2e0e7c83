use async_trait::async_trait;

use crate::DomainResult;
use crate::model::Spooled;

/// Bytes written to the store ahead of the article that will keep them. A large mail's
/// message and files are spooled before its ticket's transaction, and the mail's copies
/// dropped, so a 25 MB attachment is not held in memory while that transaction runs.
/// The article's transaction takes the spooled bytes into its rows.
#[async_trait]
pub trait Spool: Send + Sync {
    /// Writes `bytes` on their own and commits them.
    async fn spool(&self, bytes: &[u8]) -> DomainResult<Spooled>;

    /// Forgets bytes no article took. Spooled bytes left behind (a crash before the
    /// article was stored) are swept by the store after a while.
    async fn discard(&self, spooled: Spooled) -> DomainResult<()>;
}
