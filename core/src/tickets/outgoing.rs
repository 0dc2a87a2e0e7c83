//! An article that leaves as mail: an email an agent writes to someone. Before it is
//! stored, it gets what OTRS gives it: the queue's system address as sender, the ticket
//! number in the subject, a Message-ID, the thread it answers, and its MIME text, which
//! the store keeps and queues for sending in the article's own transaction.

use crate::error::{DomainError, DomainResult};
use crate::event::Event;
use crate::history::{HistoryEntry, HistoryType};
use crate::model::*;
use crate::ports::*;

use super::{Outgoing, SYSTEM_USER, TicketService};

impl TicketService {
    /// Where each outgoing article among `articles` (of one ticket, read by a caller
    /// allowed to) is: queued (with the last failure), sent, or failed. Articles that
    /// never left are not named.
    pub async fn deliveries_of(&self, articles: &[Article]) -> DomainResult<Vec<(ArticleId, DeliveryState)>> {
        let (Some(Outgoing { queue, .. }), Some(first)) = (&self.outgoing, articles.first()) else {
            return Ok(Vec::new());
        };
        let known = queue.states(first.ticket_id).await?;
        Ok(articles
            .iter()
            .filter(|a| {
                a.channel == CommunicationChannel::Email
                    && a.sender_type != SenderType::Customer
                    && a.message_id.is_some()
            })
            .map(|a| {
                let state = known.iter().find(|(id, _)| *id == a.id).map_or(DeliveryState::Sent, |(_, s)| s.clone());
                (a.id, state)
            })
            .collect())
    }

    /// Sends an automatic answer on a ticket (an auto-response) from `sender`, stored
    /// as the system's article with its history row (`history`, naming the recipient).
    pub(crate) async fn send_automatic(
        &self,
        ticket: &Ticket,
        mut article: NewArticle,
        sender: &SystemAddress,
        history: HistoryType,
    ) -> DomainResult<ArticleId> {
        article.sender_type = SenderType::System;
        self.check_article(&mut article)?;
        self.prepare_outgoing(Thread { sender: Some(sender), ..ticket.into() }, &mut article).await?;
        let name = format!("%%{}", article.to.clone().unwrap_or_default());
        let entry: HistoryBuilder = Box::new(move |_, id| {
            vec![HistoryEntry { history_type: history, name: name.clone(), article_id: Some(id) }]
        });
        let article_id = self.ports.articles.add(ticket.id, article, entry, SYSTEM_USER).await?;
        self.forget_reads();
        self.announce(ticket.id, |t| Event::ArticleAdded {
            ticket: t,
            article_id,
            internal: false,
            by: SYSTEM_USER,
            history,
        })
        .await;
        Ok(article_id)
    }

    /// Whether `article` leaves as mail.
    fn leaves(article: &NewArticle) -> bool {
        article.channel == CommunicationChannel::Email
            && article.sender_type != SenderType::Customer
            && article.to.as_deref().is_some_and(|t| !t.trim().is_empty())
    }

    /// Makes an outgoing `article` on `ticket` ready to send (see the module).
    /// Articles that do not leave, or a service with no composer, pass unchanged.
    pub(super) async fn prepare_outgoing(&self, ticket: Thread<'_>, article: &mut NewArticle) -> DomainResult<()> {
        let Some(Outgoing { composer, .. }) = &self.outgoing else { return Ok(()) };
        if !Self::leaves(article) {
            return Ok(());
        }
        let sender = match ticket.sender {
            Some(s) => s.clone(),
            None => self.ports.lookups.reply_texts(ticket.queue_id).await?.sender.ok_or_else(|| {
                DomainError::invalid(
                    "queue",
                    format!("queue {} has no valid system address to send from", ticket.queue),
                )
            })?,
        };
        let mut recipients = addresses(article.to.as_deref().unwrap_or_default(), "to")?;
        recipients.extend(addresses(article.cc.as_deref().unwrap_or_default(), "cc")?);
        let earlier = match ticket.id {
            Some(id) => self.ports.articles.list_for_ticket(id).await?,
            None => Vec::new(),
        };
        let answered =
            earlier.into_iter().rev().find(|a| a.sender_type == SenderType::Customer && a.message_id.is_some());
        let in_reply_to = answered.as_ref().and_then(|a| a.message_id.clone());
        let references = answered.as_ref().map(|a| {
            let earlier = a.references.as_deref().unwrap_or_default();
            format!("{earlier} {}", a.message_id.as_deref().unwrap_or_default()).trim().to_string()
        });
        let message_id = OutboundMail::new_message_id(self.ports.clock.now(), &sender.email);
        let mail = OutboundMail {
            from: sender.mailbox(),
            to: article.to.clone().unwrap_or_default(),
            cc: article.cc.clone().filter(|c| !c.trim().is_empty()),
            subject: self.numbered_subject(ticket.number, &article.subject),
            body: article.body.clone(),
            // What a person writes leaves as text and as HTML, as OTRS's rich-text
            // mail does; an automatic answer stays plain.
            html: (article.sender_type != SenderType::System).then(|| crate::mail::html_of_plain(&article.body)),
            message_id: message_id.clone(),
            in_reply_to: in_reply_to.clone(),
            references: references.clone(),
            attachments: article.attachments.clone(),
            automatic: article.sender_type == SenderType::System,
        };
        let raw = composer.compose(&mail)?;
        article.from = Some(mail.from);
        article.subject = mail.subject;
        article.message_id = Some(message_id);
        article.in_reply_to = in_reply_to;
        article.references = references;
        article.plain = Some(raw.into());
        article.outbound = Some(Envelope { sender: sender.email, recipients });
        Ok(())
    }

    /// The subject with the ticket number after the hook, as OTRS writes it (its
    /// `Ticket::SubjectFormat` "Left"): `RE: [Ticket#…] …`. A subject that carries the
    /// number already keeps it where it is.
    fn numbered_subject(&self, number: &str, subject: &str) -> String {
        let tag = format!("[{}{number}]", self.numbers.hook);
        if subject.contains(number) {
            return subject.to_string();
        }
        let (reply, rest) = match subject.get(..3) {
            Some(p) if p.eq_ignore_ascii_case("re:") => ("RE: ", subject[3..].trim_start()),
            _ => ("", subject.trim()),
        };
        format!("{reply}{tag} {rest}").trim_end().to_string()
    }
}

/// The ticket an outgoing article belongs to, as far as its mail needs it: a new
/// ticket has no id yet and nothing to answer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Thread<'a> {
    pub id: Option<TicketId>,
    pub number: &'a str,
    pub queue_id: QueueId,
    pub queue: &'a str,
    /// Sent from this address rather than the queue's.
    pub sender: Option<&'a SystemAddress>,
}

impl<'a> From<&'a Ticket> for Thread<'a> {
    fn from(t: &'a Ticket) -> Self {
        Self { id: Some(t.id), number: &t.number, queue_id: t.queue_id, queue: &t.queue, sender: None }
    }
}

/// The bare addresses of a header's mailboxes (`Name <a@b>, c@d`).
fn addresses(header: &str, field: &'static str) -> DomainResult<Vec<String>> {
    let mut out = Vec::new();
    for mailbox in header.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        let address = match (mailbox.rfind('<'), mailbox.rfind('>')) {
            (Some(open), Some(close)) if open < close => &mailbox[open + 1..close],
            _ => mailbox,
        };
        let address = address.trim();
        let valid = address
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && (domain.contains('.') || domain == "localhost"))
            && !address.contains(char::is_whitespace);
        if !valid {
            return Err(DomainError::invalid(field, format!("`{mailbox}` is not an email address")));
        }
        out.push(address.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::addresses;

    #[test]
    fn mailboxes_give_their_addresses() {
        assert_eq!(
            addresses("Jane Doe <jane@example.com>, bob@example.org", "to").unwrap(),
            ["jane@example.com", "bob@example.org"]
        );
        assert_eq!(addresses("", "cc").unwrap(), Vec::<String>::new());
        assert!(addresses("not an address", "to").is_err());
        assert!(addresses("jane@", "to").is_err());
    }
}
