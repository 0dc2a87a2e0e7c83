//! Agents (`users`), with their email address kept in `user_preferences` as OTRS does.

use async_trait::async_trait;
use goats_core::model::*;
use goats_core::ports::{AgentProfile, AgentRepository, Credentials, NewAgent};
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, int, opt_text, text};

const SELECT_AGENT: &str = "SELECT u.id, u.login, u.pw, u.title, u.first_name, u.last_name, u.valid_id, \
     p.preferences_value AS email FROM users u \
     LEFT JOIN user_preferences p ON p.user_id = u.id AND p.preferences_key = 'UserEmail'";

fn agent_from(r: &QueryResult) -> Decoded<Agent> {
    Ok(Agent {
        id: int(r, "id")? as i32,
        login: text(r, "login")?,
        first_name: text(r, "first_name")?,
        last_name: text(r, "last_name")?,
        title: opt_text(r, "title")?,
        email: opt_text(r, "email")?.filter(|e| !e.is_empty()),
        valid: Valid::is_valid(int(r, "valid_id")? as i32),
    })
}

#[async_trait]
impl AgentRepository for Db {
    async fn create(&self, a: NewAgent, by: UserId) -> DomainResult<UserId> {
        let login = a.login.trim().to_string();
        if login.is_empty() || login.chars().count() > 200 {
            return Err(DomainError::invalid("login", "a login of 1 to 200 characters is required"));
        }
        if self.by_login(&login).await?.is_some() {
            return Err(DomainError::Conflict(format!("an agent with login {login} exists")));
        }
        let now = self.now();
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let id = self
            .insert_id(
                &txn,
                "INSERT INTO users (login, pw, first_name, last_name, valid_id, create_time, create_by, change_time, change_by) \
                 VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
                vec![login.into(), a.password_hash.into(), a.first_name.into(), a.last_name.into(), now.into(), by.into(), now.into(), by.into()],
            )
            .await
            .map_err(to_domain)?;
        if let Some(email) = a.email.filter(|e| !e.trim().is_empty()) {
            txn.execute_raw(self.stmt(
                "INSERT INTO user_preferences (user_id, preferences_key, preferences_value) VALUES (?, 'UserEmail', ?)",
                [Value::from(id as UserId), Value::from(email.trim().to_string())],
            ))
            .await
            .map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)?;
        Ok(id as UserId)
    }

    async fn get(&self, id: UserId) -> DomainResult<Option<Agent>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{SELECT_AGENT} WHERE u.id = ?"), [id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.as_ref().map(agent_from).transpose()?)
    }

    async fn by_login(&self, login: &str) -> DomainResult<Option<Agent>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{SELECT_AGENT} WHERE u.login = ?"), [login.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.as_ref().map(agent_from).transpose()?)
    }

    async fn list(&self) -> DomainResult<Vec<Agent>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(&format!("{SELECT_AGENT} ORDER BY LOWER(u.login), u.login"), []))
            .await
            .map_err(to_domain)?;
        Ok(rows.iter().map(agent_from).collect::<Decoded<_>>()?)
    }

    async fn credentials(&self, login: &str) -> DomainResult<Option<Credentials>> {
        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT id, login, pw, valid_id FROM users WHERE login = ?", [login.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row
            .map(|r| -> Decoded<Credentials> {
                Ok(Credentials {
                    user_id: int(&r, "id")? as i32,
                    login: text(&r, "login")?,
                    password_hash: text(&r, "pw")?,
                    valid: Valid::is_valid(int(&r, "valid_id")? as i32),
                })
            })
            .transpose()?)
    }

    async fn set_password_hash(&self, id: UserId, hash: &str, by: UserId) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let r = self
            .conn
            .execute_raw(self.stmt(
                "UPDATE users SET pw = ?, change_time = ?, change_by = ? WHERE id = ?",
                [hash.into(), self.now().into(), by.into(), id.into()],
            ))
            .await
            .map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found("agent", id));
        }
        Ok(())
    }

    async fn set_valid(&self, id: UserId, valid: bool, by: UserId) -> DomainResult<()> {
        self.set_valid_id("users", "id", id.into(), valid, by).await
    }

    async fn update_profile(&self, id: UserId, p: AgentProfile, by: UserId) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let r = txn
            .execute_raw(self.stmt(
                "UPDATE users SET first_name = ?, last_name = ?, change_time = ?, change_by = ? WHERE id = ?",
                [p.first_name.into(), p.last_name.into(), self.now().into(), by.into(), id.into()],
            ))
            .await
            .map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found("agent", id));
        }
        txn.execute_raw(
            self.stmt("DELETE FROM user_preferences WHERE user_id = ? AND preferences_key = 'UserEmail'", [id.into()]),
        )
        .await
        .map_err(to_domain)?;
        if let Some(email) = p.email.filter(|e| !e.trim().is_empty()) {
            txn.execute_raw(self.stmt(
                "INSERT INTO user_preferences (user_id, preferences_key, preferences_value) VALUES (?, 'UserEmail', ?)",
                [Value::from(id), Value::from(email.trim().to_string())],
            ))
            .await
            .map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)
    }
}
