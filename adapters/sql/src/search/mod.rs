//! The full-text index, `goats_search_text`: written in the same transaction as the
//! ticket or article it describes, so what committed is found at once and every
//! instance sees the same index. [`engine`] holds what differs between the databases,
//! [`condition`] turns a search into `WHERE` conditions, [`reindex`] rebuilds the index
//! for tickets written by someone else (an import, a live OTRS).

mod condition;
pub(crate) mod engine;
mod passages;
pub mod reindex;

use std::collections::HashMap;

use goats_core::model::*;
use goats_core::ports::TicketDraft;
use goats_core::search::{MAX_INDEXED_CHARS, index_text};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};

use crate::connection::Db;
use crate::row::{Decoded, opt_text, text};

pub(crate) use condition::{relevance_join, search_conditions};

/// One document of the index: a ticket's own fields, or one article.
pub(crate) struct SearchDoc {
    /// The article's id, or minus the ticket's id for the ticket's fields.
    id: i64,
    ticket_id: TicketId,
    customer_visible: bool,
    words: String,
}

impl SearchDoc {
    /// The ticket's number, title, customer ids, the customer user's name and the texts of
    /// its fields. A customer sees these on every ticket of theirs, so they count as
    /// shown to them.
    pub(crate) fn of_ticket(id: TicketId, fields: &[Option<&str>]) -> Self {
        let words = index_text(fields.iter().flatten().copied(), MAX_INDEXED_CHARS);
        Self { id: -id, ticket_id: id, customer_visible: true, words }
    }

    pub(crate) fn of_article(id: ArticleId, ticket_id: TicketId, a: &NewArticle) -> Self {
        let headers = [a.from.as_deref(), a.to.as_deref(), a.cc.as_deref(), Some(a.subject.as_str())];
        let files: Vec<&str> = a.attachments.iter().map(|f| f.filename()).collect();
        Self::of_article_texts(id, ticket_id, a.visible_for_customer, headers, &a.body, &files)
    }

    /// An article's document from its from, to, cc and subject, its body and its
    /// attachments' file names.
    pub(crate) fn of_article_texts(
        id: ArticleId,
        ticket_id: TicketId,
        customer_visible: bool,
        headers: [Option<&str>; 4],
        body: &str,
        files: &[&str],
    ) -> Self {
        let texts = headers.into_iter().flatten().chain([body]).chain(files.iter().copied());
        Self { id, ticket_id, customer_visible, words: index_text(texts, MAX_INDEXED_CHARS) }
    }
}

/// A customer user's "first last" from a row with `first_name` and `last_name`.
fn full_name(r: &QueryResult) -> Decoded<String> {
    let name = [opt_text(r, "first_name")?, opt_text(r, "last_name")?];
    Ok(name.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

/// At most so many documents, and about so many bytes of words, per statement: well
/// under the 4 MB `max_allowed_packet` older MariaDB servers start with.
const DOCS_PER_INSERT: usize = 64;
const BYTES_PER_INSERT: usize = 1 << 20;

/// Consecutive runs of documents, each small enough for one statement.
fn statements(docs: &[SearchDoc]) -> Vec<&[SearchDoc]> {
    let mut parts = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, doc) in docs.iter().enumerate() {
        if i > start && (i - start == DOCS_PER_INSERT || bytes + doc.words.len() > BYTES_PER_INSERT) {
            parts.push(&docs[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += doc.words.len();
    }
    if start < docs.len() {
        parts.push(&docs[start..]);
    }
    parts
}

impl Db {
    /// Writes documents, replacing those with the same ids when `replace`.
    pub(crate) async fn write_search_docs(
        &self,
        conn: &impl ConnectionTrait,
        docs: &[SearchDoc],
        replace: bool,
    ) -> Result<(), DbErr> {
        let d = self.dialect;
        let id = engine::id_column(d);
        for part in statements(docs) {
            if replace {
                let ids = vec!["?"; part.len()].join(", ");
                let sql = format!("DELETE FROM goats_search_text WHERE {id} IN ({ids})");
                conn.execute_raw(self.stmt(&sql, part.iter().map(|doc| Value::from(doc.id)))).await?;
            }
            let row = format!("(?, ?, ?, {})", engine::words_value(d));
            let sql = format!(
                "INSERT INTO goats_search_text ({id}, ticket_id, customer_visible, words) VALUES {}",
                vec![row.as_str(); part.len()].join(", ")
            );
            let values = part.iter().flat_map(|doc| {
                [
                    Value::from(doc.id),
                    Value::from(doc.ticket_id),
                    Value::from(i32::from(doc.customer_visible)),
                    Value::from(engine::stored_words(d, &doc.words)),
                ]
            });
            conn.execute_raw(self.stmt(&sql, values)).await?;
        }
        Ok(())
    }

    /// Indexes new tickets' fields and new articles.
    pub(crate) async fn index_new(
        &self,
        conn: &impl ConnectionTrait,
        tickets: &[(TicketId, &TicketDraft)],
        articles: &[(ArticleId, TicketId, &NewArticle)],
    ) -> Result<(), DbErr> {
        let names =
            self.customer_names(conn, tickets.iter().filter_map(|(_, d)| d.customer_user_id.as_deref())).await?;
        let ticket_docs = tickets.iter().map(|(id, d)| {
            let name = d.customer_user_id.as_ref().and_then(|login| names.get(login)).map(String::as_str);
            let (number, title) = (Some(d.number.as_str()), Some(d.title.as_str()));
            SearchDoc::of_ticket(*id, &[number, title, d.customer_user_id.as_deref(), d.customer_id.as_deref(), name])
        });
        let article_docs = articles.iter().map(|&(id, ticket_id, a)| SearchDoc::of_article(id, ticket_id, a));
        let docs: Vec<SearchDoc> = ticket_docs.chain(article_docs).collect();
        self.write_search_docs(conn, &docs, false).await
    }

    /// Rewrites the documents of tickets' own fields from their rows, after a change of
    /// title, customer or field values.
    pub(crate) async fn reindex_ticket_fields(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[TicketId],
    ) -> Result<(), DbErr> {
        if ids.is_empty() {
            return Ok(());
        }
        let marks = vec!["?"; ids.len()].join(", ");
        let sql = format!(
            "SELECT t.id, t.tn, t.title, t.customer_id, t.customer_user_id, c.first_name, c.last_name \
             FROM ticket t LEFT JOIN customer_user c ON c.login = t.customer_user_id WHERE t.id IN ({marks})"
        );
        let rows = conn.query_all_raw(self.stmt(&sql, ids.iter().map(|&id| Value::from(id)))).await?;
        // The texts of the tickets' fields (text, dropdown and multiselect values).
        let values_sql = format!(
            "SELECT v.object_id, v.value_text FROM dynamic_field_value v JOIN dynamic_field f ON f.id = v.field_id \
             WHERE f.object_type = 'Ticket' AND v.value_text IS NOT NULL AND v.object_id IN ({marks}) \
             ORDER BY v.field_id, v.id"
        );
        let mut values: HashMap<TicketId, Vec<String>> = HashMap::new();
        for r in conn.query_all_raw(self.stmt(&values_sql, ids.iter().map(|&id| Value::from(id)))).await? {
            if let Some(v) = opt_text(&r, "value_text")? {
                values.entry(crate::row::int(&r, "object_id")?).or_default().push(v);
            }
        }
        let docs = rows
            .iter()
            .map(|r| {
                let id = crate::row::int(r, "id")?;
                let name = full_name(r)?;
                let (tn, title) = (text(r, "tn")?, opt_text(r, "title")?);
                let (company, login) = (opt_text(r, "customer_id")?, opt_text(r, "customer_user_id")?);
                let mut fields = vec![Some(tn.as_str()), title.as_deref(), login.as_deref(), company.as_deref()];
                fields.push(Some(&name));
                fields.extend(values.get(&id).into_iter().flatten().map(|v| Some(v.as_str())));
                Ok(SearchDoc::of_ticket(id, &fields))
            })
            .collect::<Decoded<Vec<_>>>()?;
        self.write_search_docs(conn, &docs, true).await
    }

    /// The names of customer users by login ("first last").
    async fn customer_names(
        &self,
        conn: &impl ConnectionTrait,
        logins: impl Iterator<Item = &str>,
    ) -> Result<HashMap<String, String>, DbErr> {
        let logins: Vec<Value> = logins.map(|l| Value::from(l.to_string())).collect();
        if logins.is_empty() {
            return Ok(HashMap::new());
        }
        let marks = vec!["?"; logins.len()].join(", ");
        let sql = format!("SELECT login, first_name, last_name FROM customer_user WHERE login IN ({marks})");
        let rows = conn.query_all_raw(self.stmt(&sql, logins)).await?;
        Ok(rows.iter().map(|r| Ok((text(r, "login")?, full_name(r)?))).collect::<Decoded<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_written_in_statements_of_bounded_size() {
        let doc = |n: usize| SearchDoc { id: 1, ticket_id: 1, customer_visible: true, words: "w".repeat(n) };
        let docs: Vec<SearchDoc> = (0..130).map(|_| doc(10)).collect();
        assert_eq!(statements(&docs).iter().map(|p| p.len()).collect::<Vec<_>>(), [64, 64, 2]);
        let docs = vec![doc(BYTES_PER_INSERT), doc(10), doc(BYTES_PER_INSERT - 10), doc(1)];
        assert_eq!(statements(&docs).iter().map(|p| p.len()).collect::<Vec<_>>(), [1, 2, 1]);
        assert!(statements(&[]).is_empty());
    }
}
