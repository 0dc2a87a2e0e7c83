//! Administration: the queues, states, priorities, types, groups, roles and agents an
//! OTRS admin maintains. Every operation needs `rw` on the admin group. Nothing is
//! deleted, only set invalid, as OTRS does, so history and old tickets keep their
//! references.

use std::sync::Arc;

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::{ADMIN_GROUP_ID, AgentPermissions, Permission};
use crate::ports::{
    AgentProfile, AgentRepository, CpuWork, CustomerRepository, GroupRepository, LookupKind, LookupRepository,
    NewAgent, NewQueue,
};

/// What administration works through.
#[derive(Clone)]
pub struct AdminPorts {
    pub lookups: Arc<dyn LookupRepository>,
    pub groups: Arc<dyn GroupRepository>,
    pub agents: Arc<dyn AgentRepository>,
    pub customers: Arc<dyn CustomerRepository>,
    /// Where new passwords are hashed, off the threads that serve requests.
    pub cpu: Arc<dyn CpuWork>,
}

/// How many companies or contacts one search returns at most.
pub const MAX_SEARCH: u64 = 500;

/// A partial change of a queue: `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct QueueChanges {
    pub name: Option<String>,
    pub group_id: Option<GroupId>,
    pub unlock_timeout: Option<i32>,
    pub first_response_time: Option<i32>,
    pub update_time: Option<i32>,
    pub solution_time: Option<i32>,
    pub calendar_name: Option<Option<String>>,
    pub comments: Option<Option<String>>,
    pub valid: Option<bool>,
}

/// A new agent as an admin enters it, with the password in clear (hashed here).
#[derive(Debug, Clone)]
pub struct AgentInput {
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub password: String,
}

/// A partial change of an agent.
#[derive(Debug, Clone, Default)]
pub struct AgentChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<Option<String>>,
    pub valid: Option<bool>,
    pub password: Option<String>,
}

pub struct AdminService {
    ports: AdminPorts,
}

impl AdminService {
    pub fn new(ports: AdminPorts) -> Self {
        Self { ports }
    }

    fn check(actor: &AgentPermissions) -> DomainResult<()> {
        if actor.is_admin() {
            Ok(())
        } else {
            Err(DomainError::PermissionDenied("administration needs rw on the admin group".into()))
        }
    }

    // Queues.

    /// Every queue, valid or not.
    pub async fn queues(&self, actor: &AgentPermissions) -> DomainResult<Vec<Queue>> {
        Self::check(actor)?;
        self.ports.lookups.queues().await
    }

    pub async fn queue(&self, actor: &AgentPermissions, id: QueueId) -> DomainResult<Queue> {
        Self::check(actor)?;
        self.ports.lookups.queue(id).await?.ok_or_else(|| DomainError::not_found("queue", id))
    }

    pub async fn create_queue(&self, actor: &AgentPermissions, queue: NewQueue) -> DomainResult<Queue> {
        Self::check(actor)?;
        let queue = self.checked_queue(queue, None).await?;
        let id = self.ports.lookups.create_queue(queue, actor.user_id).await?;
        self.queue(actor, id).await
    }

    pub async fn change_queue(&self, actor: &AgentPermissions, id: QueueId, c: QueueChanges) -> DomainResult<Queue> {
        let q = self.queue(actor, id).await?;
        let merged = NewQueue {
            name: c.name.unwrap_or(q.name),
            group_id: c.group_id.unwrap_or(q.group_id),
            unlock_timeout: c.unlock_timeout.unwrap_or(q.unlock_timeout),
            first_response_time: c.first_response_time.unwrap_or(q.first_response_time),
            update_time: c.update_time.unwrap_or(q.update_time),
            solution_time: c.solution_time.unwrap_or(q.solution_time),
            calendar_name: c.calendar_name.unwrap_or(q.calendar_name),
            comments: c.comments.unwrap_or(q.comments),
        };
        let merged = self.checked_queue(merged, Some(id)).await?;
        self.ports.lookups.update_queue(id, merged, actor.user_id).await?;
        if let Some(valid) = c.valid.filter(|v| *v != q.valid) {
            self.ports.lookups.set_queue_valid(id, valid, actor.user_id).await?;
        }
        self.queue(actor, id).await
    }

    async fn checked_queue(&self, mut q: NewQueue, id: Option<QueueId>) -> DomainResult<NewQueue> {
        q.name = checked_name(&q.name)?;
        if q.name.contains("::") && q.name.split("::").any(|part| part.trim().is_empty()) {
            return Err(DomainError::invalid("name", "each level of a sub-queue (Parent::Child) needs a name"));
        }
        for (field, minutes) in [
            ("unlock_timeout", q.unlock_timeout),
            ("first_response_time", q.first_response_time),
            ("update_time", q.update_time),
            ("solution_time", q.solution_time),
        ] {
            if !(0..=525_600).contains(&minutes) {
                return Err(DomainError::invalid(field, "minutes from 0 (off) to 525600 (a year)"));
            }
        }
        if !self.ports.groups.groups().await?.iter().any(|g| g.id == q.group_id) {
            return Err(DomainError::invalid("group_id", format!("there is no group {}", q.group_id)));
        }
        if let Some(other) = self.ports.lookups.queue_by_name(&q.name).await?
            && Some(other.id) != id
        {
            return Err(DomainError::Conflict(format!("a queue named {} exists", q.name)));
        }
        q.calendar_name = q.calendar_name.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        q.comments = q.comments.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        Ok(q)
    }

    // States, priorities and types.

    /// Adds a state (with its type), priority or type; `state_type` only for states.
    pub async fn create_lookup(
        &self,
        actor: &AgentPermissions,
        kind: LookupKind,
        name: &str,
        state_type: Option<StateType>,
    ) -> DomainResult<i32> {
        Self::check(actor)?;
        let name = checked_name(name)?;
        self.unique_lookup(kind, &name, None).await?;
        let l = &self.ports.lookups;
        match kind {
            LookupKind::State => {
                let t = state_type.ok_or_else(|| DomainError::invalid("state_type", "a state needs a state type"))?;
                l.create_state(&name, t, actor.user_id).await
            }
            LookupKind::Priority => l.create_priority(&name, actor.user_id).await,
            LookupKind::Type => l.create_type(&name, actor.user_id).await,
        }
    }

    /// Renames and/or switches a state, priority or type.
    pub async fn change_lookup(
        &self,
        actor: &AgentPermissions,
        kind: LookupKind,
        id: i32,
        name: Option<&str>,
        valid: Option<bool>,
    ) -> DomainResult<()> {
        Self::check(actor)?;
        if !self.lookup_exists(kind, id).await? {
            return Err(DomainError::not_found(kind.noun(), id));
        }
        if let Some(name) = name {
            let name = checked_name(name)?;
            self.unique_lookup(kind, &name, Some(id)).await?;
            self.ports.lookups.rename_lookup(kind, id, &name, actor.user_id).await?;
        }
        if let Some(valid) = valid {
            self.ports.lookups.set_lookup_valid(kind, id, valid, actor.user_id).await?;
        }
        Ok(())
    }

    async fn lookup_names(&self, kind: LookupKind) -> DomainResult<Vec<(i32, String)>> {
        let l = &self.ports.lookups;
        Ok(match kind {
            LookupKind::State => l.states().await?.into_iter().map(|x| (x.id, x.name)).collect(),
            LookupKind::Priority => l.priorities().await?.into_iter().map(|x| (x.id, x.name)).collect(),
            LookupKind::Type => l.types().await?.into_iter().map(|x| (x.id, x.name)).collect(),
        })
    }

    async fn lookup_exists(&self, kind: LookupKind, id: i32) -> DomainResult<bool> {
        Ok(self.lookup_names(kind).await?.iter().any(|(x, _)| *x == id))
    }

    async fn unique_lookup(&self, kind: LookupKind, name: &str, except: Option<i32>) -> DomainResult<()> {
        if self.lookup_names(kind).await?.iter().any(|(id, n)| n == name && Some(*id) != except) {
            return Err(DomainError::Conflict(format!("a {} named {name} exists", kind.noun())));
        }
        Ok(())
    }

    // Groups and roles.

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

    async fn group(&self, id: GroupId) -> DomainResult<Group> {
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

    async fn role(&self, id: RoleId) -> DomainResult<Role> {
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

    // Agents.

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
            first_name: checked_name(&input.first_name)?,
            last_name: checked_name(&input.last_name)?,
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
                first_name: checked_name(c.first_name.as_deref().unwrap_or(&a.first_name))?,
                last_name: checked_name(c.last_name.as_deref().unwrap_or(&a.last_name))?,
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
        self.group(group).await?;
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

impl AdminService {
    // Customer companies and their contacts.

    pub async fn companies(
        &self,
        actor: &AgentPermissions,
        term: &str,
        limit: u64,
    ) -> DomainResult<Vec<CustomerCompany>> {
        Self::check(actor)?;
        self.ports.customers.search_companies(term, limit.clamp(1, MAX_SEARCH)).await
    }

    pub async fn company(&self, actor: &AgentPermissions, id: &str) -> DomainResult<CustomerCompany> {
        Self::check(actor)?;
        self.ports.customers.company(id).await?.ok_or_else(|| DomainError::not_found("customer company", id))
    }

    pub async fn create_company(
        &self,
        actor: &AgentPermissions,
        mut c: CustomerCompany,
    ) -> DomainResult<CustomerCompany> {
        Self::check(actor)?;
        c.customer_id = c.customer_id.trim().to_string();
        if c.customer_id.is_empty() || c.customer_id.chars().count() > 150 {
            return Err(DomainError::invalid("customer_id", "an id of 1 to 150 characters is required"));
        }
        c.name = checked_name(&c.name)?;
        if self.ports.customers.company(&c.customer_id).await?.is_some() {
            return Err(DomainError::Conflict(format!("a company with the id {} exists", c.customer_id)));
        }
        c.valid = true;
        self.ports.customers.create_company(c.clone(), actor.user_id).await?;
        self.company(actor, &c.customer_id).await
    }

    /// Applies `edit` to the company as stored; its id cannot change.
    pub async fn change_company(
        &self,
        actor: &AgentPermissions,
        id: &str,
        edit: impl FnOnce(&mut CustomerCompany),
    ) -> DomainResult<CustomerCompany> {
        let mut c = self.company(actor, id).await?;
        edit(&mut c);
        c.customer_id = id.to_string();
        c.name = checked_name(&c.name)?;
        self.ports.customers.update_company(c, actor.user_id).await?;
        self.company(actor, id).await
    }

    pub async fn customer_users(
        &self,
        actor: &AgentPermissions,
        term: &str,
        limit: u64,
    ) -> DomainResult<Vec<CustomerUser>> {
        Self::check(actor)?;
        self.ports.customers.search_users(term, limit.clamp(1, MAX_SEARCH)).await
    }

    pub async fn customer_user(&self, actor: &AgentPermissions, login: &str) -> DomainResult<CustomerUser> {
        Self::check(actor)?;
        self.ports.customers.user(login).await?.ok_or_else(|| DomainError::not_found("customer user", login))
    }

    /// A new contact; with a password they can log in as a customer.
    pub async fn create_customer_user(
        &self,
        actor: &AgentPermissions,
        mut u: CustomerUser,
        password: Option<String>,
    ) -> DomainResult<CustomerUser> {
        Self::check(actor)?;
        u.login = u.login.trim().to_string();
        if u.login.is_empty() || u.login.chars().count() > 200 || u.login.chars().any(char::is_whitespace) {
            return Err(DomainError::invalid("login", "a login of 1 to 200 characters without spaces"));
        }
        if self.ports.customers.user(&u.login).await?.is_some() {
            return Err(DomainError::Conflict(format!("a contact with the login {} exists", u.login)));
        }
        self.checked_contact(&mut u).await?;
        if let Some(p) = &password {
            checked_password(p)?;
        }
        u.valid = true;
        let hash = match password {
            Some(p) => Some(self.ports.cpu.hash_password(p).await?),
            None => None,
        };
        self.ports.customers.create_user(u.clone(), hash, actor.user_id).await?;
        self.customer_user(actor, &u.login).await
    }

    /// Applies `edit` to the contact as stored (its login cannot change) and, when
    /// given, sets a new password.
    pub async fn change_customer_user(
        &self,
        actor: &AgentPermissions,
        login: &str,
        edit: impl FnOnce(&mut CustomerUser),
        password: Option<String>,
    ) -> DomainResult<CustomerUser> {
        let mut u = self.customer_user(actor, login).await?;
        edit(&mut u);
        u.login = login.to_string();
        self.checked_contact(&mut u).await?;
        if let Some(p) = &password {
            checked_password(p)?;
        }
        self.ports.customers.update_user(u, actor.user_id).await?;
        if let Some(p) = password {
            let hash = self.ports.cpu.hash_password(p).await?;
            self.ports.customers.set_user_password_hash(login, &hash, actor.user_id).await?;
        }
        self.customer_user(actor, login).await
    }

    async fn checked_contact(&self, u: &mut CustomerUser) -> DomainResult<()> {
        u.email = checked_email(Some(u.email.clone()))?
            .ok_or_else(|| DomainError::invalid("email", "a contact needs an email address"))?;
        u.first_name = checked_name(&u.first_name)?;
        u.last_name = checked_name(&u.last_name)?;
        u.customer_id = u.customer_id.trim().to_string();
        if !u.customer_id.is_empty() && self.ports.customers.company(&u.customer_id).await?.is_none() {
            return Err(DomainError::invalid("customer_id", format!("there is no company {}", u.customer_id)));
        }
        Ok(())
    }
}

fn checked_name(name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(DomainError::invalid("name", "a name of 1 to 200 characters is required"));
    }
    Ok(name.to_string())
}

fn checked_email(email: Option<String>) -> DomainResult<Option<String>> {
    match email.map(|e| e.trim().to_string()).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) if e.len() <= 250 && e.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) => {
            Ok(Some(e))
        }
        Some(_) => Err(DomainError::invalid("email", "not an email address")),
    }
}

fn checked_password(p: &str) -> DomainResult<()> {
    if p.chars().count() < 8 {
        return Err(DomainError::invalid("password", "at least 8 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FixedClock, MemoryStore, queue};
    use chrono::Utc;

    async fn setup() -> (MemoryStore, AdminService, AgentPermissions, AgentPermissions) {
        let store = MemoryStore::with_defaults(Arc::new(FixedClock::at(Utc::now())));
        let s = Arc::new(store.clone());
        let admin = AdminService::new(AdminPorts {
            lookups: s.clone(),
            groups: s.clone(),
            agents: s.clone(),
            customers: s,
            cpu: Arc::new(crate::ports::InlineCpu),
        });
        let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
        let nobody = AgentPermissions::new(9, []);
        (store, admin, root, nobody)
    }

    #[tokio::test]
    async fn only_admins_administer() {
        let (_, admin, _, nobody) = setup().await;
        assert!(matches!(admin.queues(&nobody).await, Err(DomainError::PermissionDenied(_))));
        assert!(matches!(admin.create_group(&nobody, "x", None).await, Err(DomainError::PermissionDenied(_))));
        assert!(matches!(admin.agents(&nobody).await, Err(DomainError::PermissionDenied(_))));
    }

    #[tokio::test]
    async fn queues_are_checked_changed_and_switched_off() {
        let (_, admin, root, _) = setup().await;
        let q = admin.create_queue(&root, queue("Support", 1)).await.unwrap();
        assert!(matches!(admin.create_queue(&root, queue("Support", 1)).await, Err(DomainError::Conflict(_))));
        assert!(matches!(admin.create_queue(&root, queue("Lost", 99)).await, Err(DomainError::Invalid { .. })));
        assert!(matches!(admin.create_queue(&root, queue("A::", 1)).await, Err(DomainError::Invalid { .. })));
        let changes = QueueChanges { first_response_time: Some(60), valid: Some(false), ..Default::default() };
        let changed = admin.change_queue(&root, q.id, changes).await.unwrap();
        assert_eq!((changed.first_response_time, changed.valid, changed.name.as_str()), (60, false, "Support"));
        let negative = QueueChanges { solution_time: Some(-1), ..Default::default() };
        assert!(admin.change_queue(&root, q.id, negative).await.is_err());
    }

    #[tokio::test]
    async fn lookups_are_renamed_and_switched_but_names_stay_unique() {
        let (store, admin, root, _) = setup().await;
        let id = admin.create_lookup(&root, LookupKind::Priority, "6 urgent", None).await.unwrap();
        admin.change_lookup(&root, LookupKind::Priority, id, Some("6 critical"), Some(false)).await.unwrap();
        let p = store.priority(id).await.unwrap().unwrap();
        assert_eq!((p.name.as_str(), p.valid), ("6 critical", false));
        let clash = admin.change_lookup(&root, LookupKind::Priority, id, Some("3 normal"), None).await;
        assert!(matches!(clash, Err(DomainError::Conflict(_))));
        assert!(admin.create_lookup(&root, LookupKind::State, "waiting", None).await.is_err(), "a state needs a type");
        let s = admin.create_lookup(&root, LookupKind::State, "waiting", Some(StateType::Open)).await.unwrap();
        assert_eq!(store.state(s).await.unwrap().unwrap().state_type, StateType::Open);
        let missing = admin.change_lookup(&root, LookupKind::Type, 999, Some("x"), None).await;
        assert!(matches!(missing, Err(DomainError::NotFound { .. })));
    }

    #[tokio::test]
    async fn companies_and_contacts() {
        let (store, admin, root, _) = setup().await;
        let acme = CustomerCompany {
            customer_id: "ACME".into(),
            name: "Acme Inc.".into(),
            street: None,
            zip: None,
            city: Some("Springfield".into()),
            country: None,
            url: None,
            comments: None,
            valid: true,
        };
        admin.create_company(&root, acme).await.unwrap();
        let acme = admin.change_company(&root, "ACME", |c| c.valid = false).await.unwrap();
        assert!(!acme.valid);
        assert!(admin.change_company(&root, "ACME", |c| c.name = " ".into()).await.is_err());
        let mut jane = crate::testing::contact("jane", "ACME");
        jane.email = "not-an-address".into();
        assert!(admin.create_customer_user(&root, jane.clone(), None).await.is_err());
        jane.email = "jane@acme.example".into();
        jane.customer_id = "NOPE".into();
        assert!(admin.create_customer_user(&root, jane.clone(), None).await.is_err(), "an unknown company");
        jane.customer_id = "ACME".into();
        admin.create_customer_user(&root, jane, Some("jane-password".into())).await.unwrap();
        let jane = admin.change_customer_user(&root, "jane", |u| u.phone = Some("+1 555".into()), None).await.unwrap();
        assert_eq!(jane.phone.as_deref(), Some("+1 555"));
        assert!(CustomerRepository::credentials(&store, "jane").await.unwrap().unwrap().password_hash.is_some());
        assert_eq!(admin.customer_users(&root, "jan", 10).await.unwrap().len(), 1);
        assert_eq!(admin.companies(&root, "acme", 10).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn agents_roles_and_grants() {
        let (store, admin, root, _) = setup().await;
        let input = |login: &str, password: &str| AgentInput {
            login: login.into(),
            first_name: "Dana".into(),
            last_name: "Diaz".into(),
            email: Some("dana@example.com".into()),
            password: password.into(),
        };
        assert!(admin.create_agent(&root, input("dana", "short")).await.is_err());
        assert!(admin.create_agent(&root, input("da na", "long-enough")).await.is_err());
        let dana = admin.create_agent(&root, input("dana", "long-enough")).await.unwrap();
        assert!(matches!(admin.create_agent(&root, input("dana", "long-enough")).await, Err(DomainError::Conflict(_))));
        let changes = AgentChanges { email: Some(None), last_name: Some("Díaz".into()), ..Default::default() };
        let changed = admin.change_agent(&root, dana.id, changes).await.unwrap();
        assert_eq!((changed.last_name.as_str(), changed.email), ("Díaz", None));

        let role = admin.create_role(&root, "Support", None).await.unwrap();
        admin.grant_role(&root, role.id, 1, Permission::Note).await.unwrap();
        admin.add_agent_to_role(&root, dana.id, role.id).await.unwrap();
        admin.set_agent_grant(&root, dana.id, 3, Permission::Ro, true).await.unwrap();
        let grants = AgentPermissions::new(dana.id, store.grants_for(dana.id).await.unwrap());
        assert!(grants.has(1, Permission::Note) && grants.has(3, Permission::Ro) && !grants.has(1, Permission::Rw));
        // A role or group switched off grants nothing.
        admin.set_role_valid(&root, role.id, false).await.unwrap();
        admin.set_group_valid(&root, 3, false).await.unwrap();
        assert!(store.grants_for(dana.id).await.unwrap().is_empty());

        let no = AgentChanges { valid: Some(false), ..Default::default() };
        assert!(admin.change_agent(&root, 1, no).await.is_err(), "not your own account");
        assert!(admin.set_group_valid(&root, ADMIN_GROUP_ID, false).await.is_err(), "not the admin group");
        assert!(admin.set_agent_grant(&root, 1, ADMIN_GROUP_ID, Permission::Rw, false).await.is_err());
        let off = AgentChanges { valid: Some(false), ..Default::default() };
        assert!(!admin.change_agent(&root, dana.id, off).await.unwrap().valid);
    }
}
