//! The agent's start page: what needs them now — their locked tickets, their pending
//! reminders that are due, new and escalated tickets in their queues — and counts per
//! queue and state.

use askama::Template;
use chrono::Utc;
use goats_core::model::*;
use poem::{Response, handler};

use super::colours::Colours;
use super::desk::Desk;
use super::format::{age, state_class};
use super::page::{Chrome, Nav, PageError, html};

pub struct Item {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub queue: String,
    pub state: String,
    pub state_class: &'static str,
    pub state_colour: Option<Colour>,
    pub age: String,
    /// Holds an article the agent has not seen.
    pub unseen: bool,
}

pub struct CountRow {
    pub queue_id: QueueId,
    pub queue: String,
    pub state_id: StateId,
    pub state: String,
    pub n: u64,
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct Dashboard {
    c: Chrome,
    locked: Vec<Item>,
    reminders: Vec<Item>,
    fresh: Vec<Item>,
    escalated: Vec<Item>,
    counts: Vec<CountRow>,
}

const SHOWN: u64 = 10;

#[handler]
pub async fn page(desk: Desk) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let tickets = &desk.state.tickets;
    let me = desk.agent.id;
    let now = Utc::now();
    let tr = desk.tr();
    let colours = Colours::of(&desk).await.map_err(fail)?;
    let newest = TicketSort { field: TicketSortField::Created, direction: SortDirection::Desc };
    let active = vec![StateType::New, StateType::Open, StateType::PendingReminder, StateType::PendingAuto];
    let locked =
        TicketFilter { owner_ids: vec![me], lock: Some(Lock::Lock), state_types: active, ..Default::default() };
    let locked = tickets.list(&desk.perms, locked, newest, PageRequest::new(1, SHOWN)).await.map_err(fail)?;
    let reminders = super::reminders::due(&desk, SHOWN).await.map_err(fail)?;
    let fresh = TicketFilter { state_types: vec![StateType::New], ..Default::default() };
    let fresh = tickets.list(&desk.perms, fresh, newest, PageRequest::new(1, SHOWN)).await.map_err(fail)?;
    // Escalated: past their earliest escalation time (kept current by the escalation
    // job), the longest-waiting first.
    let oldest = TicketSort { field: TicketSortField::Created, direction: SortDirection::Asc };
    let escalated = TicketFilter { escalated_by: Some(now), ..Default::default() };
    let escalated = tickets.list(&desk.perms, escalated, oldest, PageRequest::new(1, SHOWN)).await.map_err(fail)?;
    let listed = [&locked.items, &reminders, &fresh.items, &escalated.items].into_iter().flatten();
    let unseen = tickets.unseen(&desk.perms, listed).await.map_err(fail)?;
    let item = |t: Ticket| Item {
        id: t.id,
        age: age(tr, t.created, now),
        state_class: state_class(t.state_type),
        state_colour: colours.state(t.state_id),
        unseen: unseen.contains(&t.id),
        number: t.number,
        title: t.title,
        queue: t.queue,
        state: t.state,
    };
    let counts = tickets
        .counts(&desk.perms)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|(q, s, n)| CountRow { queue_id: q.id, queue: q.name, state_id: s.id, state: s.name, n })
        .collect();
    Ok(html(&Dashboard {
        c: Chrome::for_desk(&desk, Nav::Dashboard, tr.t("dashboard-title")),
        locked: locked.items.into_iter().map(item).collect(),
        reminders: reminders.into_iter().map(item).collect(),
        fresh: fresh.items.into_iter().map(item).collect(),
        escalated: escalated.items.into_iter().map(item).collect(),
        counts,
    }))
}
