//! Agents, their grants and their preferences, read through a cache: every request of a
//! signed-in agent needs them. Logging in (`credentials`, `by_login`) always reads the
//! database.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;

use super::Memo;
use crate::error::DomainResult;
use crate::model::*;
use crate::permission::Permission;
use crate::ports::{
    AgentProfile, AgentRepository, AloneInstance, Clock, Credentials, GroupRepository, NewAgent, PreferenceStore,
    Stale, StaleNotices,
};

/// Agents and groups together: an agent's grants depend on the agent's validity as much
/// as on the groups, so a write to either forgets both.
pub struct CachedPeople {
    agents: Arc<dyn AgentRepository>,
    groups: Arc<dyn GroupRepository>,
    agent: Memo<UserId, Option<Agent>>,
    agent_list: Memo<(), Vec<Agent>>,
    grants: Memo<UserId, Vec<GroupGrant>>,
    others: Arc<dyn StaleNotices>,
}

impl CachedPeople {
    pub fn new(
        agents: Arc<dyn AgentRepository>,
        groups: Arc<dyn GroupRepository>,
        ttl: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            agents,
            groups,
            agent: Memo::new("people.agent", ttl, clock.clone()),
            agent_list: Memo::new("people.agent_list", ttl, clock.clone()),
            grants: Memo::new("people.grants", ttl, clock),
            others: Arc::new(AloneInstance),
        }
    }

    /// Tells `others` about every write, so a grant revoked here is revoked there.
    pub fn announcing(mut self, others: Arc<dyn StaleNotices>) -> Self {
        self.others = others;
        self
    }

    /// After a write, here or announced by another instance.
    pub fn forget_here(&self) {
        self.agent.forget();
        self.agent_list.forget();
        self.grants.forget();
    }

    fn write<T>(&self, result: DomainResult<T>) -> DomainResult<T> {
        self.forget_here();
        self.others.announce(Stale::People);
        result
    }
}

#[async_trait]
impl AgentRepository for CachedPeople {
    async fn create(&self, agent: NewAgent, by: UserId) -> DomainResult<UserId> {
        self.write(self.agents.create(agent, by).await)
    }
    async fn get(&self, id: UserId) -> DomainResult<Option<Agent>> {
        self.agent.get_or_load(id, || self.agents.get(id)).await.map(Arc::unwrap_or_clone)
    }
    async fn by_login(&self, login: &str) -> DomainResult<Option<Agent>> {
        self.agents.by_login(login).await
    }
    async fn list(&self) -> DomainResult<Vec<Agent>> {
        self.agent_list.get_or_load((), || self.agents.list()).await.map(Arc::unwrap_or_clone)
    }
    async fn credentials(&self, login: &str) -> DomainResult<Option<Credentials>> {
        self.agents.credentials(login).await
    }
    async fn set_password_hash(&self, id: UserId, hash: &str, by: UserId) -> DomainResult<()> {
        self.write(self.agents.set_password_hash(id, hash, by).await)
    }
    async fn set_valid(&self, id: UserId, valid: bool, by: UserId) -> DomainResult<()> {
        self.write(self.agents.set_valid(id, valid, by).await)
    }
    async fn update_profile(&self, id: UserId, profile: AgentProfile, by: UserId) -> DomainResult<()> {
        self.write(self.agents.update_profile(id, profile, by).await)
    }
}

#[async_trait]
impl GroupRepository for CachedPeople {
    async fn groups(&self) -> DomainResult<Vec<Group>> {
        self.groups.groups().await
    }
    async fn create_group(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<GroupId> {
        self.write(self.groups.create_group(name, comments, by).await)
    }
    async fn roles(&self) -> DomainResult<Vec<Role>> {
        self.groups.roles().await
    }
    async fn create_role(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<RoleId> {
        self.write(self.groups.create_role(name, comments, by).await)
    }
    async fn grant_user(&self, user: UserId, group: GroupId, permission: Permission, by: UserId) -> DomainResult<()> {
        self.write(self.groups.grant_user(user, group, permission, by).await)
    }
    async fn revoke_user(&self, user: UserId, group: GroupId, permission: Permission) -> DomainResult<()> {
        self.write(self.groups.revoke_user(user, group, permission).await)
    }
    async fn grant_role(&self, role: RoleId, group: GroupId, permission: Permission, by: UserId) -> DomainResult<()> {
        self.write(self.groups.grant_role(role, group, permission, by).await)
    }
    async fn add_user_to_role(&self, user: UserId, role: RoleId, by: UserId) -> DomainResult<()> {
        self.write(self.groups.add_user_to_role(user, role, by).await)
    }
    async fn grants_for(&self, user: UserId) -> DomainResult<Vec<GroupGrant>> {
        self.grants.get_or_load(user, || self.groups.grants_for(user)).await.map(Arc::unwrap_or_clone)
    }
    async fn direct_grants(&self, user: UserId) -> DomainResult<Vec<GroupGrant>> {
        self.groups.direct_grants(user).await
    }
    async fn set_group_valid(&self, id: GroupId, valid: bool, by: UserId) -> DomainResult<()> {
        self.write(self.groups.set_group_valid(id, valid, by).await)
    }
    async fn set_role_valid(&self, id: RoleId, valid: bool, by: UserId) -> DomainResult<()> {
        self.write(self.groups.set_role_valid(id, valid, by).await)
    }
    async fn update_group(&self, id: GroupId, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<()> {
        self.write(self.groups.update_group(id, name, comments, by).await)
    }
    async fn update_role(&self, id: RoleId, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<()> {
        self.write(self.groups.update_role(id, name, comments, by).await)
    }
    async fn role_grants(&self, role: RoleId) -> DomainResult<Vec<GroupGrant>> {
        self.groups.role_grants(role).await
    }
    async fn revoke_role(&self, role: RoleId, group: GroupId, permission: Permission) -> DomainResult<()> {
        self.write(self.groups.revoke_role(role, group, permission).await)
    }
    async fn role_members(&self, role: RoleId) -> DomainResult<Vec<UserId>> {
        self.groups.role_members(role).await
    }
    async fn remove_user_from_role(&self, user: UserId, role: RoleId) -> DomainResult<()> {
        self.write(self.groups.remove_user_from_role(user, role).await)
    }
}

/// An agent's preferences (language, theme), read on every page.
pub struct CachedPreferences {
    inner: Arc<dyn PreferenceStore>,
    values: Memo<(UserId, String), Option<String>>,
    others: Arc<dyn StaleNotices>,
}

impl CachedPreferences {
    pub fn new(inner: Arc<dyn PreferenceStore>, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self { inner, values: Memo::new("preferences", ttl, clock), others: Arc::new(AloneInstance) }
    }

    pub fn announcing(mut self, others: Arc<dyn StaleNotices>) -> Self {
        self.others = others;
        self
    }

    /// After a preference changed through another instance.
    pub fn forget_here(&self) {
        self.values.forget();
    }
}

#[async_trait]
impl PreferenceStore for CachedPreferences {
    async fn preference(&self, user_id: UserId, key: &str) -> DomainResult<Option<String>> {
        self.values
            .get_or_load((user_id, key.to_string()), || self.inner.preference(user_id, key))
            .await
            .map(Arc::unwrap_or_clone)
    }
    async fn set_preference(&self, user_id: UserId, key: &str, value: &str) -> DomainResult<()> {
        let result = self.inner.set_preference(user_id, key, value).await;
        self.forget_here();
        self.others.announce(Stale::Preferences);
        result
    }
    /// Not cached: a page asks it once, and it must see a change made on another instance.
    async fn users_with(&self, key: &str, value: &str) -> DomainResult<Vec<UserId>> {
        self.inner.users_with(key, value).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FixedClock, MemoryStore};

    #[tokio::test]
    async fn an_agent_set_invalid_loses_their_grants_at_once() {
        let clock = Arc::new(FixedClock::at(chrono::Utc::now()));
        let store = Arc::new(MemoryStore::with_defaults(clock.clone()));
        let people = CachedPeople::new(store.clone(), store.clone(), Duration::seconds(60), clock.clone());
        let new = NewAgent {
            login: "ada".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: None,
            password_hash: String::new(),
        };
        let ada = people.create(new, 1).await.unwrap();
        people.grant_user(ada, 1, Permission::Rw, 1).await.unwrap();
        assert_eq!(people.grants_for(ada).await.unwrap().len(), 1, "a grant is seen at once");
        assert!(people.get(ada).await.unwrap().unwrap().valid);
        people.set_valid(ada, false, 1).await.unwrap();
        assert!(!people.get(ada).await.unwrap().unwrap().valid);
        assert!(people.grants_for(ada).await.unwrap().is_empty(), "an invalid agent holds nothing");
    }

    #[tokio::test]
    async fn a_saved_preference_is_read_back_at_once() {
        let clock = Arc::new(FixedClock::at(chrono::Utc::now()));
        let store = Arc::new(MemoryStore::with_defaults(clock.clone()));
        let prefs = CachedPreferences::new(store, Duration::seconds(60), clock);
        assert_eq!(prefs.preference(1, "UserLanguage").await.unwrap(), None);
        prefs.set_preference(1, "UserLanguage", "de").await.unwrap();
        assert_eq!(prefs.preference(1, "UserLanguage").await.unwrap().as_deref(), Some("de"));
    }
}
