use super::StateId;

/// OTRS's state types (`ticket_state_type`), with their fixed ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateType {
    New,
    Open,
    Closed,
    PendingReminder,
    PendingAuto,
    Removed,
    Merged,
}

impl StateType {
    pub const ALL: [StateType; 7] =
        [Self::New, Self::Open, Self::Closed, Self::PendingReminder, Self::PendingAuto, Self::Removed, Self::Merged];

    pub fn id(self) -> i32 {
        match self {
            Self::New => 1,
            Self::Open => 2,
            Self::Closed => 3,
            Self::PendingReminder => 4,
            Self::PendingAuto => 5,
            Self::Removed => 6,
            Self::Merged => 7,
        }
    }

    pub fn from_id(id: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The name stored in `ticket_state_type.name`.
    pub fn otrs_name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::PendingReminder => "pending reminder",
            Self::PendingAuto => "pending auto",
            Self::Removed => "removed",
            Self::Merged => "merged",
        }
    }

    pub fn from_otrs_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.otrs_name() == name)
    }
}

/// A row of `ticket_state`: sites add their own states, each of one [`StateType`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TicketState {
    pub id: StateId,
    pub name: String,
    pub state_type: StateType,
    pub valid: bool,
}
