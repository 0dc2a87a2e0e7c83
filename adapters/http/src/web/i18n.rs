//! The translation layer: every word a page shows comes from `locales/<lang>/*.ftl`
//! (Fluent), looked up by key in the agent's language.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, RwLock};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments show up as stray characters in
        // attributes and copied text; our arguments are numbers and names in running text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language goats speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// OTRS's `UserLanguage` value for the language.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The first language of an `Accept-Language` header goats speaks, by weight.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut offered: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q =
                    it.find_map(|p| p.trim().strip_prefix("q=")).map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                Some((q, tag))
            })
            .collect();
        offered.sort_by(|a, b| b.0.total_cmp(&a.0));
        offered.into_iter().filter(|(q, _)| *q > 0.0).find_map(|(_, tag)| Self::from_code(tag))
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::En => langid!("en"),
            Lang::De => langid!("de"),
        }
    }
}

/// Looks up page text in one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    /// The text for `key`.
    pub fn t(&self, key: &str) -> String {
        self.text(key).into_owned()
    }

    /// The text for `key`, borrowed when it is kept (it nearly always is).
    pub fn text(&self, key: &str) -> Cow<'static, str> {
        let kept = &KEPT[self.0 as usize];
        if let Some(text) = read(&kept.plain).get(key) {
            return Cow::Borrowed(text);
        }
        let text = LOCALES.lookup(&self.0.id(), key);
        if !kept.admit() {
            return Cow::Owned(text);
        }
        Cow::Borrowed(*write(&kept.plain).entry(key.into()).or_insert_with(|| leak(text)))
    }

    /// The text for `key` with one numeric argument `n` (plural forms choose on it).
    pub fn n(&self, key: &str, n: impl Into<f64>) -> String {
        let n = n.into();
        let kept = &KEPT[self.0 as usize];
        if let Some(text) = read(&kept.counted).get(key).and_then(|by_n| by_n.get(&n.to_bits())) {
            return (*text).to_owned();
        }
        let args = HashMap::from([(Cow::Borrowed("n"), FluentValue::from(n))]);
        let text = LOCALES.lookup_with_args(&self.0.id(), key, &args);
        if kept.admit() {
            write(&kept.counted).entry(key.into()).or_default().insert(n.to_bits(), leak(text.clone()));
        }
        text
    }

    /// The text for `key` with one text argument `v`.
    pub fn v(&self, key: &str, v: &str) -> String {
        let kept = &KEPT[self.0 as usize];
        let around = read(&kept.around).get(key).copied();
        let around = match around {
            Some(around) => around,
            None => {
                let around = self.around(key);
                if kept.admit() {
                    write(&kept.around).insert(key.into(), around);
                }
                around
            }
        };
        match around {
            Some((before, after)) => [before, v, after].concat(),
            None => self.with_v(key, v),
        }
    }

    fn with_v(&self, key: &str, v: &str) -> String {
        let args = HashMap::from([(Cow::Borrowed("v"), FluentValue::from(v.to_string()))]);
        LOCALES.lookup_with_args(&self.0.id(), key, &args)
    }

    /// The text before and after `v` when the message only puts `v` in its place (two
    /// different values give the same text around them); `None` when it does more.
    fn around(&self, key: &str) -> Option<Around> {
        const A: &str = "\u{F8FF}a\u{F8FF}";
        const B: &str = "\u{F8FF}b\u{F8FF}";
        let (with_a, with_b) = (self.with_v(key, A), self.with_v(key, B));
        let (before, after) = with_a.split_once(A)?;
        (!after.contains(A) && with_b == [before, B, after].concat())
            .then(|| (leak(before.to_owned()), leak(after.to_owned())))
    }
}

/// The text before and after a message's one argument.
type Around = (&'static str, &'static str);

/// Texts already looked up, per language. A Fluent lookup negotiates the language and
/// resolves the message every time — a sixth of a ticket list's CPU — while pages ask
/// for the same few hundred texts over and over. Kept texts live as long as goats;
/// there are only so many keys and counts, and past `KEEP_AT_MOST` texts of a language
/// are looked up afresh.
#[derive(Default)]
struct Kept {
    plain: RwLock<HashMap<Box<str>, &'static str>>,
    counted: RwLock<HashMap<Box<str>, HashMap<u64, &'static str>>>,
    around: RwLock<HashMap<Box<str>, Option<Around>>>,
    count: AtomicUsize,
}

const KEEP_AT_MOST: usize = 8192;

static KEPT: LazyLock<[Kept; Lang::ALL.len()]> = LazyLock::new(Default::default);

impl Kept {
    /// Whether one more text may be kept; counts it when so.
    fn admit(&self) -> bool {
        self.count.fetch_add(1, Ordering::Relaxed) < KEEP_AT_MOST
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_is_negotiated_by_weight() {
        assert_eq!(Lang::from_accept_language("de-DE,de;q=0.9,en;q=0.8"), Some(Lang::De));
        assert_eq!(Lang::from_accept_language("fr;q=1, en;q=0.5, de;q=0.7"), Some(Lang::De));
        assert_eq!(Lang::from_accept_language("fr, es"), None);
        assert_eq!(Lang::from_accept_language("de;q=0, en"), Some(Lang::En));
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let keys = |lang: &str| -> Vec<String> {
            let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
                .filter(|k| !k.is_empty() && !k.starts_with(['#', ' ', '*', '[']))
                .collect()
        };
        let (en, de) = (keys("en"), keys("de"));
        let missing_de: Vec<_> = en.iter().filter(|k| !de.contains(k)).collect();
        let missing_en: Vec<_> = de.iter().filter(|k| !en.contains(k)).collect();
        assert!(missing_de.is_empty(), "keys without German text: {missing_de:?}");
        assert!(missing_en.is_empty(), "keys without English text: {missing_en:?}");
        assert_eq!(Tr(Lang::De).t("nav-tickets"), "Tickets");
        assert_eq!(Tr(Lang::De).t("action-logout"), "Abmelden");
    }

    #[test]
    fn plurals_follow_the_number() {
        assert_eq!(Tr(Lang::En).n("tickets-count", 1), "1 ticket");
        assert_eq!(Tr(Lang::En).n("tickets-count", 3), "3 tickets");
        assert_eq!(Tr(Lang::De).n("tickets-count", 1), "1 Ticket");
        assert_eq!(Tr(Lang::En).n("tickets-count", 1), "1 ticket", "kept, per number");
        assert_eq!(Tr(Lang::En).n("tickets-count", 3), "3 tickets");
    }

    #[test]
    fn kept_texts_read_as_looked_up_ones() {
        for lang in Lang::ALL {
            let tr = Tr(lang);
            assert_eq!(tr.t("nav-tickets"), LOCALES.lookup(&lang.id(), "nav-tickets"));
            assert_eq!(tr.t("nav-tickets"), LOCALES.lookup(&lang.id(), "nav-tickets"), "a second time");
            for v in ["2026112610000017", "<b>&", ""] {
                assert_eq!(tr.v("bulk-select", v), tr.with_v("bulk-select", v), "{lang:?} {v}");
            }
        }
        assert_eq!(Tr(Lang::En).v("bulk-select", "42"), Tr(Lang::En).v("bulk-select", "42"));
    }

    fn templates() -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates"))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out
    }

    /// Removes everything between `open` and `close`.
    fn strip(text: &str, open: &str, close: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find(open) {
            out.push_str(&rest[..at]);
            rest = rest[at..].find(close).map_or("", |end| &rest[at + end + close.len()..]);
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn templates_hold_no_text_of_their_own() {
        // Words that are not language: the product's name.
        let allowed = ["goats"];
        for (path, source) in templates() {
            let code = strip(&strip(&strip(&source, "{#", "#}"), "{%", "%}"), "{{", "}}");
            for attr in ["placeholder=\"", "title=\"", "aria-label=\"", "alt=\""] {
                for value in code.split(attr).skip(1) {
                    let value = value.split('"').next().unwrap_or_default();
                    assert!(!value.chars().any(char::is_alphabetic), "{path}: {attr}{value}\" is not translated");
                }
            }
            let text = strip(&code, "<", ">");
            for word in text.split_whitespace() {
                let word = word.trim_matches(|c: char| !c.is_alphanumeric());
                assert!(
                    !word.chars().any(char::is_alphabetic) || allowed.contains(&word),
                    "{path}: `{word}` is text outside the translation layer"
                );
            }
        }
    }

    #[test]
    fn every_key_a_template_uses_exists() {
        let en = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en/main.ftl")).unwrap();
        for (path, source) in templates() {
            for call in ["c.t(\"", "c.n(\"", "c.v(\""] {
                for rest in source.split(call).skip(1) {
                    let key = rest.split('"').next().unwrap();
                    assert!(en.lines().any(|l| l.starts_with(&format!("{key} ="))), "{path}: no text for `{key}`");
                }
            }
        }
    }
}
