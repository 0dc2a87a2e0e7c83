use super::Ticket;

/// How a ticket is linked to another, seen from the ticket. OTRS stores a link as one
/// `link_relation` row of type `Normal` (no direction) or `ParentChild` (source is the
/// parent, target the child).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LinkKind {
    Normal,
    /// This ticket is the parent of the other.
    ParentOf,
    /// This ticket is a child of the other.
    ChildOf,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Normal, LinkKind::ParentOf, LinkKind::ChildOf];

    pub fn key(self) -> &'static str {
        match self {
            LinkKind::Normal => "normal",
            LinkKind::ParentOf => "parent_of",
            LinkKind::ChildOf => "child_of",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// OTRS's `link_type.name` for this kind.
    pub fn otrs_type(self) -> &'static str {
        match self {
            LinkKind::Normal => "Normal",
            LinkKind::ParentOf | LinkKind::ChildOf => "ParentChild",
        }
    }

    /// The same link seen from the other ticket.
    pub fn reversed(self) -> Self {
        match self {
            LinkKind::Normal => LinkKind::Normal,
            LinkKind::ParentOf => LinkKind::ChildOf,
            LinkKind::ChildOf => LinkKind::ParentOf,
        }
    }
}

/// A ticket linked to the one being looked at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LinkedTicket {
    pub kind: LinkKind,
    pub ticket: Ticket,
}
