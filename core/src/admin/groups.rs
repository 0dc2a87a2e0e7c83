//! Groups and roles, and the grants that tie them together.

use std::collections::BTreeSet;

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::{ADMIN_GROUP_ID, AgentPermissions, Permission};

use super::{AdminService, checked_comments, checked_name};

/// The administration an admin holds: `rw` on the admin group.
const ADMINISTRATION: (GroupId, Permission) = (ADMIN_GROUP_ID, Permission::Rw);

impl AdminService {
    pub async fn groups(&self, actor: &AgentPermissions) -> DomainResult<Vec<Group>> {
        Self::check(actor)?;
        self.ports.groups.groups().await
    }

    pub async fn create_group(
        &self,
        actor: &AgentPermissions,
        name: &str,
        comments: Option<&str>,
    ) -> DomainResult<Group> {
        Self::check(actor)?;
        let name = checked_name(name)?;
        let comments = checked_comments(comments)?;
        if self.ports.groups.groups().await?.iter().any(|g| g.name == name) {
            return Err(DomainError::Conflict(format!("a group named {name} exists")));
        }
        let id = self.ports.groups.create_group(&name, comments.as_deref(), actor.user_id).await?;
        self.group_by_id(id).await
    }

    /// Switches a group on or off. The admin group stays: without it no one could
    /// administer anything.
    pub async fn set_group_valid(&self, actor: &AgentPermissions, id: GroupId, valid: bool) -> DomainResult<Group> {
        Self::check(actor)?;
        self.group_by_id(id).await?;
        if id == ADMIN_GROUP_ID && !valid {
            return Err(DomainError::invalid("valid", "the admin group cannot be set invalid"));
        }
        self.ports.groups.set_group_valid(id, valid, actor.user_id).await?;
        self.group_by_id(id).await
    }

    /// Renames a group, rewrites its comments and switches it on or off, all checked
    /// before anything is written.
    pub async fn change_group(
        &self,
        actor: &AgentPermissions,
        id: GroupId,
        name: &str,
        comments: Option<&str>,
        valid: bool,
    ) -> DomainResult<Group> {
        Self::check(actor)?;
        let current = self.group_by_id(id).await?;
        let name = checked_name(name)?;
        let comments = checked_comments(comments)?;
        if self.ports.groups.groups().await?.iter().any(|g| g.name == name && g.id != id) {
            return Err(DomainError::Conflict(format!("a group named {name} exists")));
        }
        if id == ADMIN_GROUP_ID && !valid {
            return Err(DomainError::invalid("valid", "the admin group cannot be set invalid"));
        }
        self.ports.groups.update_group(id, &name, comments.as_deref(), actor.user_id).await?;
        if valid != current.valid {
            self.ports.groups.set_group_valid(id, valid, actor.user_id).await?;
        }
        self.group_by_id(id).await
    }

    pub async fn group(&self, actor: &AgentPermissions, id: GroupId) -> DomainResult<Group> {
        Self::check(actor)?;
        self.group_by_id(id).await
    }

    pub(super) async fn group_by_id(&self, id: GroupId) -> DomainResult<Group> {
        self.ports
            .groups
            .groups()
            .await?
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(|| DomainError::not_found("group", id))
    }

    pub async fn roles(&self, actor: &AgentPermissions) -> DomainResult<Vec<Role>> {
        Self::check(actor)?;
        self.ports.groups.roles().await
    }

    pub async fn create_role(
        &self,
        actor: &AgentPermissions,
        name: &str,
        comments: Option<&str>,
    ) -> DomainResult<Role> {
        Self::check(actor)?;
        let name = checked_name(name)?;
        let comments = checked_comments(comments)?;
        if self.ports.groups.roles().await?.iter().any(|r| r.name == name) {
            return Err(DomainError::Conflict(format!("a role named {name} exists")));
        }
        let id = self.ports.groups.create_role(&name, comments.as_deref(), actor.user_id).await?;
        self.role_by_id(id).await
    }

    pub async fn set_role_valid(&self, actor: &AgentPermissions, id: RoleId, valid: bool) -> DomainResult<Role> {
        let current = self.role(actor, id).await?;
        self.change_role(actor, id, &current.name, current.comments.as_deref(), valid).await
    }

    pub async fn role(&self, actor: &AgentPermissions, id: RoleId) -> DomainResult<Role> {
        Self::check(actor)?;
        self.role_by_id(id).await
    }

    /// Renames a role, rewrites its comments and switches it on or off, all checked
    /// before anything is written. An admin cannot switch off the role their own
    /// administration comes from.
    pub async fn change_role(
        &self,
        actor: &AgentPermissions,
        id: RoleId,
        name: &str,
        comments: Option<&str>,
        valid: bool,
    ) -> DomainResult<Role> {
        let current = self.role(actor, id).await?;
        let name = checked_name(name)?;
        let comments = checked_comments(comments)?;
        if self.ports.groups.roles().await?.iter().any(|r| r.name == name && r.id != id) {
            return Err(DomainError::Conflict(format!("a role named {name} exists")));
        }
        if !valid && current.valid && !self.keeps_administration(actor, id).await? {
            return Err(DomainError::invalid("valid", "your own administration comes from this role"));
        }
        self.ports.groups.update_role(id, &name, comments.as_deref(), actor.user_id).await?;
        if valid != current.valid {
            self.ports.groups.set_role_valid(id, valid, actor.user_id).await?;
        }
        self.role_by_id(id).await
    }

    /// What the role grants on each group.
    pub async fn role_grants(&self, actor: &AgentPermissions, role: RoleId) -> DomainResult<Vec<GroupGrant>> {
        self.role(actor, role).await?;
        self.ports.groups.role_grants(role).await
    }

    /// Makes the role grant exactly `wanted`: every group must exist, and an admin cannot
    /// take away the grant their own administration comes from. Checked before anything
    /// is written.
    pub async fn set_role_grants(
        &self,
        actor: &AgentPermissions,
        role: RoleId,
        wanted: &BTreeSet<(GroupId, Permission)>,
    ) -> DomainResult<()> {
        self.role(actor, role).await?;
        let groups = self.ports.groups.groups().await?;
        if let Some((g, _)) = wanted.iter().find(|(g, _)| !groups.iter().any(|x| x.id == *g)) {
            return Err(DomainError::not_found("group", *g));
        }
        let held: BTreeSet<_> =
            self.ports.groups.role_grants(role).await?.into_iter().map(|g| (g.group_id, g.permission)).collect();
        if held.contains(&ADMINISTRATION)
            && !wanted.contains(&ADMINISTRATION)
            && !self.keeps_administration(actor, role).await?
        {
            return Err(DomainError::invalid("permission", "you cannot take away your own administration"));
        }
        for (group, permission) in held.difference(wanted) {
            self.ports.groups.revoke_role(role, *group, *permission).await?;
        }
        for (group, permission) in wanted.difference(&held) {
            self.ports.groups.grant_role(role, *group, *permission, actor.user_id).await?;
        }
        Ok(())
    }

    /// The agents who are members of the role.
    pub async fn role_members(&self, actor: &AgentPermissions, role: RoleId) -> DomainResult<Vec<UserId>> {
        self.role(actor, role).await?;
        self.ports.groups.role_members(role).await
    }

    /// Makes exactly `wanted` the role's members: every agent must exist, and an admin
    /// cannot leave the role their own administration comes from.
    pub async fn set_role_members(
        &self,
        actor: &AgentPermissions,
        role: RoleId,
        wanted: &BTreeSet<UserId>,
    ) -> DomainResult<()> {
        self.role(actor, role).await?;
        let agents = self.ports.agents.list().await?;
        if let Some(a) = wanted.iter().find(|a| !agents.iter().any(|x| x.id == **a)) {
            return Err(DomainError::not_found("agent", *a));
        }
        let held: BTreeSet<UserId> = self.ports.groups.role_members(role).await?.into_iter().collect();
        if held.contains(&actor.user_id)
            && !wanted.contains(&actor.user_id)
            && !self.keeps_administration(actor, role).await?
        {
            return Err(DomainError::invalid("member", "you cannot leave the role your administration comes from"));
        }
        for agent in held.difference(wanted) {
            self.ports.groups.remove_user_from_role(*agent, role).await?;
        }
        for agent in wanted.difference(&held) {
            self.ports.groups.add_user_to_role(*agent, role, actor.user_id).await?;
        }
        Ok(())
    }

    /// Whether the admin would still administer without `role`: through a grant of
    /// their own or another valid role they are a member of.
    async fn keeps_administration(&self, actor: &AgentPermissions, role: RoleId) -> DomainResult<bool> {
        let groups = &self.ports.groups;
        let is_admin = |g: &GroupGrant| (g.group_id, g.permission) == ADMINISTRATION;
        if groups.direct_grants(actor.user_id).await?.iter().any(is_admin) {
            return Ok(true);
        }
        for other in groups.roles().await?.into_iter().filter(|r| r.valid && r.id != role) {
            if groups.role_members(other.id).await?.contains(&actor.user_id)
                && groups.role_grants(other.id).await?.iter().any(is_admin)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(super) async fn role_by_id(&self, id: RoleId) -> DomainResult<Role> {
        self.ports
            .groups
            .roles()
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| DomainError::not_found("role", id))
    }

    /// Gives a role a permission on a group.
    pub async fn grant_role(
        &self,
        actor: &AgentPermissions,
        role: RoleId,
        group: GroupId,
        permission: Permission,
    ) -> DomainResult<()> {
        self.role(actor, role).await?;
        self.group_by_id(group).await?;
        self.ports.groups.grant_role(role, group, permission, actor.user_id).await
    }

    pub async fn add_agent_to_role(&self, actor: &AgentPermissions, agent: UserId, role: RoleId) -> DomainResult<()> {
        Self::check(actor)?;
        self.agent(actor, agent).await?;
        self.role(actor, role).await?;
        self.ports.groups.add_user_to_role(agent, role, actor.user_id).await
    }
}
