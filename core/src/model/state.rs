use super::StateId;

/// OTRS's state types (`ticket_state_type`), with their fixed ids.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::FromRepr,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[repr(i32)]
#[serde(rename_all = "snake_case")]
// Names as `ticket_state_type.name` holds them.
#[strum(serialize_all = "lowercase")]
pub enum StateType {
    New = 1,
    Open = 2,
    Closed = 3,
    #[strum(serialize = "pending reminder")]
    PendingReminder = 4,
    #[strum(serialize = "pending auto")]
    PendingAuto = 5,
    Removed = 6,
    Merged = 7,
}

impl StateType {
    pub const ALL: [StateType; 7] =
        [Self::New, Self::Open, Self::Closed, Self::PendingReminder, Self::PendingAuto, Self::Removed, Self::Merged];

    pub fn id(self) -> i32 {
        self as i32
    }

    pub fn from_id(id: i32) -> Option<Self> {
        Self::from_repr(id)
    }

    /// The name stored in `ticket_state_type.name`.
    pub fn otrs_name(self) -> &'static str {
        self.into()
    }

    pub fn from_otrs_name(name: &str) -> Option<Self> {
        name.parse().ok()
    }
}

/// A row of `ticket_state`: sites add their own states, each of one [`StateType`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TicketState {
    pub id: StateId,
    pub name: String,
    pub state_type: StateType,
    pub valid: bool,
    /// `None` when the stored value is no colour.
    pub colour: Option<super::Colour>,
}
