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
}

impl<T: Send + 'static> Turns<T> {
    pub(crate) fn new(turns: usize) -> Self {
        Self(Arc::new(Inner { waiting: Mutex::new(Vec::new()), turns: Semaphore::new(turns.max(1)) }))
    }

    /// Queues `item`. A task of its own waits for a turn and hands `serve` everything
    /// waiting by then, unless a turn that began meanwhile took it all along. The task is
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
            let waiting = std::mem::take(&mut *inner.waiting.lock().unwrap_or_else(PoisonError::into_inner));
            if !waiting.is_empty() {
                serve(waiting).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items queued while a turn runs are served together by the next one, none twice
    /// and none left behind.
    #[tokio::test]
    async fn a_turn_serves_everything_waiting() {
        let turns = Turns::new(1);
        let served = Arc::new(Mutex::new(Vec::<Vec<u32>>::new()));
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let hold = Arc::new(tokio::sync::Mutex::new(Some(hold)));
        for i in 0..5 {
            let (served, hold) = (served.clone(), hold.clone());
            turns.queue(i, move |batch| async move {
                // The first turn waits until all five are queued.
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
        let served = served.lock().unwrap().clone();
        assert_eq!(served, [vec![0], vec![1, 2, 3, 4]]);
    }
}
