//! Mail accounts in memory.

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::DomainResult;
use crate::model::UserId;
use crate::ports::{MailAccount, MailAccounts};

#[async_trait]
impl MailAccounts for MemoryStore {
    async fn mail_accounts(&self) -> DomainResult<Vec<MailAccount>> {
        Ok(self.lock().mail_accounts.clone())
    }

    async fn create_mail_account(&self, account: &MailAccount, _by: UserId) -> DomainResult<i32> {
        let mut s = self.lock();
        let id = s.mail_accounts.len() as i32 + 1;
        s.mail_accounts.push(MailAccount { id, ..account.clone() });
        Ok(id)
    }

    async fn update_mail_account(&self, account: &MailAccount, _by: UserId) -> DomainResult<bool> {
        let mut s = self.lock();
        let Some(stored) = s.mail_accounts.iter_mut().find(|a| a.id == account.id) else { return Ok(false) };
        let password = if account.password.is_empty() { stored.password.clone() } else { account.password.clone() };
        *stored = MailAccount { password, ..account.clone() };
        Ok(true)
    }
}
