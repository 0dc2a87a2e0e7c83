//! Articles on a ticket, their attachments, and the time worked on it.

use crate::error::{DomainError, DomainResult};
use crate::event::{Event, TicketRef};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission};
use crate::ports::*;

use super::{TicketService, plan};

impl TicketService {
    /// What every new article must meet whoever writes it: attachments within the
    /// size limit, and time units a `time_accounting` row holds (rounded as it rounds).
    /// Mail that arrived is not held to the upload limit: it was bounded as a whole
    /// where it came in, and refusing one of its files would lose the customer's mail.
    pub(super) fn check_article(&self, article: &mut NewArticle) -> DomainResult<()> {
        article.time_unit = article.time_unit.map(time_units).transpose()?;
        if article.arrived_as_mail() {
            return Ok(());
        }
        match article.attachments.iter().find(|a| a.size() > self.max_attachment_bytes) {
            Some(big) => Err(DomainError::invalid(
                "attachments",
                format!(
                    "{} is {} bytes; attachments may have at most {} bytes",
                    big.filename(),
                    big.size(),
                    self.max_attachment_bytes
                ),
            )),
            None => Ok(()),
        }
    }

    /// One attachment of a ticket the actor may read, with its bytes.
    pub async fn attachment(
        &self,
        actor: &AgentPermissions,
        ticket_id: TicketId,
        attachment_id: i64,
    ) -> DomainResult<(Attachment, Vec<u8>)> {
        self.readable(actor, ticket_id).await?;
        let not_found = || DomainError::not_found("attachment", attachment_id);
        let (meta, bytes) = self.ports.articles.attachment(attachment_id).await?.ok_or_else(not_found)?;
        // The attachment must belong to this ticket: ids must not open other tickets' files.
        let article = self.ports.articles.get(meta.article_id).await?.ok_or_else(not_found)?;
        if article.ticket_id != ticket_id {
            return Err(not_found());
        }
        Ok((meta, bytes))
    }

    /// The message an article of a ticket the actor may read was made of (mail in or
    /// out), as it arrived or left.
    pub async fn article_source(
        &self,
        actor: &AgentPermissions,
        ticket_id: TicketId,
        article_id: ArticleId,
    ) -> DomainResult<Vec<u8>> {
        self.readable(actor, ticket_id).await?;
        let not_found = || DomainError::not_found("message source", article_id);
        let article = self.ports.articles.get(article_id).await?.ok_or_else(not_found)?;
        if article.ticket_id != ticket_id {
            return Err(not_found());
        }
        self.ports.articles.plain(article_id).await?.ok_or_else(not_found)
    }

    /// Adds an article. Internal notes need `note`; anything the customer sees needs `rw`.
    pub async fn add_article(
        &self,
        actor: &AgentPermissions,
        ticket_id: TicketId,
        article: NewArticle,
    ) -> DomainResult<ArticleId> {
        let ticket = self.load_unversioned(ticket_id).await?;
        let needed = if article.visible_for_customer { Permission::Rw } else { Permission::Note };
        self.require(actor, (&ticket).into(), needed, "adding this article").await?;
        if article.body.trim().is_empty() {
            return Err(DomainError::invalid("body", "an article needs a body"));
        }
        let mut article = article;
        self.check_article(&mut article)?;
        self.prepare_outgoing((&ticket).into(), &mut article).await?;
        let for_history = article.clone();
        let internal = !article.visible_for_customer;
        let history_type = plan::added_article_history(&article, 0).history_type;
        let history: HistoryBuilder =
            Box::new(move |_, article_id| vec![plan::added_article_history(&for_history, article_id)]);
        let article_id = self.ports.articles.add(ticket_id, article, history, actor.user_id).await?;
        // Text search matches article bodies: totals may change.
        self.forget_reads();
        // An article leaves the ticket's fields as they were: the ticket read above serves.
        if let Some(events) = &self.events {
            events
                .publish(Event::ArticleAdded {
                    ticket: TicketRef::from(&ticket),
                    article_id,
                    internal,
                    by: actor.user_id,
                    history: history_type,
                })
                .await;
        }
        Ok(article_id)
    }

    /// Records time worked on a ticket (negative to correct); needs `note`, as the
    /// time usually comes with a note. Returns the ticket's new total.
    pub async fn account_time(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        units: f64,
        article_id: Option<ArticleId>,
    ) -> DomainResult<f64> {
        let units = time_units(units)?;
        let ticket = self.load_unversioned(id).await?;
        self.require(actor, (&ticket).into(), Permission::Note, "accounting time").await?;
        if let Some(a) = article_id {
            let belongs = self.ports.articles.get(a).await?.is_some_and(|x| x.ticket_id == id);
            if !belongs {
                return Err(DomainError::invalid("article_id", format!("article {a} is not part of this ticket")));
            }
        }
        let total = self.ports.tickets.account_time(id, article_id, units, actor.user_id).await?;
        self.forget_reads();
        Ok(total)
    }

    pub async fn accounted_time(&self, actor: &AgentPermissions, id: TicketId) -> DomainResult<f64> {
        self.readable(actor, id).await?;
        self.accounted_of(id).await
    }
}

/// Time units as `time_accounting.time_unit` (DECIMAL(10,2)) holds them: non-zero
/// (negative corrects), below 100,000,000, rounded to hundredths.
pub(super) fn time_units(units: f64) -> DomainResult<f64> {
    if !units.is_finite() || units == 0.0 || units.abs() >= 100_000_000.0 {
        return Err(DomainError::invalid("time_unit", "a non-zero number below 100,000,000"));
    }
    Ok((units * 100.0).round() / 100.0)
}
