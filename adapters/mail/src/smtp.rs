//! Queued messages handed to an SMTP server, as they were written.

use async_trait::async_trait;
use goats_core::ports::{Envelope, MailTransport, SendFailure};
use lettre::address::{Address, Envelope as SmtpEnvelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP: only for a relay on the same host or network.
    None,
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// Where outgoing mail is handed over.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
}

pub struct SmtpTransport(AsyncSmtpTransport<Tokio1Executor>);

impl SmtpTransport {
    pub fn new(settings: &SmtpSettings) -> Result<Self, String> {
        let host = settings.host.as_str();
        let builder = match settings.security {
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| format!("mail.smtp: {e}"))?
            }
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| format!("mail.smtp: {e}"))?
            }
        };
        let mut builder = builder.port(settings.port).timeout(Some(std::time::Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self(builder.build()))
    }
}

/// An envelope address the server would refuse in any case: no attempt helps.
fn address(value: &str) -> Result<Address, SendFailure> {
    value.parse().map_err(|e| SendFailure {
        code: None,
        message: format!("`{value}` is not an address: {e}"),
        permanent: true,
    })
}

#[async_trait]
impl MailTransport for SmtpTransport {
    async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendFailure> {
        let sender = address(&envelope.sender)?;
        let recipients = envelope.recipients.iter().map(|r| address(r)).collect::<Result<Vec<_>, _>>()?;
        let envelope = SmtpEnvelope::new(Some(sender), recipients).map_err(|e| SendFailure {
            code: None,
            message: format!("no envelope: {e}"),
            permanent: true,
        })?;
        self.0.send_raw(&envelope, raw).await.map(|_| ()).map_err(|e| SendFailure {
            code: e.status().map(u16::from),
            message: e.to_string(),
            permanent: e.is_permanent(),
        })
    }
}
