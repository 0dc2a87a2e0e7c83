//! What the agents' pages follow live: the stream of events (`GET /api/events`,
//! server-sent events), the agent's due reminders (`GET /api/notifications/pending`)
//! and the reminder's snooze action (`POST /api/tickets/{id}/status`, which answers with
//! the updated reminder as an HTMX fragment). All three are session pages, so a
//! browser that is signed in needs nothing more; CSRF applies to the POST as to every
//! other form.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use askama::Template;
use chrono::{DateTime, Utc};
use goats_core::event::Event;
use goats_core::model::{Ticket, TicketId, UserId};
use goats_core::permission::AgentPermissions;
use goats_core::ports::LiveEvent;
use goats_core::tickets::TicketChange;
use poem::web::sse::{Event as SseEvent, SSE};
use poem::web::{Form, Json, Path};
use poem::{Request, Response, handler};
use serde::{Deserialize, Serialize};

use super::desk::Desk;
use super::format::parse_pending;
use super::i18n::Tr;
use super::page::{PageError, html};
use crate::AppState;

/// How long one wait for news lasts before the stream looks again (keep-alives are
/// sent meanwhile).
const WAIT: Duration = Duration::from_secs(20);

#[handler]
pub async fn events(desk: Desk, req: &Request) -> SSE {
    // A browser reconnecting says what it saw last; a new one starts from now.
    let last =
        req.header("Last-Event-ID").and_then(|v| v.trim().parse().ok()).unwrap_or_else(|| desk.state.live.last_id());
    let follower = Follower {
        state: desk.state.clone(),
        perms: desk.perms.clone(),
        user: desk.agent.id,
        tr: desk.tr(),
        last,
        ready: VecDeque::new(),
        _counted: Following::new("agent"),
    };
    let stream = futures_util::stream::unfold(follower, |mut f| async move {
        loop {
            if let Some(event) = f.ready.pop_front() {
                return Some((event, f));
            }
            for live in f.state.live.after(f.last, WAIT).await {
                f.last = live.id;
                if f.may_see(&live).await {
                    let event = f.render(&live);
                    f.ready.push_back(event);
                }
            }
        }
    });
    SSE::new(stream).keep_alive(Duration::from_secs(15))
}

/// One browser following the stream: whose it is and what they may see.
struct Follower {
    state: AppState,
    perms: AgentPermissions,
    user: UserId,
    tr: Tr,
    last: u64,
    ready: VecDeque<SseEvent>,
    _counted: Following,
}

/// Counts a browser in `goats_sse_clients` for as long as its stream is open.
pub(crate) struct Following(&'static str);

impl Following {
    pub(crate) fn new(who: &'static str) -> Self {
        metrics::gauge!("goats_sse_clients", "who" => who).increment(1.0);
        Self(who)
    }
}

impl Drop for Following {
    fn drop(&mut self) {
        metrics::gauge!("goats_sse_clients", "who" => self.0).decrement(1.0);
    }
}

/// What the page script receives for each event.
#[derive(Serialize)]
struct LiveMessage<'a> {
    kind: &'a str,
    ticket_id: TicketId,
    number: &'a str,
    title: &'a str,
    /// For the agent an event is addressed to: the toast's text.
    message: Option<String>,
}

impl Follower {
    /// Personal events reach the agents they are for; ticket news reaches whoever may
    /// read the ticket. Decided here, before anything leaves the server.
    async fn may_see(&mut self, live: &LiveEvent) -> bool {
        if live.event.is_personal() {
            return live.recipients.contains(&self.user);
        }
        // A ticket that cannot be checked now is not shown: nothing leaves unchecked.
        self.state.tickets.may_read(&self.perms, live.event.ticket()).await.unwrap_or(false)
    }

    fn render(&self, live: &LiveEvent) -> SseEvent {
        let t = live.event.ticket();
        let what = format!("{} {}", t.number, t.title);
        let message = match &live.event {
            Event::PendingReminder { .. } => Some(self.tr.v("live-reminder", &what)),
            Event::EscalationWarning { .. } => Some(self.tr.v("live-escalation-warning", &what)),
            Event::Escalated { .. } => Some(self.tr.v("live-escalated", &what)),
            // Written in the agent's language already, as their mail would be.
            Event::Notified { subject, .. } => Some(subject.clone()),
            _ => None,
        };
        let body =
            LiveMessage { kind: live.event.kind(), ticket_id: t.id, number: &t.number, title: &t.title, message };
        SseEvent::message(serde_json::to_string(&body).unwrap_or_default())
            .event_type(live.event.kind())
            .id(live.id.to_string())
    }
}

/// A due reminder and how to snooze it.
#[derive(Serialize)]
pub struct PendingReminder {
    pub ticket_id: TicketId,
    pub number: String,
    pub title: String,
    pub queue: String,
    pub due: DateTime<Utc>,
    pub snooze: SnoozeAction,
}

#[derive(Serialize)]
pub struct SnoozeAction {
    pub method: &'static str,
    pub url: String,
    /// The form fields that snooze it for an hour.
    pub fields: HashMap<&'static str, String>,
}

/// The most reminders one call lists; more than that at once is a backlog for the
/// dashboard, not for toasts.
const PENDING_SHOWN: u64 = 50;

#[handler]
pub async fn pending(desk: Desk) -> Result<Json<Vec<PendingReminder>>, PageError> {
    let due = super::reminders::due(&desk, PENDING_SHOWN).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(Json(
        due.into_iter()
            .map(|t| PendingReminder {
                snooze: SnoozeAction {
                    method: "POST",
                    url: format!("/api/tickets/{}/status", t.id),
                    fields: HashMap::from([("snooze_minutes", "60".to_string())]),
                },
                due: DateTime::from_timestamp(t.until_time, 0).unwrap_or_default(),
                ticket_id: t.id,
                number: t.number,
                title: t.title,
                queue: t.queue,
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
pub struct StatusForm {
    /// Minutes from now to move the pending time to.
    #[serde(default)]
    snooze_minutes: String,
    /// A new state (id or name), with `pending_until` for pending states.
    #[serde(default)]
    state: String,
    #[serde(default)]
    pending_until: String,
}

/// The updated ticket, as the reminder card shows it.
#[derive(Template)]
#[template(path = "partials/reminder_status.html")]
struct ReminderStatus {
    tr: Tr,
    ticket: Ticket,
    until: String,
}

#[handler]
pub async fn set_status(
    desk: Desk,
    Path(id): Path<TicketId>,
    Form(f): Form<StatusForm>,
) -> Result<Response, PageError> {
    let now = Utc::now();
    let change = match (f.snooze_minutes.trim(), f.state.trim()) {
        (minutes, "") if !minutes.is_empty() => {
            let minutes: i64 = minutes
                .parse()
                .ok()
                .filter(|m| (1..=10_080).contains(m))
                .ok_or_else(|| PageError::invalid(&desk, "invalid-snooze"))?;
            TicketChange::PendingTime(now + chrono::Duration::minutes(minutes))
        }
        ("", state) if !state.is_empty() => {
            let state_id = match state.parse() {
                Ok(id) => id,
                Err(_) => desk
                    .state
                    .lookups
                    .state_by_name(state)
                    .await
                    .map_err(|e| PageError::from_domain(&desk, e))?
                    .map(|s| s.id)
                    .ok_or_else(|| PageError::invalid(&desk, "invalid-form"))?,
            };
            let pending_until = parse_pending(&f.pending_until)
                .map_err(|_| PageError::invalid(&desk, "invalid-pending-time").beside("pending_until"))?;
            TicketChange::State { state_id, pending_until }
        }
        _ => return Err(PageError::invalid(&desk, "invalid-snooze")),
    };
    let ticket =
        desk.state.tickets.change(&desk.perms, id, change).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let until = match ticket.until_time {
        0 => String::new(),
        t => DateTime::from_timestamp(t, 0).map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
    };
    Ok(html(&ReminderStatus { tr: desk.tr(), ticket, until }))
}
