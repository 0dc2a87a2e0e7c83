//! Saved ticket-list filters, per agent: a name and the list's query, kept as JSON in
//! the agent's `user_preferences` so they follow the agent to any instance.

use askama::Template;
use poem::web::Form;
use poem::{Response, handler};
use serde::{Deserialize, Serialize};

use super::desk::Desk;
use super::page::{Chrome, Nav, PageError, html, with_toast};
use super::ticket_list::ListQuery;

const PREF_SAVED_FILTERS: &str = "GoatsSavedTicketFilters";
/// Enough for any agent's habits; keeps the preference row small.
const MAX_SAVED: usize = 30;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedFilter {
    pub name: String,
    /// The list's URL, `/tickets?…`.
    pub url: String,
}

#[derive(Template)]
#[template(path = "partials/saved_filters.html")]
pub struct SavedFilters {
    pub c: Chrome,
    pub filters: Vec<SavedFilter>,
}

pub async fn load(desk: &Desk) -> Result<Vec<SavedFilter>, PageError> {
    let raw = desk
        .state
        .preferences
        .preference(desk.agent.id, PREF_SAVED_FILTERS)
        .await
        .map_err(|e| PageError::from_domain(desk, e))?;
    // A damaged preference (edited by hand) costs the saved filters, not the page.
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

async fn store(desk: &Desk, filters: &[SavedFilter]) -> Result<(), PageError> {
    let json = serde_json::to_string(filters).unwrap_or_else(|_| "[]".into());
    desk.state
        .preferences
        .set_preference(desk.agent.id, PREF_SAVED_FILTERS, &json)
        .await
        .map_err(|e| PageError::from_domain(desk, e))
}

#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    filter_name: String,
    #[serde(flatten)]
    query: ListQuery,
}

/// Saves the list's current filters under a name (replacing one of the same name).
#[handler]
pub async fn save(desk: Desk, Form(f): Form<SaveForm>) -> Result<Response, PageError> {
    let name: String = f.filter_name.trim().chars().take(80).collect();
    if name.is_empty() {
        return Err(PageError::invalid(&desk, "invalid-filter-name").beside("filter_name"));
    }
    let mut filters = load(&desk).await?;
    filters.retain(|s| s.name != name);
    if filters.len() >= MAX_SAVED {
        return Err(PageError::invalid(&desk, "invalid-filter-too-many"));
    }
    filters.push(SavedFilter { name, url: f.query.url_with(&[("page", "")]) });
    filters.sort_by_key(|f| f.name.to_lowercase());
    store(&desk, &filters).await?;
    let message = desk.tr().t("toast-filter-saved");
    Ok(with_toast(html(&SavedFilters { c: Chrome::for_desk(&desk, Nav::Tickets, String::new()), filters }), &message))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    name: String,
}

#[handler]
pub async fn delete(desk: Desk, Form(f): Form<DeleteForm>) -> Result<Response, PageError> {
    let mut filters = load(&desk).await?;
    filters.retain(|s| s.name != f.name);
    store(&desk, &filters).await?;
    Ok(html(&SavedFilters { c: Chrome::for_desk(&desk, Nav::Tickets, String::new()), filters }))
}
