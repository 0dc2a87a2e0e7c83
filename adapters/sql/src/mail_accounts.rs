//! Mail accounts in OTRS's `mail_account`. A `queue_id` of 0 is OTRS's "dispatching by
//! recipient"; an `account_type` goats cannot read, or OAuth2 authentication, is read as
//! no kind, and the account is left alone.

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::ports::*;
use sea_orm::{ConnectionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{int, opt_text, text};

#[async_trait]
impl MailAccounts for Db {
    async fn mail_accounts(&self) -> DomainResult<Vec<MailAccount>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT id, login, pw, host, account_type, queue_id, trusted, imap_folder, authentication_type, \
                 valid_id FROM mail_account ORDER BY id",
                [],
            ))
            .await
            .map_err(to_domain)?;
        let mut accounts = Vec::with_capacity(rows.len());
        for r in &rows {
            let password_login = opt_text(r, "authentication_type")?.is_none_or(|t| t == "password");
            let queue = int(r, "queue_id")? as QueueId;
            accounts.push(MailAccount {
                id: int(r, "id")? as i32,
                login: text(r, "login")?,
                password: text(r, "pw")?,
                host: text(r, "host")?,
                kind: AccountKind::from_otrs(&text(r, "account_type")?).filter(|_| password_login),
                queue_id: (queue > 0).then_some(queue),
                trusted: int(r, "trusted")? == 1,
                folder: opt_text(r, "imap_folder")?.filter(|f| !f.trim().is_empty()),
                valid: Valid::is_valid(int(r, "valid_id")? as i32),
            });
        }
        Ok(accounts)
    }

    async fn create_mail_account(&self, a: &MailAccount, by: UserId) -> DomainResult<i32> {
        let kind = a.kind.map_or("IMAP", AccountKind::otrs_name);
        let columns = ["login", "pw", "host", "account_type", "queue_id", "trusted", "imap_folder", "valid_id"];
        let values: Vec<Value> = vec![
            a.login.clone().into(),
            a.password.clone().into(),
            a.host.clone().into(),
            kind.into(),
            a.queue_id.unwrap_or(0).into(),
            i32::from(a.trusted).into(),
            a.folder.clone().into(),
            (if a.valid { 1 } else { 2 }).into(),
        ];
        Ok(self.insert_audited("mail_account", &columns, values, by).await? as i32)
    }

    async fn update_mail_account(&self, a: &MailAccount, by: UserId) -> DomainResult<bool> {
        let kind = a.kind.map_or("IMAP", AccountKind::otrs_name);
        let mut sets = vec!["login = ?", "host = ?", "account_type = ?", "queue_id = ?", "trusted = ?"];
        let mut values: Vec<Value> = vec![
            a.login.clone().into(),
            a.host.clone().into(),
            kind.into(),
            a.queue_id.unwrap_or(0).into(),
            i32::from(a.trusted).into(),
        ];
        sets.extend(["imap_folder = ?", "valid_id = ?", "change_time = ?", "change_by = ?"]);
        values.extend([a.folder.clone().into(), (if a.valid { 1 } else { 2 }).into(), self.now().into(), by.into()]);
        if !a.password.is_empty() {
            sets.push("pw = ?");
            values.push(a.password.clone().into());
        }
        values.push(a.id.into());
        let sql = format!("UPDATE mail_account SET {} WHERE id = ?", sets.join(", "));
        let _w = self.write_guard().await;
        let done = self.conn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        Ok(done.rows_affected() > 0)
    }
}
