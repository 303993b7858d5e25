//! Runs a scenario: prepare (check, set up the shipments and connections) →
//! spawn its requests (one function per strategy, see `strategies`) → collect
//! their outcomes with live progress → judge them against what the database holds.

mod request;
mod strategies;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::postgres::PgConnectOptions;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub use request::classify;
use request::Shared;
use strategies::Tasks;

use super::lockwatch;
use super::report::{RequestRecord, RunProgress, RunReport, TargetShipment};
use super::scenario::{Params, Scenario};
use super::setup::{self, Assignment};
use super::stats;
use super::verdict::{self, StoredRow};
use crate::db::Db;
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
    /// Keep the test shipments a run creates on a database that is not the
    /// sandbox (they are removed when the run ends, whatever its outcome).
    pub keep_test_shipments: bool,
}

pub type RunProgressFn<'a> = &'a (dyn Fn(RunProgress) + Send + Sync);

/// Runs one scenario to its report. Cancelling stops requests not yet sent;
/// those in flight finish (each is one autocommitted call: it either committed
/// or it did not), and the report counts what was cancelled.
pub async fn run(
    db: &Db,
    options: &RunOptions,
    progress: RunProgressFn<'_>,
    cancel: &CancellationToken,
) -> Result<RunReport> {
    // A refused write (no rights, a lock timeout) says so in words; a dropped
    // connection is never retried.
    crate::db::write_once(run_checked(db, options, progress, cancel))
        .await
        .map_err(|e| db.classify(e))
}

/// What a run needs before its first request.
struct Prepared {
    assignment: Assignment,
    run_id: String,
    started_at: chrono::DateTime<Utc>,
    shipments: Vec<TargetShipment>,
    /// Every connection of the run carries this name, so the lock watcher can find them.
    app_name: String,
    request_options: PgConnectOptions,
}

async fn run_checked(
    db: &Db,
    options: &RunOptions,
    progress: RunProgressFn<'_>,
    cancel: &CancellationToken,
) -> Result<RunReport> {
    let prepared = prepare(db, options).await?;
    let ids: Arc<Vec<Uuid>> = Arc::new(prepared.shipments.iter().map(|s| s.id).collect());
    let (scenario, params) = (options.scenario, options.params);
    let watcher = lockwatch::start(db.clone(), prepared.app_name.clone());
    let shared = Arc::new(Shared {
        assignment: prepared.assignment,
        run_id: prepared.run_id.clone(),
        scenario,
        epoch: Instant::now(),
        pooler_begin: db.rules().pooler.then(|| {
            let limit = params.request_timeout_ms();
            format!(
                "{}; SET LOCAL statement_timeout = {limit}; SET LOCAL lock_timeout = {limit}",
                db.begin_statement()
            )
        }),
        cancel: cancel.clone(),
        done: AtomicU32::new(0),
        failed: AtomicU32::new(0),
    });

    // A cancel also stops the requests in flight, on the server: a request the
    // user gave up on must not commit later (when a lock it waits for is freed).
    let canceller = cancel_on_server(db.clone(), prepared.app_name.clone(), cancel.clone());
    let mut tasks = Tasks::new();
    // The pool of the pooled strategies lives until every request is collected.
    let outcome = match spawn(&mut tasks, &shared, &prepared.request_options, &params, &ids).await {
        Ok(_pool) => collect(tasks, &shared, &params, progress).await,
        Err(e) => Err(e),
    };
    canceller.abort();
    let lock_wait_share = watcher.stop().await;
    let judged = match outcome {
        Ok((requests, cancelled)) => judge(db, &prepared, options, &ids, requests, cancelled).await,
        Err(e) => Err(e),
    };
    // The run's own test shipments go, whatever happened, on anything but the sandbox.
    let removed = if options.is_sandbox
        || options.keep_test_shipments
        || prepared.shipments.iter().all(|s| !s.created_for_test)
    {
        false
    } else {
        let created: Vec<Uuid> = prepared
            .shipments
            .iter()
            .filter(|s| s.created_for_test)
            .map(|s| s.id)
            .collect();
        match setup::remove_test_shipments(db, &created).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!("removing the run's test shipments failed: {e}");
                false
            }
        }
    };
    let mut report = judged?;
    report.test_shipments_removed = removed;
    report.lock_wait_share = lock_wait_share;
    Ok(report)
}

/// Cancels the run's statements in flight when `cancel` fires (they carry the
/// run's application name).
fn cancel_on_server(db: Db, app_name: String, cancel: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        cancel.cancelled().await;
        // Twice, a moment apart: a request sent just as the cancel came is caught too.
        for _ in 0..2 {
            let sql = "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity
                        WHERE application_name = $1 AND state = 'active' AND pid <> pg_backend_pid()";
            let result = crate::db::query(sql).bind(&app_name).execute(&db).await;
            if let Err(e) = result {
                tracing::warn!("cancelling the run's statements on the server failed: {e}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
}

/// The report: the requests against what the database holds afterwards.
async fn judge(
    db: &Db,
    prepared: &Prepared,
    options: &RunOptions,
    ids: &[Uuid],
    mut requests: Vec<RequestRecord>,
    cancelled: u32,
) -> Result<RunReport> {
    let (scenario, params) = (options.scenario, options.params);
    requests.sort_by_key(|r| r.index);
    let elapsed_ms = span_ms(&requests);
    let stored = stored_rows(db, prepared.assignment, ids, &prepared.run_id).await?;
    let checks = verdict::judge(scenario, &params, &requests, cancelled, elapsed_ms, &stored);
    Ok(RunReport {
        id: prepared.run_id.clone(),
        scenario,
        params,
        database: options.database.clone(),
        unsafe_control: options.unsafe_control,
        started_at: prepared.started_at,
        elapsed_ms,
        shipments: prepared.shipments.clone(),
        stats: stats::summarize(&requests, elapsed_ms),
        passed: checks.iter().all(|c| c.passed),
        checks,
        requests,
        cancelled,
        test_shipments_removed: false,
        lock_wait_share: None,
    })
}

/// Checks the parameters, the schema and the server's spare connections, then
/// sets up the function (the unsafe control on the sandbox) and the shipments.
async fn prepare(db: &Db, options: &RunOptions) -> Result<Prepared> {
    let (scenario, params) = (options.scenario, options.params);
    params.validate(scenario)?;
    setup::check_unsafe_control(options.unsafe_control, options.is_sandbox)?;
    crate::domain::layout::check_version_function(db, "The concurrency test").await?;
    crate::install::check_with_function(db).await?;
    let assignment = if options.unsafe_control {
        setup::install_unsafe_control(db).await?;
        setup::UNSAFE_CONTROL
    } else {
        setup::SAFE
    };
    if !db.rules().pooler {
        // Behind a pooler the server's connection count says nothing about
        // ours: the pooler queues clients beyond its own pool size.
        setup::check_capacity(db, params.concurrent_connections(scenario) + 1).await?;
    }
    let run_id = Uuid::new_v4().simple().to_string();
    let started_at = Utc::now();
    let shipments = match (&options.shipment, scenario.needs_new_shipments()) {
        (Some(key), false) => vec![setup::existing_shipment(db, key).await?],
        (Some(_), true) => {
            return Err(Error::ScenarioNeedsNewShipments {
                scenario: scenario.title(),
            })
        }
        (None, _) => setup::create_test_shipments(db, &run_id, params.shipments).await?,
    };
    let app_name = format!("waybill-run-{}", &run_id[..12]);
    // Every request is bounded by the run's own limit, also on the server: a
    // shipment locked by someone else makes requests time out, not hang.
    let limit = params.request_timeout_ms();
    let mut request_options = (*db.connect_options()).clone().application_name(&app_name);
    if !db.rules().pooler {
        request_options = request_options.options([
            ("statement_timeout", limit.to_string()),
            ("lock_timeout", limit.to_string()),
        ]);
    }
    Ok(Prepared {
        assignment,
        run_id,
        started_at,
        shipments,
        app_name,
        request_options,
    })
}

/// Starts the scenario's requests; returns the request pool, if it uses one.
async fn spawn(
    tasks: &mut Tasks,
    shared: &Arc<Shared>,
    options: &PgConnectOptions,
    params: &Params,
    ids: &Arc<Vec<Uuid>>,
) -> Result<Option<sqlx::PgPool>> {
    let scenario = shared.scenario;
    if scenario.dedicated_connections() {
        strategies::dedicated(tasks, shared, options, params, ids).await?;
        return Ok(None);
    }
    let pool = strategies::request_pool(options, params.pool_size).await?;
    match scenario {
        Scenario::PoolExhaustion => strategies::pooled_burst(tasks, shared, &pool, params, ids),
        _ => strategies::rapid_fire(tasks, shared, &pool, params, ids),
    }
    Ok(Some(pool))
}

/// Waits for every request, reporting progress every 100 ms; returns the
/// records and how many were cancelled before they were sent.
async fn collect(
    mut tasks: Tasks,
    shared: &Shared,
    params: &Params,
    progress: RunProgressFn<'_>,
) -> Result<(Vec<RequestRecord>, u32)> {
    let total = params.total_requests();
    let mut requests = Vec::with_capacity(total as usize);
    let mut cancelled = 0;
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let run_start = Instant::now();
    let report_progress = || {
        progress(RunProgress {
            scenario: shared.scenario,
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
            _ = ticker.tick() => report_progress(),
        }
    }
    report_progress();
    Ok((requests, cancelled))
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

/// What the database holds for the run's shipments afterwards.
async fn stored_rows(db: &Db, assignment: Assignment, ids: &[Uuid], run_id: &str) -> Result<Vec<StoredRow>> {
    let sql = format!(
        "SELECT shipment_id, version_no, changes ->> 'waybill_request'
           FROM {} WHERE shipment_id = ANY($1) ORDER BY shipment_id, version_no",
        assignment.history_table
    );
    let rows: Vec<(Uuid, i32, Option<String>)> = db
        .read(|r| {
            let sql = &sql;
            async move {
                Ok(crate::db::query_as(sql)
                    .bind(ids)
                    .fetch_all(&mut *r.conn().await)
                    .await?)
            }
        })
        .await?;
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
