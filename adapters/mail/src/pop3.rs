//! Mail accounts read over POP3 (plain, or TLS from the first byte): each message
//! retrieved in turn and marked for deletion once the postmaster stored it; the server
//! removes the marked ones when the session ends with QUIT, and none if it breaks off.

use async_trait::async_trait;
use goats_core::mail::InboundMail;
use goats_core::ports::{MailAccount, MailboxError, MailboxSession};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::imap::{CONNECT, address, fail};

pub(crate) async fn open(account: &MailAccount, tls: bool) -> Result<Box<dyn MailboxSession>, MailboxError> {
    let (host, port) = address(&account.host, if tls { 995 } else { 110 });
    let tcp = tokio::time::timeout(CONNECT, TcpStream::connect((host.as_str(), port)))
        .await
        .map_err(|_| MailboxError(format!("{host}:{port} did not answer within {} s", CONNECT.as_secs())))?
        .map_err(|e| fail(&format!("cannot connect to {host}:{port}"), e))?;
    if tls { session(crate::tls::connect(&host, port, tcp).await?, account).await } else { session(tcp, account).await }
}

async fn session<S>(stream: S, account: &MailAccount) -> Result<Box<dyn MailboxSession>, MailboxError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let login = async {
        let mut client = async_pop::new(stream).await.map_err(|e| fail("no greeting", e))?;
        client.login(&account.login, &account.password).await.map_err(|e| fail("login refused", e))?;
        let stat = client.stat().await.map_err(|e| fail("STAT", e))?;
        let count: usize = stat.counter().clone().try_into().map_err(|e| fail("STAT", e))?;
        Ok::<_, MailboxError>(Box::new(Pop { client, count, next: 1 }) as Box<dyn MailboxSession>)
    };
    tokio::time::timeout(CONNECT, login).await.map_err(|_| MailboxError("the login did not finish in time".into()))?
}

struct Pop<S: AsyncRead + AsyncWrite + Unpin + Send> {
    client: async_pop::Client<S>,
    count: usize,
    next: usize,
}

#[async_trait]
impl<S> MailboxSession for Pop<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    async fn next(&mut self) -> Result<Option<(u32, InboundMail)>, MailboxError> {
        if self.next > self.count {
            return Ok(None);
        }
        let n = self.next;
        self.next += 1;
        let raw = self.client.retr(n).await.map_err(|e| fail("RETR", e))?;
        Ok(Some((n as u32, crate::parse(raw.to_vec()))))
    }

    async fn remove(&mut self, ids: &[u32]) -> Result<(), MailboxError> {
        for &id in ids {
            self.client.dele(id as usize).await.map_err(|e| fail("DELE", e))?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<(), MailboxError> {
        self.client.quit().await.map(|_| ()).map_err(|e| fail("QUIT", e))
    }
}
