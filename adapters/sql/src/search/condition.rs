//! A search as `WHERE` conditions on `ticket t`. Every word, phrase and prefix of a
//! search is one look into the index (`t.id IN …` the tickets whose document holds them
//! all), and the excluded ones another; a ticket's document holds all its articles, so
//! the words of one search may stand in different articles, as agents expect. Fields
//! are compared with `LIKE` on their columns, as typed.

use goats_core::model::TicketId;
use goats_core::ports::RELEVANCE_CANDIDATES;
use goats_core::search::{SearchField, SearchQuery};
use sea_orm::Value;

use super::engine::{self, Needs};
use crate::connection::Dialect;

/// The newest tickets a search looks among first: the ids after `after`, of which
/// `newest` was the highest when the search began.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recent {
    pub after: TicketId,
    pub newest: TicketId,
}

/// Appends the conditions of `query` and their values. `customer`: only what a customer
/// is shown counts (a word in an internal note must not give its ticket away).
/// `recent`: only those tickets are found, and only their documents are looked at.
pub(crate) fn search_conditions(
    d: Dialect,
    query: &SearchQuery,
    customer: bool,
    recent: Option<Recent>,
    conds: &mut Vec<String>,
    values: &mut Vec<Value>,
) {
    if let Some(recent) = recent {
        conds.push("t.id > ?".into());
        values.push(recent.after.into());
    }
    for negated in [false, true] {
        let patterns: Vec<_> = query.patterns(negated).collect();
        if patterns.is_empty() {
            continue;
        }
        let (not, needs) = if negated { ("NOT ", Needs::Any) } else { ("", Needs::All) };
        let mut query = engine::query(d, &patterns, needs);
        // Bounded by the documents' own ids (or, in InnoDB, blocks of them), which the
        // index narrows by itself.
        let newer = match recent {
            Some(recent) => {
                query = engine::recent_query(d, query, needs, recent, customer);
                engine::recent_docs(d, "d", recent)
            }
            None => String::new(),
        };
        let checked = match needs {
            Needs::All => engine::checked_in_rows(d, "d", &patterns),
            Needs::Any | Needs::Rank => Vec::new(),
        };
        let checked_sql: String = checked.iter().map(|(cond, _)| format!(" AND {cond}")).collect();
        // MariaDB runs a `NOT IN` of a full-text match again for every ticket (30 s for
        // one search); a derived table of its own (kept apart by DISTINCT) is matched once.
        let apart = negated && d == Dialect::MySql;
        let docs = format!(
            "SELECT {}{} AS ticket_id FROM goats_search_text d WHERE {} AND {}{newer}{checked_sql}",
            if apart { "DISTINCT " } else { "" },
            engine::doc_ticket(d, "d"),
            engine::matches(d, "d"),
            engine::doc_audience(d, "d", customer)
        );
        let docs = if apart { format!("SELECT x.ticket_id FROM ({docs}) x") } else { docs };
        conds.push(format!("t.id {not}IN ({docs})"));
        values.push(query.into());
        if let Some(recent) = recent {
            // The highest document id of a ticket not newer (its customers' one).
            values.push(engine::doc_id(recent.after, true).into());
        }
        for (_, pattern) in checked {
            values.extend([pattern.clone().into(), pattern.into()]);
        }
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

/// For a list by relevance: the tickets ranked (`ticket_id`), each with its `score` and
/// how many tickets the search found, counted to one past [`RELEVANCE_CANDIDATES`]
/// (`found`), as a `SELECT` with its values, to be followed by those of `where_sql`
/// (the list's filter, search included); `None` without words. The candidates are the
/// [`RELEVANCE_CANDIDATES`] newest tickets the filter finds, found as a count with a
/// limit finds them: a word in most tickets is looked for ticket by ticket, newest
/// first, and the search stops there. The one after them is found only to be counted.
pub(crate) fn ranked_candidates(
    d: Dialect,
    query: &SearchQuery,
    customer: bool,
    where_sql: &str,
) -> Option<(String, Vec<Value>)> {
    let patterns: Vec<_> = query.patterns(false).collect();
    if patterns.is_empty() {
        return None;
    }
    let any = engine::query(d, &patterns, Needs::Rank);
    // MySQL takes no LIMIT in an IN subquery, but does in a derived table inside it.
    let candidates =
        format!("(SELECT t.id FROM ticket t{where_sql} ORDER BY t.id DESC LIMIT {}) c", RELEVANCE_CANDIDATES + 1);
    let (score, score_binds) = engine::score(d);
    let (scored, values) = match d {
        // Each candidate's document read by its id: looking into the index again would
        // read every document that has a word, thousands for a common one. (InnoDB
        // still ranks every match of the words, but reads none of their rows.)
        Dialect::Postgres | Dialect::MySql => (
            format!(
                "SELECT c.id AS ticket_id, {score} AS score FROM {candidates} \
                 JOIN goats_search_text d ON d.id = c.id * 2 + {}",
                i32::from(customer)
            ),
            vec![Value::from(any); score_binds],
        ),
        // FTS5 scores only the documents of a full-text match.
        Dialect::Sqlite => {
            let ticket = engine::doc_ticket(d, "goats_search_text");
            let sql = format!(
                "SELECT {ticket} AS ticket_id, {score} AS score FROM goats_search_text \
                 WHERE {} AND {} AND {ticket} IN (SELECT c.id FROM {candidates}){}",
                engine::matches(d, "goats_search_text"),
                engine::doc_audience(d, "goats_search_text", customer),
                engine::scored_rows_end(d)
            );
            (sql, vec![any.into()])
        }
    };
    // Each candidate's place, newest first, and how many there are: every candidate has
    // a document that matches, so the rows scored are the tickets found. Outside the
    // scoring, where FTS5 would refuse to rank.
    let placed = format!(
        "SELECT s.ticket_id, s.score, ROW_NUMBER() OVER (ORDER BY s.ticket_id DESC) AS n, \
         COUNT(*) OVER () AS found FROM ({scored}) s"
    );
    Some((
        format!("SELECT p.ticket_id, p.score, p.found FROM ({placed}) p WHERE p.n <= {RELEVANCE_CANDIDATES}"),
        values,
    ))
}
