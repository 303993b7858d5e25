//! How a scenario's requests reach the database: each on a connection of its
//! own released together (or staggered), a burst through a small pool, or
//! clients firing back to back. Each spawns its requests into `tasks`; a task
//! yields the outcomes of the requests it ran (`None`: cancelled before sending).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres};
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;
use uuid::Uuid;

use super::request::{acquire, Shared};
use crate::concurrency::report::{ErrorKind, RequestRecord};
use crate::concurrency::scenario::{Params, Scenario};
use crate::db::Endpoint;
use crate::error::{Error, Result};

pub(super) type Outcome = Option<RequestRecord>;
pub(super) type Tasks = JoinSet<Vec<Outcome>>;

/// The shipment request `i` (1-based) writes to: round robin over the run's shipments.
fn shipment_of(ids: &[Uuid], i: u32) -> (u32, Uuid) {
    let s = (i - 1) % ids.len() as u32;
    (s, ids[s as usize])
}

/// One connection per request, opened before the start signal; released at
/// the same instant by a barrier (or one after another for `Staggered`).
pub(super) async fn dedicated(
    tasks: &mut Tasks,
    shared: &Arc<Shared>,
    options: &PgConnectOptions,
    params: &Params,
    ids: &Arc<Vec<Uuid>>,
) -> Result<()> {
    let total = params.total_requests();
    let staggered = shared.scenario == Scenario::Staggered;
    let connections = open_connections(options, total).await?;
    let barrier = Arc::new(Barrier::new(if staggered { 1 } else { total as usize }));
    let delay = Duration::from_millis(params.delay_ms.into());
    let first_start = Instant::now() + Duration::from_millis(20);
    for (i, mut conn) in (1..=total).zip(connections) {
        let (shared, barrier, shipment) = (shared.clone(), barrier.clone(), shipment_of(ids, i));
        tasks.spawn(async move {
            if staggered {
                tokio::time::sleep_until((first_start + delay * (i - 1)).into()).await;
            } else {
                barrier.wait().await;
            }
            if shared.cancel.is_cancelled() {
                return vec![None];
            }
            let record = shared.request(&mut conn, i, shipment, Instant::now()).await;
            conn.close().await.ok();
            vec![Some(record)]
        });
    }
    Ok(())
}

/// More requests at once than the pool has connections: each waits for one
/// at most the run's acquire timeout.
pub(super) fn pooled_burst(
    tasks: &mut Tasks,
    shared: &Arc<Shared>,
    pool: &PgPool,
    params: &Params,
    ids: &Arc<Vec<Uuid>>,
) {
    let total = params.total_requests();
    let timeout = Duration::from_millis(params.acquire_timeout_ms.into());
    let barrier = Arc::new(Barrier::new(total as usize));
    for i in 1..=total {
        let (shared, barrier, pool, shipment) = (shared.clone(), barrier.clone(), pool.clone(), shipment_of(ids, i));
        tasks.spawn(async move {
            barrier.wait().await;
            if shared.cancel.is_cancelled() {
                return vec![None];
            }
            let start = Instant::now();
            let record = match acquire(&pool, timeout).await {
                Ok(mut conn) => shared.request(&mut conn, i, shipment, start).await,
                Err(e) => shared.finish(i, shipment.0, start, Err(e)),
            };
            vec![Some(record)]
        });
    }
}

/// `pool_size` clients send requests back to back, each keeping its
/// connection between requests (as pgbench's clients do) and taking a new one
/// from the pool only if it broke.
pub(super) fn rapid_fire(
    tasks: &mut Tasks,
    shared: &Arc<Shared>,
    pool: &PgPool,
    params: &Params,
    ids: &Arc<Vec<Uuid>>,
) {
    let total = params.total_requests();
    let timeout = Duration::from_millis(params.acquire_timeout_ms.into());
    let next = Arc::new(AtomicU32::new(1));
    for _ in 0..params.pool_size.min(total) {
        let (shared, pool, next, ids) = (shared.clone(), pool.clone(), next.clone(), ids.clone());
        tasks.spawn(async move {
            let mut outcomes = Vec::new();
            let mut held: Option<PoolConnection<Postgres>> = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i > total {
                    break outcomes;
                }
                if shared.cancel.is_cancelled() {
                    outcomes.push(None);
                    continue;
                }
                let shipment = shipment_of(&ids, i);
                let start = Instant::now();
                let mut conn = match held.take() {
                    Some(conn) => conn,
                    None => match acquire(&pool, timeout).await {
                        Ok(conn) => conn,
                        Err(e) => {
                            outcomes.push(Some(shared.finish(i, shipment.0, start, Err(e))));
                            continue;
                        }
                    },
                };
                let record = shared.request(&mut conn, i, shipment, start).await;
                if !matches!(&record.error, Some(e) if e.kind == ErrorKind::ConnectionLost) {
                    held = Some(conn);
                }
                outcomes.push(Some(record));
            }
        });
    }
}

/// The pool for `pooled_burst` and `rapid_fire`, filled before the run so that
/// requests measure contention, not connecting. Its own timeout only bounds
/// opening connections; how long a request may wait for a busy pool is the
/// run's parameter, enforced per request.
pub(super) async fn request_pool(options: &PgConnectOptions, size: u32) -> Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(30))
        // No ping before each request: it would double the round trips, and
        // the runner, not the database, would set the pace. A broken
        // connection still shows, as a classified error of that request.
        .test_before_acquire(false)
        .connect_lazy_with(options.clone());
    let mut held = Vec::new();
    for _ in 0..size {
        held.push(
            pool.acquire()
                .await
                .map_err(|e| Endpoint::of(options).connect_error(e))?,
        );
    }
    Ok(pool)
}

/// Opens `count` connections before the start signal, so that connecting is not
/// part of any request's latency. At most 16 handshakes at a time.
async fn open_connections(options: &PgConnectOptions, count: u32) -> Result<Vec<PgConnection>> {
    let gate = Arc::new(Semaphore::new(16));
    let mut opening = JoinSet::new();
    for i in 0..count {
        let (options, gate) = (options.clone(), gate.clone());
        opening.spawn(async move {
            let _permit = gate.acquire_owned().await;
            (i, PgConnection::connect_with(&options).await)
        });
    }
    let mut slots: Vec<Option<PgConnection>> = (0..count).map(|_| None).collect();
    while let Some(joined) = opening.join_next().await {
        let (i, conn) = joined.map_err(|e| Error::internal(format!("opening connections failed: {e}")))?;
        slots[i as usize] = Some(conn.map_err(|e| Endpoint::of(options).connect_error(e))?);
    }
    Ok(slots.into_iter().flatten().collect())
}
