//! What the headers say about who sent a mail: a machine (auto-replies, bounces,
//! mailing lists) rather than a person. Such mail still becomes a ticket or a
//! follow-up, but never gets an automatic answer, so two systems cannot answer each
//! other forever.

use super::InboundMail;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signals {
    /// Sent by a program: `Auto-Submitted: auto-…`, `Precedence`, `X-Loop`,
    /// `X-No-Loop`, `X-OTRS-Loop`, or a mailing list (`List-Id`, `Mailing-List`), as
    /// OTRS's postmaster reads them.
    pub automatic: bool,
    /// A delivery failure report (`multipart/report; report-type=delivery-status`, or
    /// from a mailer daemon).
    pub bounce: bool,
}

impl Signals {
    pub fn of(mail: &InboundMail) -> Self {
        let has = |name: &str| mail.header(name).is_some_and(|v| !v.is_empty());
        let auto_submitted = mail.header("Auto-Submitted").is_some_and(|v| v.to_ascii_lowercase().starts_with("auto-"));
        let automatic = auto_submitted
            || ["Precedence", "X-Loop", "X-No-Loop", "X-OTRS-Loop", "Mailing-List", "List-Id"].into_iter().any(has);
        let content_type = mail.header("Content-Type").unwrap_or_default().to_ascii_lowercase();
        let report = content_type.starts_with("multipart/report") && content_type.contains("delivery-status");
        let daemon = mail.sender.as_deref().is_some_and(|s| {
            let local = s.split('@').next().unwrap_or_default();
            local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
        });
        let bounce = report || daemon;
        Self { automatic: automatic || bounce, bounce }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(headers: &[(&str, &str)], sender: &str) -> InboundMail {
        InboundMail {
            sender: Some(sender.into()),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            ..InboundMail::default()
        }
    }

    #[test]
    fn people_and_machines_are_told_apart() {
        assert_eq!(Signals::of(&with(&[("Subject", "Hi")], "jane@example.com")), Signals::default());
        assert!(Signals::of(&with(&[("Auto-Submitted", "auto-replied")], "jane@example.com")).automatic);
        assert!(!Signals::of(&with(&[("Auto-Submitted", "no")], "jane@example.com")).automatic);
        assert!(Signals::of(&with(&[("precedence", "bulk")], "news@example.com")).automatic);
        assert!(Signals::of(&with(&[("List-Id", "<dev.lists.example.com>")], "a@example.com")).automatic);
        let report = with(&[("Content-Type", "multipart/report; report-type=delivery-status; boundary=x")], "x@y");
        assert_eq!(Signals::of(&report), Signals { automatic: true, bounce: true });
        assert!(Signals::of(&with(&[], "MAILER-DAEMON@mx.example.com")).bounce);
    }
}
