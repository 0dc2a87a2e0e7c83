//! The `mail:` section: where mail that leaves is handed over, and how often the queue
//! it waits in is looked at.

use goats_core::mail::RetryPolicy;
use goats_mail::{SmtpSecurity, SmtpSettings};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// The SMTP server replies go out through. Without one, outgoing mail waits in the
    /// queue (OTRS's `mail_queue`) and leaves once a server is configured.
    pub smtp: Option<SmtpConfig>,
    /// When the queue is looked at: a cron expression with seconds.
    pub send_schedule: String,
    pub retry: MailRetryConfig,
    /// When the mail accounts (OTRS's `mail_account`) are read: a cron expression with
    /// seconds. Across instances each account is read at most once a minute.
    pub fetch_schedule: String,
    /// The largest message `goats mail ingest` takes, whole, in MB; a larger one is
    /// refused (exit 65, so the mail server bounces it to its sender). Its files are not
    /// held to `tickets.max_attachment_mb`, which bounds uploads.
    pub max_message_mb: u64,
    /// An LMTP server in `goats serve` for the mail server to deliver to, instead of
    /// running `goats mail ingest` per message. Off unless configured.
    pub lmtp: Option<LmtpConfig>,
}

/// `mail.lmtp`: LMTP has no login, so it listens where only the mail server reaches it
/// (loopback, or a private network).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LmtpConfig {
    /// Where it listens (`GOATS_MAIL_LMTP_LISTEN`), e.g. `127.0.0.1:2424`.
    pub listen: String,
    /// The queue a new ticket goes to, as `mail ingest --queue` (default: Raw).
    pub queue: Option<String>,
    /// Believe the messages' X-OTRS-* headers, as `mail ingest --trusted`.
    pub trusted: bool,
    /// Connections served at once; more are told to come back later.
    pub max_connections: usize,
}

impl Default for LmtpConfig {
    fn default() -> Self {
        Self { listen: "127.0.0.1:2424".into(), queue: None, trusted: false, max_connections: 32 }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            send_schedule: "*/5 * * * * *".into(),
            retry: MailRetryConfig::default(),
            fetch_schedule: "0 * * * * *".into(),
            max_message_mb: 50,
            lmtp: None,
        }
    }
}

/// How long a message the server does not take is tried again: the wait doubles after
/// each attempt, up to the longest; after the last attempt the message is given up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MailRetryConfig {
    pub attempts: i32,
    pub first_wait_seconds: i64,
    pub longest_wait_seconds: i64,
}

impl Default for MailRetryConfig {
    fn default() -> Self {
        let p = RetryPolicy::default();
        Self {
            attempts: p.attempts,
            first_wait_seconds: p.first_wait.num_seconds(),
            longest_wait_seconds: p.longest_wait.num_seconds(),
        }
    }
}

impl MailRetryConfig {
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            attempts: self.attempts,
            first_wait: chrono::Duration::seconds(self.first_wait_seconds),
            longest_wait: chrono::Duration::seconds(self.longest_wait_seconds),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "submission_port")]
    pub port: u16,
    #[serde(default = "starttls")]
    pub security: Security,
    #[serde(default)]
    pub username: Option<String>,
    /// Also from `GOATS_MAIL_SMTP_PASSWORD`.
    #[serde(default)]
    pub password: Option<String>,
}

fn submission_port() -> u16 {
    587
}

fn starttls() -> Security {
    Security::Starttls
}

impl SmtpConfig {
    pub fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: self.host.clone(),
            port: self.port,
            security: match self.security {
                Security::None => SmtpSecurity::None,
                Security::Starttls => SmtpSecurity::StartTls,
                Security::Tls => SmtpSecurity::Tls,
            },
            username: self.username.clone(),
            password: self.password.clone(),
        }
    }
}

impl MailConfig {
    /// `max_message_mb` in bytes.
    pub fn max_message_bytes(&self) -> u64 {
        self.max_message_mb * 1024 * 1024
    }

    pub fn validate(&self) -> Result<(), AppError> {
        if let Some(smtp) = &self.smtp
            && smtp.host.trim().is_empty()
        {
            return Err(AppError::Config("mail.smtp.host must name a server".into()));
        }
        if !(1..=1024).contains(&self.max_message_mb) {
            return Err(AppError::Config("mail.max_message_mb must be 1–1024".into()));
        }
        if let Some(lmtp) = &self.lmtp {
            lmtp.listen.parse::<std::net::SocketAddr>().map_err(|_| {
                AppError::Config(format!("mail.lmtp.listen must be an address and port, not `{}`", lmtp.listen))
            })?;
            if !(1..=10_000).contains(&lmtp.max_connections) {
                return Err(AppError::Config("mail.lmtp.max_connections must be 1–10000".into()));
            }
        }
        let r = &self.retry;
        if !(1..=100).contains(&r.attempts)
            || !(1..=86_400).contains(&r.first_wait_seconds)
            || r.longest_wait_seconds < r.first_wait_seconds
            || r.longest_wait_seconds > 7 * 86_400
        {
            return Err(AppError::Config(
                "mail.retry: attempts must be 1–100, first_wait_seconds 1–86400, and longest_wait_seconds at least \
                 first_wait_seconds and at most a week"
                    .into(),
            ));
        }
        Ok(())
    }

    pub fn masked(&self) -> Self {
        let mut shown = self.clone();
        if let Some(smtp) = &mut shown.smtp
            && smtp.password.is_some()
        {
            smtp.password = Some("*****".into());
        }
        shown
    }
}
