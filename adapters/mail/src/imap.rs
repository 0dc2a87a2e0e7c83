//! Mail accounts read over IMAP (plain, or TLS from the first byte): the folder's
//! messages fetched without marking them seen, small ones several to a command, and
//! removed only when the postmaster has stored them, several to a command too.

use std::collections::VecDeque;
use std::fmt::Debug;
use std::time::Duration;

use async_imap::Session;
use async_trait::async_trait;
use futures_util::StreamExt;
use goats_core::mail::InboundMail;
use goats_core::ports::{MailAccount, MailboxError, MailboxSession};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// How long connecting and logging in may take.
pub(crate) const CONNECT: Duration = Duration::from_secs(30);

pub(crate) fn fail(what: &str, e: impl std::fmt::Display) -> MailboxError {
    MailboxError(format!("{what}: {e}"))
}

/// `host` or `host:port`, with the protocol's port by default.
pub(crate) fn address(host: &str, default_port: u16) -> (String, u16) {
    match host.rsplit_once(':') {
        Some((h, p)) if p.parse::<u16>().is_ok() => (h.to_string(), p.parse().unwrap_or(default_port)),
        _ => (host.to_string(), default_port),
    }
}

pub(crate) async fn open(account: &MailAccount, tls: bool) -> Result<Box<dyn MailboxSession>, MailboxError> {
    let (host, port) = address(&account.host, if tls { 993 } else { 143 });
    let tcp = tokio::time::timeout(CONNECT, TcpStream::connect((host.as_str(), port)))
        .await
        .map_err(|_| MailboxError(format!("{host}:{port} did not answer within {} s", CONNECT.as_secs())))?
        .map_err(|e| fail(&format!("cannot connect to {host}:{port}"), e))?;
    if !tls {
        return session(tcp, account).await;
    }
    let stream = crate::tls::connect(&host, port, tcp).await?;
    session(stream, account).await
}

async fn session<T>(stream: T, account: &MailAccount) -> Result<Box<dyn MailboxSession>, MailboxError>
where
    T: AsyncRead + AsyncWrite + Unpin + Debug + Send + 'static,
{
    let login = async {
        let mut client = async_imap::Client::new(stream);
        client.read_response().await.map_err(|e| fail("no greeting", e))?;
        let mut session =
            client.login(&account.login, &account.password).await.map_err(|(e, _)| fail("login refused", e))?;
        let folder = account.folder.as_deref().unwrap_or("INBOX");
        let opened = session.select(folder).await.map_err(|e| fail(&format!("cannot open folder {folder}"), e))?;
        // Every message's id and size in one answer: the sizes decide how many are
        // fetched together.
        let mut waiting = Vec::new();
        // (An empty folder is not asked: `1:*` names no message there.)
        if opened.exists > 0 {
            let mut sizes = session.uid_fetch("1:*", "RFC822.SIZE").await.map_err(|e| fail("list", e))?;
            while let Some(fetch) = sizes.next().await {
                let fetch = fetch.map_err(|e| fail("list", e))?;
                if let Some(uid) = fetch.uid {
                    waiting.push((uid, fetch.size.unwrap_or(u32::MAX)));
                }
            }
        }
        waiting.sort_unstable();
        Ok::<_, MailboxError>(
            Box::new(Imap { session, waiting: waiting.into(), fetched: VecDeque::new() }) as Box<dyn MailboxSession>
        )
    };
    tokio::time::timeout(CONNECT, login).await.map_err(|_| MailboxError("the login did not finish in time".into()))?
}

/// Messages fetched in one command: as many as fit in this many bytes (a larger one
/// alone), and no more than [`AT_MOST`].
const BATCH_BYTES: u64 = 1 << 20;
const AT_MOST: usize = 16;

struct Imap<T: AsyncRead + AsyncWrite + Unpin + Debug + Send> {
    session: Session<T>,
    /// Ids and sizes of the messages not fetched yet, oldest first.
    waiting: VecDeque<(u32, u32)>,
    /// Messages fetched and not yet handed on.
    fetched: VecDeque<(u32, Vec<u8>)>,
}

impl<T: AsyncRead + AsyncWrite + Unpin + Debug + Send> Imap<T> {
    /// Fetches the next few waiting messages; none when none is waiting.
    async fn fetch_batch(&mut self) -> Result<(), MailboxError> {
        let mut batch = Vec::new();
        let mut bytes = 0u64;
        while let Some(&(uid, size)) = self.waiting.front() {
            if !batch.is_empty() && (bytes + u64::from(size) > BATCH_BYTES || batch.len() == AT_MOST) {
                break;
            }
            self.waiting.pop_front();
            batch.push(uid.to_string());
            bytes += u64::from(size);
        }
        if batch.is_empty() {
            return Ok(());
        }
        // PEEK: reading does not mark it seen, should storing fail.
        let mut fetches = self.session.uid_fetch(batch.join(","), "BODY.PEEK[]").await.map_err(|e| fail("fetch", e))?;
        let mut fetched = Vec::new();
        while let Some(fetch) = fetches.next().await {
            let fetch = fetch.map_err(|e| fail("fetch", e))?;
            if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
                fetched.push((uid, body.to_vec()));
            }
        }
        // A message another client removed meanwhile is not among them.
        fetched.sort_unstable_by_key(|(uid, _)| *uid);
        self.fetched.extend(fetched);
        Ok(())
    }
}

#[async_trait]
impl<T> MailboxSession for Imap<T>
where
    T: AsyncRead + AsyncWrite + Unpin + Debug + Send + 'static,
{
    async fn next(&mut self) -> Result<Option<(u32, InboundMail)>, MailboxError> {
        while self.fetched.is_empty() && !self.waiting.is_empty() {
            self.fetch_batch().await?;
        }
        Ok(self.fetched.pop_front().map(|(uid, raw)| (uid, crate::parse(raw))))
    }

    async fn remove(&mut self, ids: &[u32]) -> Result<(), MailboxError> {
        if ids.is_empty() {
            return Ok(());
        }
        let set = ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let stored = self.session.uid_store(set, "+FLAGS.SILENT (\\Deleted)").await.map_err(|e| fail("remove", e))?;
        let answers: Vec<_> = stored.collect().await;
        answers.into_iter().find_map(Result::err).map_or(Ok(()), |e| Err(fail("remove", e)))
    }

    async fn finish(mut self: Box<Self>) -> Result<(), MailboxError> {
        {
            let expunged = self.session.expunge().await.map_err(|e| fail("expunge", e))?;
            let answers: Vec<_> = expunged.collect().await;
            if let Some(e) = answers.into_iter().find_map(Result::err) {
                return Err(fail("expunge", e));
            }
        }
        self.session.logout().await.map_err(|e| fail("logout", e))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_port_may_follow_the_host() {
        assert_eq!(super::address("mail.example.com", 993), ("mail.example.com".into(), 993));
        assert_eq!(super::address("127.0.0.1:10143", 143), ("127.0.0.1".into(), 10143));
    }
}
