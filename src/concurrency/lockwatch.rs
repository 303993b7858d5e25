//! How much of the requests' time goes to waiting for the row lock, sampled
//! from pg_stat_activity by a connection of its own while the run goes on.

use std::time::Duration;

use crate::db::{begin_read_only, Db};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Stops sampling when dropped, so an early return from a run cannot leave it
/// polling forever with a connection of the pool.
pub struct LockWatch {
    stop: CancellationToken,
    task: Option<JoinHandle<(u64, u64)>>,
}

impl Drop for LockWatch {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Starts sampling backends named `application_name`.
pub fn start(db: Db, application_name: String) -> LockWatch {
    let stop = CancellationToken::new();
    let token = stop.clone();
    let task = tokio::spawn(async move {
        let (mut waiting, mut active) = (0u64, 0u64);
        let started = std::time::Instant::now();
        while !token.is_cancelled() {
            // A transaction per sample: through a pooler a statement must not
            // span server connections (see `db::query`).
            let Ok(mut tx) = begin_read_only(&db).await else { break };
            let sample: Result<(i64, i64), _> = crate::db::query_as(
                "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = 'active')
                   FROM pg_stat_activity WHERE application_name = $1",
            )
            .bind(&application_name)
            .fetch_one(&mut *tx)
            .await;
            drop(tx);
            let Ok((w, a)) = sample else { break };
            waiting += w as u64;
            active += a as u64;
            // Dense samples while a short run lasts, then sparse ones: sampling
            // is itself a query, and must not slow down what it measures.
            let every = if started.elapsed() < Duration::from_secs(1) {
                3
            } else {
                25
            };
            tokio::time::sleep(Duration::from_millis(every)).await;
        }
        (waiting, active)
    });
    LockWatch { stop, task: Some(task) }
}

impl LockWatch {
    /// The share of active samples that were waiting on a lock; `None` when no
    /// sample caught a request running (a run too short to measure).
    pub async fn stop(mut self) -> Option<f64> {
        self.stop.cancel();
        let (waiting, active) = match self.task.take() {
            Some(task) => task.await.unwrap_or((0, 0)),
            None => (0, 0),
        };
        (active > 0).then(|| waiting as f64 / active as f64)
    }
}
