//! goats' own authentication tables: `goats_refresh_token` and `goats_setting`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use goats_core::DomainResult;
use goats_core::model::UserId;
use goats_core::ports::{
    ApiTokenRecord, ApiTokenStore, RefreshTokenRecord, RefreshTokenStore, SettingsStore, Subject, TokenScope,
};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, db_now, int, opt_text, text, time};

/// Agents' and customers' refresh tokens live in two tables (an agent is a `users` id,
/// a customer a `customer_user` login); the same rules apply to both.
fn table(subject: &Subject) -> &'static str {
    match subject {
        Subject::Agent(_) => "goats_refresh_token",
        Subject::Customer(_) => "goats_customer_refresh_token",
    }
}

const REFRESH_TABLES: [(&str, &str); 2] =
    [("goats_refresh_token", "user_id"), ("goats_customer_refresh_token", "customer_login")];

#[async_trait]
impl RefreshTokenStore for Db {
    async fn insert(
        &self,
        family: &str,
        subject: &Subject,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> DomainResult<()> {
        let (column, who): (&str, Value) = match subject {
            Subject::Agent(id) => ("user_id", (*id).into()),
            Subject::Customer(login) => ("customer_login", login.clone().into()),
        };
        let sql = format!(
            "INSERT INTO {} (family, {column}, token_hash, expires_at, create_time) VALUES (?, ?, ?, ?, ?)",
            table(subject)
        );
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(
                self.stmt(&sql, [family.into(), who, token_hash.into(), db_now(expires_at).into(), self.now().into()]),
            )
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn find(&self, token_hash: &str) -> DomainResult<Option<RefreshTokenRecord>> {
        for (table, column) in REFRESH_TABLES {
            let sql = format!(
                "SELECT id, family, {column} AS who, expires_at, rotated_at, revoked_at FROM {table} WHERE token_hash = ?"
            );
            let row = self.conn.query_one_raw(self.stmt(&sql, [token_hash.into()])).await.map_err(to_domain)?;
            if let Some(r) = row {
                let subject = if column == "user_id" {
                    Subject::Agent(int(&r, "who")? as i32)
                } else {
                    Subject::Customer(text(&r, "who")?)
                };
                let set = |col: &str| r.try_get::<Option<chrono::NaiveDateTime>>("", col).ok().flatten().is_some();
                return Ok(Some(RefreshTokenRecord {
                    // Ids of the two tables overlap; customers' are kept apart by sign.
                    id: if column == "user_id" { int(&r, "id")? } else { -int(&r, "id")? },
                    family: text(&r, "family")?,
                    subject,
                    expires_at: time(&r, "expires_at")?,
                    rotated: set("rotated_at"),
                    revoked: set("revoked_at"),
                }));
            }
        }
        Ok(None)
    }

    async fn mark_rotated(&self, id: i64, at: DateTime<Utc>) -> DomainResult<bool> {
        let (table, id) = if id < 0 { (REFRESH_TABLES[1].0, -id) } else { (REFRESH_TABLES[0].0, id) };
        let _w = self.write_guard().await;
        let r = self
            .conn
            .execute_raw(self.stmt(
                &format!("UPDATE {table} SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL"),
                [Value::from(db_now(at)), id.into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(r.rows_affected() == 1)
    }

    async fn revoke_subject(&self, subject: &Subject, at: DateTime<Utc>) -> DomainResult<()> {
        let (column, who): (&str, Value) = match subject {
            Subject::Agent(id) => ("user_id", (*id).into()),
            Subject::Customer(login) => ("customer_login", login.clone().into()),
        };
        let sql = format!("UPDATE {} SET revoked_at = ? WHERE {column} = ? AND revoked_at IS NULL", table(subject));
        let _w = self.write_guard().await;
        self.conn.execute_raw(self.stmt(&sql, [Value::from(db_now(at)), who])).await.map_err(to_domain)?;
        Ok(())
    }

    async fn revoke_family(&self, family: &str, at: DateTime<Utc>) -> DomainResult<()> {
        let _w = self.write_guard().await;
        for (table, _) in REFRESH_TABLES {
            self.conn
                .execute_raw(self.stmt(
                    &format!("UPDATE {table} SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL"),
                    [Value::from(db_now(at)), family.into()],
                ))
                .await
                .map_err(to_domain)?;
        }
        Ok(())
    }
}

#[async_trait]
impl SettingsStore for Db {
    async fn get(&self, key: &str) -> DomainResult<Option<String>> {
        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT value FROM goats_setting WHERE name = ?", [key.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.map(|r| opt_text(&r, "value")).transpose()?.flatten())
    }

    async fn get_all(&self, keys: &[&str]) -> DomainResult<Vec<Option<String>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; keys.len()].join(", ");
        let sql = format!("SELECT name, value FROM goats_setting WHERE name IN ({marks})");
        let values: Vec<Value> = keys.iter().map(|k| (*k).into()).collect();
        let rows = self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        let mut found = std::collections::HashMap::new();
        for r in &rows {
            found.insert(text(r, "name")?, opt_text(r, "value")?);
        }
        Ok(keys.iter().map(|k| found.get(*k).cloned().flatten()).collect())
    }

    async fn get_or_insert(&self, key: &str, value: &str) -> DomainResult<String> {
        if let Some(v) = self.get(key).await? {
            return Ok(v);
        }
        let inserted = {
            let _w = self.write_guard().await;
            self.conn
                .execute_raw(self.stmt(
                    "INSERT INTO goats_setting (name, value, create_time) VALUES (?, ?, ?)",
                    [key.into(), value.into(), self.now().into()],
                ))
                .await
        };
        // Another instance may have won the race; either way the stored value counts.
        if let Err(e) = inserted {
            tracing::debug!(error = %e, "setting {key} was inserted concurrently");
        }
        self.get(key).await?.ok_or_else(|| goats_core::DomainError::Storage(format!("setting {key} is missing")))
    }

    async fn set_all(&self, values: &[(&str, Option<String>)]) -> DomainResult<()> {
        let now = self.now();
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        for (key, value) in values {
            txn.execute_raw(self.stmt("DELETE FROM goats_setting WHERE name = ?", [(*key).into()]))
                .await
                .map_err(to_domain)?;
            if let Some(v) = value {
                txn.execute_raw(self.stmt(
                    "INSERT INTO goats_setting (name, value, create_time) VALUES (?, ?, ?)",
                    [(*key).into(), v.clone().into(), now.into()],
                ))
                .await
                .map_err(to_domain)?;
            }
        }
        txn.commit().await.map_err(to_domain)
    }
}

#[async_trait]
impl ApiTokenStore for Db {
    async fn insert(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        scope: TokenScope,
        expires_at: Option<DateTime<Utc>>,
    ) -> DomainResult<i64> {
        let _w = self.write_guard().await;
        self.insert_id(
            &self.conn,
            "INSERT INTO goats_api_token (user_id, name, token_hash, scope, expires_at, create_time) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                user_id.into(),
                name.into(),
                token_hash.into(),
                scope.key().into(),
                expires_at.map(db_now).into(),
                self.now().into(),
            ],
        )
        .await
        .map_err(to_domain)
    }

    async fn list_for_user(&self, user_id: UserId) -> DomainResult<Vec<ApiTokenRecord>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(&format!("{SELECT_API_TOKEN} WHERE user_id = ? ORDER BY id"), [user_id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(rows.iter().map(api_token_from).collect::<Decoded<_>>()?)
    }

    async fn find_by_hash(&self, token_hash: &str) -> DomainResult<Option<ApiTokenRecord>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{SELECT_API_TOKEN} WHERE token_hash = ?"), [token_hash.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.as_ref().map(api_token_from).transpose()?)
    }

    async fn touch(&self, id: i64, at: DateTime<Utc>) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(
                self.stmt(
                    "UPDATE goats_api_token SET last_used_at = ? WHERE id = ?",
                    [Value::from(db_now(at)), id.into()],
                ),
            )
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn revoke(&self, id: i64, user_id: UserId, at: DateTime<Utc>) -> DomainResult<bool> {
        let _w = self.write_guard().await;
        let r = self
            .conn
            .execute_raw(self.stmt(
                "UPDATE goats_api_token SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                [Value::from(db_now(at)), id.into(), user_id.into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(r.rows_affected() == 1)
    }
}

const SELECT_API_TOKEN: &str =
    "SELECT id, user_id, name, scope, create_time, expires_at, last_used_at, revoked_at FROM goats_api_token";

fn api_token_from(r: &sea_orm::QueryResult) -> Decoded<ApiTokenRecord> {
    let opt_time = |col: &str| r.try_get::<Option<chrono::NaiveDateTime>>("", col).ok().flatten().map(|t| t.and_utc());
    Ok(ApiTokenRecord {
        id: int(r, "id")?,
        user_id: int(r, "user_id")? as i32,
        name: text(r, "name")?,
        scope: TokenScope::from_key(&text(r, "scope")?).unwrap_or(TokenScope::ReadOnly),
        created: time(r, "create_time")?,
        expires_at: opt_time("expires_at"),
        last_used_at: opt_time("last_used_at"),
        revoked: opt_time("revoked_at").is_some(),
    })
}
