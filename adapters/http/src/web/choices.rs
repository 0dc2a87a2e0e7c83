//! The options of the pages' select boxes: queues, states, priorities and agents, as
//! value/label pairs, each list only what the agent may pick.

use goats_core::model::{Agent, FieldType, QueueId, StateType};
use goats_core::permission::Permission;

use super::desk::Desk;
use super::page::PageError;

pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Valid queues whose group grants the agent `permission`, except `except`.
pub async fn queues(desk: &Desk, permission: Permission, except: Option<QueueId>) -> Result<Vec<Choice>, PageError> {
    let groups = desk.perms.groups_with(permission);
    let queues = desk.state.lookups.queues().await.map_err(|e| PageError::from_domain(desk, e))?;
    Ok(queues
        .into_iter()
        .filter(|q| q.valid && groups.contains(&q.group_id) && Some(q.id) != except)
        .map(|q| Choice { value: q.id.to_string(), label: q.name })
        .collect())
}

/// Valid states; `settable` leaves out merged and removed, which no form may set.
pub async fn states(desk: &Desk, settable: bool) -> Result<Vec<Choice>, PageError> {
    let states = desk.state.lookups.states().await.map_err(|e| PageError::from_domain(desk, e))?;
    Ok(states
        .into_iter()
        .filter(|s| s.valid && !(settable && matches!(s.state_type, StateType::Merged | StateType::Removed)))
        .map(|s| Choice { value: s.id.to_string(), label: s.name })
        .collect())
}

pub async fn priorities(desk: &Desk) -> Result<Vec<Choice>, PageError> {
    let priorities = desk.state.lookups.priorities().await.map_err(|e| PageError::from_domain(desk, e))?;
    Ok(priorities.into_iter().filter(|p| p.valid).map(|p| Choice { value: p.id.to_string(), label: p.name }).collect())
}

pub async fn types(desk: &Desk) -> Result<Vec<Choice>, PageError> {
    let types = desk.state.lookups.types().await.map_err(|e| PageError::from_domain(desk, e))?;
    Ok(types.into_iter().filter(|t| t.valid).map(|t| Choice { value: t.id.to_string(), label: t.name }).collect())
}

/// Valid agents, by full name.
pub fn agents(agents: &[Agent]) -> Vec<Choice> {
    agents.iter().filter(|a| a.valid).map(|a| Choice { value: a.id.to_string(), label: a.full_name() }).collect()
}

/// Valid agents, by full name, those out of office today saying until when, so nobody
/// hands a ticket to someone who is away without knowing.
pub async fn agents_with_absence(desk: &Desk, agents: &[Agent]) -> Result<Vec<Choice>, PageError> {
    let now = chrono::Utc::now();
    let away = desk.state.out_of_office.away(now).await.map_err(|e| PageError::from_domain(desk, e))?;
    let tr = desk.tr();
    Ok(agents
        .iter()
        .filter(|a| a.valid)
        .map(|a| {
            let label = match away.iter().find(|(id, _)| *id == a.id) {
                Some((_, period)) => {
                    format!("{} ({})", a.full_name(), tr.v("agent-away-until", &period.end.to_string()))
                }
                None => a.full_name(),
            };
            Choice { value: a.id.to_string(), label }
        })
        .collect())
}

/// The fields a list can be filtered by, every kind goats knows, by name: the ticket
/// fields, then the article fields (a ticket matching when any article does).
pub async fn ticket_fields(desk: &Desk) -> Result<Vec<Choice>, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let tickets = desk.state.tickets.ticket_field_defs().await.map_err(fail)?;
    let articles = desk.state.tickets.article_field_defs().await.map_err(fail)?;
    let known = |d: &goats_core::model::DynamicFieldDef| !matches!(d.field_type, FieldType::Other(_));
    let tr = desk.tr();
    Ok(tickets
        .into_iter()
        .filter(known)
        .map(|d| Choice { value: d.name, label: d.label })
        .chain(
            articles
                .into_iter()
                .filter(known)
                .map(|d| Choice { value: d.name, label: tr.v("filter-article-field", &d.label) }),
        )
        .collect())
}
