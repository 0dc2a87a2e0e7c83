//! A follow-up: what the customer writes to a ticket of theirs, by mail or in the
//! portal. The article is stored with OTRS's FollowUp history row, then the ticket is
//! woken up as OTRS's postmaster does: opened again, locked again to its owner when the
//! queue asks for that, and unlocked when its owner can no longer work it.

use crate::error::DomainResult;
use crate::event::Event;
use crate::history::{HistoryEntry, HistoryType};
use crate::model::*;
use crate::ports::*;

use super::{ResolvedChange, SYSTEM_USER, TicketService};

/// Which tickets a follow-up opens again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reopen {
    /// Every ticket that is not new (OTRS's `PostmasterFollowUpState`: mail).
    UnlessNew,
    /// Closed tickets only (the customer portal).
    IfClosed,
    /// None: the follow-up is kept, the ticket stays as it is (a rejected follow-up).
    Never,
}

/// How a follow-up treats its ticket.
#[derive(Debug, Clone)]
pub(crate) struct FollowUpRules {
    pub reopen: Reopen,
    /// Lock a closed ticket to its owner again (the queue's `follow_up_lock`).
    pub lock_if_closed: bool,
    /// The FollowUp history row's name, e.g. `%%<tn>%%` as the postmaster writes it.
    pub history_name: String,
}

impl TicketService {
    /// Stores `article` on `ticket` as a follow-up by the system user, then reopens and
    /// relocks the ticket as `rules` say. The article's own checks are the caller's.
    pub(crate) async fn follow_up(
        &self,
        ticket: &Ticket,
        mut article: NewArticle,
        rules: FollowUpRules,
    ) -> DomainResult<ArticleId> {
        self.check_article(&mut article)?;
        let name = rules.history_name.clone();
        let history: HistoryBuilder = Box::new(move |_, article_id| {
            vec![HistoryEntry { history_type: HistoryType::FollowUp, name: name.clone(), article_id: Some(article_id) }]
        });
        let article_id = self.ports.articles.add(ticket.id, article, history, SYSTEM_USER).await?;
        self.forget_reads();
        let changes = self.wake_up(ticket, &rules).await?;
        self.store_resolved(ticket, changes, SYSTEM_USER).await?;
        self.announce(ticket.id, |ticket| Event::ArticleAdded {
            ticket,
            article_id,
            internal: false,
            by: SYSTEM_USER,
            history: HistoryType::FollowUp,
        })
        .await;
        Ok(article_id)
    }

    /// The changes a follow-up makes to its ticket.
    async fn wake_up(&self, ticket: &Ticket, rules: &FollowUpRules) -> DomainResult<Vec<ResolvedChange>> {
        let closed = ticket.state_type == StateType::Closed;
        let reopen = match rules.reopen {
            Reopen::UnlessNew => ticket.state_type != StateType::New,
            Reopen::IfClosed => closed,
            Reopen::Never => false,
        };
        let mut changes = Vec::new();
        if reopen
            && ticket.state_type != StateType::Open
            && let Some(open) = self.ports.lookups.state_by_name("open").await?
        {
            changes.push(ResolvedChange::State { old: self.state_of(ticket).await?, new: open, pending_until: None });
        }
        let owner_valid = self.ports.agents.get(ticket.owner_id).await?.is_some_and(|a| a.valid);
        if ticket.lock == Lock::Lock && !owner_valid {
            changes.push(ResolvedChange::Lock(Lock::Unlock));
        } else if rules.lock_if_closed && closed && owner_valid && ticket.owner_id != SYSTEM_USER {
            changes.push(ResolvedChange::Lock(Lock::Lock));
        }
        Ok(changes)
    }
}
