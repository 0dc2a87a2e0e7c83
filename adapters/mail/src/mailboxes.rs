//! Which protocol reads which account.

use async_trait::async_trait;
use goats_core::ports::{AccountKind, MailAccount, MailboxError, MailboxReader, MailboxSession};

/// Opens the mail accounts goats can read: IMAP, IMAPS, POP3 and POP3S.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mailboxes;

#[async_trait]
impl MailboxReader for Mailboxes {
    async fn open(&self, account: &MailAccount) -> Result<Box<dyn MailboxSession>, MailboxError> {
        match account.kind {
            Some(AccountKind::Imap) => crate::imap::open(account, false).await,
            Some(AccountKind::Imaps) => crate::imap::open(account, true).await,
            Some(AccountKind::Pop3) => crate::pop3::open(account, false).await,
            Some(AccountKind::Pop3s) => crate::pop3::open(account, true).await,
            None => Err(MailboxError("goats cannot read this kind of account".into())),
        }
    }
}
