//! The job that reads the mail accounts: each valid account is read by one instance
//! per minute (a claim in the database decides which), every message is delivered by
//! the postmaster, and only once its ticket is stored is it removed from the server. A
//! crash in between leaves the message there; read again, its Message-ID shows it was
//! delivered, and it is only removed.
//!
//! A few messages of one account are delivered at once, so the database's round trips
//! and commits overlap while the next message is fetched. A message that repeats or
//! answers one still under way waits for it: it must find that ticket, not open a
//! second one.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;

use futures_util::future::{Either, select};
use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::error::DomainResult;
use crate::ports::*;

use super::{InboundMail, Postmaster, Route};

/// Messages of one account delivered at once.
const AT_ONCE: usize = 4;

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
        let mut flight = Flight::default();
        let (mut delivered, mut failed) = (0, None);
        loop {
            let mut stored = Vec::new();
            for (uid, result) in std::mem::take(&mut flight.landed) {
                match result {
                    Ok(()) => stored.push(uid),
                    // The first failure ends the reading; what is under way lands first.
                    Err(e) => failed = failed.or(Some(e)),
                }
            }
            if !stored.is_empty() {
                flight.meanwhile(session.remove(&stored)).await?;
                delivered += stored.len();
            }
            if flight.is_empty() && (failed.is_some() || !flight.reading) {
                break;
            }
            if failed.is_none() && flight.reading && flight.len() < AT_ONCE {
                match flight.meanwhile(session.next()).await? {
                    Some((uid, mail)) => {
                        if flight.awaits(&mail) {
                            flight.land_all().await;
                        }
                        let (postmaster, route) = (self.postmaster.clone(), route.clone());
                        let message_id = mail.message_id.clone();
                        flight.start(
                            uid,
                            message_id,
                            async move { postmaster.deliver(mail, &route).await.map(|_| ()) },
                        );
                    }
                    None => flight.reading = false,
                }
            } else {
                flight.land_one().await;
            }
        }
        session.finish().await?;
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(delivered),
        }
    }
}

type Delivering = Pin<Box<dyn Future<Output = (u32, DomainResult<()>)> + Send>>;

/// The messages of one account under way, by server id, with the Message-ID each
/// carries, and those that landed (stored, or failed) and wait to be removed.
struct Flight {
    under_way: FuturesUnordered<Delivering>,
    ids: Vec<(u32, Option<String>)>,
    landed: Vec<(u32, DomainResult<()>)>,
    /// Whether the mailbox may hold more.
    reading: bool,
}

impl Default for Flight {
    fn default() -> Self {
        Self { under_way: FuturesUnordered::new(), ids: Vec::new(), landed: Vec::new(), reading: true }
    }
}

impl Flight {
    fn len(&self) -> usize {
        self.under_way.len()
    }

    fn is_empty(&self) -> bool {
        self.under_way.is_empty() && self.landed.is_empty()
    }

    /// Whether `mail` repeats or answers a message under way.
    fn awaits(&self, mail: &InboundMail) -> bool {
        let under_way = |id: &str| self.ids.iter().any(|(_, carried)| carried.as_deref() == Some(id));
        mail.message_id.iter().map(String::as_str).chain(mail.answered_ids()).any(under_way)
    }

    fn start(
        &mut self,
        uid: u32,
        message_id: Option<String>,
        delivery: impl Future<Output = DomainResult<()>> + Send + 'static,
    ) {
        self.ids.push((uid, message_id));
        self.under_way.push(Box::pin(async move { (uid, delivery.await) }));
    }

    fn land(&mut self, uid: u32, result: DomainResult<()>) {
        self.ids.retain(|(u, _)| *u != uid);
        self.landed.push((uid, result));
    }

    async fn land_one(&mut self) {
        if let Some((uid, result)) = self.under_way.next().await {
            self.land(uid, result);
        }
    }

    async fn land_all(&mut self) {
        while !self.under_way.is_empty() {
            self.land_one().await;
        }
    }

    /// Runs `work` (a step of the mail session) while the deliveries go on.
    async fn meanwhile<T>(&mut self, work: impl Future<Output = T>) -> T {
        let mut work = pin!(work);
        loop {
            if self.under_way.is_empty() {
                return work.await;
            }
            match select(work.as_mut(), self.under_way.next()).await {
                Either::Left((out, _)) => return out,
                Either::Right((Some((uid, result)), _)) => self.land(uid, result),
                Either::Right((None, _)) => return work.await,
            }
        }
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
