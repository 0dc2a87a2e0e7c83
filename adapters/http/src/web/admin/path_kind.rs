//! Admin pages one set of handlers serves for several kinds of thing — states,
//! priorities and types; salutations and signatures — told apart by their path
//! (`/admin/<plural>/…`), which also names their texts' keys.

use poem::http::Uri;

pub(crate) trait PathKind: Copy + PartialEq + Sized + 'static {
    /// Every kind with its path below `/admin/` and its noun in text keys; the first is
    /// the one a path naming none is read as.
    const ALL: &'static [(Self, &'static str, &'static str)];

    fn of(uri: &Uri) -> Self {
        let plural = uri.path().trim_start_matches("/admin/").split('/').next().unwrap_or_default();
        Self::ALL.iter().find(|(_, p, _)| *p == plural).unwrap_or(&Self::ALL[0]).0
    }

    fn names(self) -> (&'static str, &'static str) {
        Self::ALL.iter().find(|(k, ..)| *k == self).map_or(("", ""), |(_, plural, noun)| (*plural, *noun))
    }

    /// The path below `/admin/`, which is also the admin menu's entry.
    fn plural(self) -> &'static str {
        self.names().0
    }

    /// A text of one of this kind: `admin-state-add`, `admin-signature-title`…
    fn key(self, what: &str) -> String {
        format!("admin-{}-{what}", self.names().1)
    }

    /// A text of the list: `admin-states-title`, `admin-signatures-none`…
    fn list_key(self, what: &str) -> String {
        format!("admin-{}-{what}", self.plural())
    }
}
