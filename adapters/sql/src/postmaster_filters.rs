//! Postmaster filters in OTRS's `postmaster_filter`: one row per condition (`Match`)
//! and per header to set (`Set`), all under the filter's name, each carrying the
//! filter's `f_stop`.

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::mail::{FilterMatch, PostmasterFilter};
use goats_core::ports::PostmasterFilters;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{opt_int, text};

#[async_trait]
impl PostmasterFilters for Db {
    async fn filters(&self) -> DomainResult<Vec<PostmasterFilter>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT f_name, f_stop, f_type, f_key, f_value, f_not FROM postmaster_filter ORDER BY f_name, id",
                [],
            ))
            .await
            .map_err(to_domain)?;
        let mut filters: Vec<PostmasterFilter> = Vec::new();
        for r in &rows {
            let name = text(r, "f_name")?;
            if filters.last().is_none_or(|f| f.name != name) {
                filters.push(PostmasterFilter { name, stop: false, matches: Vec::new(), sets: Vec::new() });
            }
            let Some(f) = filters.last_mut() else { continue };
            f.stop |= opt_int(r, "f_stop")?.unwrap_or(0) == 1;
            let (key, value) = (text(r, "f_key")?, text(r, "f_value")?);
            match text(r, "f_type")?.as_str() {
                "Set" => f.sets.push((key, value)),
                _ => f.matches.push(FilterMatch {
                    header: key,
                    pattern: value,
                    negate: opt_int(r, "f_not")?.unwrap_or(0) == 1,
                }),
            }
        }
        Ok(filters)
    }

    async fn save_filter(&self, filter: &PostmasterFilter) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        txn.execute_raw(self.stmt("DELETE FROM postmaster_filter WHERE f_name = ?", [filter.name.clone().into()]))
            .await
            .map_err(to_domain)?;
        let stop = i32::from(filter.stop);
        let rows = filter
            .matches
            .iter()
            .map(|m| ("Match", m.header.as_str(), m.pattern.as_str(), i32::from(m.negate)))
            .chain(filter.sets.iter().map(|(k, v)| ("Set", k.as_str(), v.as_str(), 0)));
        for (kind, key, value, negate) in rows {
            txn.execute_raw(self.stmt(
                "INSERT INTO postmaster_filter (f_name, f_stop, f_type, f_key, f_value, f_not) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    filter.name.clone().into(),
                    stop.into(),
                    kind.into(),
                    key.to_string().into(),
                    value.to_string().into(),
                    negate.into(),
                ],
            ))
            .await
            .map_err(to_domain)?;
        }
        txn.commit().await.map_err(to_domain)
    }

    async fn delete_filter(&self, name: &str) -> DomainResult<bool> {
        let _w = self.write_guard().await;
        let done = self
            .conn
            .execute_raw(self.stmt("DELETE FROM postmaster_filter WHERE f_name = ?", [name.into()]))
            .await
            .map_err(to_domain)?;
        Ok(done.rows_affected() > 0)
    }
}
