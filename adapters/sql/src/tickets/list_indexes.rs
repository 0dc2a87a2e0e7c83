//! The indexes goats adds to OTRS's `ticket` table so a page of the ticket list is read
//! off an index in its sort order, whatever the page, filter and sort: OTRS indexes
//! `create_time`, `tn` and the filter columns one by one, which leaves a list sorted by
//! change time or title to sort every matching ticket, and every other sort to read a
//! ticket row for each one it passes over.
//!
//! Each index leads with a sort's column, then the id (every list's tie-break, so a
//! page is a range of it), then the state and the queue, the two conditions nearly every
//! list has (an agent's readable queues, the open or closed states): the database
//! checks them in the index and reads no ticket row until the page's are picked.
//! They are goats' own, named `goats_ticket_list_…`, and change no column, key or index
//! of OTRS's; the price is that each ticket write updates these as well.

use crate::connection::Dialect;

/// What a list sorted by title is ordered on, over the ticket's `table` prefix ("t." or
/// none). PostgreSQL's and SQLite's default collations set capitals apart, so they sort
/// the lowered title; MariaDB's and MySQL's sort without regard to case already, and
/// index no expression.
pub(crate) fn title_key(d: Dialect, table: &str) -> String {
    match d {
        Dialect::MySql => format!("{table}title"),
        Dialect::Postgres | Dialect::Sqlite => format!("LOWER({table}title)"),
    }
}

/// Each index's name and leading columns.
fn indexes(d: Dialect) -> [(&'static str, String); 8] {
    let then = |key: &str| format!("{key}, id, ticket_state_id, queue_id");
    [
        ("created", then("create_time")),
        ("changed", then("change_time")),
        ("title", then(&title_key(d, ""))),
        ("number", then("tn")),
        ("priority", then("ticket_priority_id")),
        ("owner", then("user_id")),
        ("state", "ticket_state_id, id, queue_id".into()),
        ("queue", "queue_id, id, ticket_state_id".into()),
    ]
}

/// Schema 17: the indexes made.
pub(crate) fn create_statements(d: Dialect) -> Vec<String> {
    indexes(d)
        .iter()
        .map(|(name, columns)| format!("CREATE INDEX goats_ticket_list_{name} ON ticket ({columns})"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_continues_with_the_id_and_names_itself_as_goats() {
        for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
            for sql in create_statements(d) {
                assert!(sql.starts_with("CREATE INDEX goats_ticket_list_"), "{sql}");
                assert!(sql.contains(", id, "), "{sql}");
            }
        }
        assert!(create_statements(Dialect::MySql).iter().any(|s| s.contains("(title, id,")));
        assert!(create_statements(Dialect::Postgres).iter().any(|s| s.contains("(LOWER(title), id,")));
    }
}
