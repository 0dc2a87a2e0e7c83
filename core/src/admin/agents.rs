//! Agents: their names, address, password, validity and own grants.

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::{ADMIN_GROUP_ID, AgentPermissions, Permission};
use crate::ports::{AgentProfile, NewAgent};

use super::{AdminService, AgentChanges, AgentInput, checked_email, checked_password, checked_person_name};

impl AdminService {
    pub async fn agents(&self, actor: &AgentPermissions) -> DomainResult<Vec<Agent>> {
        Self::check(actor)?;
        self.ports.agents.list().await
    }

    pub async fn agent(&self, actor: &AgentPermissions, id: UserId) -> DomainResult<Agent> {
        Self::check(actor)?;
        self.ports.agents.get(id).await?.ok_or_else(|| DomainError::not_found("agent", id))
    }

    pub async fn create_agent(&self, actor: &AgentPermissions, input: AgentInput) -> DomainResult<Agent> {
        Self::check(actor)?;
        let login = input.login.trim().to_string();
        if login.is_empty() || login.chars().count() > 200 || login.chars().any(char::is_whitespace) {
            return Err(DomainError::invalid("login", "a login of 1 to 200 characters without spaces"));
        }
        if self.ports.agents.by_login(&login).await?.is_some() {
            return Err(DomainError::Conflict(format!("an agent with the login {login} exists")));
        }
        checked_password(&input.password)?;
        let agent = NewAgent {
            login,
            first_name: checked_person_name("first_name", &input.first_name)?,
            last_name: checked_person_name("last_name", &input.last_name)?,
            email: checked_email(input.email)?,
            password_hash: self.ports.cpu.hash_password(input.password).await?,
        };
        let id = self.ports.agents.create(agent, actor.user_id).await?;
        self.agent(actor, id).await
    }

    /// Changes an agent. An admin cannot switch off their own account.
    pub async fn change_agent(&self, actor: &AgentPermissions, id: UserId, c: AgentChanges) -> DomainResult<Agent> {
        let a = self.agent(actor, id).await?;
        if c.valid == Some(false) && id == actor.user_id {
            return Err(DomainError::invalid("valid", "you cannot set your own account invalid"));
        }
        if let Some(p) = &c.password {
            checked_password(p)?;
        }
        if c.first_name.is_some() || c.last_name.is_some() || c.email.is_some() {
            let profile = AgentProfile {
                first_name: checked_person_name("first_name", c.first_name.as_deref().unwrap_or(&a.first_name))?,
                last_name: checked_person_name("last_name", c.last_name.as_deref().unwrap_or(&a.last_name))?,
                email: match c.email {
                    Some(e) => checked_email(e)?,
                    None => a.email.clone(),
                },
            };
            self.ports.agents.update_profile(id, profile, actor.user_id).await?;
        }
        if let Some(p) = &c.password {
            let hash = self.ports.cpu.hash_password(p.clone()).await?;
            self.ports.agents.set_password_hash(id, &hash, actor.user_id).await?;
        }
        if let Some(valid) = c.valid.filter(|v| *v != a.valid) {
            self.ports.agents.set_valid(id, valid, actor.user_id).await?;
        }
        self.agent(actor, id).await
    }

    /// The agent's own grants, which [`set_agent_grant`](Self::set_agent_grant) changes
    /// (grants through roles are the roles').
    pub async fn agent_grants(&self, actor: &AgentPermissions, id: UserId) -> DomainResult<Vec<GroupGrant>> {
        self.agent(actor, id).await?;
        self.ports.groups.direct_grants(id).await
    }

    /// Grants or revokes one permission of an agent on a group.
    pub async fn set_agent_grant(
        &self,
        actor: &AgentPermissions,
        agent: UserId,
        group: GroupId,
        permission: Permission,
        granted: bool,
    ) -> DomainResult<()> {
        self.agent(actor, agent).await?;
        self.group_by_id(group).await?;
        if granted {
            self.ports.groups.grant_user(agent, group, permission, actor.user_id).await
        } else {
            if agent == actor.user_id && group == ADMIN_GROUP_ID && permission == Permission::Rw {
                return Err(DomainError::invalid("permission", "you cannot take away your own administration"));
            }
            self.ports.groups.revoke_user(agent, group, permission).await
        }
    }
}
