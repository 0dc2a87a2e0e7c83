//! The ticket list: the queue view and search results in one page, filtered, sorted
//! and paged on the server. HTMX swaps only the results when a filter changes.

use std::collections::HashMap;

use askama::Template;
use chrono::{Duration, Utc};
use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::permission::Permission;
use goats_core::search::{SearchQuery, Snippet};
use poem::web::Query;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::choices::{self, Choice};
use super::colours::Colours;
use super::desk::Desk;
use super::format::{Stamp, age, state_class, when};
use super::page::{Chrome, Nav, PageError, html};

pub const PER_PAGE: u64 = 50;

/// The list's query string. Everything is text so an empty "all" option or a hand-edited
/// URL never fails the page: what does not parse is ignored.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub queue: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub lock: String,
    #[serde(default)]
    pub customer: String,
    /// Created within this many days.
    #[serde(default)]
    pub age: String,
    /// A dynamic field's name, and what to look for in it.
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    #[serde(default)]
    pub page: String,
}

/// The sortable columns, by the key the query string uses.
const SORTS: [(&str, TicketSortField); 10] = [
    ("number", TicketSortField::Number),
    ("title", TicketSortField::Title),
    ("queue", TicketSortField::Queue),
    ("state", TicketSortField::State),
    ("priority", TicketSortField::Priority),
    ("owner", TicketSortField::Owner),
    ("created", TicketSortField::Created),
    ("changed", TicketSortField::Changed),
    ("pending", TicketSortField::PendingUntil),
    ("relevance", TicketSortField::Relevance),
];

impl ListQuery {
    pub fn filter(&self) -> DomainResult<TicketFilter> {
        let ids = |s: &str| s.trim().parse::<i32>().ok().into_iter().collect::<Vec<_>>();
        let mut f = TicketFilter {
            queue_ids: ids(&self.queue),
            priority_ids: ids(&self.priority),
            owner_ids: ids(&self.owner),
            ..Default::default()
        };
        match self.state.as_str() {
            "active" => {
                f.state_types =
                    vec![StateType::New, StateType::Open, StateType::PendingReminder, StateType::PendingAuto]
            }
            "pending" => f.state_types = vec![StateType::PendingReminder, StateType::PendingAuto],
            "closed" => f.state_types = vec![StateType::Closed],
            other => f.state_ids = ids(other),
        }
        f.lock = match self.lock.as_str() {
            "locked" => Some(Lock::Lock),
            "unlocked" => Some(Lock::Unlock),
            _ => None,
        };
        let customer = self.customer.trim();
        if !customer.is_empty() {
            f.customer_user_ids = vec![customer.to_string()];
        }
        if let Ok(days) = self.age.trim().parse::<i64>()
            && days > 0
        {
            f.created_from = Some(Utc::now() - Duration::days(days));
        }
        let q = SearchQuery::parse(&self.q)?;
        f.text = (!q.is_empty()).then_some(q);
        Ok(f)
    }

    /// The dynamic field condition asked for, when both its field and its value are.
    pub fn field_condition(&self) -> Option<(&str, &str)> {
        let (field, value) = (self.field.trim(), self.value.trim());
        (!field.is_empty() && !value.is_empty()).then_some((field, value))
    }

    /// A search lists the best matches first unless a column is chosen.
    pub fn searching(&self) -> bool {
        !self.q.trim().is_empty()
    }

    pub fn sort(&self) -> TicketSort {
        let default = if self.searching() { TicketSortField::Relevance } else { TicketSortField::Created };
        let field = SORTS.iter().find(|(k, _)| *k == self.sort).map_or(default, |(_, f)| *f);
        let direction = if self.dir == "asc" { SortDirection::Asc } else { SortDirection::Desc };
        TicketSort { field, direction }
    }

    pub fn page(&self) -> u64 {
        self.page.trim().parse::<u64>().unwrap_or(1).clamp(1, 1_000_000)
    }

    /// This query as a URL, with some parameters replaced.
    pub fn url_with(&self, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("q", &self.q),
            ("queue", &self.queue),
            ("state", &self.state),
            ("priority", &self.priority),
            ("owner", &self.owner),
            ("lock", &self.lock),
            ("customer", &self.customer),
            ("age", &self.age),
            ("field", &self.field),
            ("value", &self.value),
            ("sort", &self.sort),
            ("dir", &self.dir),
            ("page", &self.page),
        ];
        for (k, v) in changes {
            if let Some(p) = pairs.iter_mut().find(|p| p.0 == *k) {
                p.1 = v;
            }
        }
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.into_iter().filter(|p| !p.1.is_empty()))
            .finish();
        if query.is_empty() { "/tickets".into() } else { format!("/tickets?{query}") }
    }

    /// The link of a column header: sorts by it, flipping the direction when it already does.
    pub fn sort_url(&self, key: &str) -> String {
        let dir = if self.sort == key && self.dir != "asc" { "asc" } else { "desc" };
        self.url_with(&[("sort", key), ("dir", dir), ("page", "")])
    }

    /// The list by relevance again, from its first page.
    pub fn relevance_url(&self) -> String {
        self.url_with(&[("sort", "relevance"), ("dir", ""), ("page", "")])
    }

    /// `aria-sort` of a column header.
    pub fn aria_sort(&self, key: &str) -> &'static str {
        let default = if self.searching() { "relevance" } else { "created" };
        match (self.sort == key || self.sort.is_empty() && key == default, self.dir == "asc") {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    }
}

pub struct Row {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub queue: String,
    pub state: String,
    pub state_class: &'static str,
    pub state_colour: Option<Colour>,
    pub priority: String,
    pub priority_colour: Option<Colour>,
    pub owner: String,
    pub customer: String,
    pub locked: bool,
    /// Holds an article the agent has not seen.
    pub unseen: bool,
    pub age: String,
    pub created: Stamp,
    /// Where the search's words stand in the ticket, when a search listed it.
    pub passage: Option<Snippet>,
}

#[derive(Template)]
#[template(path = "pages/tickets.html")]
struct ListPage {
    c: Chrome,
    r: Results,
    queues: Vec<Choice>,
    states: Vec<Choice>,
    priorities: Vec<Choice>,
    owners: Vec<Choice>,
    fields: Vec<Choice>,
    saved: super::saved_filters::SavedFilters,
}

#[derive(Template)]
#[template(path = "partials/ticket_results.html")]
struct Results {
    c: Chrome,
    query: ListQuery,
    rows: Vec<Row>,
    total: u64,
    /// A search counted only so far: "more than `total`".
    total_capped: bool,
    page: u64,
    pages: u64,
}

#[handler]
pub async fn page(req: &Request, desk: Desk, Query(query): Query<ListQuery>) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let tickets = &desk.state.tickets;
    // A search that is a ticket number the agent may read goes straight to the ticket.
    let q = query.q.trim();
    if !q.is_empty()
        && q.chars().all(|c| c.is_ascii_digit())
        && let Some(id) = tickets.find_by_number(&desk.perms, q).await.map_err(fail)?
    {
        return Ok(super::zoom::go_to(&desk, id));
    }
    let mut filter = query.filter().map_err(|e| fail(e).beside("q"))?;
    let search = filter.text.clone();
    if let Some((field, value)) = query.field_condition() {
        filter.fields.push(tickets.field_filter(field, value).await.map_err(|e| fail(e).beside("value"))?);
    }
    let found = tickets
        .list(&desk.perms, filter, query.sort(), PageRequest::new(query.page(), PER_PAGE))
        .await
        .map_err(fail)?;
    let mut passages = match &search {
        Some(q) => tickets.search_passages(&desk.perms, &found.items, q).await.map_err(fail)?,
        None => HashMap::new(),
    };
    let unseen = tickets.unseen(&desk.perms, &found.items).await.map_err(fail)?;
    let agents = desk.state.agents.list().await.map_err(fail)?;
    let names: HashMap<UserId, String> = agents.iter().map(|a| (a.id, a.full_name())).collect();
    let colours = Colours::of(&desk).await.map_err(fail)?;
    let now = Utc::now();
    let tr = desk.tr();
    let rows = found
        .items
        .into_iter()
        .map(|t| Row {
            id: t.id,
            passage: passages.remove(&t.id),
            locked: t.lock == Lock::Lock,
            unseen: unseen.contains(&t.id),
            owner: names.get(&t.owner_id).cloned().unwrap_or_default(),
            customer: t.customer_user_id.clone().unwrap_or_default(),
            age: age(tr, t.created, now),
            created: when(t.created),
            state_class: state_class(t.state_type),
            state_colour: colours.state(t.state_id),
            priority_colour: colours.priority(t.priority_id),
            number: t.number,
            title: t.title,
            queue: t.queue,
            state: t.state,
            priority: t.priority,
        })
        .collect();
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    let title = tr.t("tickets-title");
    let results = Results {
        c: Chrome::for_desk(&desk, Nav::Tickets, title.clone()),
        query,
        rows,
        total: found.total,
        total_capped: found.total_capped,
        page: found.page,
        pages,
    };
    // HTMX asks for just the results when a filter, a sort or a page changes.
    if req.headers().get("hx-target").and_then(|v| v.to_str().ok()) == Some("ticket-results") {
        return Ok(html(&results));
    }
    let queues = choices::queues(&desk, Permission::Ro, None).await?;
    let states = choices::states(&desk, false).await?;
    let priorities = choices::priorities(&desk).await?;
    let owners = choices::agents(&agents);
    let fields = choices::ticket_fields(&desk).await?;
    let saved = super::saved_filters::SavedFilters {
        c: Chrome::for_desk(&desk, Nav::Tickets, String::new()),
        filters: super::saved_filters::load(&desk).await?,
    };
    Ok(html(&ListPage {
        c: Chrome::for_desk(&desk, Nav::Tickets, title),
        r: results,
        queues,
        states,
        priorities,
        owners,
        fields,
        saved,
    }))
}
