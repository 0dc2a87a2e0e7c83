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
}
