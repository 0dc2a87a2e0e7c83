use async_trait::async_trait;

use crate::error::DomainResult;
use crate::model::{CustomerServiceIds, Service, ServiceAudience, ServiceId, Sla, SlaId, UserId};

/// The services tickets are about and the SLAs they are held to. Nothing is deleted,
/// only set invalid, as in OTRS: tickets and their history keep naming them.
#[async_trait]
pub trait ServiceCatalog: Send + Sync {
    /// Every service, valid or not, by name (so each follows the one it belongs to).
    async fn services(&self) -> DomainResult<Vec<Service>>;
    /// Stores a new service (id 0) or changes one; returns its id. A renamed service
    /// takes the services below it along (their names start with its name), in the
    /// same transaction. `audience`, when given, replaces who may have it, in the same
    /// transaction too.
    async fn save_service(
        &self,
        service: Service,
        audience: Option<ServiceAudience>,
        by: UserId,
    ) -> DomainResult<ServiceId>;
    /// Who may have `service` on their tickets.
    async fn service_audience(&self, service: ServiceId) -> DomainResult<ServiceAudience>;
    /// The services given to `login` and the default ones, in one read.
    async fn customer_service_ids(&self, login: &str) -> DomainResult<CustomerServiceIds>;
    /// Every SLA, valid or not, by name in any case, with the services it is offered for.
    async fn slas(&self) -> DomainResult<Vec<Sla>>;
    /// Stores a new SLA (id 0) or changes one, with its services, in one transaction.
    async fn save_sla(&self, sla: Sla, by: UserId) -> DomainResult<SlaId>;
}
