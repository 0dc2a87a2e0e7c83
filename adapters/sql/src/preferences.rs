//! Agents' preferences in OTRS's `user_preferences`: a key/value list per agent, so a
//! preference set in OTRS (such as `UserLanguage`) is the one goats reads.

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::model::UserId;
use goats_core::ports::PreferenceStore;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::opt_text;

#[async_trait]
impl PreferenceStore for Db {
    async fn preference(&self, user_id: UserId, key: &str) -> DomainResult<Option<String>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(
                "SELECT preferences_value FROM user_preferences WHERE user_id = ? AND preferences_key = ?",
                [user_id.into(), key.into()],
            ))
            .await
            .map_err(to_domain)?;
        // OTRS's `blob` is LONGBLOB on MySQL (bytes come back) and TEXT on PostgreSQL.
        Ok(row.map(|r| opt_text(&r, "preferences_value")).transpose()?.flatten())
    }

    /// OTRS keeps one row per key without a unique index; replacing the rows in one
    /// transaction keeps it one.
    async fn set_preference(&self, user_id: UserId, key: &str, value: &str) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        txn.execute_raw(self.stmt(
            "DELETE FROM user_preferences WHERE user_id = ? AND preferences_key = ?",
            [user_id.into(), key.into()],
        ))
        .await
        .map_err(to_domain)?;
        txn.execute_raw(self.stmt(
            "INSERT INTO user_preferences (user_id, preferences_key, preferences_value) VALUES (?, ?, ?)",
            [user_id.into(), key.into(), value.into()],
        ))
        .await
        .map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)
    }
}
