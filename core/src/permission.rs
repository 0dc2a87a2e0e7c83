//! The OTRS permission model.
//!
//! An agent holds permission types on groups, directly (`group_user`) or through roles
//! (`role_user` → `group_role`). A ticket belongs to its queue's group. `rw` implies every
//! other type. Owner, responsible and watchers of a ticket reach it regardless of groups.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::model::{GroupGrant, GroupId, Ticket, UserId};
use crate::tickets::TicketVerdict;

/// The permission types of `group_user.permission_key` / `group_role.permission_key`.
/// Their keys (`ro`, `move_into`, …) are the variants' names in snake case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Permission {
    Ro,
    MoveInto,
    Create,
    Note,
    Owner,
    Priority,
    Rw,
}

impl Permission {
    pub const ALL: [Permission; 7] =
        [Self::Ro, Self::MoveInto, Self::Create, Self::Note, Self::Owner, Self::Priority, Self::Rw];

    pub fn key(self) -> &'static str {
        self.into()
    }

    pub fn from_key(key: &str) -> Option<Self> {
        key.parse().ok()
    }
}

/// Everything one agent may do, resolved once from direct and role grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentPermissions {
    pub user_id: UserId,
    by_group: HashMap<GroupId, HashSet<Permission>>,
    /// The rule's answer on the one ticket this request is about, once a route's guard
    /// asked (see [`AgentPermissions::with_verdict`]).
    verdict: Option<Arc<TicketVerdict>>,
}

impl AgentPermissions {
    /// Union of the direct grants and the grants of every role the agent holds.
    pub fn new(user_id: UserId, grants: impl IntoIterator<Item = GroupGrant>) -> Self {
        let mut by_group: HashMap<GroupId, HashSet<Permission>> = HashMap::new();
        for g in grants {
            by_group.entry(g.group_id).or_default().insert(g.permission);
        }
        Self { user_id, by_group, verdict: None }
    }

    /// These permissions for a request whose ticket was already judged: the ticket
    /// service answers from the verdict while the ticket's deciding facts are the ones
    /// it was made on, so the rule is evaluated once per request. Only core makes
    /// verdicts ([`crate::tickets::TicketService::abilities_on`]).
    pub fn with_verdict(mut self, verdict: TicketVerdict) -> Self {
        self.verdict = Some(Arc::new(verdict));
        self
    }

    pub(crate) fn verdict(&self) -> Option<&TicketVerdict> {
        self.verdict.as_deref()
    }

    /// Whether the agent holds `wanted` on `group`; `rw` satisfies any request.
    pub fn has(&self, group: GroupId, wanted: Permission) -> bool {
        self.by_group.get(&group).is_some_and(|set| set.contains(&Permission::Rw) || set.contains(&wanted))
    }

    /// Groups on which the agent holds `wanted`, for narrowing ticket lists.
    pub fn groups_with(&self, wanted: Permission) -> Vec<GroupId> {
        let mut groups: Vec<GroupId> = self.by_group.keys().copied().filter(|g| self.has(*g, wanted)).collect();
        groups.sort_unstable();
        groups
    }

    /// Members of the `admin` group (id 2) administer the system.
    pub fn is_admin(&self) -> bool {
        self.has(ADMIN_GROUP_ID, Permission::Rw)
    }

    /// OTRS's ticket permission check: owner, responsible and watchers always reach the
    /// ticket; everyone else needs `wanted` on the group of the ticket's queue.
    pub fn can_access_ticket(&self, ticket: &TicketAccess, wanted: Permission) -> bool {
        if ticket.owner_id == self.user_id
            || ticket.responsible_id == self.user_id
            || ticket.watcher_ids.contains(&self.user_id)
        {
            return true;
        }
        self.has(ticket.group_id, wanted)
    }
}

/// The group of the admin users, fixed by OTRS's default data.
pub const ADMIN_GROUP_ID: GroupId = 2;

/// The facts about a ticket that decide who may reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketAccess {
    pub group_id: GroupId,
    pub owner_id: UserId,
    pub responsible_id: UserId,
    pub watcher_ids: Vec<UserId>,
}

impl TicketAccess {
    pub fn of(ticket: &Ticket, group_id: GroupId, watcher_ids: Vec<UserId>) -> Self {
        Self { group_id, owner_id: ticket.owner_id, responsible_id: ticket.responsible_id, watcher_ids }
    }
}

/// A customer sees the tickets of their own login and of their company.
pub fn customer_can_see(ticket: &Ticket, customer_login: &str, customer_company: &str) -> bool {
    ticket.customer_user_id.as_deref() == Some(customer_login)
        || (!customer_company.is_empty() && ticket.customer_id.as_deref() == Some(customer_company))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(group_id: GroupId, permission: Permission) -> GroupGrant {
        GroupGrant { group_id, permission }
    }

    fn access(group_id: GroupId) -> TicketAccess {
        TicketAccess { group_id, owner_id: 1, responsible_id: 1, watcher_ids: vec![] }
    }

    #[test]
    fn rw_implies_every_type() {
        let p = AgentPermissions::new(5, [grant(3, Permission::Rw)]);
        for wanted in Permission::ALL {
            assert!(p.has(3, wanted), "{wanted:?}");
        }
        assert!(!p.has(4, Permission::Ro));
    }

    #[test]
    fn a_single_type_grants_only_itself() {
        let p = AgentPermissions::new(5, [grant(3, Permission::Ro)]);
        assert!(p.has(3, Permission::Ro));
        assert!(!p.has(3, Permission::Note));
        assert!(!p.has(3, Permission::MoveInto));
    }

    #[test]
    fn direct_and_role_grants_are_united() {
        // The caller passes direct and role grants together; both count.
        let p = AgentPermissions::new(
            5,
            [grant(3, Permission::Ro), grant(3, Permission::Note), grant(7, Permission::MoveInto)],
        );
        assert!(p.has(3, Permission::Note));
        assert!(p.has(7, Permission::MoveInto));
        assert_eq!(p.groups_with(Permission::Ro), vec![3]);
    }

    #[test]
    fn owner_responsible_and_watchers_reach_a_ticket_without_group_rights() {
        let p = AgentPermissions::new(5, []);
        let mut t = access(9);
        assert!(!p.can_access_ticket(&t, Permission::Ro));
        t.owner_id = 5;
        assert!(p.can_access_ticket(&t, Permission::Ro));
        t.owner_id = 1;
        t.responsible_id = 5;
        assert!(p.can_access_ticket(&t, Permission::Rw));
        t.responsible_id = 1;
        t.watcher_ids = vec![5];
        assert!(p.can_access_ticket(&t, Permission::Ro));
    }

    #[test]
    fn admin_means_rw_on_the_admin_group() {
        assert!(AgentPermissions::new(1, [grant(ADMIN_GROUP_ID, Permission::Rw)]).is_admin());
        assert!(!AgentPermissions::new(1, [grant(ADMIN_GROUP_ID, Permission::Ro)]).is_admin());
    }

    #[test]
    fn permission_keys_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::from_key(p.key()), Some(p));
        }
        assert_eq!(Permission::from_key("write"), None);
    }
}
