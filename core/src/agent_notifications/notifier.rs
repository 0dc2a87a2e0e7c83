//! Sending the agent notifications an event calls for, as OTRS's notification event
//! handler does: the notifications that fire on the event's OTRS events and whose
//! conditions the ticket (and article) meet, to the agents their recipient rules name
//! who may read the ticket, by each transport the agent wants, in the agent's language.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::DomainResult;
use crate::event::{Event, TicketRef};
use crate::history::{HistoryEntry, HistoryType};
use crate::model::*;
use crate::out_of_office::OutOfOfficeService;
use crate::permission::{AgentPermissions, Permission, TicketAccess};
use crate::ports::*;
use crate::tickets::SYSTEM_USER;

use super::definition::{TicketNotification, Transport};
use super::preferences::{TRANSPORT_PREFERENCE, TransportChoices};
use super::render::{Rendered, TagValues, render};
use super::triggers::{is_article_event, otrs_events};

/// The ports the notifier works through.
#[derive(Clone)]
pub struct NotifierPorts {
    pub store: Arc<dyn AgentNotificationStore>,
    pub tickets: Arc<dyn TicketRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    pub lookups: Arc<dyn LookupRepository>,
    pub agents: Arc<dyn AgentRepository>,
    pub groups: Arc<dyn GroupRepository>,
    pub customers: Arc<dyn CustomerRepository>,
    pub preferences: Arc<dyn PreferenceStore>,
    pub clock: Arc<dyn Clock>,
    /// Writes the mails; without it the email transport is not usable and is skipped.
    pub composer: Option<Arc<dyn MailComposer>>,
    /// The in-app feed; without it the `NotificationView` transport is skipped.
    pub feed: Option<Arc<dyn NotificationChannel>>,
}

impl NotifierPorts {
    /// Every store port served by one store (a database, or the memory store in tests).
    pub fn of_one<S>(
        store: Arc<S>,
        clock: Arc<dyn Clock>,
        composer: Option<Arc<dyn MailComposer>>,
        feed: Option<Arc<dyn NotificationChannel>>,
    ) -> Self
    where
        S: AgentNotificationStore
            + TicketRepository
            + ArticleRepository
            + LookupRepository
            + AgentRepository
            + GroupRepository
            + CustomerRepository
            + PreferenceStore
            + 'static,
    {
        Self {
            store: store.clone(),
            tickets: store.clone(),
            articles: store.clone(),
            lookups: store.clone(),
            agents: store.clone(),
            groups: store.clone(),
            customers: store.clone(),
            preferences: store,
            clock,
            composer,
            feed,
        }
    }
}

/// The site's settings the notifications use.
#[derive(Debug, Clone)]
pub struct NotifierSettings {
    /// `NotificationSenderName` and `NotificationSenderEmail`.
    pub sender_name: String,
    pub sender_email: String,
    /// Where agents reach goats, such as `https://desk.example.com` (`HttpType` and
    /// `FQDN` come from it).
    pub base_url: String,
    pub ticket_hook: String,
    pub hook_divider: String,
    pub default_language: String,
    /// OTRS's `AgentSelfNotifyOnAction`: whether agents hear of what they did themselves.
    pub self_notify: bool,
}

pub struct AgentNotifier {
    ports: NotifierPorts,
    settings: NotifierSettings,
    absences: OutOfOfficeService,
}

/// What every notification of one event asks of its ticket, read once: the group of
/// its queue, its watchers and its articles.
struct Surroundings {
    group: Option<GroupId>,
    watchers: Vec<UserId>,
    articles: Vec<Article>,
}

/// One notification going to one agent by one transport.
struct Delivery<'a> {
    notification: &'a TicketNotification,
    agent: Agent,
    transport: Transport,
    text: Rendered,
}

impl AgentNotifier {
    pub fn new(ports: NotifierPorts, settings: NotifierSettings) -> Self {
        let absences = OutOfOfficeService::new(ports.agents.clone(), ports.preferences.clone());
        Self { ports, settings, absences }
    }

    /// Sends what `event` calls for; returns how many notifications left. Mails and
    /// their history rows are stored together, so a failed attempt stored nothing and
    /// can be repeated.
    pub async fn notify(&self, event: &Event) -> DomainResult<usize> {
        let fired = otrs_events(event);
        if fired.is_empty() {
            return Ok(0);
        }
        let all = self.ports.store.ticket_notifications().await?;
        let candidates: Vec<(&TicketNotification, Vec<&str>)> = all
            .iter()
            .map(|(n, _)| (n, fired.iter().copied().filter(|e| n.events.iter().any(|x| x == e)).collect::<Vec<_>>()))
            .filter(|(_, on)| !on.is_empty())
            .collect();
        if candidates.is_empty() {
            return Ok(0);
        }
        let Some(ticket) = self.ports.tickets.get(event.ticket().id).await? else { return Ok(0) };
        let around = Surroundings {
            group: self.ports.lookups.queue(ticket.queue_id).await?.map(|q| q.group_id),
            watchers: self.ports.tickets.watchers(ticket.id).await?,
            articles: self.ports.articles.list_for_ticket(ticket.id).await?,
        };
        // The event's article is among its ticket's, unless a merge has moved it since.
        let article = match article_of(event) {
            Some(id) => match around.articles.iter().find(|a| a.id == id) {
                Some(a) => Some(a.clone()),
                None => self.ports.articles.get(id).await?,
            },
            None => None,
        };
        let tags = self.tag_values(&ticket, &around.articles, event).await?;
        let mut deliveries = Vec::new();
        for (notification, on) in candidates {
            if !ticket_matches(notification, &ticket) {
                continue;
            }
            if on.iter().all(|e| is_article_event(e)) && !article_matches(notification, article.as_ref()) {
                continue;
            }
            let note = on.contains(&"NotificationAddNote");
            for agent in self.recipients(notification, &ticket, &around, event, note).await? {
                deliveries.extend(self.deliveries_to(notification, agent, &ticket, &tags).await?);
            }
        }
        self.send(event, &ticket, deliveries).await
    }

    /// The agents a notification's recipient rules name, as OTRS narrows them: never
    /// the system user, the actor only when self-notification is on, only valid agents
    /// who are not away (unless the notification goes out regardless) and who may read
    /// the ticket (or add a note to it, for a note's notification). An agent who is away
    /// and named a substitute has the substitute get it instead, if the substitute is in
    /// and may read the ticket.
    async fn recipients(
        &self,
        notification: &TicketNotification,
        ticket: &Ticket,
        around: &Surroundings,
        event: &Event,
        note: bool,
    ) -> DomainResult<Vec<Agent>> {
        let p = &self.ports;
        let group = around.group;
        let mut ids: BTreeSet<UserId> = notification.recipient_agents.iter().copied().collect();
        for rule in &notification.recipients {
            match rule.as_str() {
                "AgentOwner" => {
                    ids.insert(ticket.owner_id);
                }
                "AgentResponsible" if ticket.responsible_id != 0 => {
                    ids.insert(ticket.responsible_id);
                }
                "AgentWatcher" => ids.extend(around.watchers.iter().copied()),
                "AgentWritePermissions" => {
                    if let Some(g) = group {
                        ids.extend(p.store.group_members(g, Permission::Rw).await?);
                    }
                }
                "AgentMyQueues" => ids.extend(p.store.queue_subscribers(ticket.queue_id).await?),
                "AgentMyServices" => {
                    if let Some(service) = ticket.service_id {
                        ids.extend(p.store.service_subscribers(service).await?);
                    }
                }
                // Those who chose both the ticket's queue and its service.
                "AgentMyQueuesMyServices" => {
                    if let Some(service) = ticket.service_id {
                        let of_service: BTreeSet<UserId> =
                            p.store.service_subscribers(service).await?.into_iter().collect();
                        let of_queue = p.store.queue_subscribers(ticket.queue_id).await?;
                        ids.extend(of_queue.into_iter().filter(|id| of_service.contains(id)));
                    }
                }
                "AgentCreateBy" => {
                    if let Some(first) = around.articles.first()
                        && first.sender_type == SenderType::Agent
                    {
                        ids.insert(first.created_by);
                    }
                }
                // Customer recipients are customer notifications, not agents'.
                _ => {}
            }
        }
        for g in &notification.recipient_groups {
            ids.extend(p.store.group_members(*g, Permission::Ro).await?);
        }
        for r in &notification.recipient_roles {
            ids.extend(p.store.role_members(*r).await?);
        }
        let muted = |id: UserId| id == SYSTEM_USER || (!self.settings.self_notify && event.actor() == Some(id));
        ids.retain(|id| !muted(*id));
        // A ticket whose queue cannot be found is readable by no one.
        let Some(group_id) = group else { return Ok(Vec::new()) };
        let access = TicketAccess {
            group_id,
            owner_id: ticket.owner_id,
            responsible_id: ticket.responsible_id,
            watcher_ids: around.watchers.clone(),
        };
        let now = p.clock.now();
        let mut reached = BTreeSet::new();
        let mut out = Vec::new();
        for named in ids {
            let mut id = named;
            if !notification.send_on_out_of_office
                && let Some(away) = self.absences.away_at(named, now).await?
            {
                match away.substitute {
                    Some(s) if !muted(s) && self.absences.away_at(s, now).await?.is_none() => id = s,
                    _ => continue,
                }
            }
            if !reached.insert(id) {
                continue;
            }
            let Some(agent) = p.agents.get(id).await?.filter(|a| a.valid) else { continue };
            let permissions = AgentPermissions::new(id, p.groups.grants_for(id).await?);
            let may = permissions.can_access_ticket(&access, Permission::Ro)
                || (note && permissions.can_access_ticket(&access, Permission::Note));
            if may {
                out.push(agent);
            }
        }
        Ok(out)
    }

    /// The notification by every transport the agent wants and goats can use, less what
    /// went out today already when it is sent once a day.
    async fn deliveries_to<'a>(
        &self,
        notification: &'a TicketNotification,
        agent: Agent,
        ticket: &Ticket,
        tags: &TagValues,
    ) -> DomainResult<Vec<Delivery<'a>>> {
        let p = &self.ports;
        let choices =
            TransportChoices::parse(p.preferences.preference(agent.id, TRANSPORT_PREFERENCE).await?.as_deref());
        let language = p.preferences.preference(agent.id, "UserLanguage").await?;
        let Some(message) = notification.message_for(language.as_deref(), &self.settings.default_language) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for transport in notification.transports.iter().copied() {
            let usable = match transport {
                Transport::Email => p.composer.is_some() && agent.email.as_deref().is_some_and(|e| e.contains('@')),
                Transport::NotificationView => p.feed.is_some(),
            };
            if !usable || !choices.wants(notification, transport) {
                continue;
            }
            if notification.once_per_day {
                let today = p.clock.now().date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
                if p.store.sent_since(ticket.id, &history_name(notification, &agent, transport), today).await? {
                    continue;
                }
            }
            let text = render(message, &tags.for_recipient(&agent));
            out.push(Delivery { notification, agent: agent.clone(), transport, text });
        }
        Ok(out)
    }

    async fn send(&self, event: &Event, ticket: &Ticket, deliveries: Vec<Delivery<'_>>) -> DomainResult<usize> {
        if deliveries.is_empty() {
            return Ok(0);
        }
        let mut mails = Vec::new();
        let mut history = Vec::new();
        for d in &deliveries {
            if let (Transport::Email, Some(composer)) = (d.transport, &self.ports.composer) {
                let to = d.agent.email.clone().unwrap_or_default();
                let mail = self.mail(&d.agent, &to, &d.text);
                mails.push((
                    Envelope { sender: self.settings.sender_email.clone(), recipients: vec![to] },
                    composer.compose(&mail)?,
                ));
            }
            history.push(HistoryEntry {
                history_type: HistoryType::SendAgentNotification,
                name: history_name(d.notification, &d.agent, d.transport),
                article_id: None,
            });
        }
        let by = event.actor().unwrap_or(SYSTEM_USER);
        self.ports.store.record(ticket.id, mails, history, by).await?;
        if let Some(feed) = &self.ports.feed {
            for d in deliveries.iter().filter(|d| d.transport == Transport::NotificationView) {
                let note = Event::Notified {
                    ticket: TicketRef::from(ticket),
                    recipient: d.agent.id,
                    subject: d.text.subject.clone(),
                };
                let recipient = Recipient {
                    id: d.agent.id,
                    name: d.agent.full_name().trim().to_string(),
                    login: d.agent.login.clone(),
                    email: d.agent.email.clone(),
                    language: None,
                };
                // Best effort, as a toast is: the mails are stored already, and the
                // feed is in memory.
                let _ = feed.deliver(&note, &[recipient]).await;
            }
        }
        Ok(deliveries.len())
    }

    fn mail(&self, agent: &Agent, to: &str, text: &Rendered) -> OutboundMail {
        let message_id = OutboundMail::new_message_id(self.ports.clock.now(), &self.settings.sender_email);
        let name = agent.full_name().trim().to_string();
        OutboundMail {
            from: format!("\"{}\" <{}>", self.settings.sender_name.replace('"', ""), self.settings.sender_email),
            to: if name.is_empty() { to.to_string() } else { format!("\"{}\" <{to}>", name.replace('"', "")) },
            cc: None,
            subject: text.subject.clone(),
            body: text.body.clone(),
            html: text.html.clone(),
            message_id,
            in_reply_to: None,
            references: None,
            attachments: Vec::new(),
            automatic: true,
        }
    }

    /// The values of the tags every recipient's text shares.
    async fn tag_values(&self, ticket: &Ticket, articles: &[Article], event: &Event) -> DomainResult<TagValues> {
        let p = &self.ports;
        let last = |sender: SenderType| articles.iter().rev().find(|a| a.sender_type == sender).cloned();
        let customer = match ticket.customer_user_id.as_deref() {
            Some(login) if !login.is_empty() => p.customers.user(login).await?,
            _ => None,
        };
        let owner = p.agents.get(ticket.owner_id).await?;
        let responsible = p.agents.get(ticket.responsible_id).await?;
        let actor = match event.actor() {
            Some(id) => p.agents.get(id).await?,
            None => None,
        };
        Ok(TagValues {
            ticket: ticket.clone(),
            customer,
            customer_article: last(SenderType::Customer),
            agent_article: last(SenderType::Agent),
            owner,
            responsible,
            actor,
            recipient: None,
            settings: self.settings.clone(),
        })
    }
}

/// The notifier takes every event the dispatcher fans out, with its retries: a failed
/// attempt stored nothing, so trying again sends nothing twice.
#[async_trait::async_trait]
impl NotificationChannel for AgentNotifier {
    fn name(&self) -> String {
        "agent-notifications".into()
    }

    async fn deliver(&self, event: &Event, _recipients: &[Recipient]) -> Result<(), ChannelError> {
        self.notify(event).await.map(|_| ()).map_err(|e| ChannelError(e.to_string()))
    }
}

/// OTRS's history name for a sent notification: `%%<name>%%<login>%%<transport>`.
fn history_name(notification: &TicketNotification, agent: &Agent, transport: Transport) -> String {
    format!("%%{}%%{}%%{}", notification.name, agent.login, transport.name())
}

fn article_of(event: &Event) -> Option<ArticleId> {
    match event {
        Event::TicketCreated { article_id, .. } | Event::ArticleAdded { article_id, .. } => Some(*article_id),
        _ => None,
    }
}

/// Whether the ticket holds one of the listed values of every field a condition names.
fn ticket_matches(notification: &TicketNotification, ticket: &Ticket) -> bool {
    notification.ticket_conditions.iter().all(|(field, values)| {
        let actual = match field.as_str() {
            "QueueID" => Some(ticket.queue_id.to_string()),
            "StateID" => Some(ticket.state_id.to_string()),
            "PriorityID" => Some(ticket.priority_id.to_string()),
            "LockID" => Some(ticket.lock.id().to_string()),
            "TypeID" => ticket.type_id.map(|t| t.to_string()),
            "OwnerID" => Some(ticket.owner_id.to_string()),
            "ResponsibleID" => Some(ticket.responsible_id.to_string()),
            "CustomerID" => ticket.customer_id.clone(),
            "CustomerUserID" => ticket.customer_user_id.clone(),
            // A condition goats cannot check is not met.
            _ => None,
        };
        actual.is_some_and(|a| values.iter().any(|v| v.trim() == a))
    })
}

/// Whether the event's article meets the article conditions (an event without an
/// article meets none).
fn article_matches(notification: &TicketNotification, article: Option<&Article>) -> bool {
    if notification.article_conditions.is_empty() {
        return true;
    }
    let Some(a) = article else { return false };
    notification.article_conditions.iter().all(|(field, values)| {
        let actual = match field.as_str() {
            "ArticleSenderTypeID" => a.sender_type.id(),
            "ArticleIsVisibleForCustomer" => i32::from(a.visible_for_customer),
            "ArticleCommunicationChannelID" => a.channel.id(),
            _ => return false,
        };
        values.iter().any(|v| v.trim().parse::<i32>().ok() == Some(actual))
    })
}
