//! Customer companies and their contacts.

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::AgentPermissions;

use super::{
    AdminService, MAX_SEARCH, checked_email, checked_name, checked_optional, checked_password, checked_person_name,
};

impl AdminService {
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
        if u.login.is_empty()
            || u.login.chars().count() > contact_field_limit("login")
            || u.login.chars().any(char::is_whitespace)
        {
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

    pub(super) async fn checked_contact(&self, u: &mut CustomerUser) -> DomainResult<()> {
        u.email = checked_email(Some(u.email.clone()))?
            .ok_or_else(|| DomainError::invalid("email", "a contact needs an email address"))?;
        u.first_name = checked_person_name("first_name", &u.first_name)?;
        u.last_name = checked_person_name("last_name", &u.last_name)?;
        for (field, value) in [
            ("title", &mut u.title),
            ("phone", &mut u.phone),
            ("mobile", &mut u.mobile),
            ("street", &mut u.street),
            ("zip", &mut u.zip),
            ("city", &mut u.city),
            ("country", &mut u.country),
            ("comments", &mut u.comments),
        ] {
            *value = checked_optional(field, value.as_deref(), contact_field_limit(field))?;
        }
        u.customer_id = u.customer_id.trim().to_string();
        if !u.customer_id.is_empty() && self.ports.customers.company(&u.customer_id).await?.is_none() {
            return Err(DomainError::invalid("customer_id", format!("there is no company {}", u.customer_id)));
        }
        Ok(())
    }
}

/// How many characters OTRS's `customer_user` column of a contact's field holds.
pub fn contact_field_limit(field: &str) -> usize {
    match field {
        "title" => 50,
        "first_name" | "last_name" => super::MAX_PERSON_NAME,
        "email" | "customer_id" | "phone" | "mobile" | "street" => 150,
        "login" | "zip" | "city" | "country" => 200,
        _ => 250,
    }
}
