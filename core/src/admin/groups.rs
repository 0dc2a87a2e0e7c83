//! Groups and roles, and the grants that tie them together.

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::{ADMIN_GROUP_ID, AgentPermissions, Permission};

use super::{AdminService, checked_name};

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
        if self.ports.groups.groups().await?.iter().any(|g| g.name == name) {
            return Err(DomainError::Conflict(format!("a group named {name} exists")));
        }
        let id = self.ports.groups.create_group(&name, comments, actor.user_id).await?;
        self.group(id).await
    }

    /// Switches a group on or off. The admin group stays: without it no one could
    /// administer anything.
    pub async fn set_group_valid(&self, actor: &AgentPermissions, id: GroupId, valid: bool) -> DomainResult<Group> {
        Self::check(actor)?;
        self.group(id).await?;
        if id == ADMIN_GROUP_ID && !valid {
            return Err(DomainError::invalid("valid", "the admin group cannot be set invalid"));
        }
        self.ports.groups.set_group_valid(id, valid, actor.user_id).await?;
        self.group(id).await
    }

    pub(super) async fn group(&self, id: GroupId) -> DomainResult<Group> {
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
        if self.ports.groups.roles().await?.iter().any(|r| r.name == name) {
            return Err(DomainError::Conflict(format!("a role named {name} exists")));
        }
        let id = self.ports.groups.create_role(&name, comments, actor.user_id).await?;
        self.role(id).await
    }

    pub async fn set_role_valid(&self, actor: &AgentPermissions, id: RoleId, valid: bool) -> DomainResult<Role> {
        Self::check(actor)?;
        self.role(id).await?;
        self.ports.groups.set_role_valid(id, valid, actor.user_id).await?;
        self.role(id).await
    }

    pub(super) async fn role(&self, id: RoleId) -> DomainResult<Role> {
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
        Self::check(actor)?;
        self.role(role).await?;
        self.group(group).await?;
        self.ports.groups.grant_role(role, group, permission, actor.user_id).await
    }

    pub async fn add_agent_to_role(&self, actor: &AgentPermissions, agent: UserId, role: RoleId) -> DomainResult<()> {
        Self::check(actor)?;
        self.agent(actor, agent).await?;
        self.role(role).await?;
        self.ports.groups.add_user_to_role(agent, role, actor.user_id).await
    }
}
