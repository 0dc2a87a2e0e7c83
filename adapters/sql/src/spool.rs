//! Files spooled ahead of their article (see [`Spool`]): their parts are written into
//! `goats_blob_part` and committed, and the article's transaction joins them into its
//! row and deletes them (`crate::blob_parts`).
//!
//! A spooled file's stage is the minute it was spooled, shifted left 32 bits, plus 32
//! random bits: parts no article took after a day (a crash between the spool and the
//! article) are swept by the next spool. Stages of values written within one
//! transaction are negative and never swept.

use async_trait::async_trait;
use goats_core::DomainResult;
use goats_core::model::Spooled;
use goats_core::ports::Spool;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::connection::{Db, Dialect};
use crate::error::to_domain;

/// How long spooled parts wait for their article before they are swept.
const KEPT_MINUTES: i64 = 24 * 60;

fn stage_of_minute(minute: i64) -> i64 {
    minute << 32
}

#[async_trait]
impl Spool for Db {
    async fn spool(&self, bytes: &[u8]) -> DomainResult<Spooled> {
        let minute = self.instant().timestamp().div_euclid(60);
        let id = stage_of_minute(minute) | i64::from(rand::random::<u32>());
        let _w = self.write_guard().await;
        let txn = self.connection().begin().await.map_err(to_domain)?;
        if self.dialect() == Dialect::MySql {
            self.check_packet(&txn, bytes.len()).await.map_err(to_domain)?;
        }
        let swept = "DELETE FROM goats_blob_part WHERE stage >= 0 AND stage < ?";
        txn.execute_raw(self.stmt(swept, [stage_of_minute(minute - KEPT_MINUTES).into()])).await.map_err(to_domain)?;
        self.insert_parts(&txn, id, bytes).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(Spooled { id, len: bytes.len() as u64 })
    }

    async fn discard(&self, spooled: Spooled) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let sql = "DELETE FROM goats_blob_part WHERE stage = ?";
        self.connection().execute_raw(self.stmt(sql, [spooled.id.into()])).await.map_err(to_domain)?;
        Ok(())
    }
}
