//! What differs between the engines' full-text indexes: the table, how a document is
//! written into it, and how a pattern is asked for. The words arrive cut and folded by
//! `goats_core::search`, so every engine splits them at the spaces alone and all three
//! find the same documents.

use goats_core::search::Pattern;

use super::Recent;
use crate::connection::Dialect;

/// `goats_search_text` holds two documents per ticket: one for agents, with every
/// article, and one for its customer, with the articles shown to customers (`id` =
/// [`doc_id`], `for_customers` 0 or 1). Each has the ticket's own fields (`fields`,
/// rewritten when they change) and its articles' words (`articles`, added to as
/// articles come). One document per ticket lets a search of several words be one look
/// into the index, which intersects the words by itself.
///
/// - PostgreSQL: two `tsvector`s under a GIN index on their concatenation (one index
///   per audience, see [`word_indexes`]), built with the `simple` configuration (no
///   stemming, no stop words: the words are already what is searched for).
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
            "CREATE INDEX goats_search_text_ticket ON goats_search_text (ticket_id)".to_string(),
        ]
        .into_iter()
        .chain(word_indexes(d))
        .collect(),
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

/// PostgreSQL's GIN indexes of the documents' words, one per audience (a search looks
/// only at its own half), each also holding the block of ids its document is in. A
/// search among the newest tickets names their blocks beside its words, and GIN finds
/// the documents with both in one look. (A range of the primary key, ANDed with the
/// words' bitmap, cost as much again as the words; and where the planner misjudged a
/// phrase as rare, it skipped the range and read every match's row.) Schema 15's;
/// nothing on the other engines.
pub(crate) fn word_indexes(d: Dialect) -> Vec<String> {
    if d != Dialect::Postgres {
        return Vec::new();
    }
    let mut statements = Vec::new();
    for (name, for_customers) in [("goats_search_text_agents", 0), ("goats_search_text_customers", 1)] {
        statements.push(format!("DROP INDEX IF EXISTS {name}"));
        statements.push(format!(
            "CREATE INDEX {name} ON goats_search_text USING GIN ((fields || articles), {}) \
             WHERE for_customers = {for_customers}",
            block_of("")
        ));
    }
    statements
}

/// How many document ids one block holds: 5,000 tickets'. A search among the newest
/// 20,000 names five or six blocks.
const BLOCK_DOCS: i64 = 10_000;

/// The block of the document `alias` (none: the indexed table's own row), as
/// [`word_indexes`] spells it, which a query must repeat to the letter.
fn block_of(alias: &str) -> String {
    let dot = if alias.is_empty() { "" } else { "." };
    format!("(ARRAY[({alias}{dot}id / {BLOCK_DOCS})::int])")
}

/// The condition on the document `alias` that keeps the `recent` tickets' documents,
/// with one value: the highest document id of a ticket before them.
pub(crate) fn recent_docs(d: Dialect, alias: &str, recent: Recent) -> String {
    let newer = format!(" AND {alias}.{} > ?", id_column(d));
    if d != Dialect::Postgres {
        return newer;
    }
    // One block past the newest: a ticket written since is looked for too.
    let first = doc_id(recent.after + 1, false) / BLOCK_DOCS;
    let last = doc_id(recent.newest, true) / BLOCK_DOCS + 1;
    let blocks = (first..=last).map(|b| b.to_string()).collect::<Vec<_>>().join(",");
    format!("{newer} AND {} && ARRAY[{blocks}]", block_of(alias))
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
    fn the_newest_tickets_are_named_by_their_blocks_as_the_index_spells_them() {
        // Tickets 80,203 to 100,202: documents 160,406 to 200,405, blocks 16 to 20, and
        // 21 for a ticket written since.
        let recent = Recent { after: 80_202, newest: 100_202 };
        assert_eq!(
            recent_docs(Dialect::Postgres, "d", recent),
            " AND d.id > ? AND (ARRAY[(d.id / 10000)::int]) && ARRAY[16,17,18,19,20,21]"
        );
        assert!(word_indexes(Dialect::Postgres)[1].contains(&block_of("")));
        assert_eq!(recent_docs(Dialect::Sqlite, "d", recent), " AND d.rowid > ?");
        assert!(word_indexes(Dialect::MySql).is_empty());
    }

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
