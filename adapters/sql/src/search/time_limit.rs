//! A search's statements on MariaDB and MySQL end after [`SEARCH_SECONDS`]. InnoDB's
//! full-text index can take seconds over common words, and a statement nobody waits
//! for any more (the agent searched again, goats stopped) would otherwise run on in the
//! server, holding a connection and a core. The agent is told to narrow the search.
//! PostgreSQL's and SQLite's searches are bounded by their plans (see `engine`).

use std::borrow::Cow;

use goats_core::DomainError;
use sea_orm::DbErr;

use crate::error::to_domain;

/// How long one search statement may run on MariaDB or MySQL.
pub(crate) const SEARCH_SECONDS: u32 = 10;

/// Which server speaks MySQL's protocol: they spell a statement's time limit apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MySqlServer {
    MariaDb,
    MySql,
}

impl MySqlServer {
    /// From `SELECT VERSION()`: MariaDB names itself there.
    pub(crate) fn of_version(version: &str) -> Self {
        if version.to_ascii_lowercase().contains("mariadb") { Self::MariaDb } else { Self::MySql }
    }
}

/// `sql`, a `SELECT`, ended by the server after [`SEARCH_SECONDS`].
pub(crate) fn limited(server: Option<MySqlServer>, sql: &str) -> Cow<'_, str> {
    match server {
        Some(MySqlServer::MariaDb) => format!("SET STATEMENT max_statement_time = {SEARCH_SECONDS} FOR {sql}").into(),
        Some(MySqlServer::MySql) => match sql.strip_prefix("SELECT ") {
            Some(rest) => format!("SELECT /*+ MAX_EXECUTION_TIME({}) */ {rest}", SEARCH_SECONDS * 1000).into(),
            None => sql.into(),
        },
        None => sql.into(),
    }
}

/// A search statement's failure as the searcher is told it: one the limit ended asks
/// for a narrower search.
pub(crate) fn search_error(e: DbErr) -> DomainError {
    let text = e.to_string();
    // MariaDB's error 1969 and MySQL's 3024.
    if text.contains("max_statement_time exceeded") || text.contains("maximum statement execution time exceeded") {
        return DomainError::invalid(
            "text",
            format!(
                "the search took longer than {SEARCH_SECONDS} s and was stopped; add words or filters to narrow it"
            ),
        );
    }
    to_domain(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_server_is_told_the_limit_its_own_way() {
        let sql = "SELECT COUNT(*) AS n FROM ticket t WHERE 1 = 1";
        assert_eq!(
            limited(Some(MySqlServer::MariaDb), sql),
            "SET STATEMENT max_statement_time = 10 FOR SELECT COUNT(*) AS n FROM ticket t WHERE 1 = 1"
        );
        assert_eq!(
            limited(Some(MySqlServer::MySql), sql),
            "SELECT /*+ MAX_EXECUTION_TIME(10000) */ COUNT(*) AS n FROM ticket t WHERE 1 = 1"
        );
        assert_eq!(limited(None, sql), sql);
        assert_eq!(MySqlServer::of_version("10.11.19-MariaDB-0+deb12u1"), MySqlServer::MariaDb);
        assert_eq!(MySqlServer::of_version("8.4.3"), MySqlServer::MySql);
    }

    #[test]
    fn a_search_the_limit_ended_asks_for_a_narrower_one() {
        let ended = DbErr::Custom("1969 (70100): Query execution was interrupted (max_statement_time exceeded)".into());
        let DomainError::Invalid { field, reason } = search_error(ended) else { panic!("not told to narrow it") };
        assert_eq!(field, "text");
        assert!(reason.contains("narrow"), "{reason}");
        let other = search_error(DbErr::Custom("Lost connection to server".into()));
        assert!(matches!(other, DomainError::Storage(_)), "{other:?}");
    }
}
