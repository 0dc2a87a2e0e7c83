//! The full-text index, `goats_search_text`: written in the same transaction as the
//! ticket or article it describes, so what committed is found at once and every
//! instance sees the same index. A ticket has one document for agents and one for its
//! customer (see `engine::create_statements`). [`engine`] holds what differs between the
//! databases, [`condition`] turns a search into `WHERE` conditions, [`reindex`] rebuilds
//! the index for tickets written by someone else (an import, a live OTRS).

mod condition;
pub(crate) mod engine;
mod passages;
pub mod reindex;
pub(crate) mod time_limit;

use std::collections::{BTreeMap, HashMap};

use goats_core::model::*;
use goats_core::ports::TicketDraft;
use goats_core::search::{MAX_INDEXED_CHARS, index_text};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};

use crate::connection::Db;
use crate::row::{Decoded, opt_text, text};

pub(crate) use condition::{Recent, ranked_candidates, search_conditions};

/// A ticket's two documents: its own fields, and its articles' words for agents (all
/// of them) and for its customer (those shown to customers).
pub(crate) struct TicketWords {
    ticket_id: TicketId,
    fields: String,
    for_agents: String,
    for_customers: String,
}

impl TicketWords {
    /// The ticket's number, title, customer ids, the customer user's name and the texts
    /// of its fields. A customer sees these on every ticket of theirs.
    fn new(ticket_id: TicketId, fields: &[Option<&str>]) -> Self {
        let fields = index_text(fields.iter().flatten().copied(), MAX_INDEXED_CHARS);
        Self { ticket_id, fields, for_agents: String::new(), for_customers: String::new() }
    }

    fn add_article(&mut self, words: &str, customer_visible: bool) {
        add_words(&mut self.for_agents, words);
        if customer_visible {
            add_words(&mut self.for_customers, words);
        }
    }
}

/// Words added to a document's, while it stays within `engine::MAX_DOC_CHARS`.
fn add_words(doc: &mut String, words: &str) {
    if words.is_empty() || doc.len() + words.len() >= engine::MAX_DOC_CHARS {
        return;
    }
    if !doc.is_empty() {
        doc.push(' ');
    }
    doc.push_str(words);
}

/// An article's words: its from, to, cc and subject, its body and its attachments'
/// file names.
pub(crate) fn article_words(headers: [Option<&str>; 4], body: &str, files: &[&str]) -> String {
    let texts = headers.into_iter().flatten().chain([body]).chain(files.iter().copied());
    index_text(texts, MAX_INDEXED_CHARS)
}

fn new_article_words(a: &NewArticle) -> String {
    let headers = [a.from.as_deref(), a.to.as_deref(), a.cc.as_deref(), Some(a.subject.as_str())];
    let files: Vec<&str> = a.attachments.iter().map(|f| f.filename()).collect();
    article_words(headers, &a.body, &files)
}

/// A customer user's "first last" from a row with `first_name` and `last_name`.
fn full_name(r: &QueryResult) -> Decoded<String> {
    let name = [opt_text(r, "first_name")?, opt_text(r, "last_name")?];
    Ok(name.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

/// At most so many tickets, and about so many bytes of words, per statement: well
/// under the 4 MB `max_allowed_packet` older MariaDB servers start with.
const TICKETS_PER_INSERT: usize = 32;
const BYTES_PER_INSERT: usize = 1 << 20;

/// Consecutive runs of tickets' documents, each small enough for one statement.
fn statements(docs: &[TicketWords]) -> Vec<&[TicketWords]> {
    let mut parts = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, doc) in docs.iter().enumerate() {
        let size = 2 * doc.fields.len() + doc.for_agents.len() + doc.for_customers.len();
        if i > start && (i - start == TICKETS_PER_INSERT || bytes + size > BYTES_PER_INSERT) {
            parts.push(&docs[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < docs.len() {
        parts.push(&docs[start..]);
    }
    parts
}

impl Db {
    /// Writes tickets' documents, replacing theirs when `replace`.
    pub(crate) async fn write_search_docs(
        &self,
        conn: &impl ConnectionTrait,
        docs: &[TicketWords],
        replace: bool,
    ) -> Result<(), DbErr> {
        let d = self.dialect;
        let id = engine::id_column(d);
        for part in statements(docs) {
            let ids = part.iter().flat_map(|doc| [false, true].map(|c| engine::doc_id(doc.ticket_id, c)));
            if replace {
                let marks = vec!["?"; part.len() * 2].join(", ");
                let sql = format!("DELETE FROM goats_search_text WHERE {id} IN ({marks})");
                conn.execute_raw(self.stmt(&sql, ids.clone().map(Value::from))).await?;
            }
            let mut rows = Vec::with_capacity(part.len() * 2);
            let mut values = Vec::with_capacity(part.len() * 10);
            for doc in part {
                for (for_customers, articles) in [(false, &doc.for_agents), (true, &doc.for_customers)] {
                    rows.push(format!(
                        "(?, ?, ?, {}, {})",
                        engine::words_value(d, doc.fields.len()),
                        engine::words_value(d, articles.len())
                    ));
                    let id = engine::doc_id(doc.ticket_id, for_customers);
                    values.extend([
                        Value::from(id),
                        Value::from(doc.ticket_id),
                        Value::from(i32::from(for_customers)),
                        Value::from(engine::stored_fields(d, id, &doc.fields)),
                        Value::from(engine::stored_words(d, articles)),
                    ]);
                }
            }
            let sql = format!(
                "INSERT INTO goats_search_text ({id}, ticket_id, for_customers, fields, articles) VALUES {}",
                rows.join(", ")
            );
            conn.execute_raw(self.stmt(&sql, values)).await?;
        }
        Ok(())
    }

    /// Indexes new tickets (with those of `articles` that are theirs) and adds the other
    /// articles' words to their tickets' documents.
    pub(crate) async fn index_new(
        &self,
        conn: &impl ConnectionTrait,
        tickets: &[(TicketId, &TicketDraft)],
        articles: &[(ArticleId, TicketId, &NewArticle)],
    ) -> Result<(), DbErr> {
        let names =
            self.customer_names(conn, tickets.iter().filter_map(|(_, d)| d.customer_user_id.as_deref())).await?;
        let mut new: Vec<TicketWords> = tickets
            .iter()
            .map(|(id, d)| {
                let name = d.customer_user_id.as_ref().and_then(|login| names.get(login)).map(String::as_str);
                let (number, title) = (Some(d.number.as_str()), Some(d.title.as_str()));
                TicketWords::new(*id, &[number, title, d.customer_user_id.as_deref(), d.customer_id.as_deref(), name])
            })
            .collect();
        let mut added: BTreeMap<TicketId, TicketWords> = BTreeMap::new();
        for &(_, ticket_id, a) in articles {
            let words = new_article_words(a);
            match new.iter_mut().find(|t| t.ticket_id == ticket_id) {
                Some(doc) => doc.add_article(&words, a.visible_for_customer),
                None => added
                    .entry(ticket_id)
                    .or_insert_with(|| TicketWords::new(ticket_id, &[]))
                    .add_article(&words, a.visible_for_customer),
            }
        }
        self.write_search_docs(conn, &new, false).await?;
        self.add_article_words(conn, added.values()).await
    }

    /// Adds articles' words to their tickets' documents. A ticket without documents (one
    /// OTRS wrote) is indexed whole, the new articles with the rest; a full document
    /// takes no more.
    async fn add_article_words(
        &self,
        conn: &impl ConnectionTrait,
        docs: impl Iterator<Item = &TicketWords>,
    ) -> Result<(), DbErr> {
        let d = self.dialect;
        let mut missing = Vec::new();
        for doc in docs {
            for (for_customers, words) in [(false, &doc.for_agents), (true, &doc.for_customers)] {
                if words.is_empty() {
                    continue;
                }
                let id = engine::doc_id(doc.ticket_id, for_customers);
                let done = conn
                    .execute_raw(
                        self.stmt(
                            &engine::append_sql(d),
                            [Value::from(engine::stored_words(d, words)), Value::from(id)],
                        ),
                    )
                    .await?;
                if done.rows_affected() == 0 && !self.has_search_doc(conn, id).await? {
                    missing.push(doc.ticket_id);
                    break;
                }
            }
        }
        self.index_tickets(conn, &missing).await
    }

    async fn has_search_doc(&self, conn: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
        let sql = format!("SELECT 1 AS found FROM goats_search_text WHERE {} = ?", engine::id_column(self.dialect));
        Ok(conn.query_one_raw(self.stmt(&sql, [Value::from(id)])).await?.is_some())
    }

    /// Rewrites tickets' own fields in their documents from their rows, after a change
    /// of title, customer or field values. A ticket without documents is indexed whole.
    pub(crate) async fn reindex_ticket_fields(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[TicketId],
    ) -> Result<(), DbErr> {
        let d = self.dialect;
        let mut missing = Vec::new();
        for doc in self.ticket_fields(conn, ids).await? {
            let sql = format!(
                "UPDATE goats_search_text SET fields = {} WHERE {} IN (?, ?)",
                engine::fields_update_value(d, doc.fields.len()),
                engine::id_column(d)
            );
            let values = [
                Value::from(engine::stored_words(d, &doc.fields)),
                Value::from(engine::doc_id(doc.ticket_id, false)),
                Value::from(engine::doc_id(doc.ticket_id, true)),
            ];
            if conn.execute_raw(self.stmt(&sql, values)).await?.rows_affected() == 0 {
                missing.push(doc.ticket_id);
            }
        }
        self.index_tickets(conn, &missing).await
    }

    /// Tickets' own fields (number, title, customer, the customer user's name, the
    /// texts of their dynamic fields), read from their rows.
    async fn ticket_fields(&self, conn: &impl ConnectionTrait, ids: &[TicketId]) -> Result<Vec<TicketWords>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
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
                Ok(TicketWords::new(id, &fields))
            })
            .collect::<Decoded<Vec<_>>>()?;
        Ok(docs)
    }

    /// (Re)writes both documents of these tickets from their rows and their articles'.
    pub(crate) async fn index_tickets(&self, conn: &impl ConnectionTrait, ids: &[TicketId]) -> Result<(), DbErr> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut docs = self.ticket_fields(conn, ids).await?;
        let mut articles = self.article_texts(conn, ids, false).await?;
        articles.sort_by_key(|a| a.id);
        for a in &articles {
            if let Some(doc) = docs.iter_mut().find(|d| d.ticket_id == a.ticket_id) {
                doc.add_article(&a.words(), a.customer_visible);
            }
        }
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

    /// The texts of these tickets' articles (only those shown to customers when
    /// `customer_only`), with their attachments' file names.
    pub(crate) async fn article_texts(
        &self,
        conn: &impl ConnectionTrait,
        tickets: &[TicketId],
        customer_only: bool,
    ) -> Result<Vec<ArticleText>, DbErr> {
        if tickets.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; tickets.len()].join(", ");
        let ids = || tickets.iter().map(|&id| Value::from(id));
        let shown = if customer_only { " AND a.is_visible_for_customer = 1" } else { "" };
        let files_sql = format!(
            "SELECT f.article_id, f.filename FROM article_data_mime_attachment f \
             JOIN article a ON a.id = f.article_id WHERE a.ticket_id IN ({marks}){shown}"
        );
        let mut files: HashMap<ArticleId, Vec<String>> = HashMap::new();
        for r in conn.query_all_raw(self.stmt(&files_sql, ids())).await? {
            if let Some(name) = opt_text(&r, "filename")? {
                files.entry(crate::row::int(&r, "article_id")?).or_default().push(name);
            }
        }
        let sql = format!(
            "SELECT a.id, a.ticket_id, a.is_visible_for_customer, m.a_from, m.a_to, m.a_cc, m.a_subject, m.a_body \
             FROM article a LEFT JOIN article_data_mime m ON m.article_id = a.id WHERE a.ticket_id IN ({marks}){shown}"
        );
        let rows = conn.query_all_raw(self.stmt(&sql, ids())).await?;
        let texts = rows
            .iter()
            .map(|r| {
                let id = crate::row::int(r, "id")?;
                Ok(ArticleText {
                    id,
                    ticket_id: crate::row::int(r, "ticket_id")?,
                    customer_visible: crate::row::opt_int(r, "is_visible_for_customer")? == Some(1),
                    headers: [
                        opt_text(r, "a_from")?,
                        opt_text(r, "a_to")?,
                        opt_text(r, "a_cc")?,
                        opt_text(r, "a_subject")?,
                    ],
                    body: opt_text(r, "a_body")?.unwrap_or_default(),
                    files: files.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<Decoded<Vec<_>>>()?;
        Ok(texts)
    }
}

/// An article as the index reads it.
pub(crate) struct ArticleText {
    pub(crate) id: ArticleId,
    pub(crate) ticket_id: TicketId,
    pub(crate) customer_visible: bool,
    /// From, to, cc and subject.
    pub(crate) headers: [Option<String>; 4],
    pub(crate) body: String,
    pub(crate) files: Vec<String>,
}

impl ArticleText {
    pub(crate) fn words(&self) -> String {
        let files: Vec<&str> = self.files.iter().map(String::as_str).collect();
        article_words(self.headers.each_ref().map(Option::as_deref), &self.body, &files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_written_in_statements_of_bounded_size() {
        let doc = |n: usize| TicketWords {
            ticket_id: 1,
            fields: String::new(),
            for_agents: "w".repeat(n),
            for_customers: String::new(),
        };
        let docs: Vec<TicketWords> = (0..70).map(|_| doc(10)).collect();
        assert_eq!(statements(&docs).iter().map(|p| p.len()).collect::<Vec<_>>(), [32, 32, 6]);
        let docs = vec![doc(BYTES_PER_INSERT), doc(10), doc(BYTES_PER_INSERT - 10), doc(1)];
        assert_eq!(statements(&docs).iter().map(|p| p.len()).collect::<Vec<_>>(), [1, 2, 1]);
        assert!(statements(&[]).is_empty());
    }

    #[test]
    fn a_document_stops_taking_words_when_full() {
        let mut doc = TicketWords::new(1, &[Some("T-1")]);
        doc.add_article("printer jam", true);
        doc.add_article("internal remark", false);
        assert_eq!(
            (doc.for_agents.as_str(), doc.for_customers.as_str()),
            ("printer jam internal remark", "printer jam")
        );
        let long = "x".repeat(engine::MAX_DOC_CHARS);
        doc.add_article(&long, false);
        assert_eq!(doc.for_agents, "printer jam internal remark");
    }
}
