//! One message's bytes into an [`InboundMail`].

use goats_core::mail::InboundMail;
use goats_core::model::NewAttachment;
use mail_parser::{Address, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};

/// Reads a message. Never fails: bytes that are no message at all become a mail with
/// no headers whose body is the bytes as text, so the sender is still heard.
pub fn parse(raw: Vec<u8>) -> InboundMail {
    let raw = bytes::Bytes::from(raw);
    let Some(mut message) = MessageParser::default().parse(&raw[..]) else {
        return InboundMail {
            subject: String::new(),
            body: String::from_utf8_lossy(&raw).into_owned(),
            content_type: TEXT_PLAIN.into(),
            raw: raw.clone(),
            ..InboundMail::default()
        };
    };
    let from = message.from().map(mailboxes);
    let sender = message
        .from()
        .and_then(Address::first)
        .and_then(|a| a.address.as_deref())
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty());
    let headers =
        message.headers().iter().map(|h| (h.name().to_string(), header_text(h.value()).unwrap_or_default())).collect();
    let mut body = match message.body_text(0) {
        Some(text) => text.into_owned(),
        None => String::new(),
    };
    // A text part mail-parser could not decode (a broken transfer encoding) lands among
    // the attachments: its text, as it stands, is still what the sender wrote.
    if body.trim().is_empty()
        && let Some(text) = message
            .attachments()
            .filter(|p| p.content_type().is_none_or(|ct| ct.ctype().eq_ignore_ascii_case("text")))
            .find_map(|p| std::str::from_utf8(p.contents()).ok().filter(|t| !t.trim().is_empty()))
    {
        body = text.to_string();
    }
    let mut attachments = Vec::new();
    for index in message.attachments.clone() {
        let Some(part) = message.parts.get_mut(index as usize) else { continue };
        let name = part.attachment_name().map(str::to_string).unwrap_or_else(|| unnamed(part, attachments.len()));
        attachments.push(NewAttachment::new(&name, take_contents(part)));
    }
    // An HTML body is kept beside its text, as OTRS keeps it (`file-2`): the article
    // shows the text, the HTML is there to open.
    if let Some(html) = message.html_part(0).filter(|p| p.is_text_html()) {
        attachments.push(NewAttachment::new("file-2.html", html.contents().to_vec()));
    }
    // Line ends as the rest of the help desk writes them (OTRS does the same).
    let body = body.replace("\r\n", "\n");
    InboundMail {
        from,
        sender,
        to: message.to().map(mailboxes),
        cc: message.cc().map(mailboxes),
        reply_to: message.reply_to().map(mailboxes).filter(|r| !r.is_empty()),
        subject: message.subject().unwrap_or_default().trim().to_string(),
        message_id: message.message_id().map(bracketed),
        in_reply_to: ids(message.in_reply_to()).into_iter().next(),
        references: ids(message.references()),
        body,
        content_type: TEXT_PLAIN.into(),
        attachments,
        headers,
        raw: raw.clone(),
    }
}

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

/// A part's decoded bytes, moved out of the parsed message rather than copied: a large
/// attachment is then held once by the parser's result, not twice.
fn take_contents(part: &mut MessagePart<'_>) -> Vec<u8> {
    match &mut part.body {
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => std::mem::take(bytes).into_owned(),
        _ => part.contents().to_vec(),
    }
}

/// A header's value as text: lists joined, addresses written out.
fn header_text(value: &HeaderValue<'_>) -> Option<String> {
    match value {
        HeaderValue::Text(t) => Some(t.to_string()),
        HeaderValue::TextList(list) => Some(list.join(", ")),
        HeaderValue::Address(a) => Some(mailboxes(a)),
        HeaderValue::ContentType(ct) => {
            let mut s = ct.ctype().to_string();
            if let Some(sub) = ct.subtype() {
                s = format!("{s}/{sub}");
            }
            for attr in ct.attributes().unwrap_or_default() {
                s.push_str(&format!("; {}={}", attr.name, attr.value));
            }
            Some(s)
        }
        HeaderValue::DateTime(d) => Some(d.to_rfc3339()),
        HeaderValue::Received(_) | HeaderValue::Empty => None,
    }
}

/// Addresses as a header writes them: `Name <address>, …`.
fn mailboxes(address: &Address<'_>) -> String {
    address
        .iter()
        .map(|a| match (a.name.as_deref(), a.address.as_deref()) {
            (Some(name), Some(addr)) if !name.is_empty() => format!("{name} <{addr}>"),
            (_, Some(addr)) => addr.to_string(),
            (Some(name), None) => name.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Message-IDs as OTRS stores them, in angle brackets.
fn bracketed(id: &str) -> String {
    format!("<{}>", id.trim().trim_start_matches('<').trim_end_matches('>'))
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![bracketed(t)],
        HeaderValue::TextList(list) => list.iter().map(|t| bracketed(t)).collect(),
        _ => Vec::new(),
    }
}

/// A name for a part that brings none: a forwarded message is `message-N.eml`, the
/// rest `attachment-N`.
fn unnamed(part: &mail_parser::MessagePart<'_>, n: usize) -> String {
    if part.is_message() {
        let subject = part.message().and_then(|m| m.subject()).unwrap_or("message");
        let safe: String = subject.chars().filter(|c| c.is_alphanumeric() || *c == ' ').take(60).collect();
        let safe = safe.trim();
        if safe.is_empty() { format!("message-{}.eml", n + 1) } else { format!("{safe}.eml") }
    } else {
        format!("attachment-{}", n + 1)
    }
}
