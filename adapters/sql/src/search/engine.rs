//! What differs between the engines' full-text indexes: the table, how a document is
//! written into it, and how a pattern is asked for. The words arrive cut and folded by
//! `goats_core::search`, so every engine splits them at the spaces alone and all three
//! find the same documents.

use goats_core::search::Pattern;

use crate::connection::Dialect;

/// `goats_search_text` holds one document per article (`id` = the article's id) and one
/// for each ticket's own fields (`id` = minus the ticket's id), with the ticket it
/// belongs to and whether a customer may see it.
///
/// - PostgreSQL: a `tsvector` under a GIN index, built with the `simple` configuration
///   (no stemming, no stop words: the words are already what is searched for).
/// - MariaDB/MySQL: InnoDB FULLTEXT. InnoDB leaves out words shorter than
///   `innodb_ft_min_token_size` (3) and its stop words, both server settings; every word
///   is therefore stored and asked for behind [`MYSQL_MARK`], which makes each one
///   long enough and no stop word, so "a", "it" and "db" are found as on the others.
/// - SQLite: an FTS5 table whose rowid is the document's id.
pub(crate) fn create_statements(d: Dialect) -> Vec<String> {
    match d {
        Dialect::Postgres => vec![
            "CREATE TABLE goats_search_text (id BIGINT NOT NULL PRIMARY KEY, ticket_id BIGINT NOT NULL, \
             customer_visible SMALLINT NOT NULL, words TSVECTOR NOT NULL)"
                .into(),
            "CREATE INDEX goats_search_text_words ON goats_search_text USING GIN (words)".into(),
            "CREATE INDEX goats_search_text_ticket ON goats_search_text (ticket_id)".into(),
        ],
        Dialect::MySql => vec![
            "CREATE TABLE goats_search_text (id BIGINT NOT NULL PRIMARY KEY, ticket_id BIGINT NOT NULL, \
             customer_visible SMALLINT NOT NULL, words MEDIUMTEXT NOT NULL, \
             INDEX goats_search_text_ticket (ticket_id), FULLTEXT INDEX goats_search_text_words (words)) \
             ENGINE = InnoDB DEFAULT CHARSET = utf8mb4"
                .into(),
        ],
        Dialect::Sqlite => vec![
            "CREATE VIRTUAL TABLE goats_search_text USING fts5(words, ticket_id UNINDEXED, \
             customer_visible UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
                .into(),
        ],
    }
}

/// Put before every word stored in and asked of InnoDB's index (see [`create_statements`]).
pub(crate) const MYSQL_MARK: &str = "zq";

/// The document id's column: FTS5 keys its rows by rowid.
pub(crate) fn id_column(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "rowid",
        Dialect::Postgres | Dialect::MySql => "id",
    }
}

/// The placeholder a document's words are written through.
pub(crate) fn words_value(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "to_tsvector('simple', ?)",
        Dialect::MySql | Dialect::Sqlite => "?",
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

/// A condition on `goats_search_text` as `alias` that holds where the document has the
/// pattern, with the one value it takes.
pub(crate) fn matches(d: Dialect, alias: &str) -> String {
    match d {
        Dialect::Postgres => format!("{alias}.words @@ to_tsquery('simple', ?)"),
        Dialect::MySql => format!("MATCH({alias}.words) AGAINST (? IN BOOLEAN MODE)"),
        Dialect::Sqlite => format!("{alias}.words MATCH ?"),
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
/// own ranking, over the document table without an alias (FTS5 ranks through it).
pub(crate) fn score(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "ts_rank(words, to_tsquery('simple', ?))",
        Dialect::MySql => "MATCH(words) AGAINST (? IN BOOLEAN MODE)",
        Dialect::Sqlite => "-bm25(goats_search_text)",
    }
}

/// Ends the subquery that computes [`score`]: SQLite would otherwise merge it into the
/// aggregate around it, where FTS5 refuses to rank (a LIMIT keeps it apart).
pub(crate) fn scored_rows_end(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => " LIMIT -1",
        Dialect::Postgres | Dialect::MySql => "",
    }
}

/// A query any of the patterns answers, for [`score`] and its match.
pub(crate) fn any_query(d: Dialect, patterns: &[&Pattern]) -> String {
    let each = patterns.iter().map(|p| match d {
        // Without its `+`, a term is one InnoDB may find.
        Dialect::MySql => pattern_query(d, p)[1..].to_string(),
        _ => format!("({})", pattern_query(d, p)),
    });
    let joiner = match d {
        Dialect::Postgres => " | ",
        Dialect::MySql => " ",
        Dialect::Sqlite => " OR ",
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
        assert_eq!(any_query(Dialect::Postgres, &either), "('a') | ('paper' <-> 'jam')");
        assert_eq!(any_query(Dialect::MySql, &either), "zqa \"zqpaper zqjam\"");
        assert_eq!(any_query(Dialect::Sqlite, &either), "(\"a\") OR (\"paper jam\")");
    }
}
