//! The one way a ticket's row changes: a [`TicketEdit`] names the columns that change,
//! the OTRS history rows that record it and what the ticket must still look like, and
//! the ticket repository applies it in one transaction (see
//! [`crate::ports::TicketRepository::apply`]). The list of changeable columns is
//! [`Column`]; nothing else spells it out.

use crate::history::HistoryEntry;
use crate::model::{FieldChange, Lock, PriorityId, QueueId, ServiceId, SlaId, StateId, Ticket, TypeId, UserId};

/// One column of OTRS's `ticket` table set to a new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Title(String),
    Queue(QueueId),
    State(StateId),
    Priority(PriorityId),
    Type(TypeId),
    Service(Option<ServiceId>),
    Sla(Option<SlaId>),
    Lock(Lock),
    Owner(UserId),
    Responsible(UserId),
    CustomerId(Option<String>),
    CustomerUser(Option<String>),
    /// The pending time (`until_time`), a Unix epoch; 0 clears it.
    PendingUntil(i64),
    /// When the ticket was locked (`timeout`), a Unix epoch: the unlock timeout counts
    /// from here.
    LockedAt(i64),
}

impl Column {
    /// Sets the column on a ticket as read, so the next change of one request is planned
    /// against what the ones before it did. Names (queue, state, priority) follow from
    /// the looked-up rows, not from here. `LockedAt` is not part of a read ticket.
    pub fn apply_to(&self, t: &mut Ticket) {
        match self {
            Self::Title(v) => t.title = v.clone(),
            Self::Queue(v) => t.queue_id = *v,
            Self::State(v) => t.state_id = *v,
            Self::Priority(v) => t.priority_id = *v,
            Self::Type(v) => t.type_id = Some(*v),
            Self::Service(v) => t.service_id = *v,
            Self::Sla(v) => t.sla_id = *v,
            Self::Lock(v) => t.lock = *v,
            Self::Owner(v) => t.owner_id = *v,
            Self::Responsible(v) => t.responsible_id = *v,
            Self::CustomerId(v) => t.customer_id = v.clone(),
            Self::CustomerUser(v) => t.customer_user_id = v.clone(),
            Self::PendingUntil(v) => t.until_time = *v,
            Self::LockedAt(_) => {}
        }
    }

    fn same_column(&self, other: &Column) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// What the ticket must still be like for an edit to apply. Checked by the repository
/// inside the transaction that writes the edit, so two writers cannot both pass it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Precondition {
    /// Apply whatever happened meanwhile (only the named columns are written, so a
    /// concurrent change of other columns is kept).
    #[default]
    None,
    /// The ticket's version (its newest history row, see [`Ticket::version`]) is one of
    /// these: an `If-Match` with its entity tags.
    Version(Vec<i64>),
    /// These columns still hold these values: the scheduled jobs of every instance race
    /// for the same tickets, and this lets exactly one of them change each.
    Columns(TicketGuard),
}

/// The columns a scheduled job saw when it decided to change a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketGuard {
    pub state_id: StateId,
    pub until_time: i64,
    pub lock: Lock,
    /// `timeout`, when the decision depended on it.
    pub lock_time: Option<i64>,
}

/// A planned change of one ticket: its columns, its dynamic fields, its history rows,
/// its precondition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketEdit {
    pub columns: Vec<Column>,
    /// Dynamic field values (`dynamic_field_value`), written in the same transaction;
    /// the store adds their `TicketDynamicFieldUpdate` history rows, which name the
    /// value each replaces.
    pub fields: Vec<FieldChange>,
    pub history: Vec<HistoryEntry>,
    pub precondition: Precondition,
}

impl TicketEdit {
    /// Sets a column; a later value of the same column replaces an earlier one.
    pub fn set(&mut self, column: Column) {
        match self.columns.iter_mut().find(|c| c.same_column(&column)) {
            Some(slot) => *slot = column,
            None => self.columns.push(column),
        }
    }

    /// Folds another planned step into this edit.
    pub fn extend(&mut self, columns: Vec<Column>, history: Vec<HistoryEntry>) {
        for c in columns {
            self.set(c);
        }
        self.history.extend(history);
    }

    pub fn expecting(mut self, precondition: Precondition) -> Self {
        self.precondition = precondition;
        self
    }

    /// Whether there is nothing to write: an edit that changes nothing records nothing.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty() && self.fields.is_empty() && self.history.is_empty()
    }
}

/// How applying an edit came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// The precondition no longer held; nothing was written.
    Stale,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_value_of_a_column_replaces_the_earlier() {
        let mut e = TicketEdit::default();
        e.set(Column::Lock(Lock::Lock));
        e.set(Column::Title("a".into()));
        e.set(Column::Lock(Lock::Unlock));
        assert_eq!(e.columns, vec![Column::Lock(Lock::Unlock), Column::Title("a".into())]);
    }

    #[test]
    fn customer_id_and_customer_user_are_separate_columns() {
        let mut e = TicketEdit::default();
        e.set(Column::CustomerId(Some("c".into())));
        e.set(Column::CustomerUser(None));
        assert_eq!(e.columns.len(), 2);
    }
}
