//! The job that reads the mail accounts: each valid account is read by one instance
//! per minute (a claim in the database decides which), every message is delivered by
//! the postmaster, and only once its ticket is stored is it removed from the server. A
//! crash in between leaves the message there; read again, its Message-ID shows it was
//! delivered, and it is only removed.

use std::sync::Arc;

use crate::error::DomainResult;
use crate::ports::*;

use super::{Postmaster, Route};

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchRun {
    /// Messages delivered (new tickets, follow-ups, duplicates and ignored alike).
    pub delivered: usize,
    /// Accounts that could not be read, with why.
    pub failed: Vec<(i32, String)>,
}

pub struct MailFetcher {
    accounts: Arc<dyn MailAccounts>,
    reader: Arc<dyn MailboxReader>,
    postmaster: Arc<Postmaster>,
    claims: Arc<dyn ScheduleStore>,
    clock: Arc<dyn Clock>,
}

impl MailFetcher {
    pub fn new(
        accounts: Arc<dyn MailAccounts>,
        reader: Arc<dyn MailboxReader>,
        postmaster: Arc<Postmaster>,
        claims: Arc<dyn ScheduleStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { accounts, reader, postmaster, claims, clock }
    }

    pub async fn run(&self) -> DomainResult<FetchRun> {
        let mut run = FetchRun::default();
        let now = self.clock.now();
        for account in self.accounts.mail_accounts().await? {
            if !account.valid || account.kind.is_none() {
                continue;
            }
            let key = format!("mail-account:{}:{}", account.id, now.format("%Y-%m-%dT%H:%M"));
            if !self.claims.claim(&key, now).await? {
                continue;
            }
            match self.read(&account).await {
                Ok(n) => run.delivered += n,
                Err(Failure::Mailbox(e)) => run.failed.push((account.id, e.0)),
                // The database failing is every account's problem: stop and say so.
                Err(Failure::Domain(e)) => return Err(e),
            }
        }
        Ok(run)
    }

    /// Reads one account to the end; how many messages it delivered.
    async fn read(&self, account: &MailAccount) -> Result<usize, Failure> {
        let route = Route { queue: account.queue_id, trusted: account.trusted };
        let mut session = self.reader.open(account).await?;
        let mut delivered = 0;
        while let Some((id, mail)) = session.next().await? {
            self.postmaster.deliver(mail, &route).await?;
            session.remove(id).await?;
            delivered += 1;
        }
        session.finish().await?;
        Ok(delivered)
    }
}

enum Failure {
    Mailbox(MailboxError),
    Domain(crate::error::DomainError),
}

impl From<MailboxError> for Failure {
    fn from(e: MailboxError) -> Self {
        Self::Mailbox(e)
    }
}

impl From<crate::error::DomainError> for Failure {
    fn from(e: crate::error::DomainError) -> Self {
        Self::Domain(e)
    }
}
