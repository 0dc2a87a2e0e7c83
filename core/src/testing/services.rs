use async_trait::async_trait;

use super::{MemoryStore, by_name};
use crate::error::{DomainError, DomainResult};
use crate::model::{Service, ServiceId, Sla, SlaId, UserId};
use crate::ports::ServiceCatalog;

#[async_trait]
impl ServiceCatalog for MemoryStore {
    async fn services(&self) -> DomainResult<Vec<Service>> {
        let mut all = self.lock().services.clone();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    async fn save_service(&self, mut service: Service, _by: UserId) -> DomainResult<ServiceId> {
        let mut s = self.lock();
        if service.id == 0 {
            service.id = s.services.iter().map(|x| x.id).max().unwrap_or(0) + 1;
            let id = service.id;
            s.services.push(service);
            return Ok(id);
        }
        let old = s
            .services
            .iter()
            .find(|x| x.id == service.id)
            .cloned()
            .ok_or_else(|| DomainError::not_found("service", service.id))?;
        let id = service.id;
        for stored in s.services.iter_mut() {
            if stored.id == id {
                *stored = service.clone();
            } else if old.is_above(stored) {
                stored.name = format!("{}{}", service.name, &stored.name[old.name.len()..]);
            }
        }
        Ok(id)
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
