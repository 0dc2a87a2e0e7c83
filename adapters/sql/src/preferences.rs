//! Agents' preferences in OTRS's `user_preferences` and customers' in
//! `customer_preferences`: a key/value list per person, so a preference set in OTRS
//! (such as `UserLanguage`) is the one goats reads. Both tables have the same columns;
//! `user_id` holds an agent's id in one and a customer's login in the other.

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::model::UserId;
use goats_core::ports::{CustomerPreferenceStore, PreferenceStore};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{int, opt_text};

const AGENTS: &str = "user_preferences";
const CUSTOMERS: &str = "customer_preferences";

impl Db {
    async fn read_preference(&self, table: &str, who: Value, key: &str) -> DomainResult<Option<String>> {
        let sql = format!("SELECT preferences_value FROM {table} WHERE user_id = ? AND preferences_key = ?");
        let row = self.conn.query_one_raw(self.stmt(&sql, [who, key.into()])).await.map_err(to_domain)?;
        // OTRS's `blob` is LONGBLOB on MySQL (bytes come back) and TEXT on PostgreSQL.
        Ok(row.map(|r| opt_text(&r, "preferences_value")).transpose()?.flatten())
    }

    /// OTRS keeps one row per key without a unique index; replacing the rows in one
    /// transaction keeps it one.
    async fn write_preference(&self, table: &str, who: Value, key: &str, value: &str) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let delete = format!("DELETE FROM {table} WHERE user_id = ? AND preferences_key = ?");
        txn.execute_raw(self.stmt(&delete, [who.clone(), key.into()])).await.map_err(to_domain)?;
        let insert = format!("INSERT INTO {table} (user_id, preferences_key, preferences_value) VALUES (?, ?, ?)");
        txn.execute_raw(self.stmt(&insert, [who, key.into(), value.into()])).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)
    }
}

#[async_trait]
impl PreferenceStore for Db {
    async fn preference(&self, user_id: UserId, key: &str) -> DomainResult<Option<String>> {
        self.read_preference(AGENTS, user_id.into(), key).await
    }

    async fn set_preference(&self, user_id: UserId, key: &str, value: &str) -> DomainResult<()> {
        self.write_preference(AGENTS, user_id.into(), key, value).await
    }

    async fn users_with(&self, key: &str, value: &str) -> DomainResult<Vec<UserId>> {
        let sql = "SELECT DISTINCT user_id FROM user_preferences WHERE preferences_key = ? AND preferences_value = ? \
                   ORDER BY user_id";
        let rows = self.conn.query_all_raw(self.stmt(sql, [key.into(), value.into()])).await.map_err(to_domain)?;
        rows.iter().map(|r| Ok(int(r, "user_id")? as UserId)).collect()
    }
}

#[async_trait]
impl CustomerPreferenceStore for Db {
    async fn customer_preference(&self, login: &str, key: &str) -> DomainResult<Option<String>> {
        self.read_preference(CUSTOMERS, login.into(), key).await
    }

    async fn set_customer_preference(&self, login: &str, key: &str, value: &str) -> DomainResult<()> {
        self.write_preference(CUSTOMERS, login.into(), key, value).await
    }
}
