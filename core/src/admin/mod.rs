//! Administration: the queues, states, priorities, types, groups, roles, agents,
//! services, SLAs and answer templates an OTRS admin maintains. Every operation needs `rw` on the admin group. Nothing is
//! deleted, only set invalid, as OTRS does, so history and old tickets keep their
//! references.

mod agents;
mod answer_templates;
mod auto_responses;
mod customers;
pub mod fields;
mod groups;
mod lookups;
pub mod mail;
pub mod notifications;
mod queue_texts;
mod queues;
mod services;
mod ticket_defaults;

use std::sync::Arc;

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::AgentPermissions;
use crate::ports::{
    AgentRepository, AnswerTemplates, AutoResponses, CpuWork, CustomerRepository, GroupRepository, LookupRepository,
    QueueTexts, ServiceCatalog, SettingsStore,
};

pub use customers::contact_field_limit;
pub use lookups::LookupChange;
pub use services::{ServiceInput, UNKNOWN_CUSTOMER};

/// What administration works through.
#[derive(Clone)]
pub struct AdminPorts {
    pub lookups: Arc<dyn LookupRepository>,
    pub groups: Arc<dyn GroupRepository>,
    pub agents: Arc<dyn AgentRepository>,
    pub customers: Arc<dyn CustomerRepository>,
    /// Where new passwords are hashed, off the threads that serve requests.
    pub cpu: Arc<dyn CpuWork>,
    /// The system addresses, salutations and signatures a queue may name.
    pub addresses: Arc<dyn AutoResponses>,
    pub texts: Arc<dyn QueueTexts>,
    pub services: Arc<dyn ServiceCatalog>,
    pub settings: Arc<dyn SettingsStore>,
    pub templates: Arc<dyn AnswerTemplates>,
}

impl AdminPorts {
    /// Every port served by one store, as the tests and single-database setups have it.
    pub fn of_one_store<S>(store: Arc<S>, cpu: Arc<dyn CpuWork>) -> Self
    where
        S: LookupRepository
            + GroupRepository
            + AgentRepository
            + CustomerRepository
            + AutoResponses
            + QueueTexts
            + ServiceCatalog
            + SettingsStore
            + AnswerTemplates
            + 'static,
    {
        AdminPorts {
            lookups: store.clone(),
            groups: store.clone(),
            agents: store.clone(),
            customers: store.clone(),
            cpu,
            addresses: store.clone(),
            texts: store.clone(),
            services: store.clone(),
            settings: store.clone(),
            templates: store,
        }
    }
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
    pub follow_up: Option<FollowUp>,
    pub follow_up_lock: Option<bool>,
    pub customer_selectable: Option<bool>,
    pub customer_closable: Option<bool>,
    pub system_address_id: Option<i32>,
    pub salutation_id: Option<i32>,
    pub signature_id: Option<i32>,
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

    pub(super) fn check(actor: &AgentPermissions) -> DomainResult<()> {
        if actor.is_admin() {
            Ok(())
        } else {
            Err(DomainError::PermissionDenied("administration needs rw on the admin group".into()))
        }
    }
}

pub(super) fn checked_name(name: &str) -> DomainResult<String> {
    checked_name_of("name", name, 200)
}

/// A person's first or last name, as OTRS's `users` and `customer_user` hold them
/// (`VARCHAR(100)`); refused by the field's own name.
pub const MAX_PERSON_NAME: usize = 100;

pub(super) fn checked_person_name(field: &'static str, name: &str) -> DomainResult<String> {
    checked_name_of(field, name, MAX_PERSON_NAME)
}

/// A required name, trimmed, of at most `max` characters.
fn checked_name_of(field: &'static str, name: &str, max: usize) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > max {
        return Err(DomainError::invalid(field, format!("a name of 1 to {max} characters is required")));
    }
    Ok(name.to_string())
}

/// Comments are optional; blank is none. OTRS's columns hold 250 characters.
pub(super) fn checked_comments(comments: Option<&str>) -> DomainResult<Option<String>> {
    checked_optional("comments", comments, 250)
}

/// An optional text, trimmed, blank as none, of at most `max` characters.
pub(super) fn checked_optional(field: &'static str, text: Option<&str>, max: usize) -> DomainResult<Option<String>> {
    match text.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if c.chars().count() > max => Err(DomainError::invalid(field, format!("at most {max} characters"))),
        c => Ok(c.map(str::to_string)),
    }
}

pub(super) fn checked_email(email: Option<String>) -> DomainResult<Option<String>> {
    match email.map(|e| e.trim().to_string()).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) if e.len() <= 250 && e.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) => {
            Ok(Some(e))
        }
        Some(_) => Err(DomainError::invalid("email", "not an email address")),
    }
}

pub(crate) fn checked_password(p: &str) -> DomainResult<()> {
    if p.chars().count() < 8 {
        return Err(DomainError::invalid("password", "at least 8 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
