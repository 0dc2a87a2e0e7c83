//! Reading tickets: one by id, and pages of a filtered, sorted list.

use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::ports::LookupRepository;
use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::like;
use crate::row::{Decoded, db_now, int, opt_int, opt_text, text, time};
use crate::search::Recent;

/// Tickets with their versions (see [`SELECT_VERSIONED_TICKET_ROW`]) and their queue,
/// state, priority, service and SLA joined as `q`, `s`, `p`, `sv` and `sl`, for the
/// scheduler's queries, which select tickets by those.
pub(crate) const SELECT_TICKET: &str = "SELECT t.id, t.tn, t.title, t.queue_id, q.name AS queue_name, t.ticket_state_id, \
     s.name AS state_name, s.type_id AS state_type_id, t.ticket_priority_id, p.name AS priority_name, t.type_id, \
     t.ticket_lock_id, t.user_id, t.responsible_user_id, t.customer_id, t.customer_user_id, t.until_time, \
     t.service_id, sv.name AS service_name, t.sla_id, sl.name AS sla_name, t.escalation_time, \
     t.escalation_response_time, t.escalation_update_time, t.escalation_solution_time, t.create_time, t.change_time, \
     (SELECT MAX(h.id) FROM ticket_history h WHERE h.ticket_id = t.id AND h.history_type_id <> 9) AS version \
     FROM ticket t \
     JOIN queue q ON q.id = t.queue_id \
     JOIN ticket_state s ON s.id = t.ticket_state_id \
     JOIN ticket_priority p ON p.id = t.ticket_priority_id \
     LEFT JOIN service sv ON sv.id = t.service_id \
     LEFT JOIN sla sl ON sl.id = t.sla_id";

/// A ticket's own columns with the names of its queue, state, priority, service and
/// SLA looked up per row rather than joined: PostgreSQL planned the five joins beside
/// the ticket's own in 2.5–3 ms for a list page, three times what running the page's
/// statement took (0.6 ms now), and in 0.57 ms for one ticket by id (0.14 ms now).
macro_rules! ticket_row_columns {
    () => {
        "SELECT t.id, t.tn, t.title, t.queue_id, \
         (SELECT q.name FROM queue q WHERE q.id = t.queue_id) AS queue_name, t.ticket_state_id, \
         (SELECT s.name FROM ticket_state s WHERE s.id = t.ticket_state_id) AS state_name, \
         (SELECT s.type_id FROM ticket_state s WHERE s.id = t.ticket_state_id) AS state_type_id, t.ticket_priority_id, \
         (SELECT p.name FROM ticket_priority p WHERE p.id = t.ticket_priority_id) AS priority_name, t.type_id, \
         t.ticket_lock_id, t.user_id, t.responsible_user_id, t.customer_id, t.customer_user_id, t.until_time, \
         t.service_id, (SELECT sv.name FROM service sv WHERE sv.id = t.service_id) AS service_name, \
         t.sla_id, (SELECT sl.name FROM sla sl WHERE sl.id = t.sla_id) AS sla_name, t.escalation_time, \
         t.escalation_response_time, t.escalation_update_time, t.escalation_solution_time, t.create_time, t.change_time, "
    };
}

/// Tickets for a list: without their versions (0), which nothing listed needs and which
/// would cost a history lookup per row — per matching row, where the database sorts
/// before it limits.
pub(super) const SELECT_TICKET_ROW: &str = concat!(ticket_row_columns!(), "0 AS version FROM ticket t");

/// One ticket with its version (for ETags and guarded updates): its newest history row
/// but a sent notification's (type 9), which changes nothing on the ticket and comes
/// after the change that caused it, so it must not make a writer's version stale.
pub(super) const SELECT_VERSIONED_TICKET_ROW: &str = concat!(
    ticket_row_columns!(),
    "(SELECT MAX(h.id) FROM ticket_history h WHERE h.ticket_id = t.id AND h.history_type_id <> 9) AS version \
     FROM ticket t"
);

pub(crate) fn ticket_from(r: &QueryResult) -> Decoded<Ticket> {
    Ok(Ticket {
        id: int(r, "id")?,
        number: text(r, "tn")?,
        title: opt_text(r, "title")?.unwrap_or_default(),
        queue_id: int(r, "queue_id")? as i32,
        queue: text(r, "queue_name")?,
        state_id: int(r, "ticket_state_id")? as i32,
        state: text(r, "state_name")?,
        state_type: StateType::from_id(int(r, "state_type_id")? as i32).unwrap_or(StateType::Open),
        priority_id: int(r, "ticket_priority_id")? as i32,
        priority: text(r, "priority_name")?,
        type_id: opt_int(r, "type_id")?.map(|v| v as i32),
        service_id: opt_int(r, "service_id")?.map(|v| v as i32),
        service: opt_text(r, "service_name")?,
        sla_id: opt_int(r, "sla_id")?.map(|v| v as i32),
        sla: opt_text(r, "sla_name")?,
        lock: Lock::from_id(int(r, "ticket_lock_id")? as i32).unwrap_or(Lock::Unlock),
        owner_id: int(r, "user_id")? as i32,
        responsible_id: int(r, "responsible_user_id")? as i32,
        customer_id: opt_text(r, "customer_id")?,
        customer_user_id: opt_text(r, "customer_user_id")?,
        until_time: int(r, "until_time")?,
        escalation: goats_core::escalation::EscalationColumns {
            escalation_time: int(r, "escalation_time")?,
            response_time: int(r, "escalation_response_time")?,
            update_time: int(r, "escalation_update_time")?,
            solution_time: int(r, "escalation_solution_time")?,
        },
        created: time(r, "create_time")?,
        changed: time(r, "change_time")?,
        // A ticket written without history rows (by a tool other than OTRS) has version 0.
        version: opt_int(r, "version")?.unwrap_or(0),
        articles: None,
        dynamic_fields: None,
    })
}

/// `WHERE` conditions for a filter, with their values in placeholder order. State types
/// must already be resolved to state ids (`list` does so).
pub(super) fn filter_sql(d: Dialect, f: &TicketFilter) -> (String, Vec<Value>) {
    filter_sql_newer_than(d, f, None)
}

/// [`filter_sql`] whose search looks only at the `recent` tickets.
pub(super) fn filter_sql_newer_than(d: Dialect, f: &TicketFilter, recent: Option<Recent>) -> (String, Vec<Value>) {
    let mut conds: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut any_of = |column: &str, items: Vec<Value>| {
        if !items.is_empty() {
            conds.push(format!("{column} IN ({})", vec!["?"; items.len()].join(", ")));
            values.extend(items);
        }
    };
    any_of("t.queue_id", f.queue_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.ticket_state_id", f.state_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.ticket_priority_id", f.priority_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.user_id", f.owner_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.responsible_user_id", f.responsible_ids.iter().map(|v| Value::from(*v)).collect());
    any_of("t.customer_id", f.customer_ids.iter().map(|v| Value::from(v.clone())).collect());
    any_of("t.customer_user_id", f.customer_user_ids.iter().map(|v| Value::from(v.clone())).collect());
    any_of("t.type_id", f.type_ids.iter().map(|v| Value::from(*v)).collect());
    let ranges = [
        ("t.create_time >= ?", f.created_from),
        ("t.create_time < ?", f.created_until),
        ("t.change_time >= ?", f.changed_from),
        ("t.change_time < ?", f.changed_until),
    ];
    for (cond, at) in ranges {
        if let Some(at) = at {
            conds.push(cond.into());
            values.push(db_now(at).into());
        }
    }
    if let Some(at) = f.escalated_by {
        conds.push("t.escalation_time > 0 AND t.escalation_time <= ?".into());
        values.push(at.timestamp().into());
    }
    if let Some((login, company)) = &f.customer_scope {
        conds.push("(t.customer_user_id = ? OR t.customer_id = ?)".into());
        values.push(login.clone().into());
        // An empty company must not match tickets without one.
        values.push(if company.is_empty() { Value::String(None) } else { company.clone().into() });
    }
    if let Some(lock) = f.lock {
        conds.push("t.ticket_lock_id = ?".into());
        values.push(Value::from(lock.id()));
    }
    if let Some(term) = f.title_contains.as_deref().filter(|t| !t.is_empty()) {
        conds.push("LOWER(t.title) LIKE ? ESCAPE '!'".into());
        values.push(like::containing(term).into());
    }
    if let Some(query) = &f.text {
        crate::search::search_conditions(d, query, f.customer_scope.is_some(), recent, &mut conds, &mut values);
    }
    for field in &f.fields {
        let (test, tested) = field_test_sql(&field.test);
        // An article field's values are keyed by the ticket's articles' ids.
        let values_of_ticket = if field.on_articles {
            "article a JOIN dynamic_field_value v ON v.object_id = a.id WHERE a.ticket_id = t.id"
        } else {
            "dynamic_field_value v WHERE v.object_id = t.id"
        };
        conds.push(format!("EXISTS (SELECT 1 FROM {values_of_ticket} AND v.field_id = ? AND {test})"));
        values.push(field.field_id.into());
        values.extend(tested);
    }
    let sql = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
    (sql, values)
}

/// The condition on one `dynamic_field_value` row (`v`) for a field test, with its values.
fn field_test_sql(test: &FieldTest) -> (String, Vec<Value>) {
    match test {
        FieldTest::AnyOf(texts) => (
            format!("v.value_text IN ({})", vec!["?"; texts.len().max(1)].join(", ")),
            // An empty set matches nothing, as NULL is never equal.
            if texts.is_empty() { vec![Value::String(None)] } else { texts.iter().map(|t| t.clone().into()).collect() },
        ),
        FieldTest::Like(pattern) => {
            let pattern = like::literal(pattern).replace('*', "%");
            ("LOWER(v.value_text) LIKE ? ESCAPE '!'".into(), vec![pattern.into()])
        }
        FieldTest::Is(n) => ("v.value_int = ?".into(), vec![(*n).into()]),
        FieldTest::Within { from, until } => {
            let mut conds = vec!["v.value_date IS NOT NULL".to_string()];
            let mut values = Vec::new();
            if let Some(from) = from {
                conds.push("v.value_date >= ?".into());
                values.push(db_now(*from).into());
            }
            if let Some(until) = until {
                conds.push("v.value_date < ?".into());
                values.push(db_now(*until).into());
            }
            (conds.join(" AND "), values)
        }
    }
}

/// `ORDER BY` for a sort, with the id breaking ties so pages never overlap, over `ticket
/// t`'s own columns as goats' list indexes hold them (`list_indexes`), so a page's
/// tickets are picked off an index and then read whole. Names and titles sort without
/// regard to case on every engine (MariaDB's collation does, SQLite's and PostgreSQL's
/// C collation sort the lowered title), so "alpha" comes before "Bravo" everywhere;
/// queues and states by their names' places, `names` (id and name of each, given for
/// those two sorts).
pub(super) fn order_sql(d: Dialect, sort: TicketSort, ranked: bool, names: &[(i64, String)]) -> String {
    let column = match sort.field {
        TicketSortField::Number => "t.tn".to_string(),
        TicketSortField::Title => super::list_indexes::title_key(d, "t."),
        TicketSortField::Queue => by_name_place("t.queue_id", names),
        TicketSortField::State => by_name_place("t.ticket_state_id", names),
        TicketSortField::Priority => "t.ticket_priority_id".into(),
        TicketSortField::Owner => "t.user_id".into(),
        TicketSortField::Created => "t.create_time".into(),
        TicketSortField::Changed => "t.change_time".into(),
        TicketSortField::PendingUntil => "t.until_time".into(),
        // With a search, `page` joins the scores as `r`; without, the newest change.
        TicketSortField::Relevance if ranked => "r.score".into(),
        TicketSortField::Relevance => "t.change_time".into(),
    };
    let dir = direction_sql(sort.direction);
    format!(" ORDER BY {column} {dir}, t.id {dir}")
}

pub(super) fn direction_sql(direction: SortDirection) -> &'static str {
    match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    }
}

/// `column`'s id turned into its name's place in case-blind order (equal names share
/// one): a handful of rows read beforehand, instead of a join for every ticket sorted.
fn by_name_place(column: &str, names: &[(i64, String)]) -> String {
    let places = name_places(names);
    let Some(last) = places.last().map(|(_, place)| *place) else { return "0".into() };
    let arms: String = places.iter().map(|(id, place)| format!(" WHEN {id} THEN {place}")).collect();
    format!("CASE {column}{arms} ELSE {} END", last + 1)
}

/// Each id with its name's place in case-blind order (equal names share one), in that
/// order.
fn name_places(names: &[(i64, String)]) -> Vec<(i64, usize)> {
    let mut sorted: Vec<(i64, String)> = names.iter().map(|(id, n)| (*id, n.to_lowercase())).collect();
    sorted.sort_by(|a, b| a.1.cmp(&b.1));
    let mut place = 0;
    let mut places = Vec::with_capacity(sorted.len());
    for (i, (id, name)) in sorted.iter().enumerate() {
        if i > 0 && *name != sorted[i - 1].1 {
            place += 1;
        }
        places.push((*id, place));
    }
    places
}

/// The most queues or states a list sorted by them is read as one branch per id.
const MOST_BRANCHES: usize = 32;

/// A page's ids sorted by queue or state (`column`) read as one branch per id that can
/// match, each off the list index that leads with that column in id order and cut at
/// the page's end, then put in their names' order: instead of sorting every matching
/// ticket by a `CASE`. `None` when more ids can match than [`MOST_BRANCHES`].
fn picked_by_branches(
    column: &str,
    names: &[(i64, String)],
    can_match: &[i64],
    (where_sql, values): (&str, &[Value]),
    dir: &str,
    page: PageRequest,
) -> Option<(String, Vec<Value>)> {
    let places: Vec<(i64, usize)> =
        name_places(names).into_iter().filter(|(id, _)| can_match.is_empty() || can_match.contains(id)).collect();
    if places.is_empty() || places.len() > MOST_BRANCHES {
        return None;
    }
    let joiner = if where_sql.is_empty() { " WHERE" } else { " AND" };
    let mut out_values = Vec::new();
    let branches: Vec<String> = places
        .iter()
        .enumerate()
        .map(|(i, (id, place))| {
            out_values.extend(values.iter().cloned());
            out_values.push(Value::from(*id));
            out_values.push(Value::from((page.offset() + page.per_page) as i64));
            format!(
                "SELECT b{i}.place, b{i}.id FROM (SELECT {place} AS place, t.id FROM ticket t{where_sql}{joiner} \
                 {column} = ? ORDER BY t.id {dir} LIMIT ?) b{i}"
            )
        })
        .collect();
    out_values.push(Value::from(page.per_page as i64));
    out_values.push(Value::from(page.offset() as i64));
    let sql = format!(
        "SELECT u.id FROM ({}) u ORDER BY u.place {dir}, u.id {dir} LIMIT ? OFFSET ?",
        branches.join(" UNION ALL ")
    );
    Some((sql, out_values))
}

impl Db {
    pub(super) async fn ticket_by_id(&self, select: &str, id: TicketId) -> DomainResult<Option<Ticket>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{select} WHERE t.id = ?"), [id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.as_ref().map(ticket_from).transpose()?)
    }

    /// One page of a resolved filter's tickets in `sort` order, picked from narrow rows
    /// and then read whole. By relevance only through `ranked.rs`; here it is the
    /// newest change.
    pub(super) async fn picked_page(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        page: PageRequest,
    ) -> DomainResult<Vec<Ticket>> {
        let (where_sql, mut values) = filter_sql(self.dialect, filter);
        let names = match sort.field {
            TicketSortField::Queue => {
                LookupRepository::queues(self).await?.into_iter().map(|q| (q.id.into(), q.name)).collect()
            }
            TicketSortField::State => {
                LookupRepository::states(self).await?.into_iter().map(|s| (s.id.into(), s.name)).collect()
            }
            _ => Vec::new(),
        };
        let order = order_sql(self.dialect, sort, false, &names);
        let dir = direction_sql(sort.direction);
        // A search's words would be looked for once per branch: a search keeps the `CASE`.
        let branches = match sort.field {
            _ if filter.text.is_some() => None,
            TicketSortField::Queue => {
                let queues: Vec<i64> = filter.queue_ids.iter().map(|&q| q.into()).collect();
                picked_by_branches("t.queue_id", &names, &queues, (&where_sql, &values), dir, page)
            }
            TicketSortField::State => {
                let states: Vec<i64> = filter.state_ids.iter().map(|&s| s.into()).collect();
                picked_by_branches("t.ticket_state_id", &names, &states, (&where_sql, &values), dir, page)
            }
            _ => None,
        };
        let (picked, values) = match branches {
            Some(branches) => branches,
            None => {
                values.push((page.per_page as i64).into());
                values.push((page.offset() as i64).into());
                (format!("SELECT t.id FROM ticket t{where_sql}{order} LIMIT ? OFFSET ?"), values)
            }
        };
        let sql = format!("{SELECT_TICKET_ROW} JOIN ({picked}) picked ON picked.id = t.id{order}");
        let rows = self.list_rows(&sql, values, filter.text.is_some()).await?;
        Ok(rows.iter().map(ticket_from).collect::<Decoded<_>>()?)
    }

    /// The filter with its state types turned into the ids of their states (a handful
    /// of rows), so the ticket table is filtered on its own indexed column and counted
    /// without a join; `None` when no state has those types (nothing can match).
    pub(super) async fn resolve_state_types(&self, filter: &TicketFilter) -> DomainResult<Option<TicketFilter>> {
        if filter.state_types.is_empty() {
            return Ok(Some(filter.clone()));
        }
        let types: Vec<Value> = filter.state_types.iter().map(|t| Value::from(t.id())).collect();
        let sql = format!("SELECT id FROM ticket_state WHERE type_id IN ({})", vec!["?"; types.len()].join(", "));
        let ids: Vec<StateId> = self
            .conn
            .query_all_raw(self.stmt(&sql, types))
            .await
            .map_err(to_domain)?
            .iter()
            .map(|r| int(r, "id").map(|id| id as StateId))
            .collect::<Decoded<Vec<_>>>()?
            .into_iter()
            .filter(|id| filter.state_ids.is_empty() || filter.state_ids.contains(id))
            .collect();
        if ids.is_empty() {
            return Ok(None);
        }
        Ok(Some(TicketFilter { state_ids: ids, state_types: Vec::new(), ..filter.clone() }))
    }
}

#[cfg(test)]
mod tests {
    use super::by_name_place;

    #[test]
    fn ids_sort_by_their_names_places_without_regard_to_case() {
        let names = [(3, "Raw".to_string()), (1, "postmaster".into()), (2, "misc".into()), (4, "MISC".into())];
        assert_eq!(
            by_name_place("t.queue_id", &names),
            "CASE t.queue_id WHEN 2 THEN 0 WHEN 4 THEN 0 WHEN 1 THEN 1 WHEN 3 THEN 2 ELSE 3 END"
        );
        assert_eq!(by_name_place("t.queue_id", &[]), "0");
    }
}
