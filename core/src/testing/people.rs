use async_trait::async_trait;

use super::{MemoryStore, by_name};
use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::Permission;
use crate::ports::*;

#[async_trait]
impl AgentRepository for MemoryStore {
    async fn create(&self, a: NewAgent, _by: UserId) -> DomainResult<UserId> {
        let mut s = self.lock();
        if s.agents.iter().any(|x| x.0.login == a.login) {
            return Err(DomainError::Conflict(format!("agent {} exists", a.login)));
        }
        let id = s.agents.len() as i32 + 1;
        let agent = Agent {
            id,
            login: a.login,
            first_name: a.first_name,
            last_name: a.last_name,
            title: None,
            email: a.email,
            valid: true,
        };
        s.agents.push((agent, a.password_hash));
        Ok(id)
    }
    async fn get(&self, id: UserId) -> DomainResult<Option<Agent>> {
        Ok(self.lock().agents.iter().find(|a| a.0.id == id).map(|a| a.0.clone()))
    }
    async fn by_login(&self, login: &str) -> DomainResult<Option<Agent>> {
        Ok(self.lock().agents.iter().find(|a| a.0.login == login).map(|a| a.0.clone()))
    }
    async fn list(&self) -> DomainResult<Vec<Agent>> {
        Ok(by_name(self.lock().agents.iter().map(|a| a.0.clone()).collect(), |a| &a.login))
    }
    async fn credentials(&self, login: &str) -> DomainResult<Option<Credentials>> {
        Ok(self.lock().agents.iter().find(|a| a.0.login == login).map(|(a, pw)| Credentials {
            user_id: a.id,
            login: a.login.clone(),
            password_hash: pw.clone(),
            valid: a.valid,
        }))
    }
    async fn set_password_hash(&self, id: UserId, hash: &str, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let a = s.agents.iter_mut().find(|a| a.0.id == id).ok_or_else(|| DomainError::not_found("agent", id))?;
        a.1 = hash.into();
        Ok(())
    }
    async fn set_valid(&self, id: UserId, valid: bool, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let a = s.agents.iter_mut().find(|a| a.0.id == id).ok_or_else(|| DomainError::not_found("agent", id))?;
        a.0.valid = valid;
        Ok(())
    }
    async fn update_profile(&self, id: UserId, p: crate::ports::AgentProfile, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let a = s.agents.iter_mut().find(|a| a.0.id == id).ok_or_else(|| DomainError::not_found("agent", id))?;
        a.0.first_name = p.first_name;
        a.0.last_name = p.last_name;
        a.0.email = p.email;
        Ok(())
    }
}

#[async_trait]
impl GroupRepository for MemoryStore {
    async fn groups(&self) -> DomainResult<Vec<Group>> {
        Ok(by_name(self.lock().groups.clone(), |g| &g.name))
    }
    async fn create_group(&self, name: &str, comments: Option<&str>, _by: UserId) -> DomainResult<GroupId> {
        let mut s = self.lock();
        let id = s.groups.len() as i32 + 1;
        s.groups.push(Group { id, name: name.into(), comments: comments.map(Into::into), valid: true });
        Ok(id)
    }
    async fn roles(&self) -> DomainResult<Vec<Role>> {
        Ok(by_name(self.lock().roles.clone(), |r| &r.name))
    }
    async fn create_role(&self, name: &str, comments: Option<&str>, _by: UserId) -> DomainResult<RoleId> {
        let mut s = self.lock();
        let id = s.roles.len() as i32 + 1;
        s.roles.push(Role { id, name: name.into(), comments: comments.map(Into::into), valid: true });
        Ok(id)
    }
    async fn grant_user(&self, user: UserId, group: GroupId, p: Permission, _by: UserId) -> DomainResult<()> {
        self.lock().user_grants.push((user, group, p));
        Ok(())
    }
    async fn revoke_user(&self, user: UserId, group: GroupId, p: Permission) -> DomainResult<()> {
        self.lock().user_grants.retain(|g| *g != (user, group, p));
        Ok(())
    }
    async fn grant_role(&self, role: RoleId, group: GroupId, p: Permission, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        if !s.role_grants.contains(&(role, group, p)) {
            s.role_grants.push((role, group, p));
        }
        Ok(())
    }
    async fn add_user_to_role(&self, user: UserId, role: RoleId, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        if !s.role_users.contains(&(role, user)) {
            s.role_users.push((role, user));
        }
        Ok(())
    }
    async fn grants_for(&self, user: UserId) -> DomainResult<Vec<GroupGrant>> {
        let s = self.lock();
        // As the database: an invalid agent holds nothing.
        if !s.agents.iter().any(|a| a.0.id == user && a.0.valid) {
            return Ok(Vec::new());
        }
        let group_valid = |id: GroupId| s.groups.iter().any(|g| g.id == id && g.valid);
        let mut out: Vec<GroupGrant> = s
            .user_grants
            .iter()
            .filter(|g| g.0 == user && group_valid(g.1))
            .map(|g| GroupGrant { group_id: g.1, permission: g.2 })
            .collect();
        for (role, _) in s.role_users.iter().filter(|r| r.1 == user) {
            if !s.roles.iter().any(|r| r.id == *role && r.valid) {
                continue;
            }
            out.extend(
                s.role_grants
                    .iter()
                    .filter(|g| g.0 == *role && group_valid(g.1))
                    .map(|g| GroupGrant { group_id: g.1, permission: g.2 }),
            );
        }
        Ok(out)
    }
    async fn direct_grants(&self, user: UserId) -> DomainResult<Vec<GroupGrant>> {
        let s = self.lock();
        Ok(s.user_grants
            .iter()
            .filter(|g| g.0 == user)
            .map(|g| GroupGrant { group_id: g.1, permission: g.2 })
            .collect())
    }
    async fn set_group_valid(&self, id: GroupId, valid: bool, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let g = s.groups.iter_mut().find(|g| g.id == id).ok_or_else(|| DomainError::not_found("group", id))?;
        g.valid = valid;
        Ok(())
    }
    async fn set_role_valid(&self, id: RoleId, valid: bool, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let r = s.roles.iter_mut().find(|r| r.id == id).ok_or_else(|| DomainError::not_found("role", id))?;
        r.valid = valid;
        Ok(())
    }
    async fn update_group(&self, id: GroupId, name: &str, comments: Option<&str>, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let g = s.groups.iter_mut().find(|g| g.id == id).ok_or_else(|| DomainError::not_found("group", id))?;
        g.name = name.into();
        g.comments = comments.map(Into::into);
        Ok(())
    }
    async fn update_role(&self, id: RoleId, name: &str, comments: Option<&str>, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let r = s.roles.iter_mut().find(|r| r.id == id).ok_or_else(|| DomainError::not_found("role", id))?;
        r.name = name.into();
        r.comments = comments.map(Into::into);
        Ok(())
    }
    async fn role_grants(&self, role: RoleId) -> DomainResult<Vec<GroupGrant>> {
        let s = self.lock();
        Ok(s.role_grants
            .iter()
            .filter(|g| g.0 == role)
            .map(|g| GroupGrant { group_id: g.1, permission: g.2 })
            .collect())
    }
    async fn revoke_role(&self, role: RoleId, group: GroupId, p: Permission) -> DomainResult<()> {
        self.lock().role_grants.retain(|g| *g != (role, group, p));
        Ok(())
    }
    async fn role_members(&self, role: RoleId) -> DomainResult<Vec<UserId>> {
        Ok(self.lock().role_users.iter().filter(|r| r.0 == role).map(|r| r.1).collect())
    }
    async fn remove_user_from_role(&self, user: UserId, role: RoleId) -> DomainResult<()> {
        self.lock().role_users.retain(|r| *r != (role, user));
        Ok(())
    }
}

#[async_trait]
impl CustomerRepository for MemoryStore {
    async fn create_company(&self, c: CustomerCompany, _by: UserId) -> DomainResult<()> {
        self.lock().companies.push(c);
        Ok(())
    }
    async fn company(&self, id: &str) -> DomainResult<Option<CustomerCompany>> {
        Ok(self.lock().companies.iter().find(|c| c.customer_id == id).cloned())
    }
    async fn create_user(&self, u: CustomerUser, pw: Option<String>, _by: UserId) -> DomainResult<()> {
        self.lock().customers.push((u, pw));
        Ok(())
    }
    async fn user(&self, login: &str) -> DomainResult<Option<CustomerUser>> {
        Ok(self.lock().customers.iter().find(|c| c.0.login == login).map(|c| c.0.clone()))
    }
    async fn user_by_email(&self, email: &str) -> DomainResult<Option<CustomerUser>> {
        let s = self.lock();
        let mut found: Vec<_> =
            s.customers.iter().filter(|c| c.0.valid && c.0.email.eq_ignore_ascii_case(email)).collect();
        found.sort_by(|a, b| a.0.login.cmp(&b.0.login));
        Ok(found.first().map(|c| c.0.clone()))
    }
    async fn credentials(&self, login: &str) -> DomainResult<Option<CustomerCredentials>> {
        Ok(self.lock().customers.iter().find(|c| c.0.login == login).map(|(c, pw)| CustomerCredentials {
            login: c.login.clone(),
            customer_id: c.customer_id.clone(),
            password_hash: pw.clone(),
            valid: c.valid,
        }))
    }

    async fn search_users(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerUser>> {
        let t = term.trim().to_lowercase();
        let mut all: Vec<CustomerUser> = self
            .lock()
            .customers
            .iter()
            .map(|c| &c.0)
            .filter(|c| [&c.login, &c.email, &c.first_name, &c.last_name].iter().any(|f| f.to_lowercase().contains(&t)))
            .cloned()
            .collect();
        all.sort_by(|a, b| a.login.to_lowercase().cmp(&b.login.to_lowercase()).then(a.login.cmp(&b.login)));
        all.truncate(limit as usize);
        Ok(all)
    }
    async fn search_companies(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerCompany>> {
        let t = term.trim().to_lowercase();
        let mut all: Vec<CustomerCompany> = self
            .lock()
            .companies
            .iter()
            .filter(|c| c.customer_id.to_lowercase().contains(&t) || c.name.to_lowercase().contains(&t))
            .cloned()
            .collect();
        all.sort_by(|a, b| {
            a.customer_id.to_lowercase().cmp(&b.customer_id.to_lowercase()).then(a.customer_id.cmp(&b.customer_id))
        });
        all.truncate(limit as usize);
        Ok(all)
    }
    async fn update_company(&self, c: CustomerCompany, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let x = s
            .companies
            .iter_mut()
            .find(|x| x.customer_id == c.customer_id)
            .ok_or_else(|| DomainError::not_found("customer company", &c.customer_id))?;
        *x = c;
        Ok(())
    }
    async fn update_user(&self, u: CustomerUser, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let x = s
            .customers
            .iter_mut()
            .find(|x| x.0.login == u.login)
            .ok_or_else(|| DomainError::not_found("customer user", &u.login))?;
        x.0 = u;
        Ok(())
    }
    async fn set_user_password_hash(&self, login: &str, hash: &str, _by: UserId) -> DomainResult<()> {
        let mut s = self.lock();
        let x = s
            .customers
            .iter_mut()
            .find(|x| x.0.login == login)
            .ok_or_else(|| DomainError::not_found("customer user", login))?;
        x.1 = Some(hash.into());
        Ok(())
    }
}
