//! Postmaster filters (OTRS's `postmaster_filter`): an admin's rules that look at an
//! arriving mail's headers and body and, when all their matches hold, set `X-OTRS-*`
//! headers — the queue, priority, state, type, customer, or to ignore the mail. What a
//! filter sets is believed whatever the mail came through: the admin wrote it, not the
//! sender. Filters run in the order of their names; one marked `stop` ends the run
//! when it applies.

use regex::{Regex, RegexBuilder};

use super::InboundMail;

/// One condition: a header (or `Body`) whose value matches a regular expression
/// (case-insensitive, as OTRS matches), or with `negate`, does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterMatch {
    pub header: String,
    pub pattern: String,
    pub negate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostmasterFilter {
    pub name: String,
    pub stop: bool,
    pub matches: Vec<FilterMatch>,
    /// Headers to set, e.g. `("X-OTRS-Queue", "Junk")`.
    pub sets: Vec<(String, String)>,
}

impl FilterMatch {
    /// The pattern as OTRS matches it: without regard to case, and bounded in size.
    fn regex(&self) -> Result<Regex, regex::Error> {
        RegexBuilder::new(&self.pattern).case_insensitive(true).size_limit(1 << 20).build()
    }
}

impl PostmasterFilter {
    /// Why this filter cannot be kept, and the part at fault (`name`, `matches`,
    /// `sets` or `pattern`): no name, no condition, nothing to set, or a pattern that is
    /// no regular expression.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if self.name.trim().is_empty() {
            return Some(("name", "a filter needs a name".into()));
        }
        if self.matches.is_empty() {
            return Some(("matches", "a filter needs at least one condition".into()));
        }
        if self.sets.is_empty() {
            return Some(("sets", "a filter needs at least one header to set".into()));
        }
        for m in &self.matches {
            if let Err(e) = m.regex() {
                return Some(("pattern", format!("the pattern for {} is not a regular expression: {e}", m.header)));
            }
        }
        None
    }

    /// Whether every condition holds for `mail`. A pattern that does not compile never
    /// holds, so a broken filter changes nothing.
    pub fn applies(&self, mail: &InboundMail) -> bool {
        !self.matches.is_empty()
            && self.matches.iter().all(|m| {
                let Ok(re) = m.regex() else { return false };
                let value = if m.header.eq_ignore_ascii_case("Body") {
                    Some(mail.body.as_str())
                } else {
                    mail.header(&m.header)
                };
                let found = value.is_some_and(|v| re.is_match(v));
                found != m.negate
            })
    }
}

/// The headers the filters set for `mail`, later ones overriding earlier ones.
pub fn apply(filters: &[PostmasterFilter], mail: &InboundMail) -> Vec<(String, String)> {
    let mut ordered: Vec<&PostmasterFilter> = filters.iter().collect();
    ordered.sort_by(|a, b| a.name.cmp(&b.name));
    let mut set = Vec::new();
    for f in ordered {
        if f.applies(mail) {
            set.extend(f.sets.iter().cloned());
            if f.stop {
                break;
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(from: &str, subject: &str) -> InboundMail {
        InboundMail {
            headers: vec![("From".into(), from.into()), ("Subject".into(), subject.into())],
            body: "Order 4711 is late".into(),
            ..InboundMail::default()
        }
    }

    fn filter(name: &str, stop: bool, matches: &[(&str, &str, bool)], sets: &[(&str, &str)]) -> PostmasterFilter {
        PostmasterFilter {
            name: name.into(),
            stop,
            matches: matches
                .iter()
                .map(|(h, p, n)| FilterMatch { header: h.to_string(), pattern: p.to_string(), negate: *n })
                .collect(),
            sets: sets.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn every_condition_must_hold_and_negations_invert() {
        let spam = filter("a-spam", false, &[("Subject", "viagra|lottery", false)], &[("X-OTRS-Queue", "Junk")]);
        let vip = filter(
            "b-vip",
            false,
            &[("From", "@bigcorp\\.example$", false), ("Body", "order \\d+", false)],
            &[("X-OTRS-Priority", "5 very high")],
        );
        let not_internal =
            filter("c-ext", false, &[("From", "@helpdesk\\.example", true)], &[("X-OTRS-Type", "Incident")]);
        let all = [spam, vip, not_internal];
        assert_eq!(
            apply(&all, &mail("x@y.example", "You won the LOTTERY")),
            [("X-OTRS-Queue".into(), "Junk".into()), ("X-OTRS-Type".into(), "Incident".into())]
        );
        assert_eq!(
            apply(&all, &mail("ceo@bigcorp.example", "Where is it?")),
            [("X-OTRS-Priority".into(), "5 very high".into()), ("X-OTRS-Type".into(), "Incident".into())]
        );
        assert!(apply(&all, &mail("me@helpdesk.example", "hello")).is_empty());
    }

    #[test]
    fn a_stop_filter_ends_the_run_and_broken_ones_do_nothing() {
        let first = filter("1", true, &[("Subject", ".", false)], &[("X-OTRS-Ignore", "yes")]);
        let second = filter("2", false, &[("Subject", ".", false)], &[("X-OTRS-Queue", "Misc")]);
        assert_eq!(
            apply(&[second.clone(), first], &mail("a@b.example", "x")),
            [("X-OTRS-Ignore".into(), "yes".into())]
        );
        let broken = filter("0", false, &[("Subject", "(unclosed", false)], &[("X-OTRS-Queue", "Junk")]);
        assert!(broken.problem().is_some_and(|(f, p)| f == "pattern" && p.contains("not a regular expression")));
        assert_eq!(apply(&[broken, second], &mail("a@b.example", "x")), [("X-OTRS-Queue".into(), "Misc".into())]);
    }
}
