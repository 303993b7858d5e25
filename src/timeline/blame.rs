//! Blame: for each field of a shipment, the version that last changed it, who
//! made that change and when. "Who changed the delivery address?" in one look.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::changes;
use crate::domain::json;
use crate::domain::reads::blame_query;
use crate::domain::Moment;
use crate::domain::{resolve, Resolved, ShipmentRef};
use crate::error::Result;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BlameLine {
    pub field: String,
    /// The value that version set (the current one, since no later version changed it).
    pub value: Value,
    /// The value before that change, when it was recorded.
    pub previous: Option<Value>,
    pub version_no: i32,
    pub event_type: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub timestamp: Option<Moment>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Blame {
    pub shipment: ShipmentRef,
    /// Fields by name.
    pub lines: Vec<BlameLine>,
    /// Fields of the latest snapshot that no recorded change ever set.
    pub unattributed: Vec<String>,
    pub latest_version: i32,
}

#[derive(sqlx::FromRow)]
struct Row {
    field: String,
    /// The change's JSON text (read leniently: see `json`).
    change: String,
    version_no: i32,
    event_type: String,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    timestamp: Option<Moment>,
}

/// Who last changed each field of a shipment.
pub async fn blame(db: &Db, key: &str) -> Result<Blame> {
    let (shipment, rows, latest) = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let Resolved { shipment, with_actors } = resolve(&mut tx, key).await?;
            let rows: Vec<Row> = blame_query("SELECT ", shipment.id, with_actors)
                .build_query_as()
                .persistent(false)
                .fetch_all(&mut *tx)
                .await?;
            // The latest snapshot's field names only: it may be large.
            let latest: Option<(i32, Option<Vec<String>>)> = crate::db::query_as(
                "SELECT version_no, CASE WHEN jsonb_typeof(snapshot) = 'object'
                                         THEN ARRAY(SELECT jsonb_object_keys(snapshot)) END
                   FROM shipment_history WHERE shipment_id = $1 ORDER BY version_no DESC LIMIT 1",
            )
            .bind(shipment.id)
            .fetch_optional(&mut *tx)
            .await?;
            Ok((shipment, rows, latest))
        })
        .await?;

    let lines: Vec<BlameLine> = rows
        .into_iter()
        .map(|r| {
            let change = json::parse(&r.change).0;
            BlameLine {
                value: changes::new_value(&change).clone(),
                previous: changes::old_value(&change).cloned(),
                field: r.field,
                version_no: r.version_no,
                event_type: r.event_type,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                timestamp: r.timestamp,
            }
        })
        .collect();
    let (latest_version, snapshot) = latest.unwrap_or((0, None));
    let mut unattributed: Vec<String> = snapshot
        .unwrap_or_default()
        .into_iter()
        .filter(|k| !lines.iter().any(|l| &l.field == k))
        .collect();
    unattributed.sort();
    Ok(Blame {
        shipment,
        lines,
        unattributed,
        latest_version,
    })
}
