//! One request of a run: a call of the version-assignment function on a
//! connection, timed on a monotonic clock, and what came of it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::pool::PoolConnection;
use sqlx::{Executor, PgConnection, PgPool, Postgres};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::concurrency::report::{ErrorKind, RequestError, RequestRecord};
use crate::concurrency::scenario::Scenario;
use crate::concurrency::setup::Assignment;

/// What every request of a run shares.
pub(super) struct Shared {
    pub assignment: Assignment,
    pub run_id: String,
    pub scenario: Scenario,
    pub epoch: Instant,
    pub cancel: CancellationToken,
    pub done: AtomicU32,
    pub failed: AtomicU32,
    /// Behind a transaction pooler each call is wrapped in this BEGIN (with the
    /// profile's schema) … COMMIT (see `db::query`); directly it stays one
    /// autocommitted statement, so the lock is held no longer than the call.
    pub pooler_begin: Option<String>,
}

impl Shared {
    fn ms(&self, at: Instant) -> f64 {
        at.duration_since(self.epoch).as_secs_f64() * 1000.0
    }

    /// Sends request `index` on `conn` for `shipment` (its index in the run's
    /// shipments, and its id) and records it.
    pub async fn request(
        &self,
        conn: &mut PgConnection,
        index: u32,
        shipment: (u32, Uuid),
        start: Instant,
    ) -> RequestRecord {
        let result = call(conn, self, index, shipment.1).await;
        self.finish(index, shipment.0, start, result)
    }

    pub fn finish(
        &self,
        index: u32,
        shipment: u32,
        start: Instant,
        result: Result<i32, RequestError>,
    ) -> RequestRecord {
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
    // The one exception to "unnamed statements only" (see `db::query`): these
    // are the run's own connections. Directly, a named statement is parsed once
    // per connection and each call is one round trip, as in pgbench -M prepared
    // (the unnamed one costs a second round trip per call, which showed at one
    // client: 0.79 of pgbench). Through a transaction pooler, named statements
    // break, so there it stays unnamed.
    let statement = sqlx::query_as::<_, (i32, DateTime<Utc>)>(shared.assignment.call)
        .persistent(shared.pooler_begin.is_none())
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
            // 57014 is both the statement timeout and a cancel; the message tells which.
            Some("57014") if db.message().contains("user request") => ErrorKind::Cancelled,
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
        ErrorKind::Timeout => "timed out waiting for a connection, a lock or the statement".to_string(),
        ErrorKind::Cancelled => "cancelled on the server when the run was cancelled".to_string(),
        _ => error.to_string(),
    };
    RequestError { kind, message }
}

/// A connection from the pool within `timeout`, or a Timeout error of the request.
pub(super) async fn acquire(pool: &PgPool, timeout: Duration) -> Result<PoolConnection<Postgres>, RequestError> {
    match tokio::time::timeout(timeout, pool.acquire()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(classify(&e)),
        Err(_) => Err(RequestError {
            kind: ErrorKind::Timeout,
            message: format!("no pooled connection became free within {} ms", timeout.as_millis()),
        }),
    }
}
