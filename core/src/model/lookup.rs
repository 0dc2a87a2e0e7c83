use super::{GroupId, PriorityId, QueueId, TypeId};

/// `valid.id`: OTRS never deletes reference rows, it marks them invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Valid {
    Valid = 1,
    Invalid = 2,
    InvalidTemporarily = 3,
}

impl Valid {
    pub fn from_id(id: i32) -> Self {
        match id {
            1 => Self::Valid,
            3 => Self::InvalidTemporarily,
            _ => Self::Invalid,
        }
    }
    pub fn is_valid(id: i32) -> bool {
        id == Self::Valid as i32
    }
}

/// `ticket_lock_type`: 1 unlock, 2 lock, 3 tmp_lock.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    strum::FromRepr,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[repr(i32)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Lock {
    Unlock = 1,
    Lock = 2,
    TmpLock = 3,
}

impl Lock {
    pub fn id(self) -> i32 {
        self as i32
    }
    pub fn from_id(id: i32) -> Option<Self> {
        Self::from_repr(id)
    }
    /// The name in `ticket_lock_type.name`: `unlock`, `lock`, `tmp_lock`.
    pub fn otrs_name(self) -> &'static str {
        self.into()
    }
    pub fn is_locked(self) -> bool {
        self != Self::Unlock
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Priority {
    pub id: PriorityId,
    pub name: String,
    pub valid: bool,
    /// `None` when the stored value is no colour.
    pub colour: Option<super::Colour>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TicketType {
    pub id: TypeId,
    pub name: String,
    pub valid: bool,
}

/// What a mail answering a closed ticket of a queue does (OTRS `follow_up_possible`,
/// the queue's `follow_up_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, strum::FromRepr, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FollowUp {
    /// It is added to the ticket, which reopens.
    #[default]
    Possible = 1,
    /// It is added to the ticket, which stays closed, and the sender is told so.
    Reject = 2,
    /// It opens a new ticket instead.
    NewTicket = 3,
}

impl FollowUp {
    pub fn id(self) -> i32 {
        self as i32
    }
}

/// A queue; its tickets belong to `group_id` for permission purposes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Queue {
    pub id: QueueId,
    pub name: String,
    pub group_id: GroupId,
    /// Minutes after which a locked ticket is unlocked (0 = never).
    pub unlock_timeout: i32,
    pub first_response_time: i32,
    pub update_time: i32,
    pub solution_time: i32,
    pub calendar_name: Option<String>,
    pub comments: Option<String>,
    /// What a mail answering one of its closed tickets does.
    pub follow_up: FollowUp,
    /// Whether a follow-up to a closed ticket locks it to its owner again.
    pub follow_up_lock: bool,
    /// Whether customers may open tickets in it from the portal.
    pub customer_selectable: bool,
    /// Whether customers may close its tickets from the portal.
    pub customer_closable: bool,
    /// The system address its mail leaves from, and the salutation and signature its
    /// replies open and close with.
    pub system_address_id: i32,
    pub salutation_id: i32,
    pub signature_id: i32,
    pub valid: bool,
}
