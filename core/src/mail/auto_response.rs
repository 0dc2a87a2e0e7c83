//! Automatic answers to arriving mail, as a queue's auto-responses configure them: a
//! new ticket, a follow-up, a rejected follow-up and a new ticket for a closed one each
//! have their own. Never to mail a machine sent (auto-replies, bounces, lists), and no
//! more than OTRS's `PostmasterMaxEmails` a day to one address, so two systems cannot
//! answer each other forever.

use crate::error::DomainResult;
use crate::history::HistoryType;
use crate::model::*;
use crate::ports::*;
use crate::reply_text::{ReplyContext, fill};

use super::{Delivery, Postmaster, Signals};

/// OTRS's `PostmasterMaxEmails`: automatic answers to one address a day.
pub const MAX_AUTOMATIC_PER_DAY: u32 = 40;

/// What an answer needs of the mail it answers.
pub(super) struct Asked {
    /// Where answers go: Reply-To, else From.
    pub to: Option<String>,
    pub sender: Option<String>,
    pub subject: String,
    /// The first lines of the body, enough for any `<OTRS_CUSTOMER_EMAIL[n]>`.
    pub body: String,
}

impl Asked {
    pub fn of(mail: &super::InboundMail) -> Self {
        Self {
            to: mail.reply_to.clone().or_else(|| mail.from.clone()),
            sender: mail.sender.clone(),
            subject: mail.subject.clone(),
            body: mail.body.lines().take(200).collect::<Vec<_>>().join("\n"),
        }
    }
}

impl Postmaster {
    /// Sends the queue's answer to what became of a mail, if it has one and the mail
    /// deserves one. Returns the answer's article.
    pub(super) async fn answer(
        &self,
        delivery: &Delivery,
        because_closed: bool,
        asked: Asked,
        signals: Signals,
    ) -> DomainResult<Option<ArticleId>> {
        let (ticket_id, kind, history) = match delivery {
            Delivery::NewTicket { ticket_id, .. } if because_closed => {
                (*ticket_id, AutoResponseKind::NewTicketAfterClosed, HistoryType::SendAutoReply)
            }
            Delivery::NewTicket { ticket_id, .. } => (*ticket_id, AutoResponseKind::Reply, HistoryType::SendAutoReply),
            Delivery::FollowUp { ticket_id, .. } => {
                (*ticket_id, AutoResponseKind::FollowUp, HistoryType::SendAutoFollowUp)
            }
            Delivery::Rejected { ticket_id, .. } => (*ticket_id, AutoResponseKind::Reject, HistoryType::SendAutoReject),
            Delivery::Duplicate { .. } | Delivery::Ignored => return Ok(None),
        };
        let (Some(to), Some(address)) = (asked.to, asked.sender.as_deref()) else { return Ok(None) };
        if signals.automatic {
            return Ok(None);
        }
        let Some(ticket) = self.ports.tickets.get_unversioned(ticket_id).await? else { return Ok(None) };
        let Some(response) = self.ports.responses.auto_response(ticket.queue_id, kind).await? else {
            return Ok(None);
        };
        let today = self.ports.clock.now().date_naive();
        if !self.ports.responses.count_automatic_mail(address, today, MAX_AUTOMATIC_PER_DAY).await? {
            return Ok(None);
        }
        let customer = match ticket.customer_user_id.as_deref() {
            Some(login) => self.ports.customers.user(login).await?,
            None => None,
        };
        let ctx = ReplyContext {
            ticket_number: ticket.number.clone(),
            ticket_title: ticket.title.clone(),
            customer_first_name: customer.as_ref().map(|c| c.first_name.clone()).unwrap_or_default(),
            customer_last_name: customer.as_ref().map(|c| c.last_name.clone()).unwrap_or_default(),
            customer_email: address.to_string(),
            customer_subject: asked.subject,
            customer_body: asked.body,
            ..ReplyContext::default()
        };
        let article = NewArticle {
            channel: CommunicationChannel::Email,
            visible_for_customer: true,
            to: Some(to),
            ..NewArticle::note(fill(&response.subject, &ctx), fill(&response.body, &ctx))
        };
        let id = self.service.send_automatic(&ticket, article, &response.sender, history).await?;
        Ok(Some(id))
    }
}
