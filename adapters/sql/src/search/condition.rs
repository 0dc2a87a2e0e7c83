//! A search as `WHERE` conditions on `ticket t`. Every word, phrase and prefix of a
//! search is one look into the index (`t.id IN …` the tickets whose document holds them
//! all), and the excluded ones another; a ticket's document holds all its articles, so
//! the words of one search may stand in different articles, as agents expect. Fields
//! are compared with `LIKE` on their columns, as typed.

use goats_core::ports::RELEVANCE_CANDIDATES;
use goats_core::search::{SearchField, SearchQuery};
use sea_orm::Value;

use super::engine::{self, Needs};
use crate::connection::Dialect;

/// Appends the conditions of `query` and their values. `customer`: only what a customer
/// is shown counts (a word in an internal note must not give its ticket away).
pub(crate) fn search_conditions(
    d: Dialect,
    query: &SearchQuery,
    customer: bool,
    conds: &mut Vec<String>,
    values: &mut Vec<Value>,
) {
    let audience = i32::from(customer);
    for negated in [false, true] {
        let patterns: Vec<_> = query.patterns(negated).collect();
        if patterns.is_empty() {
            continue;
        }
        let (not, query) = match negated {
            false => ("", engine::query(d, &patterns, Needs::All)),
            true => ("NOT ", engine::query(d, &patterns, Needs::Any)),
        };
        conds.push(format!(
            "t.id {not}IN (SELECT d.ticket_id FROM goats_search_text d WHERE {} AND d.for_customers = {audience})",
            engine::matches(d, "d")
        ));
        values.push(query.into());
    }
    let shown_article = if customer { " AND a.is_visible_for_customer = 1" } else { "" };
    for (negated, field, value) in query.fields() {
        let like = || Value::from(crate::like::containing(value));
        let mime = |column: &str| {
            format!(
                "EXISTS (SELECT 1 FROM article a JOIN article_data_mime m ON m.article_id = a.id \
                 WHERE a.ticket_id = t.id{shown_article} AND LOWER(m.{column}) LIKE ? ESCAPE '!')"
            )
        };
        let cond = match field {
            SearchField::Number => "LOWER(t.tn) LIKE ? ESCAPE '!'".to_string(),
            SearchField::Title => "LOWER(COALESCE(t.title, '')) LIKE ? ESCAPE '!'".into(),
            SearchField::Customer => "(LOWER(COALESCE(t.customer_user_id, '')) LIKE ? ESCAPE '!' \
                 OR LOWER(COALESCE(t.customer_id, '')) LIKE ? ESCAPE '!')"
                .into(),
            SearchField::From => mime("a_from"),
            SearchField::To => mime("a_to"),
            SearchField::Subject => mime("a_subject"),
            SearchField::Body => mime("a_body"),
            SearchField::Attachment => format!(
                "EXISTS (SELECT 1 FROM article a JOIN article_data_mime_attachment f ON f.article_id = a.id \
                 WHERE a.ticket_id = t.id{shown_article} AND LOWER(f.filename) LIKE ? ESCAPE '!')"
            ),
            SearchField::Queue => "t.queue_id IN (SELECT id FROM queue WHERE LOWER(name) LIKE ? ESCAPE '!')".into(),
            SearchField::State => {
                "t.ticket_state_id IN (SELECT id FROM ticket_state WHERE LOWER(name) LIKE ? ESCAPE '!')".into()
            }
            SearchField::Owner => "t.user_id IN (SELECT id FROM users WHERE LOWER(login) LIKE ? ESCAPE '!')".into(),
        };
        values.push(like());
        if field == SearchField::Customer {
            values.push(like());
        }
        conds.push(if negated { format!("NOT ({cond})") } else { cond });
    }
}

/// For a list by relevance: a join giving each candidate its summed score (`r.score`),
/// with the join's values, to be followed by those of `where_sql` (the list's filter,
/// search included); `None` without words. The candidates are the
/// [`RELEVANCE_CANDIDATES`] newest tickets the filter finds, found as a count with a
/// limit finds them: a word in most tickets is looked for ticket by ticket, newest
/// first, and the search stops there.
pub(crate) fn relevance_join(
    d: Dialect,
    query: &SearchQuery,
    customer: bool,
    where_sql: &str,
) -> Option<(String, Vec<Value>)> {
    let patterns: Vec<_> = query.patterns(false).collect();
    if patterns.is_empty() {
        return None;
    }
    let any = engine::query(d, &patterns, Needs::Any);
    let shown = format!(" AND for_customers = {}", i32::from(customer));
    let matched = engine::matches(d, "goats_search_text");
    // One document per ticket and audience, so one score per ticket. MySQL takes no
    // LIMIT in an IN subquery, but does in a derived table inside it.
    let sql = format!(
        " JOIN (SELECT ticket_id, {} AS score FROM goats_search_text \
         WHERE {matched}{shown} AND ticket_id IN (SELECT c.id FROM (SELECT t.id FROM ticket t{where_sql} \
         ORDER BY t.id DESC LIMIT {RELEVANCE_CANDIDATES}) c){}) r ON r.ticket_id = t.id",
        engine::score(d),
        engine::scored_rows_end(d)
    );
    let values = match d {
        Dialect::Sqlite => vec![any.into()],
        Dialect::Postgres | Dialect::MySql => vec![any.clone().into(), any.into()],
    };
    Some((sql, values))
}
