//! Services and SLAs: what a ticket is about, and the agreement whose times it must be
//! answered, updated and solved in (OTRS's `service`, `sla` and `service_sla`).

use crate::escalation::{Allowance, EscalationPolicy};

use super::{ServiceId, SlaId};

/// What separates a service from the one it belongs to in its name: OTRS stores the
/// whole path, `Email::Outlook`.
pub const SERVICE_SEPARATOR: &str = "::";

/// The login OTRS's `service_customer_user` uses for services every customer gets
/// who has none of their own.
pub const DEFAULT_SERVICES_LOGIN: &str = "<DEFAULT>";

/// Which customers may have a service on their tickets (OTRS's `service_customer_user`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ServiceAudience {
    /// A default service: offered to every customer who has no services of their own.
    pub every_customer: bool,
    /// The customer logins it is given to, sorted.
    pub customers: Vec<String>,
}

impl ServiceAudience {
    pub fn every_customer() -> Self {
        Self { every_customer: true, customers: Vec::new() }
    }
}

/// The services given to one customer and those given by default, valid or not, as
/// stored: [`crate::tickets::TicketService::service_choices`] decides from both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerServiceIds {
    pub own: Vec<ServiceId>,
    pub by_default: Vec<ServiceId>,
}

/// A service, named by its whole path.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Service {
    /// 0 for one not stored yet.
    pub id: ServiceId,
    pub name: String,
    pub comments: Option<String>,
    pub valid: bool,
}

impl Service {
    /// The last part of the name: `Outlook` of `Email::Outlook`.
    pub fn leaf(&self) -> &str {
        self.name.rsplit(SERVICE_SEPARATOR).next().unwrap_or(&self.name)
    }

    /// The name of the service this one belongs to, if any.
    pub fn parent_name(&self) -> Option<&str> {
        self.name.rsplit_once(SERVICE_SEPARATOR).map(|(parent, _)| parent)
    }

    /// How many services it sits below.
    pub fn depth(&self) -> usize {
        self.name.matches(SERVICE_SEPARATOR).count()
    }

    /// Whether `other` sits somewhere below this one.
    pub fn is_above(&self, other: &Service) -> bool {
        other.name.strip_prefix(&self.name).is_some_and(|rest| rest.starts_with(SERVICE_SEPARATOR))
    }
}

/// A service level agreement: the times its tickets are held to, the calendar they
/// are counted in, and the services it is offered for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sla {
    /// 0 for one not stored yet.
    pub id: SlaId,
    pub name: String,
    /// A configured calendar; `None` counts in the default one.
    pub calendar_name: Option<String>,
    pub first_response: Allowance,
    pub update: Allowance,
    pub solution: Allowance,
    /// The services a ticket may have for this SLA to be chosen.
    pub service_ids: Vec<ServiceId>,
    pub comments: Option<String>,
    pub valid: bool,
}

impl Sla {
    /// The escalation times of a ticket under this SLA (they replace its queue's).
    pub fn policy(&self) -> EscalationPolicy {
        EscalationPolicy {
            first_response: self.first_response,
            update: self.update,
            solution: self.solution,
            calendar_name: self.calendar_name.clone(),
        }
    }

    pub fn offered_for(&self, service: ServiceId) -> bool {
        self.service_ids.contains(&service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Service {
        Service { name: name.into(), ..Default::default() }
    }

    #[test]
    fn a_service_name_is_its_path() {
        let s = named("Email::Outlook::Calendar");
        assert_eq!((s.leaf(), s.parent_name(), s.depth()), ("Calendar", Some("Email::Outlook"), 2));
        assert_eq!((named("Email").leaf(), named("Email").parent_name()), ("Email", None));
        assert!(named("Email").is_above(&s));
        assert!(!named("Email").is_above(&named("Emailing::Outlook")));
        assert!(!s.is_above(&s));
    }
}
