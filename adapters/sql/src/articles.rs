//! `article` with its `article_data_mime` row: the MIME backend OTRS uses for email,
//! phone and internal articles alike.

use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::ports::*;
use md5::{Digest, Md5};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult, Value};

use crate::connection::{Db, Dialect};
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, opt_text, time};
use crate::shared_commit::{Write, in_powers_of_two, one_by_one};

const SELECT_ARTICLE: &str = "SELECT a.id, a.ticket_id, a.article_sender_type_id, a.communication_channel_id, \
     a.is_visible_for_customer, a.create_time, a.create_by, m.a_from, m.a_to, m.a_cc, m.a_subject, m.a_body, \
     m.a_content_type, m.a_message_id, m.a_in_reply_to, m.a_references, m.incoming_time, m.content_path, \
     CASE WHEN EXISTS (SELECT 1 FROM article_data_mime_plain p WHERE p.article_id = a.id) THEN 1 ELSE 0 END AS has_source \
     FROM article a LEFT JOIN article_data_mime m ON m.article_id = a.id";

fn article_from(r: &QueryResult) -> Decoded<Article> {
    Ok(Article {
        id: int(r, "id")?,
        ticket_id: int(r, "ticket_id")?,
        sender_type: SenderType::from_id(int(r, "article_sender_type_id")? as i32).unwrap_or(SenderType::System),
        channel: CommunicationChannel::from_id(int(r, "communication_channel_id")? as i32)
            .unwrap_or(CommunicationChannel::Internal),
        visible_for_customer: int(r, "is_visible_for_customer")? == 1,
        from: opt_text(r, "a_from")?,
        to: opt_text(r, "a_to")?,
        cc: opt_text(r, "a_cc")?,
        subject: opt_text(r, "a_subject")?,
        body: opt_text(r, "a_body")?.unwrap_or_default(),
        content_type: opt_text(r, "a_content_type")?.unwrap_or_else(|| "text/plain".into()),
        message_id: opt_text(r, "a_message_id")?,
        in_reply_to: opt_text(r, "a_in_reply_to")?,
        references: opt_text(r, "a_references")?,
        incoming_time: int(r, "incoming_time")?,
        created: time(r, "create_time")?,
        created_by: int(r, "create_by")? as i32,
        attachments: Vec::new(),
        has_source: int(r, "has_source")? == 1,
        dynamic_fields: Vec::new(),
    })
}

/// Where OTRS would keep each article's files on disk, by article.
fn content_paths(rows: &[QueryResult]) -> Decoded<HashMap<ArticleId, String>> {
    let mut paths = HashMap::new();
    for r in rows {
        if let Some(path) = opt_text(r, "content_path")? {
            paths.insert(int(r, "id")?, path);
        }
    }
    Ok(paths)
}

pub(crate) const ARTICLE_COLUMNS: &str = "ticket_id, article_sender_type_id, communication_channel_id, is_visible_for_customer, \
                               search_index_needs_rebuild, create_time, create_by, change_time, change_by";
pub(crate) const ARTICLE_ROW: &str = "(?, ?, ?, ?, 1, ?, ?, ?, ?)";
pub(crate) const MIME_COLUMNS: &str = "article_id, a_from, a_to, a_cc, a_subject, a_message_id, a_message_id_md5, a_in_reply_to, \
                            a_references, a_content_type, a_body, incoming_time, content_path, create_time, create_by, change_time, \
                            change_by";
pub(crate) const MIME_ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

pub(crate) fn article_values(ticket_id: TicketId, a: &NewArticle, by: UserId, now: DateTime<Utc>) -> Vec<Value> {
    let now = db_now(now);
    vec![
        ticket_id.into(),
        a.sender_type.id().into(),
        a.channel.id().into(),
        i32::from(a.visible_for_customer).into(),
        now.into(),
        by.into(),
        now.into(),
        by.into(),
    ]
}

/// OTRS finds follow-ups by the MD5 of the Message-ID (`a_message_id_md5`, indexed).
fn md5_hex(message_id: &str) -> String {
    Md5::digest(message_id.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The mime row's values after its `article_id`.
pub(crate) fn mime_values(a: &NewArticle, by: UserId, now_utc: DateTime<Utc>) -> Vec<Value> {
    let now = db_now(now_utc);
    let message_id_md5 = a.message_id.as_deref().map(md5_hex);
    vec![
        a.from.clone().into(),
        a.to.clone().into(),
        a.cc.clone().into(),
        a.subject.clone().into(),
        a.message_id.clone().into(),
        message_id_md5.into(),
        a.in_reply_to.clone().into(),
        a.references.clone().into(),
        a.content_type.clone().into(),
        a.body.clone().into(),
        now_utc.timestamp().into(),
        // Where OTRS's file storage would keep the article's files (the day's folder);
        // OTRS sets it whichever storage is in use.
        now_utc.format("%Y/%m/%d").to_string().into(),
        now.into(),
        by.into(),
        now.into(),
        by.into(),
    ]
}

impl Db {
    /// An article's rows and files, and its words in its ticket's search documents.
    pub(crate) async fn insert_article(
        &self,
        txn: &DatabaseTransaction,
        ticket_id: TicketId,
        a: &NewArticle,
        by: UserId,
    ) -> Result<ArticleId, sea_orm::DbErr> {
        let article_id = self.write_article(txn, ticket_id, a, by).await?;
        self.index_new(txn, &[], &[(article_id, ticket_id, a)]).await?;
        Ok(article_id)
    }

    /// An article's rows and files, not yet searchable: a new ticket's first article
    /// goes into the ticket's search documents as they are first written, rather than
    /// being added to them in a second write of each.
    pub(crate) async fn write_article(
        &self,
        txn: &DatabaseTransaction,
        ticket_id: TicketId,
        a: &NewArticle,
        by: UserId,
    ) -> Result<ArticleId, sea_orm::DbErr> {
        let now = self.instant();
        let article_sql = format!("INSERT INTO article ({ARTICLE_COLUMNS}) VALUES {ARTICLE_ROW}");
        let article_values = article_values(ticket_id, a, by, now);
        let mime_values = mime_values(a, by, now);
        let article_id = if self.dialect() == Dialect::Postgres {
            // PostgreSQL takes both rows in one statement: a round trip less for every
            // article, a tenth of adding one.
            let sql = format!(
                "WITH a AS ({article_sql} RETURNING id) INSERT INTO article_data_mime ({MIME_COLUMNS}) \
                 SELECT a.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM a RETURNING article_id"
            );
            let row = txn.query_one_raw(self.stmt(&sql, [article_values, mime_values].concat())).await?;
            row.map(|r| int(&r, "article_id")).transpose()?.unwrap_or(0)
        } else {
            let article_id = self.insert_id(txn, &article_sql, article_values).await?;
            let sql = format!("INSERT INTO article_data_mime ({MIME_COLUMNS}) VALUES {MIME_ROW}");
            txn.execute_raw(self.stmt(&sql, [vec![article_id.into()], mime_values].concat())).await?;
            article_id
        };
        self.insert_files(txn, article_id, a, by).await?;
        Ok(article_id)
    }

    /// Articles in one statement for their rows and one for their mime rows (attachments
    /// after them, one statement each), on PostgreSQL and SQLite. Returns their ids in the
    /// order given.
    pub(crate) async fn insert_articles(
        &self,
        txn: &DatabaseTransaction,
        articles: &[(TicketId, &NewArticle, UserId)],
    ) -> Result<Vec<ArticleId>, sea_orm::DbErr> {
        let ids = self.write_articles(txn, articles).await?;
        let indexed: Vec<_> = articles.iter().zip(&ids).map(|(&(ticket_id, a, _), &id)| (id, ticket_id, a)).collect();
        self.index_new(txn, &[], &indexed).await?;
        Ok(ids)
    }

    /// [`Self::insert_articles`] without the search index, as [`Self::write_article`].
    pub(crate) async fn write_articles(
        &self,
        txn: &DatabaseTransaction,
        articles: &[(TicketId, &NewArticle, UserId)],
    ) -> Result<Vec<ArticleId>, sea_orm::DbErr> {
        let now = self.instant();
        let rows = vec![ARTICLE_ROW; articles.len()].join(", ");
        let values = articles.iter().flat_map(|&(ticket_id, a, by)| article_values(ticket_id, a, by, now));
        let sql = format!("INSERT INTO article ({ARTICLE_COLUMNS}) VALUES {rows}");
        let ids = self.insert_ids(txn, &sql, values, articles.len()).await?;
        let rows = vec![MIME_ROW; articles.len()].join(", ");
        let values = articles
            .iter()
            .zip(&ids)
            .flat_map(|(&(_, a, by), &id)| [vec![Value::from(id)], mime_values(a, by, now)].concat());
        txn.execute_raw(self.stmt(&format!("INSERT INTO article_data_mime ({MIME_COLUMNS}) VALUES {rows}"), values))
            .await?;
        for (&(_, a, by), &id) in articles.iter().zip(&ids) {
            self.insert_files(txn, id, a, by).await?;
        }
        Ok(ids)
    }

    /// Sets the change time of tickets that got articles, and who changed them last (the
    /// last of `changes` for each), in one statement. The rows are locked in the order of
    /// their ids, so turns touching the same tickets wait for each other rather than
    /// deadlock. Padded to a power of two of ids: one statement text per size, as in
    /// `in_powers_of_two`.
    async fn touch_tickets(
        &self,
        txn: &DatabaseTransaction,
        changes: &[(TicketId, UserId)],
    ) -> Result<(), sea_orm::DbErr> {
        let last_by: BTreeMap<TicketId, UserId> = changes.iter().copied().collect();
        if last_by.is_empty() {
            return Ok(());
        }
        let mut tickets: Vec<(TicketId, UserId)> = last_by.into_iter().collect();
        crate::shared_commit::padded_to_power_of_two(&mut tickets);
        let cases = vec!["WHEN ? THEN ?"; tickets.len()].join(" ");
        let ids = vec!["?"; tickets.len()].join(", ");
        let mut values = vec![Value::from(self.now())];
        values.extend(tickets.iter().flat_map(|&(id, by)| [Value::from(id), Value::from(by)]));
        values.extend(tickets.iter().map(|&(id, _)| Value::from(id)));
        txn.execute_raw(self.stmt(
            &format!("UPDATE ticket SET change_time = ?, change_by = CASE id {cases} END WHERE id IN ({ids})"),
            values,
        ))
        .await?;
        Ok(())
    }
}

/// An article added to a ticket, with its history row and the ticket's change time,
/// written with others waiting at the same time (see shared_commit.rs).
pub(crate) struct Addition {
    ticket_id: TicketId,
    article: NewArticle,
    history: HistoryBuilder,
    by: UserId,
}

#[async_trait]
impl Write for Addition {
    type Done = ArticleId;

    async fn write(&self, db: &Db, txn: &DatabaseTransaction) -> Result<Self::Done, sea_orm::DbErr> {
        let this_ticket = [(self.ticket_id, self.by)];
        let touch = || db.touch_tickets(txn, &this_ticket);
        // MySQL: the article's foreign key share-locks the ticket row, and two writers
        // that both hold that lock and then ask to update the row deadlock. Updating it
        // first makes the second writer wait instead. Time accounted with the article
        // needs the row held before it sums the ticket's time.
        let touch_first = db.dialect == Dialect::MySql || self.article.time_unit.is_some();
        if touch_first {
            touch().await?;
        }
        let id = db.insert_article(txn, self.ticket_id, &self.article, self.by).await?;
        db.write_history(txn, self.ticket_id, (self.history)(self.ticket_id, id), self.by).await?;
        if let Some(units) = self.article.time_unit {
            db.account_in(txn, self.ticket_id, Some(id), units, self.by).await?;
        }
        // Elsewhere last, so the ticket's row is locked only for the commit: articles
        // added to one ticket at once wait on each other for that long and no longer.
        if !touch_first {
            touch().await?;
        }
        db.flag_added(txn, &[(self.ticket_id, id, self.by)]).await?;
        Ok(id)
    }

    /// The articles in two statements, their history in one and the tickets' change
    /// times in one, on PostgreSQL and SQLite. MySQL writes one addition per
    /// transaction (see `ArticleRepository::add`), and articles with time accounted are
    /// written one by one, each summing its ticket's time under the ticket's row lock.
    async fn write_all(all: &[&Self], db: &Db, txn: &DatabaseTransaction) -> Result<Vec<Self::Done>, sea_orm::DbErr> {
        let with_time = all.iter().any(|a| a.article.time_unit.is_some());
        if all.len() == 1 || db.dialect == Dialect::MySql || with_time {
            return one_by_one(all, db, txn).await;
        }
        let mut done = Vec::with_capacity(all.len());
        for part in in_powers_of_two(all) {
            let articles: Vec<_> = part.iter().map(|a| (a.ticket_id, &a.article, a.by)).collect();
            let ids = db.insert_articles(txn, &articles).await?;
            let history = part
                .iter()
                .zip(&ids)
                .flat_map(|(a, &id)| (a.history)(a.ticket_id, id).into_iter().map(|e| (a.ticket_id, e, a.by)))
                .collect();
            db.write_histories(txn, history).await?;
            done.extend(ids);
        }
        db.touch_tickets(txn, &all.iter().map(|a| (a.ticket_id, a.by)).collect::<Vec<_>>()).await?;
        let written: Vec<_> = all.iter().zip(&done).map(|(a, &id)| (a.ticket_id, id, a.by)).collect();
        db.flag_added(txn, &written).await?;
        Ok(done)
    }
}

#[async_trait]
impl ArticleRepository for Db {
    async fn add(
        &self,
        ticket_id: TicketId,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<ArticleId> {
        let addition = Addition { ticket_id, article, history, by };
        // MySQL's foreign keys share-lock the tickets: additions to the same tickets in
        // shared transactions would deadlock each other.
        if self.dialect == Dialect::MySql {
            return self.write_alone(&addition).await;
        }
        self.additions.write(self, addition).await
    }

    async fn get(&self, id: ArticleId) -> DomainResult<Option<Article>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{SELECT_ARTICLE} WHERE a.id = ?"), [id.into()]))
            .await
            .map_err(to_domain)?;
        let Some(row) = row else { return Ok(None) };
        let mut article = article_from(&row)?;
        article.attachments = self.attachments_of_article(id).await?;
        let mut articles = vec![article];
        if self.article_dir.is_some() {
            self.complete_from_disk(&mut articles, content_paths(std::slice::from_ref(&row))?).await?;
        }
        Ok(articles.pop())
    }

    async fn by_message_id(&self, message_id: &str) -> DomainResult<Option<(TicketId, ArticleId)>> {
        let sql = "SELECT a.ticket_id, a.id FROM article_data_mime m JOIN article a ON a.id = m.article_id \
                   WHERE m.a_message_id_md5 = ? ORDER BY a.id";
        let row = self.conn.query_one_raw(self.stmt(sql, [md5_hex(message_id).into()])).await.map_err(to_domain)?;
        Ok(row.map(|r| Ok::<_, crate::row::Undecodable>((int(&r, "ticket_id")?, int(&r, "id")?))).transpose()?)
    }

    async fn plain(&self, article_id: ArticleId) -> DomainResult<Option<Vec<u8>>> {
        self.plain_of(article_id).await
    }

    async fn list_for_ticket(&self, ticket_id: TicketId) -> DomainResult<Vec<Article>> {
        let rows = self
            .conn
            .query_all_raw(
                self.stmt(&format!("{SELECT_ARTICLE} WHERE a.ticket_id = ? ORDER BY a.id"), [ticket_id.into()]),
            )
            .await
            .map_err(to_domain)?;
        let mut articles: Vec<Article> = rows.iter().map(article_from).collect::<Decoded<_>>()?;
        for file in self.attachments_of_ticket(ticket_id).await? {
            if let Some(a) = articles.iter_mut().find(|a| a.id == file.article_id) {
                a.attachments.push(file);
            }
        }
        if self.article_dir.is_some() {
            self.complete_from_disk(&mut articles, content_paths(&rows)?).await?;
        }
        Ok(articles)
    }

    async fn attachment(&self, id: i64) -> DomainResult<Option<(Attachment, Vec<u8>)>> {
        self.attachment_with_content(id).await
    }
}
