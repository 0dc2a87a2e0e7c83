use async_trait::async_trait;
use bytes::Bytes;

use super::{MemoryStore, State};
use crate::DomainResult;
use crate::model::{FileBytes, Spooled};
use crate::ports::Spool;

#[async_trait]
impl Spool for MemoryStore {
    async fn spool(&self, bytes: &[u8]) -> DomainResult<Spooled> {
        let mut s = self.lock();
        let id = s.spooled.keys().max().map_or(1, |n| n + 1);
        s.spooled.insert(id, Bytes::copy_from_slice(bytes));
        Ok(Spooled { id, len: bytes.len() as u64 })
    }

    async fn discard(&self, spooled: Spooled) -> DomainResult<()> {
        self.lock().spooled.remove(&spooled.id);
        Ok(())
    }
}

impl MemoryStore {
    /// How many spooled files no article has taken yet.
    pub fn spooled_left(&self) -> usize {
        self.lock().spooled.len()
    }
}

impl State {
    /// A new file's bytes, taking spooled ones out of the spool as a database's article
    /// transaction does (unknown ones come out empty, for a test to notice).
    pub(super) fn take_bytes(&mut self, bytes: &FileBytes) -> Bytes {
        match bytes {
            FileBytes::Held(b) => b.clone(),
            FileBytes::Spooled(s) => self.spooled.remove(&s.id).unwrap_or_default(),
        }
    }
}
