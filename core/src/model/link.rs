use super::Ticket;

/// How a ticket is linked to another, seen from the ticket. OTRS stores a link as one
/// `link_relation` row of type `Normal` (no direction) or `ParentChild` (source is the
/// parent, target the child).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum LinkKind {
    Normal,
    /// This ticket is the parent of the other.
    ParentOf,
    /// This ticket is a child of the other.
    ChildOf,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Normal, LinkKind::ParentOf, LinkKind::ChildOf];

    /// The kind's name in the API and the pages: `normal`, `parent_of`, `child_of`.
    pub fn key(self) -> &'static str {
        self.into()
    }

    pub fn from_key(key: &str) -> Option<Self> {
        key.parse().ok()
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
