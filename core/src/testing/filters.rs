//! Postmaster filters in memory.

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::DomainResult;
use crate::mail::PostmasterFilter;
use crate::ports::PostmasterFilters;

#[async_trait]
impl PostmasterFilters for MemoryStore {
    async fn filters(&self) -> DomainResult<Vec<PostmasterFilter>> {
        let mut all = self.lock().filters.clone();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    async fn save_filter(&self, filter: &PostmasterFilter) -> DomainResult<()> {
        let mut s = self.lock();
        s.filters.retain(|f| f.name != filter.name);
        s.filters.push(filter.clone());
        Ok(())
    }

    async fn delete_filter(&self, name: &str) -> DomainResult<bool> {
        let mut s = self.lock();
        let before = s.filters.len();
        s.filters.retain(|f| f.name != name);
        Ok(s.filters.len() < before)
    }
}
