//! Mail accounts read over IMAP (plain, or TLS from the first byte): the folder's
//! messages one at a time, fetched without marking them seen, removed only when the
//! postmaster has stored them.

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
        session.select(folder).await.map_err(|e| fail(&format!("cannot open folder {folder}"), e))?;
        let mut uids: Vec<u32> = session.uid_search("ALL").await.map_err(|e| fail("search", e))?.into_iter().collect();
        uids.sort_unstable();
        Ok::<_, MailboxError>(Box::new(Imap { session, uids: uids.into() }) as Box<dyn MailboxSession>)
    };
    tokio::time::timeout(CONNECT, login).await.map_err(|_| MailboxError("the login did not finish in time".into()))?
}

struct Imap<T: AsyncRead + AsyncWrite + Unpin + Debug + Send> {
    session: Session<T>,
    uids: VecDeque<u32>,
}

#[async_trait]
impl<T> MailboxSession for Imap<T>
where
    T: AsyncRead + AsyncWrite + Unpin + Debug + Send + 'static,
{
    async fn next(&mut self) -> Result<Option<(u32, InboundMail)>, MailboxError> {
        while let Some(uid) = self.uids.pop_front() {
            let mut body = None;
            {
                // PEEK: reading does not mark it seen, should storing fail.
                let mut fetches =
                    self.session.uid_fetch(uid.to_string(), "BODY.PEEK[]").await.map_err(|e| fail("fetch", e))?;
                while let Some(fetch) = fetches.next().await {
                    let fetch = fetch.map_err(|e| fail("fetch", e))?;
                    if let Some(bytes) = fetch.body() {
                        body = Some(bytes.to_vec());
                    }
                }
            }
            // A message another client removed meanwhile is skipped.
            if let Some(raw) = body {
                return Ok(Some((uid, crate::parse(raw))));
            }
        }
        Ok(None)
    }

    async fn remove(&mut self, uid: u32) -> Result<(), MailboxError> {
        let stored = self
            .session
            .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Deleted)")
            .await
            .map_err(|e| fail("remove", e))?;
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
