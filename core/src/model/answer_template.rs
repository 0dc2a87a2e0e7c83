//! The texts agents start an answer from: OTRS's `standard_template` and, through
//! `queue_standard_template`, the queues whose tickets offer each one.

use super::QueueId;

/// The kind of template OTRS calls an answer: the one the zoom's reply offers. An OTRS
/// site may hold other kinds (notes, forwards, snippets); goats keeps their kind.
pub const ANSWER: &str = "Answer";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnswerTemplate {
    pub id: i32,
    pub name: String,
    pub text: String,
    pub content_type: Option<String>,
    /// OTRS's `template_type`: [`ANSWER`] for those goats makes.
    pub template_type: String,
    pub comments: Option<String>,
    pub valid: bool,
    /// The queues whose tickets offer it, in id order.
    pub queue_ids: Vec<QueueId>,
}

impl AnswerTemplate {
    pub fn is_answer(&self) -> bool {
        self.template_type == ANSWER
    }

    pub fn offered_in(&self, queue: QueueId) -> bool {
        self.queue_ids.contains(&queue)
    }
}
