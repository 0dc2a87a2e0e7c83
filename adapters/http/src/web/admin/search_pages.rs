//! Long lists an admin searches rather than scrolls — customer contacts and companies:
//! what was searched for, 25 to a page, and the links to the pages either side. The
//! store answers at most [`MAX_SEARCH`] matches; past them the admin narrows the search.

use goats_core::admin::MAX_SEARCH;

pub(crate) const PER_PAGE: u64 = 25;

/// `?q=…&page=…` as the list was asked for.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Search {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    page: Option<u64>,
}

/// One page of matches, with where the pages either side are.
pub(crate) struct Window<T> {
    pub rows: Vec<T>,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Whether more matched than the store answers: the admin should narrow the search.
    pub capped: bool,
}

impl Search {
    fn page(&self) -> u64 {
        self.page.unwrap_or(1).clamp(1, MAX_SEARCH / PER_PAGE)
    }

    /// How many matches to ask the store for: this page's, and one more to know
    /// whether a next page exists.
    pub fn limit(&self) -> u64 {
        (self.page() * PER_PAGE + 1).min(MAX_SEARCH)
    }

    /// This page out of the matches asked for with [`Self::limit`]; `base` is the list's
    /// path.
    pub fn window<T>(&self, matches: Vec<T>, base: &str) -> Window<T> {
        let page = self.page();
        let got = matches.len() as u64;
        let capped = got >= MAX_SEARCH && page * PER_PAGE >= MAX_SEARCH;
        let url = |p: u64| {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &self.q)
                .append_pair("page", &p.to_string())
                .finish();
            format!("{base}?{query}")
        };
        let skip = ((page - 1) * PER_PAGE) as usize;
        let rows: Vec<T> = matches.into_iter().skip(skip).take(PER_PAGE as usize).collect();
        Window {
            prev: (page > 1).then(|| url(page - 1)),
            next: (got > page * PER_PAGE && page * PER_PAGE < MAX_SEARCH).then(|| url(page + 1)),
            rows,
            capped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(q: &str, page: u64) -> Search {
        Search { q: q.into(), page: Some(page) }
    }

    #[test]
    fn pages_know_their_neighbours_from_one_match_more() {
        let s = search("a b", 2);
        assert_eq!(s.limit(), 51);
        let w = s.window((0..51).collect(), "/admin/x");
        assert_eq!(w.rows, (25..50).collect::<Vec<_>>());
        assert_eq!(w.prev.as_deref(), Some("/admin/x?q=a+b&page=1"));
        assert_eq!(w.next.as_deref(), Some("/admin/x?q=a+b&page=3"));
        let last = search("", 3).window((0..60).collect::<Vec<_>>(), "/admin/x");
        assert_eq!((last.rows.len(), last.next.is_none(), last.capped), (10, true, false));
    }

    #[test]
    fn the_store_answers_at_most_its_cap_and_the_last_page_says_so() {
        let s = search("", 999);
        assert_eq!(s.page(), MAX_SEARCH / PER_PAGE);
        assert_eq!(s.limit(), MAX_SEARCH);
        let w = s.window((0..MAX_SEARCH).collect::<Vec<_>>(), "/admin/x");
        assert!(w.next.is_none() && w.capped && w.rows.len() == PER_PAGE as usize);
    }
}
