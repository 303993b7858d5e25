//! Finding shipments and reading one with its latest changes. Read-only.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::db::begin_read_only;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::schema;
use crate::timeline::{self, TimelineEntry, TimelineFilter};

pub const MAX_LIMIT: u32 = 1000;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ShipmentSummary {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub origin: String,
    pub destination: String,
    pub carrier: Option<String>,
    pub eta: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The latest version number (0 for a shipment without history).
    pub versions: i32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShipmentDetail {
    pub shipment: ShipmentSummary,
    /// The latest versions, newest first.
    pub recent: Vec<TimelineEntry>,
}

const SUMMARY_COLUMNS: &str =
    "s.id, s.reference, s.title, s.status, s.origin, s.destination, s.carrier, s.eta, s.updated_at,
    COALESCE((SELECT h.version_no FROM shipment_history h
               WHERE h.shipment_id = s.id ORDER BY h.version_no DESC LIMIT 1), 0) AS versions";

/// Shipments whose reference or title contains `search`, or whose id starts with
/// it; most recently updated first. An empty search lists the latest shipments.
pub async fn search(pool: &Db, search: &str, limit: u32) -> Result<Vec<ShipmentSummary>> {
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Error::InvalidInput(format!(
            "limit must be between 1 and {MAX_LIMIT}, got {limit}"
        )));
    }
    schema::explained(pool, search_rows(pool, search.trim(), limit).await).await
}

async fn search_rows(pool: &Db, search: &str, limit: u32) -> Result<Vec<ShipmentSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}
           FROM shipment_requests s
          WHERE $1 = ''
             OR s.reference ILIKE '%' || $2 || '%'
             OR s.title ILIKE '%' || $2 || '%'
             OR s.id::text LIKE lower($2) || '%'
          ORDER BY s.updated_at DESC, s.id
          LIMIT $3"
    );
    let mut tx = begin_read_only(pool).await?;
    let rows = crate::db::query_as::<ShipmentSummary>(&sql)
        .bind(search)
        .bind(escape_like(search))
        .bind(limit as i64)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// One shipment by id or reference (case-insensitive), with its latest `recent` changes.
pub async fn get(pool: &Db, key: &str, recent: u32) -> Result<ShipmentDetail> {
    let shipment = schema::explained(pool, get_summary(pool, key).await).await?;
    let recent = match recent {
        0 => Vec::new(),
        n => {
            let key = shipment.id.to_string();
            timeline::page(pool, &key, &TimelineFilter::default(), None, n.min(MAX_LIMIT))
                .await?
                .entries
        }
    };
    Ok(ShipmentDetail { shipment, recent })
}

async fn get_summary(pool: &Db, key: &str) -> Result<ShipmentSummary> {
    let mut tx = begin_read_only(pool).await?;
    let id = timeline::resolve(&mut tx, key).await?.shipment.id;
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM shipment_requests s WHERE s.id = $1");
    let shipment = crate::db::query_as::<ShipmentSummary>(&sql)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(shipment)
}

/// Makes user text match literally inside LIKE/ILIKE (default escape is `\`).
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_match_literally() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
        assert_eq!(escape_like("SHP-2026"), "SHP-2026");
    }
}
