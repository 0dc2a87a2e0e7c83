//! What differs between the engines' full-text indexes: the table, how a document is
//! written into it, and how a pattern is asked for. The words arrive cut and folded by
//! `goats_core::search`, so every engine splits them at the spaces alone and all three
//! find the same documents.

use goats_core::search::Pattern;

use crate::connection::Dialect;

/// `goats_search_text` holds two documents per ticket: one for agents, with every
/// article, and one for its customer, with the articles shown to customers (`id` =
/// [`doc_id`], `for_customers` 0 or 1). Each has the ticket's own fields (`fields`,
/// rewritten when they change) and its articles' words (`articles`, added to as
/// articles come). One document per ticket lets a search of several words be one look
/// into the index, which intersects the words by itself.
///
/// - PostgreSQL: two `tsvector`s under a GIN index on their concatenation (one index
///   per audience), built with the `simple` configuration (no stemming, no stop words:
///   the words are already what is searched for).
/// - MariaDB/MySQL: InnoDB FULLTEXT over both columns. InnoDB leaves out words shorter
///   than `innodb_ft_min_token_size` (3) and its stop words, both server settings; every
///   word is therefore stored and asked for behind [`MYSQL_MARK`], which makes each one
///   long enough and no stop word, so "a", "it" and "db" are found as on the others.
/// - SQLite: an FTS5 table whose rowid is the document's id.
///
/// Replaces the index of goats schema 11 (a document per article), which is dropped.
pub(crate) fn create_statements(d: Dialect) -> Vec<String> {
    let mut statements = vec!["DROP TABLE IF EXISTS goats_search_text".to_string()];
    statements.extend(match d {
        Dialect::Postgres => vec![
            "CREATE TABLE goats_search_text (id BIGINT NOT NULL PRIMARY KEY, ticket_id BIGINT NOT NULL, \
             for_customers SMALLINT NOT NULL, fields TSVECTOR NOT NULL, articles TSVECTOR NOT NULL)"
                .to_string(),
            // One index per audience: a search looks only at its own half.
            "CREATE INDEX goats_search_text_agents ON goats_search_text USING GIN ((fields || articles)) \
             WHERE for_customers = 0"
                .into(),
            "CREATE INDEX goats_search_text_customers ON goats_search_text USING GIN ((fields || articles)) \
             WHERE for_customers = 1"
                .into(),
            "CREATE INDEX goats_search_text_ticket ON goats_search_text (ticket_id)".into(),
        ],
        Dialect::MySql => vec![
            "CREATE TABLE goats_search_text (id BIGINT NOT NULL PRIMARY KEY, ticket_id BIGINT NOT NULL, \
             for_customers SMALLINT NOT NULL, fields MEDIUMTEXT NOT NULL, articles MEDIUMTEXT NOT NULL, \
             INDEX goats_search_text_ticket (ticket_id), FULLTEXT INDEX goats_search_text_words (fields, articles)) \
             ENGINE = InnoDB DEFAULT CHARSET = utf8mb4"
                .to_string(),
        ],
        Dialect::Sqlite => vec![
            "CREATE VIRTUAL TABLE goats_search_text USING fts5(fields, articles, ticket_id UNINDEXED, \
             for_customers UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
                .to_string(),
        ],
    });
    statements
}

/// The id of a ticket's document for agents or for its customer.
pub(crate) fn doc_id(ticket: i64, for_customers: bool) -> i64 {
    ticket * 2 + i64::from(for_customers)
}

/// The ticket of the document `alias` is, as SQL. FTS5 keeps the unindexed columns in
/// the content row beside the whole text, so reading them there costs a read of every
/// matching document's text; its rowid (the [`doc_id`]) tells both without that.
pub(crate) fn doc_ticket(d: Dialect, alias: &str) -> String {
    match d {
        Dialect::Sqlite => format!("({alias}.rowid >> 1)"),
        Dialect::Postgres | Dialect::MySql => format!("{alias}.ticket_id"),
    }
}

/// A condition that holds where the document `alias` is its ticket's customers' (or
/// agents'). PostgreSQL needs `for_customers` itself to pick the partial index.
pub(crate) fn doc_audience(d: Dialect, alias: &str, for_customers: bool) -> String {
    let audience = i32::from(for_customers);
    match d {
        Dialect::Sqlite => format!("({alias}.rowid & 1) = {audience}"),
        Dialect::Postgres | Dialect::MySql => format!("{alias}.for_customers = {audience}"),
    }
}

/// How many characters of articles' words one document holds: a ticket's later
/// articles are not indexed once it is this long (a thread of pasted logs).
pub(crate) const MAX_DOC_CHARS: usize = 1_000_000;

/// Put before every word stored in and asked of InnoDB's index (see [`create_statements`]).
pub(crate) const MYSQL_MARK: &str = "zq";

/// Whether the index itself narrows a search to the documents above an id: GIN's
/// matches are intersected with a range of the primary key before any row is read, and
/// FTS5 seeks its lists to the rowid. InnoDB finds every match first and filters after,
/// so a bounded search there would only be one more.
pub(crate) fn narrows_by_id(d: Dialect) -> bool {
    match d {
        Dialect::Postgres | Dialect::Sqlite => true,
        Dialect::MySql => false,
    }
}

/// The document id's column: FTS5 keys its rows by rowid.
pub(crate) fn id_column(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "rowid",
        Dialect::Postgres | Dialect::MySql => "id",
    }
}

/// The placeholder words of that many characters are written through. PostgreSQL
/// keeps a long text's words without their positions (a `tsvector` holds at most 1 MB;
/// phrases are then found as words).
pub(crate) fn words_value(d: Dialect, chars: usize) -> &'static str {
    match d {
        Dialect::Postgres if chars > LONG_CHARS => "strip(to_tsvector('simple', ?))",
        Dialect::Postgres => "to_tsvector('simple', ?)",
        Dialect::MySql | Dialect::Sqlite => "?",
    }
}

const LONG_CHARS: usize = 200_000;

/// Adds an article's words to a document, binding the words and then the document's
/// id; changes no row when the document is missing or full.
pub(crate) fn append_sql(d: Dialect) -> String {
    match d {
        // Positions are dropped once a document is large, and nothing is added that
        // would take it past the type's 1 MB.
        Dialect::Postgres => "WITH w AS (SELECT to_tsvector('simple', ?) AS v) UPDATE goats_search_text \
             SET articles = CASE WHEN pg_column_size(articles) > 262144 THEN strip(articles) || strip(w.v) \
             ELSE articles || w.v END FROM w WHERE id = ? AND pg_column_size(articles) + pg_column_size(w.v) < 1000000"
            .into(),
        Dialect::MySql => format!(
            "UPDATE goats_search_text SET articles = CONCAT(articles, ' ', ?) WHERE id = ? AND CHAR_LENGTH(articles) < {MAX_DOC_CHARS}"
        ),
        Dialect::Sqlite => format!(
            "UPDATE goats_search_text SET articles = articles || ' ' || ? WHERE rowid = ? AND length(articles) < {MAX_DOC_CHARS}"
        ),
    }
}

/// The words as this engine stores them.
pub(crate) fn stored_words(d: Dialect, words: &str) -> String {
    match d {
        Dialect::MySql => {
            words.split(' ').filter(|w| !w.is_empty()).map(|w| format!("{MYSQL_MARK}{w}")).collect::<Vec<_>>().join(" ")
        }
        Dialect::Postgres | Dialect::Sqlite => words.to_string(),
    }
}

/// A condition on `goats_search_text` as `alias` that holds where the document answers
/// a [`query`], the one value it takes.
pub(crate) fn matches(d: Dialect, alias: &str) -> String {
    match d {
        Dialect::Postgres => format!("({alias}.fields || {alias}.articles) @@ to_tsquery('simple', ?)"),
        Dialect::MySql => format!("MATCH({alias}.fields, {alias}.articles) AGAINST (? IN BOOLEAN MODE)"),
        Dialect::Sqlite => format!("{alias}.goats_search_text MATCH ?"),
    }
}

/// The pattern in the engine's query syntax. The words hold letters and digits only, so
/// nothing in them can be read as an operator.
pub(crate) fn pattern_query(d: Dialect, p: &Pattern) -> String {
    match (d, p) {
        (Dialect::Postgres, Pattern::Word(w)) => format!("'{w}'"),
        (Dialect::Postgres, Pattern::Prefix(w)) => format!("'{w}':*"),
        (Dialect::Postgres, Pattern::Phrase(ws)) => {
            ws.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" <-> ")
        }
        (Dialect::MySql, Pattern::Word(w)) => format!("+{MYSQL_MARK}{w}"),
        (Dialect::MySql, Pattern::Prefix(w)) => format!("+{MYSQL_MARK}{w}*"),
        (Dialect::MySql, Pattern::Phrase(ws)) => {
            format!("+\"{}\"", ws.iter().map(|w| format!("{MYSQL_MARK}{w}")).collect::<Vec<_>>().join(" "))
        }
        (Dialect::Sqlite, Pattern::Word(w)) => format!("\"{w}\""),
        (Dialect::Sqlite, Pattern::Prefix(w)) => format!("\"{w}\"*"),
        (Dialect::Sqlite, Pattern::Phrase(ws)) => format!("\"{}\"", ws.join(" ")),
    }
}

/// How well a document answers any of the patterns, higher is better: the engine's
/// own ranking, over the document table without an alias (FTS5 ranks through it), or
/// `d` on PostgreSQL.
pub(crate) fn score(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "ts_rank(d.fields || d.articles, to_tsquery('simple', ?))",
        Dialect::MySql => "MATCH(fields, articles) AGAINST (? IN BOOLEAN MODE)",
        Dialect::Sqlite => "-bm25(goats_search_text)",
    }
}

/// Ends the subquery that computes [`score`]: SQLite would otherwise merge it into the
/// query around it, where FTS5 may refuse to rank (a LIMIT keeps it apart).
pub(crate) fn scored_rows_end(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => " LIMIT -1",
        Dialect::Postgres | Dialect::MySql => "",
    }
}

/// Whether a query asks for every pattern or for any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// A search's words: the document holds them all.
    All,
    /// Excluded words, and ranking: the document holds one of them.
    Any,
}

/// The patterns as one query in the engine's syntax.
pub(crate) fn query(d: Dialect, patterns: &[&Pattern], needs: Needs) -> String {
    let each = patterns.iter().map(|p| match d {
        // Each term carries its `+`; without it, a term is one InnoDB may find.
        Dialect::MySql if needs == Needs::Any => pattern_query(d, p)[1..].to_string(),
        Dialect::MySql => pattern_query(d, p),
        _ => format!("({})", pattern_query(d, p)),
    });
    let joiner = match (d, needs) {
        (Dialect::Postgres, Needs::All) => " & ",
        (Dialect::Postgres, Needs::Any) => " | ",
        (Dialect::MySql, _) => " ",
        (Dialect::Sqlite, Needs::All) => " AND ",
        (Dialect::Sqlite, Needs::Any) => " OR ",
    };
    each.collect::<Vec<_>>().join(joiner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_in_each_engines_syntax() {
        let phrase = Pattern::Phrase(vec!["paper".into(), "jam".into()]);
        assert_eq!(pattern_query(Dialect::Postgres, &phrase), "'paper' <-> 'jam'");
        assert_eq!(pattern_query(Dialect::MySql, &phrase), "+\"zqpaper zqjam\"");
        assert_eq!(pattern_query(Dialect::Sqlite, &phrase), "\"paper jam\"");
        assert_eq!(pattern_query(Dialect::Postgres, &Pattern::Prefix("pri".into())), "'pri':*");
        assert_eq!(pattern_query(Dialect::MySql, &Pattern::Word("a".into())), "+zqa");
        assert_eq!(stored_words(Dialect::MySql, "a db muller"), "zqa zqdb zqmuller");
        let either = [&Pattern::Word("a".into()), &phrase];
        assert_eq!(query(Dialect::Postgres, &either, Needs::Any), "('a') | ('paper' <-> 'jam')");
        assert_eq!(query(Dialect::MySql, &either, Needs::Any), "zqa \"zqpaper zqjam\"");
        assert_eq!(query(Dialect::Sqlite, &either, Needs::Any), "(\"a\") OR (\"paper jam\")");
        assert_eq!(query(Dialect::Postgres, &either, Needs::All), "('a') & ('paper' <-> 'jam')");
        assert_eq!(query(Dialect::MySql, &either, Needs::All), "+zqa +\"zqpaper zqjam\"");
        assert_eq!(query(Dialect::Sqlite, &either, Needs::All), "(\"a\") AND (\"paper jam\")");
    }
}
