//! Finding shipments and reading one with its latest changes. Read-only.

use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::db::Db;
use crate::error::{Error, Field, Result};
use crate::moment::Moment;
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
    /// As stored: `infinity` and years past 9999 included.
    pub eta: Option<Moment>,
    pub updated_at: Option<Moment>,
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

// NULLs where Waybill's own schema has NOT NULL are other people's data too.
const SUMMARY_COLUMNS: &str =
    "s.id, COALESCE(s.reference, '') AS reference, COALESCE(s.title, '') AS title, COALESCE(s.status, '') AS status,
    COALESCE(s.origin, '') AS origin, COALESCE(s.destination, '') AS destination, s.carrier, s.eta, s.updated_at,
    COALESCE((SELECT h.version_no FROM shipment_history h
               WHERE h.shipment_id = s.id ORDER BY h.version_no DESC LIMIT 1), 0) AS versions";

/// Shipments whose reference or title contains `search`, or whose id starts with
/// it; most recently updated first. An empty search lists the latest shipments.
pub async fn search(db: &Db, search: &str, limit: u32) -> Result<Vec<ShipmentSummary>> {
    Error::check_range(Field::Limit, limit.into(), 1, MAX_LIMIT.into())?;
    let search = search.trim();
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}
           FROM shipment_requests s
          WHERE $1 = ''
             OR s.reference ILIKE '%' || $2 || '%'
             OR s.title ILIKE '%' || $2 || '%'
             OR s.id::text LIKE lower($2) || '%'
          ORDER BY s.updated_at DESC NULLS LAST, s.id
          LIMIT $3"
    );
    let pattern = escape_like(search);
    db.read(|r| {
        let (sql, pattern) = (&sql, &pattern);
        async move {
            Ok(crate::db::query_as::<ShipmentSummary>(sql)
                .bind(search)
                .bind(pattern)
                .bind(limit as i64)
                .fetch_all(&mut *r.conn().await)
                .await?)
        }
    })
    .await
}

/// One shipment by id or reference (case-insensitive), with its latest `recent` changes.
pub async fn get(db: &Db, key: &str, recent: u32) -> Result<ShipmentDetail> {
    let shipment = db
        .read(|r| async move {
            let mut conn = r.conn().await;
            let id = timeline::resolve(&mut conn, key).await?.shipment.id;
            let sql = format!("SELECT {SUMMARY_COLUMNS} FROM shipment_requests s WHERE s.id = $1");
            Ok(crate::db::query_as::<ShipmentSummary>(&sql)
                .bind(id)
                .fetch_one(&mut *conn)
                .await?)
        })
        .await?;
    let recent = match recent {
        0 => Vec::new(),
        n => {
            let key = shipment.id.to_string();
            timeline::page(db, &key, &TimelineFilter::default(), None, n.min(MAX_LIMIT))
                .await?
                .entries
        }
    };
    Ok(ShipmentDetail { shipment, recent })
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
