//! The answer templates agents start a reply from, and the queues whose tickets offer
//! each (`standard_template`, `queue_standard_template`). Set invalid, never deleted.

use std::collections::HashSet;

use super::{AdminService, checked_comments, checked_name};
use crate::error::{DomainError, DomainResult};
use crate::model::{ANSWER, AnswerTemplate};
use crate::permission::AgentPermissions;

/// How OTRS marks a plain-text template.
const PLAIN: &str = "text/plain; charset=utf-8";

/// OTRS's column takes far more; an answer longer than this is a mistake.
const MAX_TEXT: usize = 100_000;

impl AdminService {
    /// Every template, valid or not, of every kind.
    pub async fn answer_templates(&self, actor: &AgentPermissions) -> DomainResult<Vec<AnswerTemplate>> {
        Self::check(actor)?;
        self.ports.templates.answer_templates().await
    }

    pub async fn answer_template(&self, actor: &AgentPermissions, id: i32) -> DomainResult<AnswerTemplate> {
        let all = self.answer_templates(actor).await?;
        all.into_iter().find(|t| t.id == id).ok_or_else(|| DomainError::not_found("standard_template", id))
    }

    /// Stores a new answer (id 0) or changes a template with its queues, checked whole
    /// first: a name taken once, a text of at most 100 000 characters (an empty one is
    /// OTRS's "empty answer"), queues that exist. A changed template keeps its kind and
    /// content type; a new one is a plain-text answer.
    pub async fn save_answer_template(&self, actor: &AgentPermissions, mut t: AnswerTemplate) -> DomainResult<i32> {
        let all = self.answer_templates(actor).await?;
        t.name = checked_name(&t.name)?;
        if t.text.chars().count() > MAX_TEXT {
            return Err(DomainError::invalid("text", "at most 100000 characters"));
        }
        t.comments = checked_comments(t.comments.as_deref())?;
        let queues: HashSet<_> = self.ports.lookups.queues().await?.into_iter().map(|q| q.id).collect();
        if let Some(missing) = t.queue_ids.iter().find(|id| !queues.contains(id)) {
            return Err(DomainError::invalid("queue_ids", format!("there is no queue {missing}")));
        }
        match all.iter().find(|x| x.id == t.id) {
            Some(stored) => {
                t.template_type.clone_from(&stored.template_type);
                t.content_type.clone_from(&stored.content_type);
            }
            None if t.id != 0 => return Err(DomainError::not_found("standard_template", t.id)),
            None => {
                t.template_type = ANSWER.into();
                t.content_type = Some(PLAIN.into());
            }
        }
        if all.iter().any(|x| x.id != t.id && x.name == t.name) {
            return Err(DomainError::Conflict(format!("a template named {} exists", t.name)));
        }
        t.queue_ids.sort_unstable();
        t.queue_ids.dedup();
        self.ports.templates.save_answer_template(t, actor.user_id).await
    }
}
