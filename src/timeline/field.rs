//! A field's own history: every version that changed one field of a shipment,
//! with the value before and after, who and when. The question support staff
//! actually ask: "who changed the destination, and what was it before?"

use serde::Serialize;
use serde_json::Value;
use sqlx::QueryBuilder;
use ts_rs::TS;

use crate::db::Db;
use crate::domain::changes;
use crate::domain::json;
use crate::domain::layout::numbering::{push_ord_cmp, push_ord_order, push_ord_out, Numbers};
use crate::domain::layout::OrdKey;
use crate::domain::reads::check_limit;
use crate::domain::Moment;
use crate::domain::{resolve, Resolved, ShipmentRef};
use crate::error::{Error, Field, Result};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FieldChangeEntry {
    pub version_no: i32,
    pub event_type: String,
    pub actor_id: Option<String>,
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
    ord: i64,
    ord2: i64,
    event_type: String,
    actor_id: Option<String>,
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
    let (shipment, rows, numbers) = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let Resolved { shipment, layout } = resolve(db, &mut tx, key).await?;
            let numbers = Numbers::of(&layout, &mut tx, &shipment.id).await?;
            let mut q = QueryBuilder::new("SELECT ");
            push_ord_out(&mut q, &layout);
            q.push(
                ", COALESCE(h.event_type, '') AS event_type, h.actor_id::text AS actor_id, h.actor_name, h.\"timestamp\",
                  CASE WHEN octet_length(h.description) <= 4096 THEN h.description
                       ELSE left(h.description, 1000) || '…' END AS description,
                  (h.changes -> ",
            )
            .push_bind(field.to_string())
            .push(")::text AS change FROM ");
            layout.push_from(&mut q);
            q.push(" WHERE h.shipment_id = ");
            layout.push_key(&mut q, &shipment.id);
            q.push(" AND jsonb_typeof(h.changes) = 'object' AND h.changes ? ")
                .push_bind(field.to_string());
            if let Some(v) = before_version {
                q.push(" AND ");
                push_ord_cmp(&mut q, &layout, "<", numbers.ord_below(v));
            }
            q.push(" ORDER BY ");
            push_ord_order(&mut q, &layout, "DESC");
            q.push(" LIMIT ").push_bind(i64::from(limit) + 1);
            let rows: Vec<Row> = q.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
            Ok((shipment, rows, numbers))
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
            version_no: numbers.version(OrdKey(row.ord, row.ord2)),
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
