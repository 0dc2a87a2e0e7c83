//! `goats mail ingest`: one message from standard input through the postmaster.

use std::io::Read;

use goats_core::mail::{Answer, Delivered, Delivery, Route};
use goats_core::ports::LookupRepository;

use crate::{App, AppError};

pub async fn ingest(app: &App, queue: Option<&str>, trusted: bool) -> Result<(), AppError> {
    let queue = match queue {
        None => None,
        Some(name) => match app.db.queue_by_name(name).await? {
            Some(q) if q.valid => Some(q.id),
            Some(_) => return Err(AppError::Usage(format!("queue `{name}` is invalid"))),
            None => return Err(AppError::Usage(format!("there is no queue named `{name}`"))),
        },
    };
    // The whole message, as the postmaster keeps it, up to the mail limit: one byte
    // more is read to tell a message at the limit from a larger one.
    let limit = app.config.mail.max_message_mb * 1024 * 1024;
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
    let mail = goats_mail::parse(raw);
    let Delivered { delivery, signals, answer } = app.postmaster.deliver(mail, &Route { queue, trusted }).await?;
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
    match delivery {
        Delivery::NewTicket { number, article_id, .. } => {
            println!("new ticket {number} (article {article_id}){machine}")
        }
        Delivery::FollowUp { number, article_id, .. } => {
            println!("follow-up to ticket {number} (article {article_id}){machine}")
        }
        Delivery::Rejected { number, article_id, .. } => {
            println!("follow-up to closed ticket {number} rejected, kept as article {article_id}{machine}")
        }
        Delivery::Duplicate { article_id, .. } => println!("delivered before, as article {article_id}"),
        Delivery::Ignored => println!("ignored (X-OTRS-Ignore)"),
    }
    // The agents' notifications and the other channels run beside this process's
    // work: they are given time to finish before it exits. The mail is stored either way.
    if !app.events.settle(NOTIFY_WITHIN).await {
        tracing::warn!(seconds = NOTIFY_WITHIN.as_secs(), "notifications still under way were left unfinished");
    }
    Ok(())
}

/// How long `mail ingest` waits for the notifications a message caused.
const NOTIFY_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);
