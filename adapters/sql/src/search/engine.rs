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
///   `fields` also ends in the document's [`block_word`] (schema 16).
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
    let blocks = recent_blocks(recent).map(|b| b.to_string()).collect::<Vec<_>>().join(",");
    format!("{newer} AND {} && ARRAY[{blocks}]", block_of(alias))
}

/// The blocks the `recent` tickets' documents are in, and one past the newest: a ticket
/// written since is looked for too.
fn recent_blocks(recent: Recent) -> std::ops::RangeInclusive<i64> {
    doc_id(recent.after + 1, false) / BLOCK_DOCS..=doc_id(recent.newest, true) / BLOCK_DOCS + 1
}

/// A [`query`] narrowed to the `recent` tickets' documents for `for_customers`. InnoDB
/// reads the row of every document its index finds, before any other condition, and
/// for a common word those reads were nearly all of a search (2.4 s at 100,000
/// tickets); a required block word leaves it only the recent documents' rows to read.
/// The other engines narrow by id in [`recent_docs`].
pub(crate) fn recent_query(d: Dialect, query: String, needs: Needs, recent: Recent, for_customers: bool) -> String {
    if d != Dialect::MySql {
        return query;
    }
    let blocks = recent_blocks(recent).map(|b| block_word_of(b, for_customers)).collect::<Vec<_>>().join(" ");
    match needs {
        Needs::All => format!("{query} +({blocks})"),
        Needs::Any | Needs::Rank => format!("+({query}) +({blocks})"),
    }
}

/// The word InnoDB's index holds for the block of the document `doc` and its audience
/// (see [`recent_query`]). It does not start with [`MYSQL_MARK`], as every searched word
/// does, so no search can ask for it.
pub(crate) fn block_word(doc: i64) -> String {
    block_word_of(doc / BLOCK_DOCS, doc & 1 == 1)
}

fn block_word_of(block: i64, for_customers: bool) -> String {
    format!("zzblock{block}{}", if for_customers { 'c' } else { 'a' })
}

/// [`block_word`] of the row of `goats_search_text` (no alias) as MariaDB/MySQL SQL,
/// for rewriting rows in place; spelled as [`block_word`] spells it, which a test checks.
pub(crate) fn block_word_sql() -> String {
    format!("CONCAT('zzblock', id DIV {BLOCK_DOCS}, IF(for_customers = 1, 'c', 'a'))")
}

/// Schema 16: the documents already written on MariaDB/MySQL get their block words.
pub(crate) fn block_words_added(d: Dialect) -> Vec<String> {
    match d {
        Dialect::MySql => {
            vec![format!("UPDATE goats_search_text SET fields = CONCAT(fields, ' ', {})", block_word_sql())]
        }
        Dialect::Postgres | Dialect::Sqlite => Vec::new(),
    }
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

/// A document's own fields as this engine stores them: InnoDB's with the document's
/// [`block_word`].
pub(crate) fn stored_fields(d: Dialect, doc: i64, fields: &str) -> String {
    match d {
        Dialect::MySql => {
            let words = stored_words(d, fields);
            let sep = if words.is_empty() { "" } else { " " };
            format!("{words}{sep}{}", block_word(doc))
        }
        Dialect::Postgres | Dialect::Sqlite => fields.to_string(),
    }
}

/// The placeholder a document's fields are rewritten through in place, with the words
/// as [`stored_words`] gives them: InnoDB's get the row's [`block_word`] added.
pub(crate) fn fields_update_value(d: Dialect, chars: usize) -> String {
    match d {
        Dialect::MySql => format!("CONCAT(?, ' ', {})", block_word_sql()),
        Dialect::Postgres | Dialect::Sqlite => words_value(d, chars).to_string(),
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
/// own ranking, over the document table without an alias on SQLite (FTS5 ranks through
/// it), `d` on the others; with how many times the query's value is bound. PostgreSQL
/// ranks the fields and the articles apart and adds the two: joining the two vectors
/// first cost most of the time ranking took (4–5 ms of the 1,000 candidates' 6).
pub(crate) fn score(d: Dialect) -> (&'static str, usize) {
    match d {
        Dialect::Postgres => {
            ("(ts_rank(d.fields, to_tsquery('simple', ?)) + ts_rank(d.articles, to_tsquery('simple', ?)))", 2)
        }
        Dialect::MySql => ("MATCH(d.fields, d.articles) AGAINST (? IN BOOLEAN MODE)", 1),
        Dialect::Sqlite => ("-bm25(goats_search_text)", 0),
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
    /// A search's words: the document holds them all. InnoDB is asked for some of them
    /// only, and [`checked_in_rows`] checks the rest (see [`innodb_lookup`]).
    All,
    /// Excluded words: the document holds one of them.
    Any,
    /// Ranking: how much of any of them the document holds, a phrase's words counted as
    /// words by InnoDB.
    Rank,
}

/// The patterns as one query in the engine's syntax.
pub(crate) fn query(d: Dialect, patterns: &[&Pattern], needs: Needs) -> String {
    if d == Dialect::MySql && needs != Needs::Any {
        let (looked_up, _) = innodb_lookup(patterns);
        let mark = if needs == Needs::All { "+" } else { "" };
        return looked_up.iter().map(|term| format!("{mark}{term}")).collect::<Vec<_>>().join(" ");
    }
    let each = patterns.iter().map(|p| match d {
        // Each term carries its `+`; without it, a term is one InnoDB may find.
        Dialect::MySql => pattern_query(d, p)[1..].to_string(),
        _ => format!("({})", pattern_query(d, p)),
    });
    let joiner = match (d, needs) {
        (Dialect::Postgres, Needs::All) => " & ",
        (Dialect::Postgres, Needs::Any | Needs::Rank) => " | ",
        (Dialect::MySql, _) => " ",
        (Dialect::Sqlite, Needs::All) => " AND ",
        (Dialect::Sqlite, Needs::Any | Needs::Rank) => " OR ",
    };
    each.collect::<Vec<_>>().join(joiner)
}

/// Words of at most this many letters are left out of what InnoDB looks up, while a
/// longer one is there to look up instead.
const SHORT_WORD: usize = 3;

/// What InnoDB is asked for, of a search's patterns (terms of its boolean mode, longest
/// first), and the `LIKE` patterns of what is checked in the rows it finds instead.
/// InnoDB reads the whole list of every word it is asked for, and checks a phrase by
/// reading and splitting again every document that holds its words: "at" is in nearly
/// every document, and a phrase of two common words took a second among 20,000
/// tickets. So a phrase is looked up by its words and checked in the row, and short
/// words are checked there too while a longer word narrows the rows first.
fn innodb_lookup(patterns: &[&Pattern]) -> (Vec<String>, Vec<String>) {
    let mut words: Vec<(&str, String, Option<String>)> = Vec::new();
    let mut checked = Vec::new();
    for p in patterns {
        match p {
            Pattern::Word(w) => words.push((w, format!("{MYSQL_MARK}{w}"), Some(format!("% {MYSQL_MARK}{w} %")))),
            Pattern::Prefix(w) => words.push((w, format!("{MYSQL_MARK}{w}*"), Some(format!("% {MYSQL_MARK}{w}%")))),
            Pattern::Phrase(ws) => {
                checked.push(format!("% {} %", stored_words(Dialect::MySql, &ws.join(" "))));
                words.extend(ws.iter().map(|w| (w.as_str(), format!("{MYSQL_MARK}{w}"), None)));
            }
        }
    }
    words.sort_by_key(|(w, ..)| std::cmp::Reverse(w.chars().count()));
    let long = words.iter().filter(|(w, ..)| w.chars().count() > SHORT_WORD).count();
    let mut looked_up = Vec::new();
    for (i, (_, term, pattern)) in words.into_iter().enumerate() {
        if i < long.max(1) {
            if !looked_up.contains(&term) {
                looked_up.push(term);
            }
        } else if let Some(pattern) = pattern {
            checked.push(pattern);
        }
    }
    (looked_up, checked)
}

/// The conditions on the document `alias` that a [`query`] of [`Needs::All`] leaves to
/// SQL, each with its one value: on MariaDB/MySQL, the phrases and short words of
/// [`innodb_lookup`], found in the document's fields or in its articles as stored
/// (words behind [`MYSQL_MARK`], one space apart; letters and digits only, so nothing in
/// them is a wildcard of `LIKE`).
pub(crate) fn checked_in_rows(d: Dialect, alias: &str, patterns: &[&Pattern]) -> Vec<(String, String)> {
    if d != Dialect::MySql {
        return Vec::new();
    }
    let cond = format!("(CONCAT(' ', {alias}.fields, ' ') LIKE ? OR CONCAT(' ', {alias}.articles, ' ') LIKE ?)");
    innodb_lookup(patterns).1.into_iter().map(|pattern| (cond.clone(), pattern)).collect()
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
        assert_eq!(
            recent_query(Dialect::MySql, "+zqjam".into(), Needs::All, recent, false),
            "+zqjam +(zzblock16a zzblock17a zzblock18a zzblock19a zzblock20a zzblock21a)"
        );
        assert_eq!(
            recent_query(Dialect::MySql, "zqa zqb".into(), Needs::Any, recent, true),
            "+(zqa zqb) +(zzblock16c zzblock17c zzblock18c zzblock19c zzblock20c zzblock21c)"
        );
        assert_eq!(recent_query(Dialect::Postgres, "'jam'".into(), Needs::All, recent, false), "'jam'");
        // The newest ticket's documents are in block 20.
        assert_eq!(block_word(doc_id(100_202, true)), "zzblock20c");
        assert_eq!(stored_fields(Dialect::MySql, doc_id(7, false), "t 7"), "zqt zq7 zzblock0a");
        assert_eq!(stored_fields(Dialect::MySql, doc_id(7, true), ""), "zzblock0c");
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
        // "jam" and "a" are checked in the rows ("jam" by the phrase).
        assert_eq!(query(Dialect::MySql, &either, Needs::All), "+zqpaper");
        assert_eq!(query(Dialect::MySql, &either, Needs::Rank), "zqpaper");
        assert_eq!(query(Dialect::Postgres, &either, Needs::Rank), query(Dialect::Postgres, &either, Needs::Any));
        assert_eq!(
            checked_in_rows(Dialect::MySql, "d", &either).iter().map(|c| c.1.as_str()).collect::<Vec<_>>(),
            ["% zqpaper zqjam %", "% zqa %"]
        );
        assert!(checked_in_rows(Dialect::Sqlite, "d", &either).is_empty());
        // The longest word is looked up when all are short; a phrase's words once.
        let short = [&Pattern::Word("at".into()), &Pattern::Prefix("pr".into()), &Pattern::Word("jam".into())];
        assert_eq!(innodb_lookup(&short), (vec!["zqjam".to_string()], vec!["% zqat %".into(), "% zqpr%".into()]));
        let twice = [&Pattern::Phrase(vec!["error".into(), "at".into(), "error".into()])];
        assert_eq!(innodb_lookup(&twice), (vec!["zqerror".to_string()], vec!["% zqerror zqat zqerror %".into()]));
        assert_eq!(query(Dialect::Sqlite, &either, Needs::All), "(\"a\") AND (\"paper jam\")");
    }
}
