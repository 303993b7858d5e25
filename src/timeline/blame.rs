//! Blame: for each field of a shipment, the version that last changed it, who
//! made that change and when. "Who changed the delivery address?" in one look.

use serde::Serialize;
use serde_json::Value;
use sqlx::QueryBuilder;
use ts_rs::TS;

use crate::db::Db;
use crate::domain::changes;
use crate::domain::json;
use crate::domain::layout::numbering::{push_ord_order, push_ord_out, Numbers};
use crate::domain::layout::OrdKey;
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
    pub actor_id: Option<String>,
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
    ord: i64,
    ord2: i64,
    version_no: Option<i32>,
    event_type: String,
    actor_id: Option<String>,
    actor_name: Option<String>,
    timestamp: Option<Moment>,
}

/// Who last changed each field of a shipment.
pub async fn blame(db: &Db, key: &str) -> Result<Blame> {
    let (shipment, rows, latest, numbers) = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let Resolved { shipment, layout } = resolve(db, &mut tx, key).await?;
            let numbers = Numbers::of(&layout, &mut tx, &shipment.id).await?;
            let rows: Vec<Row> = blame_query("SELECT ", &layout, &shipment.id)
                .build_query_as()
                .persistent(false)
                .fetch_all(&mut *tx)
                .await?;
            // The latest snapshot's field names only: it may be large.
            let mut q = QueryBuilder::new("SELECT ");
            push_ord_out(&mut q, &layout);
            q.push(
                ", CASE WHEN jsonb_typeof(h.snapshot) = 'object' THEN ARRAY(SELECT jsonb_object_keys(h.snapshot)) END FROM ",
            );
            layout.push_from(&mut q);
            q.push(" WHERE h.shipment_id = ");
            layout.push_key(&mut q, &shipment.id);
            q.push(" ORDER BY ");
            push_ord_order(&mut q, &layout, "DESC");
            q.push(" LIMIT 1");
            let latest: Option<(i64, i64, Option<Vec<String>>)> =
                q.build_query_as().persistent(false).fetch_optional(&mut *tx).await?;
            Ok((shipment, rows, latest, numbers))
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
                version_no: r.version_no.unwrap_or_else(|| numbers.version(OrdKey(r.ord, r.ord2))),
                event_type: r.event_type,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                timestamp: r.timestamp,
            }
        })
        .collect();
    let (latest_version, snapshot) = latest
        .map(|(a, b, keys)| (numbers.version(OrdKey(a, b)), keys))
        .unwrap_or((0, None));
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
