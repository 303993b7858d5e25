//! A field's own history: every version that changed one field of a shipment,
//! with the value before and after, who and when. The question support staff
//! actually ask: "who changed the destination, and what was it before?"

use serde::Serialize;
use serde_json::Value;
use sqlx::QueryBuilder;
use ts_rs::TS;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::changes;
use crate::domain::json;
use crate::domain::reads::check_limit;
use crate::domain::Moment;
use crate::domain::{resolve, Resolved, ShipmentRef};
use crate::error::{Error, Field, Result};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FieldChangeEntry {
    pub version_no: i32,
    pub event_type: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub timestamp: Option<Moment>,
    pub description: Option<String>,
    /// The value before: as the change recorded it, else the value the
    /// previous change of this field set (`null` when neither is known).
    pub old: Option<Value>,
    pub new: Value,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FieldHistory {
    pub shipment: ShipmentRef,
    pub field: String,
    /// Newest first.
    pub entries: Vec<FieldChangeEntry>,
    /// Pass as `before_version` for the next, older page; none at the end.
    pub next_before: Option<i32>,
}

#[derive(sqlx::FromRow)]
struct Row {
    version_no: i32,
    event_type: String,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    timestamp: Option<Moment>,
    description: Option<String>,
    change: String,
}

/// The versions of `key` that changed `field` (a top-level field of
/// `changes`), newest first, keyset-paged on the version like the timeline.
pub async fn field_history(
    db: &Db,
    key: &str,
    field: &str,
    before_version: Option<i32>,
    limit: u32,
) -> Result<FieldHistory> {
    check_limit(limit)?;
    if field.trim().is_empty() || field.len() > 200 {
        return Err(Error::invalid(Field::Filter, "name the field whose history to show"));
    }
    let (shipment, rows) = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let Resolved { shipment, with_actors } = resolve(&mut tx, key).await?;
            let mut q =
                QueryBuilder::new("SELECT h.version_no, COALESCE(h.event_type, '') AS event_type, h.actor_id, ");
            q.push(if with_actors { "a.display_name" } else { "NULL::text" })
                .push(
                    " AS actor_name, h.\"timestamp\",
                      CASE WHEN octet_length(h.description) <= 4096 THEN h.description
                           ELSE left(h.description, 1000) || '…' END AS description,
                      (h.changes -> ",
                )
                .push_bind(field.to_string())
                .push(")::text AS change FROM shipment_history h ");
            if with_actors {
                q.push("LEFT JOIN actors a ON a.id = h.actor_id ");
            }
            q.push("WHERE h.shipment_id = ")
                .push_bind(shipment.id)
                .push(" AND jsonb_typeof(h.changes) = 'object' AND h.changes ? ")
                .push_bind(field.to_string());
            if let Some(v) = before_version {
                q.push(" AND h.version_no < ").push_bind(v);
            }
            q.push(" ORDER BY h.version_no DESC LIMIT ")
                .push_bind(i64::from(limit) + 1);
            let rows: Vec<Row> = q.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
            Ok((shipment, rows))
        })
        .await?;
    let more = rows.len() > limit as usize;
    let changes: Vec<Value> = rows.iter().map(|r| json::parse(&r.change).0).collect();
    let mut entries: Vec<FieldChangeEntry> = Vec::with_capacity(rows.len());
    for (i, (row, change)) in rows.into_iter().zip(&changes).enumerate() {
        // A change that did not record its old value: the one before it set it.
        let old = changes::old_value(change)
            .cloned()
            .or_else(|| changes.get(i + 1).map(|older| changes::new_value(older).clone()));
        entries.push(FieldChangeEntry {
            version_no: row.version_no,
            event_type: row.event_type,
            actor_id: row.actor_id,
            actor_name: row.actor_name,
            timestamp: row.timestamp,
            description: row.description,
            old,
            new: changes::new_value(change).clone(),
        });
    }
    if more {
        entries.truncate(limit as usize);
    }
    let next_before = more.then(|| entries.last().map(|e| e.version_no)).flatten();
    Ok(FieldHistory {
        shipment,
        field: field.to_string(),
        entries,
        next_before,
    })
}
