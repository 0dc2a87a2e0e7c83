//! Agents' browser sessions in `goats_session`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::ports::{SessionStore, WebSessionRecord};
use sea_orm::ConnectionTrait;

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, text, time};

#[async_trait]
impl SessionStore for Db {
    async fn insert(&self, s: &WebSessionRecord) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(self.stmt(
                "INSERT INTO goats_session (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
                [
                    s.id_hash.clone().into(),
                    s.user_id.into(),
                    s.csrf_token.clone().into(),
                    db_now(s.created_at).into(),
                    db_now(s.last_seen_at).into(),
                ],
            ))
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn find(&self, id_hash: &str) -> DomainResult<Option<WebSessionRecord>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(
                "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at FROM goats_session WHERE id_hash = ?",
                [id_hash.into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(row
            .map(|r| -> Decoded<WebSessionRecord> {
                Ok(WebSessionRecord {
                    id_hash: text(&r, "id_hash")?,
                    user_id: int(&r, "user_id")? as i32,
                    csrf_token: text(&r, "csrf_token")?,
                    created_at: time(&r, "created_at")?,
                    last_seen_at: time(&r, "last_seen_at")?,
                })
            })
            .transpose()?)
    }

    async fn touch(&self, id_hash: &str, at: DateTime<Utc>) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(self.stmt(
                "UPDATE goats_session SET last_seen_at = ? WHERE id_hash = ?",
                [db_now(at).into(), id_hash.into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn delete(&self, id_hash: &str) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(self.stmt("DELETE FROM goats_session WHERE id_hash = ?", [id_hash.into()]))
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn delete_expired(&self, idle_before: DateTime<Utc>, created_before: DateTime<Utc>) -> DomainResult<u64> {
        let _w = self.write_guard().await;
        let done = self
            .conn
            .execute_raw(self.stmt(
                "DELETE FROM goats_session WHERE last_seen_at < ? OR created_at < ?",
                [db_now(idle_before).into(), db_now(created_before).into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(done.rows_affected())
    }
}
