//! The words of a notification: placeholders filled from the event, for the body
//! templates of webhooks.

use goats_core::escalation::EscalationKind;
use goats_core::event::Event;
use goats_core::ports::Recipient;

/// Fills texts for events; `base_url` (where agents reach goats) makes ticket links.
#[derive(Debug, Clone, Default)]
pub struct MessageText {
    base_url: Option<String>,
}

impl MessageText {
    pub fn new(base_url: Option<String>) -> Self {
        Self { base_url: base_url.map(|u| u.trim_end_matches('/').to_string()) }
    }

    /// Where the agent interface shows this ticket, when goats' address is configured.
    pub fn ticket_url(&self, event: &Event) -> Option<String> {
        self.base_url.as_ref().map(|b| format!("{b}/tickets/{}", event.ticket().id))
    }

    /// The placeholder values of an event, for one recipient or none.
    pub fn values(&self, event: &Event, recipient: Option<&Recipient>) -> Vec<(&'static str, String)> {
        let t = event.ticket();
        let mut v = vec![
            ("event", event.kind().to_string()),
            ("ticket.id", t.id.to_string()),
            ("ticket.number", t.number.clone()),
            ("ticket.title", t.title.clone()),
            ("ticket.queue", t.queue.clone()),
            ("ticket.priority", t.priority.clone()),
            ("ticket.state", t.state.clone()),
            ("ticket.url", self.ticket_url(event).unwrap_or_default()),
            ("recipient.name", recipient.map(|r| r.name.clone()).unwrap_or_default()),
            ("recipient.login", recipient.map(|r| r.login.clone()).unwrap_or_default()),
        ];
        let (due, clock) = match event {
            Event::PendingReminder { due, .. } => (Some(*due), None),
            Event::EscalationWarning { due, clock, .. } | Event::Escalated { due, clock, .. } => {
                (Some(*due), Some(*clock))
            }
            _ => (None, None),
        };
        v.push(("due", due.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()));
        v.push(("clock", clock.map(|c| clock_name(c).to_string()).unwrap_or_default()));
        v
    }
}

fn clock_name(kind: EscalationKind) -> &'static str {
    match kind {
        EscalationKind::FirstResponse => "first response",
        EscalationKind::Update => "update",
        EscalationKind::Solution => "solution",
    }
}

/// Replaces each `{{name}}` with its value passed through `escape`; unknown names
/// become empty.
pub fn render(template: &str, values: &[(&str, String)], escape: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        if let Some((_, v)) = values.iter().find(|(k, _)| *k == name) {
            out.push_str(&escape(v));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use goats_core::event::TicketRef;

    fn reminder() -> Event {
        Event::PendingReminder {
            ticket: TicketRef {
                id: 7,
                number: "2026112510000071".into(),
                title: "Printer on fire".into(),
                queue_id: 4,
                queue: "Misc".into(),
                priority_id: 3,
                priority: "3 normal".into(),
                state: "pending reminder".into(),
                owner_id: 2,
                responsible_id: 2,
            },
            recipient: 2,
            due: DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z").unwrap().with_timezone(&Utc),
        }
    }

    fn jane(language: Option<&str>) -> Recipient {
        Recipient {
            id: 2,
            login: "jane".into(),
            name: "Jane Doe".into(),
            email: Some("jane@example.com".into()),
            language: language.map(String::from),
        }
    }

    #[test]
    fn an_events_values_name_the_ticket_its_link_the_recipient_and_when_it_is_due() {
        let m = MessageText::new(Some("https://desk.example.com/".into()));
        let values = m.values(&reminder(), Some(&jane(Some("de"))));
        let value = |k: &str| values.iter().find(|(name, _)| *name == k).map(|(_, v)| v.as_str());
        assert_eq!(value("ticket.number"), Some("2026112510000071"));
        assert_eq!(value("ticket.url"), Some("https://desk.example.com/tickets/7"));
        assert_eq!(value("recipient.name"), Some("Jane Doe"));
        assert_eq!(value("due"), Some("2026-11-25 10:00 UTC"));
        assert_eq!(value("clock"), Some(""), "a reminder runs on no escalation clock");
        let anonymous = MessageText::new(None).values(&reminder(), None);
        assert!(anonymous.iter().any(|(k, v)| *k == "ticket.url" && v.is_empty()), "no address, no link");
    }

    #[test]
    fn placeholders_are_escaped_and_unknown_ones_dropped() {
        let values = vec![("a", "x\"y".to_string())];
        assert_eq!(
            render("{\"v\":\"{{a}}\",\"w\":\"{{nope}}\"}", &values, |s| s.replace('"', "\\\"")),
            "{\"v\":\"x\\\"y\",\"w\":\"\"}"
        );
        assert_eq!(render("open {{ a", &values, |s| s.to_string()), "open {{ a");
    }
}
