//! A ticket's service and SLA: which may be chosen, and the checks before one is set.
//! An SLA belongs with services: a ticket may only have one offered for its service.
//! A ticket's customer limits its services as in OTRS: the ones given to that customer
//! (`service_customer_user`), or, when none valid is, the default ones (`<DEFAULT>`).

use crate::error::{DomainError, DomainResult};
use crate::model::*;

use super::{ResolvedChange, TicketService};

/// The valid services and SLAs a ticket may be given.
#[derive(Debug, Clone, Default)]
pub struct ServiceChoices {
    pub services: Vec<Service>,
    pub slas: Vec<Sla>,
}

impl ServiceChoices {
    /// The SLAs offered for `service`.
    pub fn slas_for(&self, service: ServiceId) -> impl Iterator<Item = &Sla> {
        self.slas.iter().filter(move |s| s.offered_for(service))
    }
}

impl TicketService {
    /// What the zoom and the new-ticket pages offer a ticket of `customer` (a customer
    /// user's login): that customer's services, or every valid one for a ticket without
    /// a customer.
    pub async fn service_choices(&self, customer: Option<&str>) -> DomainResult<ServiceChoices> {
        let catalog = &self.ports.services;
        let mut services: Vec<Service> = catalog.services().await?.into_iter().filter(|s| s.valid).collect();
        if let Some(login) = customer.map(str::trim).filter(|l| !l.is_empty()) {
            let given = catalog.customer_service_ids(login).await?;
            let own: Vec<&ServiceId> = given.own.iter().filter(|id| services.iter().any(|s| s.id == **id)).collect();
            let allowed: Vec<ServiceId> =
                if own.is_empty() { given.by_default } else { own.into_iter().copied().collect() };
            services.retain(|s| allowed.contains(&s.id));
        }
        Ok(ServiceChoices { services, slas: catalog.slas().await?.into_iter().filter(|s| s.valid).collect() })
    }

    /// The service and SLA a new ticket of `customer` is opened with: both valid, the
    /// service one the customer may have, the SLA offered for the service.
    pub(super) async fn services_for_new(
        &self,
        customer: Option<&str>,
        service: Option<ServiceId>,
        sla: Option<SlaId>,
    ) -> DomainResult<(Option<Service>, Option<Sla>)> {
        let Some(service_id) = service else {
            return match sla {
                Some(_) => Err(DomainError::invalid("sla", "a ticket needs a service before an SLA")),
                None => Ok((None, None)),
            };
        };
        let choices = self.service_choices(customer).await?;
        let service = choices
            .services
            .iter()
            .find(|s| s.id == service_id)
            .cloned()
            .ok_or_else(|| DomainError::invalid("service", not_offered(service_id, customer)))?;
        let sla = match sla {
            None => None,
            Some(id) => {
                let sla = choices
                    .slas
                    .iter()
                    .find(|s| s.id == id)
                    .ok_or_else(|| DomainError::invalid("sla", format!("SLA {id} does not exist or is invalid")))?;
                if !sla.offered_for(service_id) {
                    return Err(DomainError::invalid(
                        "sla",
                        format!("SLA {} is not offered for service {}", sla.name, service.name),
                    ));
                }
                Some(sla.clone())
            }
        };
        Ok((Some(service), sla))
    }

    pub(super) async fn resolve_service(&self, ticket: &Ticket, id: Option<ServiceId>) -> DomainResult<ResolvedChange> {
        let Some(id) = id else { return Ok(ResolvedChange::Service { new: None, keeps_sla: false }) };
        // A ticket keeps a service it has (even one since set invalid or taken from its
        // customer); it is only given one anew out of its customer's.
        let service = if ticket.service_id == Some(id) {
            self.ports.services.services().await?.into_iter().find(|s| s.id == id)
        } else {
            let customer = ticket.customer_user_id.as_deref();
            self.service_choices(customer).await?.services.into_iter().find(|s| s.id == id)
        };
        let service = service
            .ok_or_else(|| DomainError::invalid("service", not_offered(id, ticket.customer_user_id.as_deref())))?;
        let keeps_sla = match ticket.sla_id {
            Some(sla) => self.ports.services.slas().await?.iter().any(|s| s.id == sla && s.offered_for(id)),
            None => false,
        };
        Ok(ResolvedChange::Service { new: Some(service), keeps_sla })
    }

    pub(super) async fn resolve_sla(&self, ticket: &Ticket, id: Option<SlaId>) -> DomainResult<ResolvedChange> {
        let Some(id) = id else { return Ok(ResolvedChange::Sla(None)) };
        let sla = self
            .ports
            .services
            .slas()
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| DomainError::invalid("sla", format!("SLA {id} does not exist")))?;
        if !sla.valid && ticket.sla_id != Some(id) {
            return Err(DomainError::invalid("sla", format!("SLA {} is invalid", sla.name)));
        }
        let Some(service) = ticket.service_id else {
            return Err(DomainError::invalid("sla", "a ticket needs a service before an SLA"));
        };
        if !sla.offered_for(service) {
            let name = ticket.service.as_deref().unwrap_or_default();
            return Err(DomainError::invalid("sla", format!("SLA {} is not offered for service {name}", sla.name)));
        }
        Ok(ResolvedChange::Sla(Some(sla)))
    }
}

fn not_offered(id: ServiceId, customer: Option<&str>) -> String {
    match customer.map(str::trim).filter(|l| !l.is_empty()) {
        Some(login) => format!("service {id} does not exist, is invalid or is not offered to customer {login}"),
        None => format!("service {id} does not exist or is invalid"),
    }
}
