use async_trait::async_trait;

use super::{MemoryStore, by_name};
use crate::error::{DomainError, DomainResult};
use crate::model::{
    CustomerServiceIds, DEFAULT_SERVICES_LOGIN, Service, ServiceAudience, ServiceId, Sla, SlaId, UserId,
};
use crate::ports::ServiceCatalog;

#[async_trait]
impl ServiceCatalog for MemoryStore {
    async fn services(&self) -> DomainResult<Vec<Service>> {
        let mut all = self.lock().services.clone();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    async fn save_service(
        &self,
        mut service: Service,
        audience: Option<ServiceAudience>,
        _by: UserId,
    ) -> DomainResult<ServiceId> {
        let mut s = self.lock();
        let id = if service.id == 0 {
            service.id = s.services.iter().map(|x| x.id).max().unwrap_or(0) + 1;
            s.services.push(service.clone());
            service.id
        } else {
            let old = s
                .services
                .iter()
                .find(|x| x.id == service.id)
                .cloned()
                .ok_or_else(|| DomainError::not_found("service", service.id))?;
            for stored in s.services.iter_mut() {
                if stored.id == service.id {
                    *stored = service.clone();
                } else if old.is_above(stored) {
                    stored.name = format!("{}{}", service.name, &stored.name[old.name.len()..]);
                }
            }
            service.id
        };
        if let Some(audience) = audience {
            s.service_customers.retain(|(_, given)| *given != id);
            let default = audience.every_customer.then(|| DEFAULT_SERVICES_LOGIN.to_string());
            s.service_customers.extend(audience.customers.into_iter().chain(default).map(|login| (login, id)));
        }
        Ok(id)
    }

    async fn service_audience(&self, service: ServiceId) -> DomainResult<ServiceAudience> {
        let s = self.lock();
        let mut audience = ServiceAudience::default();
        for (login, _) in s.service_customers.iter().filter(|(_, id)| *id == service) {
            match login.as_str() {
                DEFAULT_SERVICES_LOGIN => audience.every_customer = true,
                _ => audience.customers.push(login.clone()),
            }
        }
        audience.customers.sort();
        Ok(audience)
    }

    async fn customer_service_ids(&self, login: &str) -> DomainResult<CustomerServiceIds> {
        let s = self.lock();
        let given = |to: &str| s.service_customers.iter().filter(|(l, _)| l == to).map(|(_, id)| *id).collect();
        Ok(CustomerServiceIds { own: given(login), by_default: given(DEFAULT_SERVICES_LOGIN) })
    }

    async fn slas(&self) -> DomainResult<Vec<Sla>> {
        Ok(by_name(self.lock().slas.clone(), |s| &s.name))
    }

    async fn save_sla(&self, mut sla: Sla, _by: UserId) -> DomainResult<SlaId> {
        let mut s = self.lock();
        sla.service_ids.sort_unstable();
        if sla.id == 0 {
            sla.id = s.slas.iter().map(|x| x.id).max().unwrap_or(0) + 1;
            let id = sla.id;
            s.slas.push(sla);
            return Ok(id);
        }
        let stored = s.slas.iter_mut().find(|x| x.id == sla.id).ok_or_else(|| DomainError::not_found("sla", sla.id))?;
        let id = sla.id;
        *stored = sla;
        Ok(id)
    }
}
