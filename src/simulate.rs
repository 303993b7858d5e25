//! The simulator: keeps writing realistic changes to the sandbox's shipments,
//! as the people and integrations of a real system would, so that live
//! timelines have something to show. Each change is recorded the one way
//! (`domain::recording`, through `create_history_entry`) and, in the same
//! transaction, brings the shipment row up to date (the function records
//! history; the row is the writer's to change): the integrity scan stays
//! clean. The sandbox only: it writes demo data.

use std::time::Duration;

use rand::seq::IndexedRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::connection::Connection;
use crate::db::Db;
use crate::domain::recording::create_history_entry;
use crate::domain::test_shipments;
use crate::domain::vocabulary::FINAL_STATUSES;
use crate::error::{Error, Field, Result};
use crate::seed::history::HistoryGenerator;

/// Changes per minute the simulator may be asked for.
pub const MAX_RATE: u32 = 6_000;

/// One change written.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Written {
    pub reference: String,
    pub version: i32,
    pub event_type: String,
    pub description: String,
}

/// Writes `per_minute` changes a minute to the sandbox until `cancel`;
/// returns how many. Any other database is refused.
pub async fn simulate(
    conn: &Connection,
    per_minute: u32,
    on_write: &(dyn Fn(&Written) + Sync),
    cancel: &CancellationToken,
) -> Result<u64> {
    if !conn.is_sandbox() {
        return Err(Error::SandboxOnly { what: "the simulator" });
    }
    Error::check_range(Field::Rate, per_minute.into(), 1, MAX_RATE.into())?;
    let db = conn.db();
    let actors: Vec<Uuid> = crate::db::query_as::<(Uuid,)>("SELECT id FROM actors ORDER BY id")
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    // Active shipments: not finished, and not the concurrency test's
    // (recognised by its label, as everywhere else).
    let sql = format!(
        "SELECT s.id, s.reference FROM shipment_requests s
          WHERE NOT (s.status = ANY($1)) AND {}
          ORDER BY s.updated_at DESC LIMIT 200",
        test_shipments::is_real("s")
    );
    let shipments: Vec<(Uuid, String)> = crate::db::query_as(&sql).bind(FINAL_STATUSES).fetch_all(db).await?;
    if actors.is_empty() || shipments.is_empty() {
        return Err(Error::NothingToSimulate);
    }
    let mut shipments = shipments;
    let mut rng = ChaCha8Rng::from_os_rng();
    let pause = Duration::from_millis(60_000 / u64::from(per_minute));
    let mut written = 0;
    while !cancel.is_cancelled() {
        let Some((id, reference)) = shipments.choose(&mut rng).cloned() else {
            // Every one of them has been delivered since the start.
            break;
        };
        let Some(change) = crate::db::write_once(write_one(db, id, reference, &actors, &mut rng)).await? else {
            // Delivered (by this simulator) or cancelled: it changes no more.
            shipments.retain(|s| s.0 != id);
            continue;
        };
        written += 1;
        on_write(&change);
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep(pause) => {}
        }
    }
    Ok(written)
}

/// Writes the shipment's next change; None (nothing written) once it is finished.
async fn write_one(
    db: &Db,
    id: Uuid,
    reference: String,
    actors: &[Uuid],
    rng: &mut ChaCha8Rng,
) -> Result<Option<Written>> {
    let mut tx = crate::db::begin_write(db).await?;
    let latest: Option<(Option<Value>,)> = crate::db::query_as(
        "SELECT snapshot FROM shipment_history WHERE shipment_id = $1 ORDER BY version_no DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let state = match latest.and_then(|(s,)| s) {
        Some(Value::Object(state)) => state,
        _ => Map::new(),
    };
    let mut generator = HistoryGenerator::resume(rng, actors, state);
    let Some((event_type, description, changes, actor, after)) = generator.next_change(chrono::Utc::now()) else {
        return Ok(None);
    };
    let text = |field: &str| after.get(field).and_then(Value::as_str).map(str::to_string);
    let version = create_history_entry(
        &mut *tx,
        id,
        event_type,
        Some(actor),
        &Value::Object(changes),
        Some(&description),
    )
    .await?
    .version_no;
    // The row takes the state the change recorded (its lock is held since the call).
    crate::db::query(
        "UPDATE shipment_requests
            SET status = COALESCE($2, status), destination = COALESCE($3, destination),
                carrier = $4, eta = $5::timestamptz, title = COALESCE($6, title), updated_at = now()
          WHERE id = $1",
    )
    .bind(id)
    .bind(text("status"))
    .bind(text("destination"))
    .bind(text("carrier"))
    .bind(text("eta"))
    .bind(text("title"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(Written {
        reference,
        version,
        event_type: event_type.to_string(),
        description,
    }))
}
