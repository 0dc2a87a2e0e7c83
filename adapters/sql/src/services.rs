//! Services and SLAs: OTRS's `service`, `sla` and `service_sla` (which SLAs are
//! offered for which services).

use std::collections::HashMap;

use async_trait::async_trait;
use goats_core::escalation::Allowance;
use goats_core::model::{
    CustomerServiceIds, DEFAULT_SERVICES_LOGIN, Service, ServiceAudience, ServiceId, Sla, SlaId, UserId, Valid,
};
use goats_core::ports::ServiceCatalog;
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::lookups::audited_insert;
use crate::row::{Decoded, int, opt_int, opt_text, text};

fn valid_id(valid: bool) -> i32 {
    if valid { Valid::Valid as i32 } else { Valid::Invalid as i32 }
}

fn allowance(r: &QueryResult, time: &str, notify: &str) -> Decoded<Allowance> {
    Ok(Allowance { minutes: int(r, time)? as i32, notify_percent: opt_int(r, notify)?.unwrap_or(0) as i32 })
}

#[async_trait]
impl ServiceCatalog for Db {
    async fn services(&self) -> DomainResult<Vec<Service>> {
        let sql = "SELECT id, name, comments, valid_id FROM service ORDER BY name";
        let rows = self.conn.query_all_raw(self.stmt(sql, [])).await.map_err(to_domain)?;
        let mut all = rows
            .iter()
            .map(|r| {
                Ok(Service {
                    id: int(r, "id")? as i32,
                    name: text(r, "name")?,
                    comments: opt_text(r, "comments")?,
                    valid: Valid::is_valid(int(r, "valid_id")? as i32),
                })
            })
            .collect::<Decoded<Vec<_>>>()?;
        // Byte order whatever the collation, so each service follows its parent.
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    async fn save_service(&self, s: Service, audience: Option<ServiceAudience>, by: UserId) -> DomainResult<ServiceId> {
        let now = self.now();
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let id = if s.id == 0 {
            let (sql, values) = audited_insert(
                "service",
                &["name", "comments", "valid_id"],
                vec![s.name.into(), s.comments.into(), valid_id(s.valid).into()],
                by,
                now,
            );
            self.insert_id(&txn, &sql, values).await.map_err(to_domain)? as i32
        } else {
            let old = self.service_name(&txn, s.id).await?;
            let below = self.services_below(&txn, &old).await?;
            let sql = "UPDATE service SET name = ?, comments = ?, valid_id = ?, change_time = ?, change_by = ? \
                       WHERE id = ?";
            let values: Vec<Value> = vec![
                s.name.clone().into(),
                s.comments.into(),
                valid_id(s.valid).into(),
                now.into(),
                by.into(),
                s.id.into(),
            ];
            txn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
            for (id, name) in below {
                let renamed = format!("{}{}", s.name, &name[old.len()..]);
                let sql = "UPDATE service SET name = ?, change_time = ?, change_by = ? WHERE id = ?";
                txn.execute_raw(self.stmt(sql, [renamed.into(), now.into(), by.into(), id.into()]))
                    .await
                    .map_err(to_domain)?;
            }
            s.id
        };
        if let Some(audience) = audience {
            let sql = "DELETE FROM service_customer_user WHERE service_id = ?";
            txn.execute_raw(self.stmt(sql, [id.into()])).await.map_err(to_domain)?;
            let default = audience.every_customer.then(|| DEFAULT_SERVICES_LOGIN.to_string());
            for login in audience.customers.into_iter().chain(default) {
                let sql = "INSERT INTO service_customer_user (customer_user_login, service_id, create_time, create_by) \
                           VALUES (?, ?, ?, ?)";
                txn.execute_raw(self.stmt(sql, [login.into(), id.into(), now.into(), by.into()]))
                    .await
                    .map_err(to_domain)?;
            }
        }
        txn.commit().await.map_err(to_domain)?;
        Ok(id)
    }

    async fn service_audience(&self, service: ServiceId) -> DomainResult<ServiceAudience> {
        let sql = "SELECT customer_user_login FROM service_customer_user WHERE service_id = ?";
        let rows = self.conn.query_all_raw(self.stmt(sql, [service.into()])).await.map_err(to_domain)?;
        let mut audience = ServiceAudience::default();
        for r in rows {
            match text(&r, "customer_user_login")? {
                login if login == DEFAULT_SERVICES_LOGIN => audience.every_customer = true,
                login => audience.customers.push(login),
            }
        }
        audience.customers.sort();
        audience.customers.dedup();
        Ok(audience)
    }

    async fn customer_service_ids(&self, login: &str) -> DomainResult<CustomerServiceIds> {
        let sql = "SELECT customer_user_login, service_id FROM service_customer_user \
                   WHERE customer_user_login IN (?, ?)";
        let values: [Value; 2] = [login.into(), DEFAULT_SERVICES_LOGIN.into()];
        let rows = self.conn.query_all_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
        let mut ids = CustomerServiceIds::default();
        for r in rows {
            let id = int(&r, "service_id")? as ServiceId;
            // The login as the database compared it (MariaDB ignores case, as OTRS there).
            match text(&r, "customer_user_login")? {
                l if l == DEFAULT_SERVICES_LOGIN => ids.by_default.push(id),
                _ => ids.own.push(id),
            }
        }
        Ok(ids)
    }

    async fn slas(&self) -> DomainResult<Vec<Sla>> {
        let links = self.conn.query_all_raw(self.stmt("SELECT service_id, sla_id FROM service_sla", [])).await;
        let mut offered: HashMap<i64, Vec<ServiceId>> = HashMap::new();
        for r in links.map_err(to_domain)? {
            offered.entry(int(&r, "sla_id")?).or_default().push(int(&r, "service_id")? as i32);
        }
        let sql = "SELECT id, name, calendar_name, first_response_time, first_response_notify, update_time, \
                   update_notify, solution_time, solution_notify, comments, valid_id FROM sla ORDER BY LOWER(name), name";
        let rows = self.conn.query_all_raw(self.stmt(sql, [])).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| {
                let id = int(r, "id")?;
                let mut service_ids = offered.remove(&id).unwrap_or_default();
                service_ids.sort_unstable();
                Ok(Sla {
                    id: id as i32,
                    name: text(r, "name")?,
                    calendar_name: opt_text(r, "calendar_name")?.filter(|c| !c.is_empty()),
                    first_response: allowance(r, "first_response_time", "first_response_notify")?,
                    update: allowance(r, "update_time", "update_notify")?,
                    solution: allowance(r, "solution_time", "solution_notify")?,
                    service_ids,
                    comments: opt_text(r, "comments")?,
                    valid: Valid::is_valid(int(r, "valid_id")? as i32),
                })
            })
            .collect::<Decoded<_>>()?)
    }

    async fn save_sla(&self, s: Sla, by: UserId) -> DomainResult<SlaId> {
        let now = self.now();
        let times: Vec<Value> = vec![
            s.name.into(),
            s.calendar_name.into(),
            s.first_response.minutes.into(),
            s.first_response.notify_percent.into(),
            s.update.minutes.into(),
            s.update.notify_percent.into(),
            s.solution.minutes.into(),
            s.solution.notify_percent.into(),
            s.comments.into(),
            valid_id(s.valid).into(),
        ];
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let id = if s.id == 0 {
            let columns = [
                "name",
                "calendar_name",
                "first_response_time",
                "first_response_notify",
                "update_time",
                "update_notify",
                "solution_time",
                "solution_notify",
                "comments",
                "valid_id",
            ];
            let (sql, values) = audited_insert("sla", &columns, times, by, now);
            self.insert_id(&txn, &sql, values).await.map_err(to_domain)? as i32
        } else {
            let sql = "UPDATE sla SET name = ?, calendar_name = ?, first_response_time = ?, first_response_notify = ?, \
                       update_time = ?, update_notify = ?, solution_time = ?, solution_notify = ?, comments = ?, \
                       valid_id = ?, change_time = ?, change_by = ? WHERE id = ?";
            let mut values = times;
            values.extend([now.into(), by.into(), s.id.into()]);
            let done = txn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
            if done.rows_affected() == 0 {
                return Err(DomainError::not_found("sla", s.id));
            }
            s.id
        };
        txn.execute_raw(self.stmt("DELETE FROM service_sla WHERE sla_id = ?", [id.into()])).await.map_err(to_domain)?;
        for service in s.service_ids {
            let sql = "INSERT INTO service_sla (service_id, sla_id) VALUES (?, ?)";
            txn.execute_raw(self.stmt(sql, [service.into(), id.into()])).await.map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)?;
        Ok(id)
    }
}

impl Db {
    async fn service_name(&self, txn: &DatabaseTransaction, id: ServiceId) -> DomainResult<String> {
        let row = txn
            .query_one_raw(self.stmt("SELECT name FROM service WHERE id = ?", [id.into()]))
            .await
            .map_err(to_domain)?
            .ok_or_else(|| DomainError::not_found("service", id))?;
        Ok(text(&row, "name")?)
    }

    /// The services whose names put them below `name`, with their names.
    async fn services_below(&self, txn: &DatabaseTransaction, name: &str) -> DomainResult<Vec<(i64, String)>> {
        // Compared here rather than with LIKE, whose wildcards a name may contain.
        let rows = txn.query_all_raw(self.stmt("SELECT id, name FROM service", [])).await.map_err(to_domain)?;
        let prefix = format!("{name}{}", goats_core::model::SERVICE_SEPARATOR);
        Ok(rows
            .iter()
            .map(|r| Ok((int(r, "id")?, text(r, "name")?)))
            .collect::<Decoded<Vec<_>>>()?
            .into_iter()
            .filter(|(_, n)| n.starts_with(&prefix))
            .collect())
    }
}
