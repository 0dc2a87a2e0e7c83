//! Administering mail: the accounts goats reads and the postmaster filters (the
//! auto-responses and system addresses are in `auto_responses`). Administrators only,
//! like the rest of `admin`; each refused input names its field.

use std::sync::Arc;

use crate::error::{DomainError, DomainResult};
use crate::mail::PostmasterFilter;
use crate::model::*;
use crate::permission::AgentPermissions;
use crate::ports::*;

use super::AdminService;

#[derive(Clone)]
pub struct MailAdminPorts {
    pub accounts: Arc<dyn MailAccounts>,
    pub responses: Arc<dyn AutoResponses>,
    pub filters: Arc<dyn PostmasterFilters>,
    pub lookups: Arc<dyn LookupRepository>,
    /// Opens mailboxes for "test connection".
    pub reader: Arc<dyn MailboxReader>,
    /// The salutations and signatures queues reply with.
    pub texts: Arc<dyn QueueTexts>,
}

pub struct MailAdmin {
    pub(super) ports: MailAdminPorts,
}

impl MailAdmin {
    pub fn new(ports: MailAdminPorts) -> Self {
        Self { ports }
    }

    /// The accounts, without their passwords.
    pub async fn accounts(&self, actor: &AgentPermissions) -> DomainResult<Vec<MailAccount>> {
        AdminService::check(actor)?;
        let mut all = self.ports.accounts.mail_accounts().await?;
        for a in &mut all {
            a.password.clear();
        }
        Ok(all)
    }

    /// One account, without its password.
    pub async fn account(&self, actor: &AgentPermissions, id: i32) -> DomainResult<MailAccount> {
        self.accounts(actor)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| DomainError::not_found("mail account", id))
    }

    pub async fn create_account(&self, actor: &AgentPermissions, account: MailAccount) -> DomainResult<i32> {
        AdminService::check(actor)?;
        if account.password.is_empty() {
            return Err(DomainError::invalid("password", "an account needs the mailbox's password"));
        }
        self.check_account(&account).await?;
        self.ports.accounts.create_mail_account(&account, actor.user_id).await
    }

    /// Changes an account; an empty password keeps the stored one.
    pub async fn update_account(&self, actor: &AgentPermissions, account: MailAccount) -> DomainResult<()> {
        AdminService::check(actor)?;
        self.check_account(&account).await?;
        match self.ports.accounts.update_mail_account(&account, actor.user_id).await? {
            true => Ok(()),
            false => Err(DomainError::not_found("mail account", account.id)),
        }
    }

    /// Logs in to the account's mailbox and out again, reading nothing: what the
    /// server said when it refused. For a stored account an empty password means the
    /// stored one.
    pub async fn test_account(
        &self,
        actor: &AgentPermissions,
        account: MailAccount,
    ) -> DomainResult<Result<(), String>> {
        AdminService::check(actor)?;
        let mut account = account;
        if account.password.is_empty() && account.id != 0 {
            let stored = self.ports.accounts.mail_accounts().await?.into_iter().find(|a| a.id == account.id);
            account.password = stored.map(|a| a.password).unwrap_or_default();
        }
        if account.password.is_empty() {
            return Err(DomainError::invalid("password", "an account needs the mailbox's password"));
        }
        self.check_account(&account).await?;
        let session = match self.ports.reader.open(&account).await {
            Ok(s) => s,
            Err(e) => return Ok(Err(e.0)),
        };
        Ok(session.finish().await.map_err(|e| e.0))
    }

    async fn check_account(&self, account: &MailAccount) -> DomainResult<()> {
        if account.login.trim().is_empty() {
            return Err(DomainError::invalid("login", "an account needs the login of its mailbox"));
        }
        let host = account.host.trim();
        if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
            return Err(DomainError::invalid("host", "a host name, optionally with :port"));
        }
        if account.kind.is_none() {
            return Err(DomainError::invalid("kind", "IMAP, IMAPS, POP3 or POP3S"));
        }
        if let Some(q) = account.queue_id {
            self.valid_queue(q).await?;
        }
        Ok(())
    }

    pub async fn filters(&self, actor: &AgentPermissions) -> DomainResult<Vec<PostmasterFilter>> {
        AdminService::check(actor)?;
        self.ports.filters.filters().await
    }

    /// Stores a filter under its name, replacing one of that name.
    pub async fn save_filter(&self, actor: &AgentPermissions, filter: PostmasterFilter) -> DomainResult<()> {
        AdminService::check(actor)?;
        if let Some((field, problem)) = filter.problem() {
            return Err(DomainError::invalid(field, problem));
        }
        if let Some((key, _)) = filter.sets.iter().find(|(k, _)| !k.to_ascii_lowercase().starts_with("x-otrs-")) {
            return Err(DomainError::invalid("sets", format!("{key}: filters set X-OTRS-* headers only")));
        }
        self.ports.filters.save_filter(&filter).await
    }

    pub async fn delete_filter(&self, actor: &AgentPermissions, name: &str) -> DomainResult<()> {
        AdminService::check(actor)?;
        if self.ports.filters.delete_filter(name).await? { Ok(()) } else { Err(DomainError::not_found("filter", name)) }
    }

    pub(super) async fn valid_queue(&self, id: QueueId) -> DomainResult<Queue> {
        match self.ports.lookups.queue(id).await? {
            Some(q) if q.valid => Ok(q),
            Some(q) => Err(DomainError::invalid("queue_id", format!("queue {} is invalid", q.name))),
            None => Err(DomainError::invalid("queue_id", format!("there is no queue {id}"))),
        }
    }
}
