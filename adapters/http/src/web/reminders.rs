//! An agent's due reminders, for the dashboard and for the toasts that pop up: the
//! pending-reminder tickets whose time has come and whose reminder is theirs — by the
//! same rule the reminder job sends them (the responsible agent, or the owner when there
//! is no valid responsible one).

use chrono::Utc;
use goats_core::DomainError;
use goats_core::model::{PageRequest, SortDirection, StateType, Ticket, TicketFilter, TicketSort, TicketSortField};
use goats_core::scheduled::reminder_recipient;

use super::desk::Desk;

/// Up to `limit` of the agent's due reminders, the longest due first.
pub async fn due(desk: &Desk, limit: u64) -> Result<Vec<Ticket>, DomainError> {
    let me = desk.agent.id;
    let now = Utc::now().timestamp();
    let soonest = TicketSort { field: TicketSortField::PendingUntil, direction: SortDirection::Asc };
    let mut mine: Vec<Ticket> = Vec::new();
    // The agent's tickets as responsible, then as owner: two indexed lists, the earliest
    // first, so the due ones come before any that are not due yet.
    for who in [
        TicketFilter { responsible_ids: vec![me], ..Default::default() },
        TicketFilter { owner_ids: vec![me], ..Default::default() },
    ] {
        let filter = TicketFilter { state_types: vec![StateType::PendingReminder], ..who };
        let page = desk.state.tickets.list(&desk.perms, filter, soonest, PageRequest::new(1, limit)).await?;
        for t in page.items.into_iter().take_while(|t| t.until_time <= now) {
            if mine.iter().any(|m| m.id == t.id) {
                continue;
            }
            let responsible_valid = match t.responsible_id {
                0 => false,
                id if id == me => true,
                id => desk.state.agents.get(id).await?.is_some_and(|a| a.valid),
            };
            if reminder_recipient(&t, responsible_valid) == me {
                mine.push(t);
            }
        }
    }
    mine.sort_by_key(|t| t.until_time);
    mine.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(mine)
}
