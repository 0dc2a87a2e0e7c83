//! `GET /customer/events`: what a customer's open portal pages follow live, as
//! server-sent events — news of their own and their company's tickets that they could
//! see on the page anyway: an answer meant for them, a change of the ticket. Internal
//! notes, agents' notifications and other tickets never reach the stream; each event
//! carries only which ticket changed, and the page fetches what the customer may read.

use std::collections::VecDeque;
use std::time::Duration;

use goats_core::event::Event;
use goats_core::model::TicketId;
use goats_core::ports::LiveEvent;
use poem::web::sse::{Event as SseEvent, SSE};
use poem::{Request, handler};
use serde::Serialize;

use super::Visit;
use crate::web::live::Following;

/// How long one wait for news lasts before the stream looks again (keep-alives are
/// sent meanwhile).
const WAIT: Duration = Duration::from_secs(20);

#[handler]
pub async fn events(visit: Visit, req: &Request) -> SSE {
    // A browser reconnecting says what it saw last; a new one starts from now.
    let last =
        req.header("Last-Event-ID").and_then(|v| v.trim().parse().ok()).unwrap_or_else(|| visit.state.live.last_id());
    let follower = Follower { visit, last, ready: VecDeque::new(), _counted: Following::new("customer") };
    let stream = futures_util::stream::unfold(follower, |mut f| async move {
        loop {
            if let Some(event) = f.ready.pop_front() {
                return Some((event, f));
            }
            for live in f.visit.state.live.after(f.last, WAIT).await {
                f.last = live.id;
                if f.may_see(&live).await {
                    f.ready.push_back(render(&live));
                }
            }
        }
    });
    SSE::new(stream).keep_alive(Duration::from_secs(15))
}

/// One customer's browser following the stream.
struct Follower {
    visit: Visit,
    last: u64,
    ready: VecDeque<SseEvent>,
    _counted: Following,
}

/// What the page script receives: which ticket to fetch again.
#[derive(Serialize)]
struct PortalNews<'a> {
    kind: &'a str,
    ticket_id: TicketId,
}

impl Follower {
    async fn may_see(&self, live: &LiveEvent) -> bool {
        let shown = match &live.event {
            Event::ArticleAdded { internal, .. } => !internal,
            Event::TicketUpdated { .. } => true,
            // Reminders, escalations and notifications are agents' business.
            _ => false,
        };
        let (login, company) = self.visit.scope();
        // A ticket that cannot be checked now is not shown: nothing leaves unchecked.
        shown
            && self.visit.state.tickets.customer_may_see(login, company, live.event.ticket().id).await.unwrap_or(false)
    }
}

fn render(live: &LiveEvent) -> SseEvent {
    let body = PortalNews { kind: live.event.kind(), ticket_id: live.event.ticket().id };
    SseEvent::message(serde_json::to_string(&body).unwrap_or_default())
        .event_type(live.event.kind())
        .id(live.id.to_string())
}
