//! The services tickets are about and the SLAs that set how fast they are answered.
//! A service is named by its path (`Email::Outlook`): it is chosen below another, and
//! renaming or moving one takes the services below it along.

use crate::error::{DomainError, DomainResult};
use crate::escalation::Allowance;
use crate::model::*;
use crate::permission::AgentPermissions;

use super::{AdminService, checked_comments, checked_name};

/// The longest name OTRS's `service.name` holds, path included.
const MAX_SERVICE_NAME: usize = 200;

/// A service as an admin enters it: its own name and the service it belongs to.
#[derive(Debug, Clone, Default)]
pub struct ServiceInput {
    pub name: String,
    pub parent_id: Option<ServiceId>,
    pub comments: Option<String>,
    pub valid: bool,
    /// Who may have it; `None` leaves that as it is (for a new service: nobody, as in
    /// OTRS until services are given to customers).
    pub audience: Option<ServiceAudience>,
}

/// How a refused audience names a login that is no customer user (the pages name it
/// in the reader's language).
pub const UNKNOWN_CUSTOMER: &str = "there is no customer user ";

/// The most customers one service is given to by name; more are served by making it a
/// default service.
const MAX_AUDIENCE: usize = 1000;

impl AdminService {
    /// Every service, valid or not, each after the one it belongs to.
    pub async fn services(&self, actor: &AgentPermissions) -> DomainResult<Vec<Service>> {
        Self::check(actor)?;
        self.ports.services.services().await
    }

    /// Who may have the service on their tickets.
    pub async fn service_audience(&self, actor: &AgentPermissions, id: ServiceId) -> DomainResult<ServiceAudience> {
        Self::check(actor)?;
        self.ports.services.service_audience(id).await
    }

    pub async fn service(&self, actor: &AgentPermissions, id: ServiceId) -> DomainResult<Service> {
        self.services(actor)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| DomainError::not_found("service", id))
    }

    /// Stores a new service (`id` 0) or changes one, checked before anything is
    /// written: a name without `::`, a parent that exists and is not the service itself
    /// or one below it, a whole name taken once and short enough for every service it
    /// takes along.
    pub async fn save_service(
        &self,
        actor: &AgentPermissions,
        id: ServiceId,
        s: ServiceInput,
    ) -> DomainResult<ServiceId> {
        let all = self.services(actor).await?;
        let leaf = checked_name(&s.name)?;
        if leaf.contains(SERVICE_SEPARATOR) {
            return Err(DomainError::invalid("name", "choose the service it belongs to instead of writing ::"));
        }
        let current = match id {
            0 => None,
            id => Some(all.iter().find(|x| x.id == id).ok_or_else(|| DomainError::not_found("service", id))?),
        };
        let name = match s.parent_id {
            None => leaf,
            Some(parent) => {
                let parent = all
                    .iter()
                    .find(|x| x.id == parent)
                    .ok_or_else(|| DomainError::invalid("parent_id", format!("there is no service {parent}")))?;
                if current.is_some_and(|c| c.id == parent.id || c.is_above(parent)) {
                    return Err(DomainError::invalid("parent_id", "a service cannot belong to itself or one below it"));
                }
                format!("{}{SERVICE_SEPARATOR}{leaf}", parent.name)
            }
        };
        let longest_below = current
            .map(|c| all.iter().filter(|x| c.is_above(x)).map(|x| x.name.len() - c.name.len()).max().unwrap_or(0))
            .unwrap_or(0);
        if name.chars().count() + longest_below > MAX_SERVICE_NAME {
            return Err(DomainError::invalid("name", "the whole name, with the services above and below, is too long"));
        }
        if all.iter().any(|x| x.id != id && x.name == name) {
            return Err(DomainError::Conflict(format!("a service named {name} exists")));
        }
        let comments = checked_comments(s.comments.as_deref())?;
        let audience = match s.audience {
            Some(a) => Some(self.checked_audience(a).await?),
            None => None,
        };
        let service = Service { id, name, comments, valid: s.valid };
        self.ports.services.save_service(service, audience, actor.user_id).await
    }

    /// Every SLA, valid or not, with the services it is offered for.
    pub async fn slas(&self, actor: &AgentPermissions) -> DomainResult<Vec<Sla>> {
        Self::check(actor)?;
        self.ports.services.slas().await
    }

    pub async fn sla(&self, actor: &AgentPermissions, id: SlaId) -> DomainResult<Sla> {
        self.slas(actor).await?.into_iter().find(|s| s.id == id).ok_or_else(|| DomainError::not_found("sla", id))
    }

    /// Stores a new SLA (id 0) or changes one with its services, checked first: a name
    /// taken once, times as a queue's, warnings at 0 to 100 percent, services that exist.
    pub async fn save_sla(&self, actor: &AgentPermissions, mut sla: Sla) -> DomainResult<SlaId> {
        let all = self.slas(actor).await?;
        sla.name = checked_name(&sla.name)?;
        for (field, allowance) in
            [("first_response", sla.first_response), ("update", sla.update), ("solution", sla.solution)]
        {
            checked_allowance(field, allowance)?;
        }
        let services = self.ports.services.services().await?;
        if let Some(missing) = sla.service_ids.iter().find(|id| !services.iter().any(|s| s.id == **id)) {
            return Err(DomainError::invalid("service_ids", format!("there is no service {missing}")));
        }
        if sla.id != 0 && !all.iter().any(|s| s.id == sla.id) {
            return Err(DomainError::not_found("sla", sla.id));
        }
        if all.iter().any(|s| s.id != sla.id && s.name == sla.name) {
            return Err(DomainError::Conflict(format!("an SLA named {} exists", sla.name)));
        }
        sla.calendar_name = sla.calendar_name.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        sla.comments = checked_comments(sla.comments.as_deref())?;
        sla.service_ids.sort_unstable();
        sla.service_ids.dedup();
        self.ports.services.save_sla(sla, actor.user_id).await
    }
}

impl AdminService {
    /// Customers named once each, every one a customer user that exists.
    async fn checked_audience(&self, mut a: ServiceAudience) -> DomainResult<ServiceAudience> {
        a.customers = a.customers.iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
        a.customers.sort();
        a.customers.dedup();
        if a.customers.len() > MAX_AUDIENCE {
            return Err(DomainError::invalid(
                "customers",
                format!("at most {MAX_AUDIENCE} customers by name; make it a default service instead"),
            ));
        }
        if a.customers.iter().any(|l| l == DEFAULT_SERVICES_LOGIN) {
            return Err(DomainError::invalid("customers", format!("{DEFAULT_SERVICES_LOGIN} is not a customer")));
        }
        for login in &a.customers {
            if self.ports.customers.user(login).await?.is_none() {
                return Err(DomainError::invalid("customers", format!("{UNKNOWN_CUSTOMER}{login}")));
            }
        }
        Ok(a)
    }
}

/// Minutes as a queue's (0 switches the clock off); the warning a share of them.
fn checked_allowance(field: &'static str, a: Allowance) -> DomainResult<()> {
    if !(0..=525_600).contains(&a.minutes) {
        return Err(DomainError::invalid(field, "minutes from 0 (off) to 525600 (a year)"));
    }
    if !(0..=100).contains(&a.notify_percent) {
        return Err(DomainError::invalid(field, "a warning at 0 (none) to 100 percent of the time"));
    }
    Ok(())
}
