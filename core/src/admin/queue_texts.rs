//! The salutations and signatures queues' replies open and close with (`salutation`,
//! `signature`). Nothing is deleted, only set invalid, as in OTRS: queues may still
//! name them.

use crate::error::{DomainError, DomainResult};
use crate::permission::AgentPermissions;
use crate::ports::{QueueText, QueueTextKind};

use super::AdminService;
use super::mail::MailAdmin;

/// How OTRS marks a plain-text salutation or signature.
const PLAIN: &str = "text/plain; charset=utf-8";

impl MailAdmin {
    /// Every salutation or signature, valid or not.
    pub async fn queue_texts(&self, actor: &AgentPermissions, kind: QueueTextKind) -> DomainResult<Vec<QueueText>> {
        AdminService::check(actor)?;
        self.ports.texts.queue_texts(kind).await
    }

    pub async fn queue_text(&self, actor: &AgentPermissions, kind: QueueTextKind, id: i32) -> DomainResult<QueueText> {
        self.queue_texts(actor, kind)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| DomainError::not_found(kind.table(), id))
    }

    /// Stores a new one (id 0) or changes one: a name taken once, a text of at most
    /// 3000 characters (OTRS's column), checked before anything is written.
    pub async fn save_queue_text(
        &self,
        actor: &AgentPermissions,
        kind: QueueTextKind,
        mut t: QueueText,
    ) -> DomainResult<i32> {
        AdminService::check(actor)?;
        t.name = super::checked_name(&t.name)?;
        if t.text.trim().is_empty() || t.text.chars().count() > 3000 {
            return Err(DomainError::invalid("text", "a text of 1 to 3000 characters is required"));
        }
        t.comments = super::checked_comments(t.comments.as_deref())?;
        t.content_type = Some(t.content_type.filter(|c| !c.trim().is_empty()).unwrap_or_else(|| PLAIN.into()));
        let all = self.ports.texts.queue_texts(kind).await?;
        if t.id != 0 && !all.iter().any(|x| x.id == t.id) {
            return Err(DomainError::not_found(kind.table(), t.id));
        }
        if all.iter().any(|x| x.id != t.id && x.name == t.name) {
            return Err(DomainError::Conflict(format!("a {} named {} exists", kind.table(), t.name)));
        }
        self.ports.texts.save_queue_text(kind, t, actor.user_id).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Utc;

    use super::*;
    use crate::admin::mail::MailAdminPorts;
    use crate::ports::GroupRepository;
    use crate::testing::{FixedClock, MemoryStore};

    /// No mail is read here.
    struct NoMailbox;

    #[async_trait::async_trait]
    impl crate::ports::MailboxReader for NoMailbox {
        async fn open(
            &self,
            _: &crate::ports::MailAccount,
        ) -> Result<Box<dyn crate::ports::MailboxSession>, crate::ports::MailboxError> {
            Err(crate::ports::MailboxError("no mailbox in this test".into()))
        }
    }

    fn text(name: &str, body: &str) -> QueueText {
        QueueText { id: 0, name: name.into(), text: body.into(), content_type: None, comments: None, valid: true }
    }

    #[tokio::test]
    async fn salutations_and_signatures_are_kept_apart_checked_and_never_deleted() {
        let store = MemoryStore::with_defaults(Arc::new(FixedClock::at(Utc::now())));
        let s = Arc::new(store.clone());
        let admin = MailAdmin::new(MailAdminPorts {
            accounts: s.clone(),
            responses: s.clone(),
            filters: s.clone(),
            lookups: s.clone(),
            reader: Arc::new(NoMailbox),
            texts: s,
        });
        let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
        let kind = QueueTextKind::Salutation;
        let before = admin.queue_texts(&root, kind).await.unwrap().len();
        let id = admin.save_queue_text(&root, kind, text(" Formal ", "Dear <OTRS_CUSTOMER_REALNAME>,")).await.unwrap();
        let saved = admin.queue_text(&root, kind, id).await.unwrap();
        assert_eq!((saved.name.as_str(), saved.content_type.as_deref()), ("Formal", Some(PLAIN)));
        assert!(admin.queue_texts(&root, QueueTextKind::Signature).await.unwrap().iter().all(|t| t.name != "Formal"));
        let twice = admin.save_queue_text(&root, kind, text("Formal", "Hi")).await;
        assert!(matches!(twice, Err(DomainError::Conflict(_))));
        let empty = admin.save_queue_text(&root, kind, text("Empty", "  ")).await;
        assert!(matches!(empty, Err(DomainError::Invalid { field: "text", .. })));
        let off = QueueText { valid: false, ..saved };
        admin.save_queue_text(&root, kind, off).await.unwrap();
        let all = admin.queue_texts(&root, kind).await.unwrap();
        assert_eq!(all.len(), before + 1, "set invalid, not deleted");
        assert!(!all.iter().find(|t| t.id == id).unwrap().valid);
        let nobody = AgentPermissions::new(9, []);
        assert!(matches!(admin.queue_texts(&nobody, kind).await, Err(DomainError::PermissionDenied(_))));
    }
}
