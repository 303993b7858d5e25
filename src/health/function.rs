//! Function check: the source of `create_history_entry`, and a live probe that
//! proves it serializes, instead of searching its text for `FOR UPDATE` as the
//! guide's troubleshooting does. Two sessions call it for the same shipment: the
//! second must wait for the first's lock; then both roll back, so nothing is written.

use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::Connection;
use ts_rs::TS;
use uuid::Uuid;

use crate::db::Db;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FunctionCheck {
    /// `CREATE OR REPLACE FUNCTION …` as PostgreSQL prints it, for each overload.
    pub sources: Vec<String>,
    pub probe: ProbeResult,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProbeResult {
    pub serialized: bool,
    pub shipment: String,
    /// How long the second call waited for the first one's lock.
    pub waited_ms: f64,
    pub first_version: Option<i32>,
    pub second_version: Option<i32>,
    /// One line: what happened and what it means.
    pub verdict: String,
}

/// How long the probe watches the second call before calling the result inconclusive.
const WATCH: Duration = Duration::from_secs(5);

/// The function's source and a rolled-back probe on `shipment` (default: the
/// most recently changed one). It locks that shipment's row for well under a
/// second and writes nothing; callers confirm first on a database that is not the sandbox.
pub async fn check(db: &Db, shipment: Option<&str>) -> Result<FunctionCheck> {
    crate::domain::layout::check_version_function(db, "The function probe").await?;
    let sources: Vec<(String,)> = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let sources: Vec<(String,)> = crate::db::query_as(
                "SELECT pg_get_functiondef(p.oid) FROM pg_proc p
                  WHERE p.proname = 'create_history_entry' AND pg_function_is_visible(p.oid)",
            )
            .fetch_all(&mut *tx)
            .await?;
            if sources.is_empty() {
                let (database,): (String,) = crate::db::query_as("SELECT current_database()::text")
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(Error::FunctionMissing { database });
            }
            Ok(sources)
        })
        .await?;
    let probe = probe(db, shipment).await?;
    Ok(FunctionCheck {
        sources: sources.into_iter().map(|s| s.0).collect(),
        probe,
    })
}

async fn probe(db: &Db, shipment: Option<&str>) -> Result<ProbeResult> {
    let mut first = db.acquire().await?.detach();
    let mut other = db.acquire().await?.detach();
    let target = {
        let key = match shipment {
            Some(k) => k.to_string(),
            None => {
                let (id,): (Uuid,) =
                    crate::db::query_as("SELECT id FROM shipment_requests ORDER BY updated_at DESC LIMIT 1")
                        .fetch_optional(&mut first)
                        .await?
                        .ok_or(Error::NoShipments {
                            action: "probe the function with",
                        })?;
                id.to_string()
            }
        };
        let layout = crate::domain::layout::require_waybill(db, &mut first, "The function probe").await?;
        crate::domain::record::find(&mut first, &layout, &key).await?
    };
    let call = "SELECT version_no FROM create_history_entry($1::uuid, 'waybill_probe', NULL, '{}'::jsonb, 'Waybill function probe (rolled back)')";

    let mut a = first.begin().await?;
    let (first_version,): (i32,) = crate::db::query_as(call)
        .bind(target.id.clone())
        .fetch_one(&mut *a)
        .await?;
    let (a_pid,): (i32,) = crate::db::query_as("SELECT pg_backend_pid()")
        .fetch_one(&mut *a)
        .await?;
    let mut a = Some(a);

    let mut b = other.begin().await?;
    crate::db::query("SET LOCAL lock_timeout = '10s'")
        .execute(&mut *b)
        .await?;
    let (b_pid,): (i32,) = crate::db::query_as("SELECT pg_backend_pid()")
        .fetch_one(&mut *b)
        .await?;
    let started = Instant::now();
    let mut second_call = Box::pin(
        crate::db::query_as::<(i32,)>(call)
            .bind(target.id.clone())
            .fetch_one(&mut *b),
    );

    // Either the second call finishes on its own (no serialization), or it is
    // seen waiting on a lock held by the first session (serialization).
    let mut blocked = false;
    let early = loop {
        tokio::select! {
            r = &mut second_call => break Some(r),
            _ = tokio::time::sleep(Duration::from_millis(20)) => {
                let (waiting,): (bool,) = crate::db::query_as("SELECT $2 = ANY(pg_blocking_pids($1))")
                    .bind(b_pid)
                    .bind(a_pid)
                    .fetch_one(db)
                    .await?;
                if waiting || started.elapsed() > WATCH {
                    blocked = waiting;
                    break None;
                }
            }
        }
    };
    let watched_out = early.is_none() && !blocked;
    let (second, waited_ms) = match early {
        Some(r) => (r, started.elapsed().as_secs_f64() * 1000.0),
        None => {
            if let Some(a) = a.take() {
                a.rollback().await?;
            }
            let r = (&mut second_call).await;
            (r, started.elapsed().as_secs_f64() * 1000.0)
        }
    };
    drop(second_call);
    b.rollback().await.ok();
    // Rolled back above when the second call waited; otherwise now.
    if let Some(a) = a.take() {
        a.rollback().await.ok();
    }
    drop(a);
    first.close().await.ok();
    other.close().await.ok();

    let second_version = second.as_ref().ok().map(|r| r.0);
    let (serialized, verdict) = match (&second, blocked) {
        _ if watched_out => (
            false,
            format!(
                "inconclusive: the second call neither finished nor waited on the first one's lock within {} s; run the probe again",
                WATCH.as_secs()
            ),
        ),
        (Ok(_), true) if second_version == Some(first_version) => (
            true,
            format!(
                "serializes: the second call waited {waited_ms:.0} ms for the first one's lock, then got version {first_version} once the first rolled back"
            ),
        ),
        (Ok((v,)), true) => (
            true,
            format!("serializes: the second call waited for the first one's lock, then got version {v}"),
        ),
        (Ok((v,)), false) => (
            false,
            format!(
                "does NOT serialize: a second call for the same shipment did not wait and got version {v} while the first (version {first_version}) was still open; concurrent writers can collide"
            ),
        ),
        (Err(e), _) => (false, format!("the second call failed instead of waiting: {e}")),
    };
    Ok(ProbeResult {
        serialized,
        shipment: target.reference,
        waited_ms,
        first_version: Some(first_version),
        second_version,
        verdict,
    })
}
