//! Writes that share one transaction when many arrive at once (a group commit).
//!
//! A ticket's creation is a handful of rows checked against a dozen foreign keys each,
//! and its own transaction paid for the commit and for locking the same few referenced
//! rows (the queue, the state, the agent) every time. Creations that wait while others
//! are being written go together in the next transaction instead: two turns run at
//! once, each writing what was waiting when it began (up to `MOST_TOGETHER`). Articles
//! added to tickets go the same way.
//!
//! A write that fails takes its whole transaction with it. The writes of that turn are
//! then each written again in a transaction of their own, so only the failing one fails
//! and what it failed with is its own error.

use async_trait::async_trait;
use goats_core::{DomainError, DomainResult};
use sea_orm::{DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::oneshot;

use crate::connection::Db;
use crate::error::to_domain;
use crate::turns::Turns;

/// One write, which may be written more than once until it commits.
#[async_trait]
pub(crate) trait Write: Sized + Send + Sync + 'static {
    type Done: Send + 'static;
    async fn write(&self, db: &Db, txn: &DatabaseTransaction) -> Result<Self::Done, DbErr>;

    /// Several writes in one transaction, their results in the same order; one after
    /// another unless the kind knows better.
    async fn write_all(all: &[&Self], db: &Db, txn: &DatabaseTransaction) -> Result<Vec<Self::Done>, DbErr> {
        one_by_one(all, db, txn).await
    }
}

/// Several writes in one transaction, one after another; their results in that order.
pub(crate) async fn one_by_one<W: Write>(
    all: &[&W],
    db: &Db,
    txn: &DatabaseTransaction,
) -> Result<Vec<W::Done>, DbErr> {
    let mut done = Vec::with_capacity(all.len());
    for write in all {
        done.push(write.write(db, txn).await?);
    }
    Ok(done)
}

/// Pads `list` to a power of two with its last item: for an `IN (…)` list whose
/// repeats change nothing, one statement text per power rather than per length (see
/// [`in_powers_of_two`]).
pub(crate) fn padded_to_power_of_two<T: Clone>(list: &mut Vec<T>) {
    if let Some(last) = list.last().cloned() {
        list.resize(list.len().next_power_of_two(), last);
    }
}

/// `all` in parts of 1, 2, 4, … rows, largest first. Statements of many rows are one
/// text per row count, and a connection keeps a hundred prepared: any count up to 32 for
/// each statement crowded them out, and batches were parsed and planned anew.
pub(crate) fn in_powers_of_two<T>(all: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = all;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (part, later) = rest.split_at(1 << rest.len().ilog2());
        rest = later;
        Some(part)
    })
}

/// Most writes in one transaction: enough to share the work, few enough that a failure
/// (which writes them all again one by one) stays cheap. More wait for the next turn.
const MOST_TOGETHER: usize = 32;

type Waiting<W> = Vec<(W, oneshot::Sender<DomainResult<<W as Write>::Done>>)>;

/// The writes of one kind waiting for a transaction, and the turns that write them.
pub(crate) struct SharedCommit<W: Write>(Turns<(W, oneshot::Sender<DomainResult<W::Done>>)>);

impl<W: Write> Clone for SharedCommit<W> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<W: Write> SharedCommit<W> {
    /// `turns`: how many transactions of this kind may be open at once.
    pub(crate) fn new(turns: usize) -> Self {
        Self(Turns::new(turns, MOST_TOGETHER))
    }

    /// Writes `write`, with whatever else is waiting, and answers once it committed.
    pub(crate) async fn write(&self, db: &Db, write: W) -> DomainResult<W::Done> {
        let (reply, answer) = oneshot::channel();
        let db = db.clone();
        self.0.queue((write, reply), move |waiting| async move { db.write_together(waiting).await });
        answer.await.unwrap_or_else(|_| Err(DomainError::Storage("the write was interrupted".into())))
    }
}

/// How a shared transaction ended.
enum Together<T> {
    Committed(Vec<T>),
    /// A write failed: nothing of the turn was kept.
    WriteFailed,
    /// The commit failed (whether it took effect is unknown): writing again could
    /// write twice, so every write of the turn gets the error.
    CommitFailed(DomainError),
}

impl Db {
    async fn write_together<W: Write>(&self, writes: Waiting<W>) {
        if writes.len() > 1 {
            match self.try_together(&writes).await {
                Together::Committed(done) => {
                    for ((_, reply), done) in writes.into_iter().zip(done) {
                        let _ = reply.send(Ok(done));
                    }
                    return;
                }
                Together::CommitFailed(e) => {
                    for (_, reply) in writes {
                        let _ = reply.send(Err(e.clone()));
                    }
                    return;
                }
                // Each on its own now, so only the failing one fails.
                Together::WriteFailed => {}
            }
        }
        for (write, reply) in writes {
            let _ = reply.send(self.write_alone(&write).await);
        }
    }

    async fn try_together<W: Write>(&self, writes: &Waiting<W>) -> Together<W::Done> {
        let _w = self.write_guard().await;
        let Ok(txn) = self.conn.begin().await else { return Together::WriteFailed };
        let all: Vec<&W> = writes.iter().map(|(write, _)| write).collect();
        let Ok(done) = W::write_all(&all, self, &txn).await else { return Together::WriteFailed };
        match txn.commit().await {
            Ok(()) => Together::Committed(done),
            Err(e) => Together::CommitFailed(to_domain(e)),
        }
    }

    /// `write` in a transaction of its own.
    pub(crate) async fn write_alone<W: Write>(&self, write: &W) -> DomainResult<W::Done> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let done = write.write(self, &txn).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::in_powers_of_two;

    #[test]
    fn parts_are_powers_of_two_largest_first() {
        let sizes = |n: usize| in_powers_of_two(&vec![0; n]).map(<[i32]>::len).collect::<Vec<_>>();
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(7), [4, 2, 1]);
        assert_eq!(sizes(32), [32]);
        assert_eq!(sizes(45), [32, 8, 4, 1]);
        let items: Vec<i32> = (0..13).collect();
        assert_eq!(in_powers_of_two(&items).flatten().copied().collect::<Vec<_>>(), items, "in order, none lost");
    }
}
