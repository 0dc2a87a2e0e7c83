//! Mail a mail server hands goats: `goats mail ingest` (one message on standard
//! input, as a pipe delivers it) and the LMTP server of `goats serve` (`mail.lmtp`),
//! both through the postmaster.

use std::io::Read;
use std::sync::Arc;

use goats_core::mail::{Answer, Delivered, Delivery, Postmaster, Route};
use goats_core::model::QueueId;
use goats_core::ports::LookupRepository;
use goats_mail::lmtp::{Inbox, Taken};

use crate::{App, AppError};

pub async fn ingest(app: &App, queue: Option<&str>, trusted: bool) -> Result<(), AppError> {
    let route = Route { queue: queue_named(app, queue).await?, trusted };
    // The whole message, as the postmaster keeps it, up to the mail limit: one byte
    // more is read to tell a message at the limit from a larger one.
    let limit = app.config.mail.max_message_bytes();
    let raw = tokio::task::spawn_blocking(move || {
        let mut stdin = std::io::stdin().lock();
        let mut raw = Vec::new();
        (&mut stdin).take(limit + 1).read_to_end(&mut raw)?;
        // The rest of a message too large is read and dropped, so the mail server
        // hears the exit status rather than a broken pipe.
        if raw.len() as u64 > limit {
            std::io::copy(&mut stdin, &mut std::io::sink())?;
        }
        Ok::<_, std::io::Error>(raw)
    })
    .await
    .map_err(|e| AppError::Io(std::io::Error::other(e)))??;
    if raw.is_empty() {
        return Err(AppError::Usage("no message on standard input".into()));
    }
    if raw.len() as u64 > limit {
        return Err(AppError::Domain(goats_core::DomainError::invalid(
            "message",
            format!("the message is larger than mail.max_message_mb ({} MB)", app.config.mail.max_message_mb),
        )));
    }
    println!("{}", deliver(&app.postmaster, raw, &route).await?);
    // The agents' notifications and the other channels run beside this process's
    // work: they are given time to finish before it exits. The mail is stored either way.
    if !app.events.settle(NOTIFY_WITHIN).await {
        tracing::warn!(seconds = NOTIFY_WITHIN.as_secs(), "notifications still under way were left unfinished");
    }
    Ok(())
}

/// The queue named for new tickets, which must exist and be valid.
pub async fn queue_named(app: &App, queue: Option<&str>) -> Result<Option<QueueId>, AppError> {
    let Some(name) = queue else { return Ok(None) };
    match app.db.queue_by_name(name).await? {
        Some(q) if q.valid => Ok(Some(q.id)),
        Some(_) => Err(AppError::Usage(format!("queue `{name}` is invalid"))),
        None => Err(AppError::Usage(format!("there is no queue named `{name}`"))),
    }
}

/// Hands one message to the postmaster: what became of it, in a line.
async fn deliver(postmaster: &Postmaster, raw: Vec<u8>, route: &Route) -> Result<String, AppError> {
    let mail = goats_mail::parse(raw);
    let Delivered { delivery, signals, answer } = postmaster.deliver(mail, route).await?;
    match answer {
        Answer::None => {}
        Answer::Queued(article) => tracing::info!(article, "auto-response queued"),
        Answer::Failed(why) => tracing::warn!(%why, "the mail is stored, its auto-response could not be written"),
    }
    let machine = if signals.bounce {
        " (a bounce)"
    } else if signals.automatic {
        " (sent automatically)"
    } else {
        ""
    };
    Ok(match delivery {
        Delivery::NewTicket { number, article_id, .. } => {
            format!("new ticket {number} (article {article_id}){machine}")
        }
        Delivery::FollowUp { number, article_id, .. } => {
            format!("follow-up to ticket {number} (article {article_id}){machine}")
        }
        Delivery::Rejected { number, article_id, .. } => {
            format!("follow-up to closed ticket {number} rejected, kept as article {article_id}{machine}")
        }
        Delivery::Duplicate { article_id, .. } => format!("delivered before, as article {article_id}"),
        Delivery::Ignored => "ignored (X-OTRS-Ignore)".to_string(),
    })
}

/// Messages a mail server delivers over LMTP (`mail.lmtp`), through the postmaster as
/// `mail ingest` takes them.
pub struct LmtpInbox {
    pub postmaster: Arc<Postmaster>,
    pub route: Route,
}

#[async_trait::async_trait]
impl Inbox for LmtpInbox {
    async fn take(&self, message: Vec<u8>) -> Taken {
        match deliver(&self.postmaster, message, &self.route).await {
            Ok(what) => {
                tracing::debug!(%what, "LMTP: message delivered");
                Taken::Stored(what)
            }
            // As the pipe's exit status says: 75 is "try again later".
            Err(e) if e.exit_code() == 75 => {
                tracing::warn!(error = %e, "LMTP: a message could not be stored now; the mail server will try again");
                Taken::Later("the message could not be stored now".into())
            }
            Err(e) => Taken::Refused(e.to_string()),
        }
    }
}

/// How long `mail ingest` waits for the notifications a message caused.
const NOTIFY_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);
