use async_trait::async_trait;
use goats_core::event::Event;
use goats_core::ports::{ChannelError, NotificationChannel, Recipient};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::message::MessageText;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP: only for a relay on the same host or network.
    None,
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// Where and how mail is sent.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, such as `goats <helpdesk@example.com>`.
    pub from: String,
}

/// Mails each recipient with an address, in their language, over SMTP.
pub struct EmailChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    text: MessageText,
}

impl EmailChannel {
    pub fn new(settings: &SmtpSettings, text: MessageText) -> Result<Self, String> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| format!("email: the sender `{}` is not a mailbox: {e}", settings.from))?;
        let builder = match settings.security {
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                .map_err(|e| format!("email: {e}"))?,
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host).map_err(|e| format!("email: {e}"))?
            }
        };
        let mut builder = builder.port(settings.port);
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self { transport: builder.build(), from, text })
    }

    fn message(&self, event: &Event, to: &Recipient, address: &str) -> Result<Message, ChannelError> {
        let mailbox: Mailbox = format!("{} <{address}>", to.name.replace(['<', '>', '"'], ""))
            .parse()
            .or_else(|_| address.parse())
            .map_err(|e| ChannelError(format!("{} has no usable address: {e}", to.login)))?;
        let (subject, body) = self.text.email(event, to);
        Message::builder()
            .from(self.from.clone())
            .to(mailbox)
            .subject(subject)
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| ChannelError(format!("cannot build the mail: {e}")))
    }
}

#[async_trait]
impl NotificationChannel for EmailChannel {
    fn name(&self) -> String {
        "email".into()
    }

    async fn deliver(&self, event: &Event, recipients: &[Recipient]) -> Result<(), ChannelError> {
        for to in recipients {
            let Some(address) = to.email.as_deref().filter(|a| !a.is_empty()) else { continue };
            let message = self.message(event, to, address)?;
            self.transport.send(message).await.map_err(|e| ChannelError(format!("SMTP: {e}")))?;
        }
        Ok(())
    }
}
