//! Work that waits for a turn and is then served together with everything else waiting
//! by then. Ticket counters and shared transactions both gather their callers this way:
//! the more callers arrive at once, the more each turn serves.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Semaphore;

/// Items waiting for a turn, and how many turns may run at once.
pub(crate) struct Turns<T>(Arc<Inner<T>>);

// By hand: a derive would ask for `T: Clone`, and the items are never cloned.
impl<T> Clone for Turns<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

struct Inner<T> {
    waiting: Mutex<Vec<T>>,
    turns: Semaphore,
    /// Most items one turn serves; the rest wait for the next free turn.
    most: usize,
}

impl<T: Send + 'static> Turns<T> {
    /// `turns` may run at once, each serving at most `most` items, the longest waiting
    /// first.
    pub(crate) fn new(turns: usize, most: usize) -> Self {
        Self(Arc::new(Inner {
            waiting: Mutex::new(Vec::new()),
            turns: Semaphore::new(turns.max(1)),
            most: most.max(1),
        }))
    }

    /// Queues `item`. A task of its own waits for a turn and hands `serve` what is
    /// waiting by then (up to the most a turn serves), unless turns that began meanwhile
    /// took it all along. Every item has such a task, so none is left behind. The task is
    /// its own so that a caller that goes away (its client hung up) neither takes the
    /// work of others down with it nor leaves its own behind for whoever comes next.
    pub(crate) fn queue<F, Fut>(&self, item: T, serve: F)
    where
        F: FnOnce(Vec<T>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let inner = Arc::clone(&self.0);
        inner.waiting.lock().unwrap_or_else(PoisonError::into_inner).push(item);
        tokio::spawn(async move {
            let Ok(_turn) = inner.turns.acquire().await else { return };
            let waiting: Vec<T> = {
                let mut waiting = inner.waiting.lock().unwrap_or_else(PoisonError::into_inner);
                let most = waiting.len().min(inner.most);
                waiting.drain(..most).collect()
            };
            if !waiting.is_empty() {
                serve(waiting).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Queues `0..count` on one turn serving at most `most`, the first turn held until
    /// all are queued; returns the batches in the order they were served.
    async fn served(most: usize, count: u32) -> Vec<Vec<u32>> {
        let turns = Turns::new(1, most);
        let served = Arc::new(Mutex::new(Vec::<Vec<u32>>::new()));
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let hold = Arc::new(tokio::sync::Mutex::new(Some(hold)));
        for i in 0..count {
            let (served, hold) = (served.clone(), hold.clone());
            turns.queue(i, move |batch| async move {
                if let Some(hold) = hold.lock().await.take() {
                    let _ = hold.await;
                }
                served.lock().unwrap().push(batch);
            });
            tokio::task::yield_now().await;
        }
        let _ = release.send(());
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        served.lock().unwrap().clone()
    }

    /// Items queued while a turn runs are served together by the next one, none twice
    /// and none left behind.
    #[tokio::test]
    async fn a_turn_serves_everything_waiting() {
        assert_eq!(served(10, 5).await, [vec![0], vec![1, 2, 3, 4]]);
    }

    /// A turn serves no more than its most; the longest waiting go first, and the rest
    /// wait for the turns after it.
    #[tokio::test]
    async fn a_turn_serves_no_more_than_its_most() {
        assert_eq!(served(3, 8).await, [vec![0], vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
    }
}
