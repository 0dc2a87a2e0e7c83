//! Outgoing messages written as MIME: the text as a UTF-8 part, attachments beside it.

use goats_core::ports::{MailComposer, OutboundMail};
use goats_core::{DomainError, DomainResult};
use lettre::Message;
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, Mailboxes, MultiPart, SinglePart};

const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");

/// Writes messages with lettre's builder.
#[derive(Debug, Default, Clone, Copy)]
pub struct Composer;

fn mailbox(field: &'static str, value: &str) -> DomainResult<Mailbox> {
    value.parse().map_err(|e| DomainError::invalid(field, format!("`{value}` is not a mailbox: {e}")))
}

fn mailboxes(field: &'static str, value: &str) -> DomainResult<Mailboxes> {
    value.parse().map_err(|e| DomainError::invalid(field, format!("`{value}` is not a list of mailboxes: {e}")))
}

impl MailComposer for Composer {
    fn compose(&self, mail: &OutboundMail) -> DomainResult<Vec<u8>> {
        let mut builder = Message::builder()
            .from(mailbox("from", &mail.from)?)
            .mailbox(header::To::from(mailboxes("to", &mail.to)?))
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()))
            .date_now();
        if let Some(cc) = &mail.cc {
            builder = builder.mailbox(header::Cc::from(mailboxes("cc", cc)?));
        }
        if let Some(id) = &mail.in_reply_to {
            builder = builder.in_reply_to(id.clone());
        }
        if let Some(ids) = &mail.references {
            builder = builder.references(ids.clone());
        }
        if mail.automatic {
            // RFC 3834: no one answers this automatically in turn.
            builder = builder.raw_header(HeaderValue::new(AUTO_SUBMITTED, "auto-replied".into()));
        }
        let plain = match &mail.html {
            Some(html) if mail.body.trim().is_empty() => mail_parser::decoders::html::html_to_text(html),
            _ => mail.body.clone(),
        };
        let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(plain);
        // A text written in HTML leaves as both, the reader's program choosing.
        let body = match &mail.html {
            Some(html) => MultiPart::alternative()
                .singlepart(text)
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
            None if mail.attachments.is_empty() => {
                let message = builder.singlepart(text);
                let message =
                    message.map_err(|e| DomainError::invalid("article", format!("cannot write the message: {e}")))?;
                return Ok(message.formatted());
            }
            None => MultiPart::mixed().singlepart(text),
        };
        let message = if mail.attachments.is_empty() {
            builder.multipart(body)
        } else {
            let mut parts = match mail.html {
                Some(_) => MultiPart::mixed().multipart(body),
                None => body,
            };
            for file in &mail.attachments {
                let kind = ContentType::parse(file.content_type()).unwrap_or_else(|_| {
                    ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN)
                });
                // What leaves is written from files in memory; only arriving mail is spooled.
                let bytes = file.content().held().ok_or_else(|| {
                    DomainError::invalid("attachments", format!("{} is not in memory to send", file.filename()))
                })?;
                parts = parts.singlepart(Attachment::new(file.filename().to_string()).body(bytes.to_vec(), kind));
            }
            builder.multipart(parts)
        };
        let message = message.map_err(|e| DomainError::invalid("article", format!("cannot write the message: {e}")))?;
        Ok(message.formatted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goats_core::model::NewAttachment;

    fn mail() -> OutboundMail {
        OutboundMail {
            from: "Help Desk <helpdesk@example.com>".into(),
            to: "Jürgen Müller <juergen@example.de>".into(),
            cc: None,
            subject: "RE: [Ticket#2026120310000011] Drücker".into(),
            body: "Grüße,\nfixed.".into(),
            html: None,
            message_id: "<1.abc@example.com>".into(),
            in_reply_to: Some("<q@example.de>".into()),
            references: Some("<p@example.de> <q@example.de>".into()),
            attachments: Vec::new(),
            automatic: false,
        }
    }

    #[test]
    fn a_reply_reads_back_as_written() {
        let raw = Composer.compose(&mail()).unwrap();
        let back = crate::parse(raw);
        assert_eq!(back.subject, "RE: [Ticket#2026120310000011] Drücker");
        assert_eq!(back.message_id.as_deref(), Some("<1.abc@example.com>"));
        assert_eq!(back.in_reply_to.as_deref(), Some("<q@example.de>"));
        assert_eq!(back.references, ["<p@example.de>", "<q@example.de>"]);
        assert_eq!(back.to.as_deref(), Some("Jürgen Müller <juergen@example.de>"));
        assert_eq!(back.body.trim_end(), "Grüße,\nfixed.");
    }

    #[test]
    fn attachments_travel_with_the_text() {
        let mut m = mail();
        m.attachments.push(NewAttachment::new("report.pdf", b"%PDF-1.4 tiny".to_vec()));
        let back = crate::parse(Composer.compose(&m).unwrap());
        assert_eq!(back.attachments.len(), 1);
        assert_eq!(back.attachments[0].filename(), "report.pdf");
        assert_eq!(back.attachments[0].content().held(), Some(&b"%PDF-1.4 tiny"[..]));
    }

    #[test]
    fn automatic_answers_say_so() {
        let mut m = mail();
        m.automatic = true;
        let back = crate::parse(Composer.compose(&m).unwrap());
        assert_eq!(back.header("Auto-Submitted"), Some("auto-replied"));
        assert!(goats_core::mail::Signals::of(&back).automatic, "goats does not answer its own answers");
        assert_eq!(crate::parse(Composer.compose(&mail()).unwrap()).header("Auto-Submitted"), None);
    }

    #[test]
    fn an_html_text_leaves_beside_a_plain_part_made_from_it() {
        let mut m = mail();
        m.body.clear();
        m.html = Some("<p>Ticket <b>42</b> &amp; more</p>".into());
        let raw = Composer.compose(&m).unwrap();
        let back = crate::parse(raw.clone());
        assert!(String::from_utf8_lossy(&raw).contains("multipart/alternative"));
        assert_eq!(back.body.trim(), "Ticket 42 & more");
        m.attachments.push(NewAttachment::new("a.txt", b"x".to_vec()));
        let back = crate::parse(Composer.compose(&m).unwrap());
        // The HTML is kept as OTRS keeps it, as a file beside the text.
        assert!(back.attachments.iter().any(|a| a.filename() == "a.txt"));
        assert_eq!(back.body.trim(), "Ticket 42 & more");
    }

    #[test]
    fn a_recipient_that_is_no_address_is_refused() {
        let mut m = mail();
        m.to = "not an address".into();
        assert!(matches!(Composer.compose(&m), Err(DomainError::Invalid { field: "to", .. })));
    }
}
