//! A notification's text for one recipient: its OTRS tags filled in. The tags are
//! OTRS's (`<OTRS_TICKET_Title>`, `<OTRS_NOTIFICATION_RECIPIENT_UserFirstname>`,
//! `<OTRS_CUSTOMER_BODY[30]>`, `<OTRS_CONFIG_FQDN>`, …), so an OTRS site's texts work
//! unchanged; a tag goats has nothing for becomes `-`, as in OTRS.

use crate::mail::escape_html;
use crate::model::{Agent, Article, CustomerUser, Ticket};
use crate::reply_text::{ReplyContext, fill_with, tag_value};

use super::definition::NotificationMessage;
use super::notifier::NotifierSettings;

/// A notification ready to go: plain text, and the HTML it was written in when it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// Empty for an HTML text: the mail's plain part is made from the HTML.
    pub body: String,
    pub html: Option<String>,
}

/// What the tags of one event's notifications refer to.
#[derive(Debug, Clone)]
pub struct TagValues {
    pub ticket: Ticket,
    pub customer: Option<CustomerUser>,
    /// The newest article from the customer, and from an agent.
    pub customer_article: Option<Article>,
    pub agent_article: Option<Article>,
    pub owner: Option<Agent>,
    pub responsible: Option<Agent>,
    /// Who caused the event.
    pub actor: Option<Agent>,
    pub recipient: Option<Agent>,
    pub settings: NotifierSettings,
}

impl TagValues {
    pub fn for_recipient(&self, agent: &Agent) -> Self {
        Self { recipient: Some(agent.clone()), ..self.clone() }
    }

    fn reply_context(&self) -> ReplyContext {
        let c = self.customer.as_ref();
        let a = |agent: &Option<Agent>, f: fn(&Agent) -> &String| agent.as_ref().map(f).cloned().unwrap_or_default();
        let article = self.customer_article.as_ref();
        ReplyContext {
            ticket_number: self.ticket.number.clone(),
            ticket_title: self.ticket.title.clone(),
            customer_first_name: c.map(|c| c.first_name.clone()).unwrap_or_default(),
            customer_last_name: c.map(|c| c.last_name.clone()).unwrap_or_default(),
            customer_email: c
                .map(|c| c.email.clone())
                .or_else(|| article.and_then(|a| a.from.clone()))
                .unwrap_or_default(),
            owner_first_name: a(&self.owner, |x| &x.first_name),
            owner_last_name: a(&self.owner, |x| &x.last_name),
            agent_first_name: a(&self.actor, |x| &x.first_name),
            agent_last_name: a(&self.actor, |x| &x.last_name),
            customer_subject: article.and_then(|a| a.subject.clone()).unwrap_or_default(),
            customer_body: article.map(|a| a.body.clone()).unwrap_or_default(),
        }
    }

    fn value(&self, tag: &str, reply: &ReplyContext) -> Option<String> {
        if let Some(field) = tag.strip_prefix("OTRS_NOTIFICATION_RECIPIENT_") {
            return agent_field(self.recipient.as_ref()?, field);
        }
        if let Some(field) = tag.strip_prefix("OTRS_OWNER_") {
            return agent_field(self.owner.as_ref()?, field);
        }
        if let Some(field) = tag.strip_prefix("OTRS_RESPONSIBLE_") {
            return agent_field(self.responsible.as_ref()?, field);
        }
        if let Some(field) = tag.strip_prefix("OTRS_CURRENT_") {
            return agent_field(self.actor.as_ref()?, field);
        }
        if let Some(field) = tag.strip_prefix("OTRS_CONFIG_") {
            return self.config(field);
        }
        if let Some((name, n)) = tag.strip_suffix(']').and_then(|t| t.split_once('['))
            && matches!(name, "OTRS_AGENT_SUBJECT" | "OTRS_AGENT_BODY" | "OTRS_AGENT_EMAIL")
        {
            let agent = ReplyContext {
                customer_subject: self.agent_article.as_ref().and_then(|a| a.subject.clone()).unwrap_or_default(),
                customer_body: self.agent_article.as_ref().map(|a| a.body.clone()).unwrap_or_default(),
                ..ReplyContext::default()
            };
            let as_customer = if name == "OTRS_AGENT_SUBJECT" { "OTRS_CUSTOMER_SUBJECT" } else { "OTRS_CUSTOMER_BODY" };
            return tag_value(&format!("{as_customer}[{n}]"), &agent);
        }
        let t = &self.ticket;
        let ticket = match tag {
            "OTRS_TICKET_TicketID" => Some(t.id.to_string()),
            "OTRS_TICKET_Queue" => Some(t.queue.clone()),
            "OTRS_TICKET_State" => Some(t.state.clone()),
            "OTRS_TICKET_Priority" => Some(t.priority.clone()),
            "OTRS_TICKET_Lock" => Some(if t.lock == crate::model::Lock::Unlock { "unlock" } else { "lock" }.into()),
            "OTRS_TICKET_CustomerID" => t.customer_id.clone(),
            "OTRS_TICKET_CustomerUserID" => t.customer_user_id.clone(),
            "OTRS_TICKET_Owner" => self.owner.as_ref().map(|a| a.login.clone()),
            "OTRS_TICKET_Responsible" => self.responsible.as_ref().map(|a| a.login.clone()),
            _ => None,
        };
        // Like the reply texts, an empty field of a person reads `-`.
        ticket.or_else(|| tag_value(tag, reply)).filter(|v| !v.is_empty())
    }

    fn config(&self, key: &str) -> Option<String> {
        let s = &self.settings;
        let (scheme, rest) = s.base_url.split_once("://").unwrap_or(("http", s.base_url.as_str()));
        Some(match key {
            "Ticket::Hook" => s.ticket_hook.clone(),
            "Ticket::HookDivider" => s.hook_divider.clone(),
            "HttpType" => scheme.to_string(),
            "FQDN" => rest.trim_end_matches('/').to_string(),
            "NotificationSenderName" => s.sender_name.clone(),
            "NotificationSenderEmail" => s.sender_email.clone(),
            // Any other setting may be a secret: none is given out.
            _ => return None,
        })
    }
}

/// A person's field; an empty one reads `-` (only settings may be empty, such as
/// `Ticket::HookDivider`).
fn agent_field(agent: &Agent, field: &str) -> Option<String> {
    let value = match field {
        "UserFirstname" => agent.first_name.clone(),
        "UserLastname" => agent.last_name.clone(),
        "UserFullname" => agent.full_name().trim().to_string(),
        "UserLogin" => agent.login.clone(),
        "UserEmail" => agent.email.clone()?,
        "UserTitle" => agent.title.clone()?,
        _ => return None,
    };
    Some(value).filter(|v| !v.is_empty())
}

/// The message with its tags filled for the recipient `values` names. In an HTML text
/// the values are escaped; the subject is plain text either way.
pub fn render(message: &NotificationMessage, values: &TagValues) -> Rendered {
    let reply = values.reply_context();
    let plain = |text: &str| fill_with(text, |tag| values.value(tag, &reply));
    let subject = plain(&message.subject).replace(['\r', '\n'], " ");
    if message.content_type.to_ascii_lowercase().starts_with("text/html") {
        let html = fill_with(&message.text, |tag| values.value(tag, &reply).map(|v| escape_html(&v)));
        Rendered { subject, body: String::new(), html: Some(html) }
    } else {
        Rendered { subject, body: plain(&message.text), html: None }
    }
}
