//! Agents, their groups, roles and preferences, and customer companies and contacts.

use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::*;
use crate::permission::Permission;

#[derive(Debug, Clone)]
pub struct NewAgent {
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// Already hashed (see [`crate::password::hash`]).
    pub password_hash: String,
}

/// What logging in needs to know about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user_id: UserId,
    pub login: String,
    pub password_hash: String,
    pub valid: bool,
}

#[async_trait]
pub trait AgentRepository: Send + Sync {
    async fn create(&self, agent: NewAgent, by: UserId) -> DomainResult<UserId>;
    async fn get(&self, id: UserId) -> DomainResult<Option<Agent>>;
    async fn by_login(&self, login: &str) -> DomainResult<Option<Agent>>;
    /// Every agent, valid or not, by login in any case.
    async fn list(&self) -> DomainResult<Vec<Agent>>;
    async fn credentials(&self, login: &str) -> DomainResult<Option<Credentials>>;
    async fn set_password_hash(&self, id: UserId, hash: &str, by: UserId) -> DomainResult<()>;
    async fn set_valid(&self, id: UserId, valid: bool, by: UserId) -> DomainResult<()>;
    /// Rewrites an agent's names and email address.
    async fn update_profile(&self, id: UserId, profile: AgentProfile, by: UserId) -> DomainResult<()>;
}

/// What an admin may change about an agent besides validity and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentProfile {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
}

/// Groups, roles and the grants that tie agents to them.
#[async_trait]
pub trait GroupRepository: Send + Sync {
    /// Every group, valid or not, by name in any case (as [`Self::roles`]).
    async fn groups(&self) -> DomainResult<Vec<Group>>;
    async fn create_group(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<GroupId>;
    async fn roles(&self) -> DomainResult<Vec<Role>>;
    async fn create_role(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<RoleId>;
    async fn grant_user(&self, user: UserId, group: GroupId, permission: Permission, by: UserId) -> DomainResult<()>;
    async fn revoke_user(&self, user: UserId, group: GroupId, permission: Permission) -> DomainResult<()>;
    async fn grant_role(&self, role: RoleId, group: GroupId, permission: Permission, by: UserId) -> DomainResult<()>;
    async fn add_user_to_role(&self, user: UserId, role: RoleId, by: UserId) -> DomainResult<()>;
    /// Direct and role grants of a valid agent, from valid groups and roles only.
    async fn grants_for(&self, user: UserId) -> DomainResult<Vec<GroupGrant>>;
    /// The agent's own grants (`group_user`), not those through roles, whatever the
    /// validity of the groups: what an administrator edits.
    async fn direct_grants(&self, user: UserId) -> DomainResult<Vec<GroupGrant>>;
    async fn set_group_valid(&self, id: GroupId, valid: bool, by: UserId) -> DomainResult<()>;
    async fn set_role_valid(&self, id: RoleId, valid: bool, by: UserId) -> DomainResult<()>;
    /// Renames a group and rewrites its comments (its id, grants and validity stay).
    async fn update_group(&self, id: GroupId, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<()>;
    async fn update_role(&self, id: RoleId, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<()>;
    /// What the role grants on each group, whatever the validity of the groups.
    async fn role_grants(&self, role: RoleId) -> DomainResult<Vec<GroupGrant>>;
    async fn revoke_role(&self, role: RoleId, group: GroupId, permission: Permission) -> DomainResult<()>;
    /// The agents who are members of the role, valid or not.
    async fn role_members(&self, role: RoleId) -> DomainResult<Vec<UserId>>;
    async fn remove_user_from_role(&self, user: UserId, role: RoleId) -> DomainResult<()>;
}

/// What logging in needs to know about a customer contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerCredentials {
    pub login: String,
    pub customer_id: String,
    pub password_hash: Option<String>,
    pub valid: bool,
}

#[async_trait]
pub trait CustomerRepository: Send + Sync {
    async fn create_company(&self, company: CustomerCompany, by: UserId) -> DomainResult<()>;
    async fn company(&self, customer_id: &str) -> DomainResult<Option<CustomerCompany>>;
    async fn create_user(&self, user: CustomerUser, password_hash: Option<String>, by: UserId) -> DomainResult<()>;
    async fn user(&self, login: &str) -> DomainResult<Option<CustomerUser>>;
    /// The valid contact with this email address (case-insensitive); the first by login
    /// when several share it.
    async fn user_by_email(&self, email: &str) -> DomainResult<Option<CustomerUser>>;
    /// Login, company, stored password and validity of a contact, for logging in.
    async fn credentials(&self, login: &str) -> DomainResult<Option<CustomerCredentials>>;
    /// Contacts whose login, email or name contains `term` (trimmed, in any case), at
    /// most `limit`, by login in any case.
    async fn search_users(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerUser>>;
    /// Companies whose id or name contains `term` (trimmed, in any case), at most
    /// `limit`, by id in any case.
    async fn search_companies(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerCompany>>;
    /// Rewrites a company's fields and validity (its id stays).
    async fn update_company(&self, company: CustomerCompany, by: UserId) -> DomainResult<()>;
    /// Rewrites a contact's fields and validity (its login stays).
    async fn update_user(&self, user: CustomerUser, by: UserId) -> DomainResult<()>;
    async fn set_user_password_hash(&self, login: &str, hash: &str, by: UserId) -> DomainResult<()>;
}

/// Per-customer settings kept in OTRS's `customer_preferences` (e.g. `UserLanguage`),
/// by the contact's login.
#[async_trait]
pub trait CustomerPreferenceStore: Send + Sync {
    async fn customer_preference(&self, login: &str, key: &str) -> DomainResult<Option<String>>;
    async fn set_customer_preference(&self, login: &str, key: &str, value: &str) -> DomainResult<()>;
}

/// Per-agent settings kept in OTRS's `user_preferences` (e.g. `UserLanguage`).
#[async_trait]
pub trait PreferenceStore: Send + Sync {
    async fn preference(&self, user_id: UserId, key: &str) -> DomainResult<Option<String>>;
    async fn set_preference(&self, user_id: UserId, key: &str, value: &str) -> DomainResult<()>;
    /// The agents whose preference `key` is `value` (such as everyone out of office),
    /// in one read.
    async fn users_with(&self, key: &str, value: &str) -> DomainResult<Vec<UserId>>;
}
