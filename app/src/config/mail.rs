//! The `mail:` section: where mail that leaves is handed over, and how often the queue
//! it waits in is looked at.

use goats_mail::{SmtpSecurity, SmtpSettings};
use serde::{Deserialize, Serialize};

use super::notifications::Security;
use crate::error::AppError;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// The SMTP server replies go out through. Without one, outgoing mail waits in the
    /// queue (OTRS's `mail_queue`) and leaves once a server is configured.
    pub smtp: Option<SmtpConfig>,
    /// When the queue is looked at: a cron expression with seconds.
    pub send_schedule: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self { smtp: None, send_schedule: "*/5 * * * * *".into() }
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
    pub fn validate(&self) -> Result<(), AppError> {
        if let Some(smtp) = &self.smtp
            && smtp.host.trim().is_empty()
        {
            return Err(AppError::Config("mail.smtp.host must name a server".into()));
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
