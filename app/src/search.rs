//! `goats search reindex`, and the reminder a server gives when its index lacks tickets.

use goats_sql::Db;
use goats_sql::import::ImportProgress;
use goats_sql::search::reindex::{ReindexProgress, needs_reindex};

use crate::AppError;
use crate::import::Progress;

const BAR: &str = "search index (tickets)";

/// Rebuilds the full-text index with a progress bar (progress lines in a log); goes on
/// from where a stopped run was unless `restart`.
pub async fn reindex(db: &Db, restart: bool) -> Result<ReindexProgress, AppError> {
    let mut progress = Progress::new();
    let mut started = false;
    let done = db
        .reindex_search(restart, |p| {
            if !started {
                started = true;
                if p.resumed {
                    progress.step(&format!("going on after {} of {} tickets", p.tickets_done, p.tickets_total));
                }
                progress.table(BAR, p.tickets_total, p.tickets_done);
            } else {
                progress.rows(BAR, p.tickets_done);
            }
        })
        .await;
    match done {
        Ok(p) => {
            progress.table_done(BAR, p.tickets_done);
            Ok(p)
        }
        Err(e) => {
            progress.clear();
            Err(e.into())
        }
    }
}

/// Tells whoever starts the server that search misses tickets (an OTRS database goats
/// was pointed at, a goats from before the index, a rebuild that stopped).
pub async fn warn_if_unindexed(db: &Db) {
    match needs_reindex(db).await {
        Ok(true) => tracing::warn!(
            "the search index lacks tickets written outside goats; run `goats search reindex` so searches find them"
        ),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not check the search index"),
    }
}
