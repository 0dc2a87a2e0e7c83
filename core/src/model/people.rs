use crate::permission::Permission;

use super::{GroupId, RoleId, UserId};

/// An agent (`users`); the email address lives in `user_preferences` (`UserEmail`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Agent {
    pub id: UserId,
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub valid: bool,
}

impl Agent {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The agent as an article's sender: `First Last <address>`, or the name alone.
    pub fn mailbox(&self) -> String {
        match &self.email {
            Some(email) => format!("{} <{email}>", self.full_name()),
            None => self.full_name(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub comments: Option<String>,
    pub valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub comments: Option<String>,
    pub valid: bool,
}

/// One permission on one group, granted directly or through a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct GroupGrant {
    pub group_id: GroupId,
    pub permission: Permission,
}
