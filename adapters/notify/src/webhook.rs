use std::time::Duration;

use async_trait::async_trait;
use goats_core::event::Event;
use goats_core::ports::{ChannelError, NotificationChannel, Recipient};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::message::{MessageText, render};

/// The header carrying `sha256=<hex HMAC-SHA256 of the body keyed with the secret>`.
pub const SIGNATURE_HEADER: &str = "X-Goats-Signature";

/// A JSON POST per event to a URL, signed so the receiver can tell it came from goats.
/// Without a body template the event itself is sent; with one (for Slack- or
/// Teams-style incoming webhooks) the template is filled with JSON-escaped values.
pub struct WebhookChannel {
    name: String,
    url: String,
    secret: String,
    body_template: Option<String>,
    text: MessageText,
    client: reqwest::Client,
}

impl WebhookChannel {
    pub fn new(
        name: &str,
        url: &str,
        secret: &str,
        body_template: Option<String>,
        text: MessageText,
        timeout: Duration,
    ) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("webhook {name}: `{url}` is not a URL: {e}"))?;
        if !["http", "https"].contains(&parsed.scheme()) {
            return Err(format!("webhook {name}: only http and https URLs are supported"));
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("goats/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("webhook {name}: {e}"))?;
        Ok(Self {
            name: format!("webhook:{name}"),
            url: url.into(),
            secret: secret.into(),
            body_template,
            text,
            client,
        })
    }

    fn body(&self, event: &Event, recipients: &[Recipient]) -> String {
        match &self.body_template {
            Some(template) => render(template, &self.text.values(event, None), json_escape),
            None => serde_json::json!({
                "event": event,
                "recipients": recipients.iter().map(|r| &r.login).collect::<Vec<_>>(),
                "url": self.text.ticket_url(event),
            })
            .to_string(),
        }
    }
}

/// `sha256=` and the hex HMAC-SHA256 of `body` keyed with `secret`.
#[allow(clippy::expect_used, reason = "HMAC accepts keys of any length")]
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_string()
}

#[async_trait]
impl NotificationChannel for WebhookChannel {
    fn name(&self) -> String {
        self.name.clone()
    }

    async fn deliver(&self, event: &Event, recipients: &[Recipient]) -> Result<(), ChannelError> {
        let body = self.body(event, recipients);
        let response = self
            .client
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("X-Goats-Event", event.kind())
            .header(SIGNATURE_HEADER, signature(&self.secret, body.as_bytes()))
            .body(body)
            .send()
            .await
            // Without the URL: it may carry a token (Slack's do).
            .map_err(|e| ChannelError(format!("POST failed: {}", e.without_url())))?;
        let status = response.status();
        if status.is_success() { Ok(()) } else { Err(ChannelError(format!("the receiver answered {status}"))) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_in_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn json_values_are_escaped_for_templates() {
        assert_eq!(json_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(json_escape(""), "");
    }
}
