/// Which slice of a list to return. Pages count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u64 = 500;

    /// A request clamped to sane bounds: page ≥ 1, 1 ≤ per_page ≤ [`Self::MAX_PER_PAGE`].
    pub fn new(page: u64, per_page: u64) -> Self {
        Self { page: page.max(1), per_page: per_page.clamp(1, Self::MAX_PER_PAGE) }
    }

    pub fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(1, 50)
    }
}

/// One page of results and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Counting stopped at `total`: there are more (a search counts only so far, see
    /// `tickets::SEARCH_COUNT_LIMIT`).
    pub total_capped: bool,
}

impl<T> Page<T> {
    /// An empty page: nothing matches.
    pub fn empty(request: PageRequest) -> Self {
        Self { items: Vec::new(), total: 0, page: request.page, per_page: request.per_page, total_capped: false }
    }
}
