//! Runs a scenario: each request calls the version-assignment function on a
//! connection of its own, as a real client would, and is timed on a monotonic clock.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool, Postgres};

use crate::db::Db;
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::lockwatch;
use super::report::{ErrorKind, RequestError, RequestRecord, RunProgress, RunReport};
use super::scenario::{Params, Scenario};
use super::setup::{self, Assignment};
use super::stats;
use super::verdict::{self, StoredRow};
use crate::db::Endpoint;
use crate::error::{Error, Result};

pub struct RunOptions {
    pub scenario: Scenario,
    pub params: Params,
    /// An existing shipment (id or reference); `None` writes to fresh test shipments.
    pub shipment: Option<String>,
    /// Run against the deliberately unsafe assignment (the checker's self-test).
    pub unsafe_control: bool,
    /// Whether the database is the sandbox: the unsafe control is installed nowhere else.
    pub is_sandbox: bool,
    /// How the report names the database, e.g. "waybill (sandbox)".
    pub database: String,
}

pub type RunProgressFn<'a> = &'a (dyn Fn(RunProgress) + Send + Sync);

/// One request's outcome; `None` when the run was cancelled before it was sent.
type Outcome = Option<RequestRecord>;

struct Shared {
    assignment: Assignment,
    run_id: String,
    scenario: Scenario,
    epoch: Instant,
    cancel: CancellationToken,
    done: AtomicU32,
    failed: AtomicU32,
    /// Behind a transaction pooler each call is wrapped in this BEGIN (with the
    /// profile's schema) … COMMIT (see `db::query`); directly it stays one
    /// autocommitted statement, so the lock is held no longer than the call.
    pooler_begin: Option<String>,
}

impl Shared {
    fn ms(&self, at: Instant) -> f64 {
        at.duration_since(self.epoch).as_secs_f64() * 1000.0
    }

    /// Sends one request on `conn` and records it.
    async fn request(
        &self,
        conn: &mut PgConnection,
        index: u32,
        shipment: (u32, Uuid),
        start: Instant,
    ) -> RequestRecord {
        let result = call(conn, self, index, shipment.1).await;
        self.finish(index, shipment.0, start, result)
    }

    fn finish(&self, index: u32, shipment: u32, start: Instant, result: Result<i32, RequestError>) -> RequestRecord {
        let end = Instant::now();
        self.done.fetch_add(1, Ordering::Relaxed);
        if result.is_err() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        let (version, error) = match result {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(e)),
        };
        RequestRecord {
            index,
            shipment,
            start_ms: self.ms(start),
            end_ms: self.ms(end),
            version,
            error,
        }
    }
}

async fn call(conn: &mut PgConnection, shared: &Shared, index: u32, shipment: Uuid) -> Result<i32, RequestError> {
    // The marker ties the row to this request; it is not a field, so it stays
    // out of the snapshot.
    let changes = json!({ "waybill_request": format!("{}/{index}", shared.run_id) });
    let description = format!("Waybill concurrency test: {} request {index}", shared.scenario.title());
    let statement = crate::db::query_as::<(i32, DateTime<Utc>)>(shared.assignment.call)
        .bind(shipment)
        .bind("concurrency_test")
        .bind(None::<Uuid>)
        .bind(changes)
        .bind(description);
    let row = if let Some(begin) = &shared.pooler_begin {
        // Plain statements rather than `Transaction`: its future is not
        // provably `Send` here, which the desktop app's commands need.
        conn.execute(begin.as_str()).await.map_err(|e| classify(&e))?;
        match statement.fetch_one(&mut *conn).await {
            Ok(row) => {
                conn.execute("COMMIT").await.map_err(|e| classify(&e))?;
                row
            }
            Err(e) => {
                let _ = conn.execute("ROLLBACK").await;
                return Err(classify(&e));
            }
        }
    } else {
        statement.fetch_one(conn).await.map_err(|e| classify(&e))?
    };
    Ok(row.0)
}

pub fn classify(error: &sqlx::Error) -> RequestError {
    let kind = match error {
        sqlx::Error::PoolTimedOut => ErrorKind::Timeout,
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("23505") => ErrorKind::UniqueViolation,
            Some("57014") | Some("55P03") => ErrorKind::Timeout,
            Some(c) if c.starts_with("08") => ErrorKind::ConnectionLost,
            _ => ErrorKind::Other,
        },
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            ErrorKind::ConnectionLost
        }
        _ => ErrorKind::Other,
    };
    let message = match kind {
        ErrorKind::Timeout => "timed out waiting for a connection or the statement".to_string(),
        _ => error.to_string(),
    };
    RequestError { kind, message }
}

/// Runs one scenario to its report. Cancelling stops requests not yet sent;
/// those in flight finish (each is one autocommitted call: it either committed
/// or it did not), and the report counts what was cancelled.
pub async fn run(
    pool: &Db,
    options: &RunOptions,
    progress: RunProgressFn<'_>,
    cancel: &CancellationToken,
) -> Result<RunReport> {
    // A refused write (no rights, a lock timeout) says so in words; a dropped
    // connection is never retried.
    crate::db::write_once(run_checked(pool, options, progress, cancel))
        .await
        .map_err(|e| pool.classify(e))
}

async fn run_checked(
    pool: &Db,
    options: &RunOptions,
    progress: RunProgressFn<'_>,
    cancel: &CancellationToken,
) -> Result<RunReport> {
    let (scenario, params) = (options.scenario, options.params);
    params.validate(scenario)?;
    if options.unsafe_control && !options.is_sandbox {
        return Err(Error::UnsafeControlOutsideSandbox);
    }
    crate::schema::check_with_function(pool).await?;
    let assignment = if options.unsafe_control {
        setup::install_unsafe_control(pool).await?;
        setup::UNSAFE_CONTROL
    } else {
        setup::SAFE
    };
    if !pool.rules().pooler {
        // Behind a pooler the server's connection count says nothing about
        // ours: the pooler queues clients beyond its own pool size.
        setup::check_capacity(pool, params.concurrent_connections(scenario) + 1).await?;
    }

    let run_id = Uuid::new_v4().simple().to_string();
    let started_at = Utc::now();
    let shipments = match (&options.shipment, scenario.needs_new_shipments()) {
        (Some(key), false) => vec![setup::existing_shipment(pool, key).await?],
        (Some(_), true) => {
            return Err(Error::ScenarioNeedsNewShipments {
                scenario: scenario.title(),
            })
        }
        (None, _) => setup::create_test_shipments(pool, &run_id, params.shipments).await?,
    };
    let ids: Vec<Uuid> = shipments.iter().map(|s| s.id).collect();

    // Every connection of the run carries its name, so the lock watcher can find them.
    let app_name = format!("waybill-run-{}", &run_id[..12]);
    let options_for_requests = (*pool.connect_options()).clone().application_name(&app_name);

    let total = params.total_requests();
    let watcher = lockwatch::start(pool.clone(), app_name.clone());
    let shared = Arc::new(Shared {
        assignment,
        run_id: run_id.clone(),
        scenario,
        epoch: Instant::now(),
        pooler_begin: pool.rules().pooler.then(|| pool.begin_statement().to_string()),
        cancel: cancel.clone(),
        done: AtomicU32::new(0),
        failed: AtomicU32::new(0),
    });
    let shipment_of = |i: u32| -> (u32, Uuid) {
        let s = (i - 1) % ids.len() as u32;
        (s, ids[s as usize])
    };

    let mut tasks: JoinSet<Vec<Outcome>> = JoinSet::new();
    if scenario.dedicated_connections() {
        let connections = open_connections(&options_for_requests, total).await?;
        // A barrier, not a loop of spawns: all requests are released at the same instant.
        let barrier = Arc::new(Barrier::new(if scenario == Scenario::Staggered {
            1
        } else {
            total as usize
        }));
        let delay = Duration::from_millis(params.delay_ms as u64);
        let first_start = Instant::now() + Duration::from_millis(20);
        for (i, mut conn) in (1..=total).zip(connections) {
            let (shared, barrier, shipment) = (shared.clone(), barrier.clone(), shipment_of(i));
            tasks.spawn(async move {
                if scenario == Scenario::Staggered {
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
    } else {
        // The pool's own timeout only bounds opening connections (warm-up, or
        // re-connecting after a break); how long a request may wait for a busy
        // pool is the run's parameter, enforced per request in `pooled_request`.
        let request_pool = PgPoolOptions::new()
            .max_connections(params.pool_size)
            .acquire_timeout(Duration::from_secs(30))
            // No ping before each request: it would double the round trips, and
            // the runner, not the database, would set the pace. A broken
            // connection still shows, as a classified error of that request.
            .test_before_acquire(false)
            .connect_lazy_with(options_for_requests.clone());
        let acquire_timeout = Duration::from_millis(params.acquire_timeout_ms as u64);
        warm_up(&request_pool, params.pool_size, &options_for_requests).await?;
        if scenario == Scenario::PoolExhaustion {
            // More requests at once than the pool has connections.
            let barrier = Arc::new(Barrier::new(total as usize));
            for i in 1..=total {
                let (shared, barrier, pool, shipment) =
                    (shared.clone(), barrier.clone(), request_pool.clone(), shipment_of(i));
                tasks.spawn(async move {
                    barrier.wait().await;
                    if shared.cancel.is_cancelled() {
                        return vec![None];
                    }
                    vec![Some(pooled_request(&shared, &pool, acquire_timeout, i, shipment).await)]
                });
            }
        } else {
            // Rapid fire: `pool_size` clients send requests back to back, each
            // keeping its connection between requests (as pgbench's clients do)
            // and taking a new one from the pool only if it broke.
            let next = Arc::new(AtomicU32::new(1));
            let shipment_ids = Arc::new(ids.clone());
            for _ in 0..params.pool_size.min(total) {
                let (shared, pool, next, ids) =
                    (shared.clone(), request_pool.clone(), next.clone(), shipment_ids.clone());
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
                        let shipment = ((i - 1) % ids.len() as u32, ids[(i - 1) as usize % ids.len()]);
                        let start = Instant::now();
                        let mut conn = match held.take() {
                            Some(conn) => conn,
                            None => match acquire(&pool, acquire_timeout).await {
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
    }

    let mut requests = Vec::with_capacity(total as usize);
    let mut cancelled = 0;
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let run_start = Instant::now();
    let report_progress = |shared: &Shared| {
        progress(RunProgress {
            scenario,
            run: 1,
            runs: 1,
            done: shared.done.load(Ordering::Relaxed),
            failed: shared.failed.load(Ordering::Relaxed),
            total,
            elapsed_ms: run_start.elapsed().as_secs_f64() * 1000.0,
        })
    };
    loop {
        tokio::select! {
            joined = tasks.join_next() => match joined {
                Some(outcomes) => {
                    for outcome in outcomes.map_err(|e| Error::internal(format!("a request task failed: {e}")))? {
                        match outcome {
                            Some(record) => requests.push(record),
                            None => cancelled += 1,
                        }
                    }
                }
                None => break,
            },
            _ = ticker.tick() => report_progress(&shared),
        }
    }
    report_progress(&shared);
    let lock_wait_share = watcher.stop().await;

    requests.sort_by_key(|r| r.index);
    let elapsed_ms = span_ms(&requests);
    let stored = stored_rows(pool, assignment, &ids, &run_id).await?;
    let checks = verdict::judge(scenario, &params, &requests, cancelled, elapsed_ms, &stored);
    Ok(RunReport {
        id: run_id,
        scenario,
        params,
        database: options.database.clone(),
        unsafe_control: options.unsafe_control,
        started_at,
        elapsed_ms,
        shipments,
        stats: stats::summarize(&requests, elapsed_ms),
        passed: checks.iter().all(|c| c.passed),
        checks,
        requests,
        cancelled,
        lock_wait_share,
    })
}

async fn pooled_request(
    shared: &Shared,
    pool: &PgPool,
    timeout: Duration,
    index: u32,
    shipment: (u32, Uuid),
) -> RequestRecord {
    let start = Instant::now();
    let mut conn = match acquire(pool, timeout).await {
        Ok(conn) => conn,
        Err(e) => return shared.finish(index, shipment.0, start, Err(e)),
    };
    shared.request(&mut conn, index, shipment, start).await
}

/// A connection from the pool within `timeout`, or a Timeout error of the request.
async fn acquire(pool: &PgPool, timeout: Duration) -> Result<PoolConnection<Postgres>, RequestError> {
    match tokio::time::timeout(timeout, pool.acquire()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(classify(&e)),
        Err(_) => Err(RequestError {
            kind: ErrorKind::Timeout,
            message: format!("no pooled connection became free within {} ms", timeout.as_millis()),
        }),
    }
}

/// The time from the first request's start to the last one's end.
fn span_ms(requests: &[RequestRecord]) -> f64 {
    let first = requests.iter().map(|r| r.start_ms).fold(f64::INFINITY, f64::min);
    let last = requests.iter().map(|r| r.end_ms).fold(f64::NEG_INFINITY, f64::max);
    if requests.is_empty() {
        0.0
    } else {
        last - first
    }
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

/// Fills the pool before the run, so that requests measure contention, not connecting.
async fn warm_up(pool: &PgPool, size: u32, options: &PgConnectOptions) -> Result<()> {
    let mut held = Vec::new();
    for _ in 0..size {
        held.push(
            pool.acquire()
                .await
                .map_err(|e| Endpoint::of(options).connect_error(e))?,
        );
    }
    Ok(())
}

async fn stored_rows(pool: &Db, assignment: Assignment, ids: &[Uuid], run_id: &str) -> Result<Vec<StoredRow>> {
    let sql = format!(
        "SELECT shipment_id, version_no, changes ->> 'waybill_request'
           FROM {} WHERE shipment_id = ANY($1) ORDER BY shipment_id, version_no",
        assignment.history_table
    );
    let mut tx = crate::db::begin_read_only(pool).await?;
    let rows: Vec<(Uuid, i32, Option<String>)> = crate::db::query_as(&sql).bind(ids).fetch_all(&mut *tx).await?;
    let prefix = format!("{run_id}/");
    Ok(rows
        .into_iter()
        .map(|(shipment, version, marker)| StoredRow {
            shipment: ids.iter().position(|id| *id == shipment).unwrap_or(0) as u32,
            version,
            request: marker.and_then(|m| m.strip_prefix(&prefix).and_then(|i| i.parse().ok())),
        })
        .collect())
}

/// The desktop app awaits `run` inside a command, which must be `Send`; a
/// higher-ranked lifetime slip anywhere below breaks that, and it shows here.
#[cfg(test)]
#[allow(dead_code)]
fn run_future_is_send(db: &Db, options: &RunOptions, cancel: &CancellationToken) {
    fn is_send<T: Send>(_: T) {}
    is_send(run(db, options, &|_| {}, cancel));
}
