//! Browser sessions: agents' in `goats_session`, customers' (the portal's) in
//! `goats_customer_session`; the same statements over either table.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::model::UserId;
use goats_core::ports::{SessionStore, WebSessionRecord};
use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, text, time};

/// Where one kind of session holder is stored, and how its column reads and writes.
trait Holder: Clone + Send + Sync + 'static {
    const TABLE: &'static str;
    const COLUMN: &'static str;
    fn value(&self) -> Value;
    fn read(row: &QueryResult) -> Decoded<Self>;
}

impl Holder for UserId {
    const TABLE: &'static str = "goats_session";
    const COLUMN: &'static str = "user_id";
    fn value(&self) -> Value {
        (*self).into()
    }
    fn read(row: &QueryResult) -> Decoded<Self> {
        Ok(int(row, Self::COLUMN)? as UserId)
    }
}

impl Holder for String {
    const TABLE: &'static str = "goats_customer_session";
    const COLUMN: &'static str = "customer_login";
    fn value(&self) -> Value {
        self.clone().into()
    }
    fn read(row: &QueryResult) -> Decoded<Self> {
        text(row, Self::COLUMN)
    }
}

#[async_trait]
impl<H: Holder> SessionStore<H> for Db {
    async fn insert(&self, s: &WebSessionRecord<H>) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let sql = format!(
            "INSERT INTO {} (id_hash, {}, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
            H::TABLE,
            H::COLUMN
        );
        let values = [
            s.id_hash.clone().into(),
            s.holder.value(),
            s.csrf_token.clone().into(),
            db_now(s.created_at).into(),
            db_now(s.last_seen_at).into(),
        ];
        self.conn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        Ok(())
    }

    async fn find(&self, id_hash: &str) -> DomainResult<Option<WebSessionRecord<H>>> {
        let sql = format!(
            "SELECT id_hash, {}, csrf_token, created_at, last_seen_at FROM {} WHERE id_hash = ?",
            H::COLUMN,
            H::TABLE
        );
        let row = self.conn.query_one_raw(self.stmt(&sql, [id_hash.into()])).await.map_err(to_domain)?;
        Ok(row
            .map(|r| -> Decoded<WebSessionRecord<H>> {
                Ok(WebSessionRecord {
                    id_hash: text(&r, "id_hash")?,
                    holder: H::read(&r)?,
                    csrf_token: text(&r, "csrf_token")?,
                    created_at: time(&r, "created_at")?,
                    last_seen_at: time(&r, "last_seen_at")?,
                })
            })
            .transpose()?)
    }

    async fn touch(&self, id_hash: &str, at: DateTime<Utc>) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let sql = format!("UPDATE {} SET last_seen_at = ? WHERE id_hash = ?", H::TABLE);
        self.conn.execute_raw(self.stmt(&sql, [db_now(at).into(), id_hash.into()])).await.map_err(to_domain)?;
        Ok(())
    }

    async fn delete(&self, id_hash: &str) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let sql = format!("DELETE FROM {} WHERE id_hash = ?", H::TABLE);
        self.conn.execute_raw(self.stmt(&sql, [id_hash.into()])).await.map_err(to_domain)?;
        Ok(())
    }

    async fn delete_others(&self, holder: &H, keep: &str) -> DomainResult<u64> {
        let _w = self.write_guard().await;
        let sql = format!("DELETE FROM {} WHERE {} = ? AND id_hash <> ?", H::TABLE, H::COLUMN);
        let done = self.conn.execute_raw(self.stmt(&sql, [holder.value(), keep.into()])).await.map_err(to_domain)?;
        Ok(done.rows_affected())
    }

    async fn delete_expired(&self, idle_before: DateTime<Utc>, created_before: DateTime<Utc>) -> DomainResult<u64> {
        let _w = self.write_guard().await;
        let sql = format!("DELETE FROM {} WHERE last_seen_at < ? OR created_at < ?", H::TABLE);
        let done = self
            .conn
            .execute_raw(self.stmt(&sql, [db_now(idle_before).into(), db_now(created_before).into()]))
            .await
            .map_err(to_domain)?;
        Ok(done.rows_affected())
    }
}
