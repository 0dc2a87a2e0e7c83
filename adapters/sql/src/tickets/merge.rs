//! Merging one ticket into another, as OTRS does, in one transaction.

use goats_core::DomainResult;
use goats_core::model::*;
use goats_core::ports::MergePlan;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;

use super::writes::update_sql;

impl Db {
    pub(super) async fn merge_tickets(
        &self,
        source: TicketId,
        target: TicketId,
        plan: MergePlan,
        by: UserId,
    ) -> DomainResult<()> {
        let now = self.now();
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let run = |sql: &str, values: Vec<Value>| txn.execute_raw(self.stmt(sql, values));
        run("UPDATE article SET ticket_id = ? WHERE ticket_id = ?", vec![target.into(), source.into()])
            .await
            .map_err(to_domain)?;
        // The articles' words follow them; the source's own fields stay its own.
        self.index_tickets(&txn, &[source, target]).await.map_err(to_domain)?;
        // Watchers of the source watch the target from now on (once each).
        run(
            "DELETE FROM ticket_watcher WHERE ticket_id = ? AND user_id IN (SELECT user_id FROM (SELECT user_id FROM ticket_watcher WHERE ticket_id = ?) w)",
            vec![source.into(), target.into()],
        )
        .await
        .map_err(to_domain)?;
        run("UPDATE ticket_watcher SET ticket_id = ? WHERE ticket_id = ?", vec![target.into(), source.into()])
            .await
            .map_err(to_domain)?;
        let note = self.insert_article(&txn, source, &plan.note, by).await.map_err(to_domain)?;
        let (sql, values) = update_sql(plan.source_columns, source, by, now);
        run(&sql, values).await.map_err(to_domain)?;
        self.flag_added(&txn, &[(source, note, by)]).await.map_err(to_domain)?;
        run(
            "UPDATE ticket SET change_time = ?, change_by = ? WHERE id = ?",
            vec![now.into(), by.into(), target.into()],
        )
        .await
        .map_err(to_domain)?;
        if plan.link_as_child {
            self.link_in(&txn, target, source, LinkKind::ParentOf, by).await.map_err(to_domain)?;
        }
        self.write_history(&txn, source, plan.source_history, by).await.map_err(to_domain)?;
        self.write_history(&txn, target, plan.target_history, by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)
    }
}
