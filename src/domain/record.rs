//! The record a history is about (a shipment), and finding it by the key a
//! person types: its id, or its reference.

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};

/// Which shipment a result is about.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ShipmentRef {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
}

/// The shipment a key names, and whether the optional `actors` table exists.
pub struct Resolved {
    pub shipment: ShipmentRef,
    pub with_actors: bool,
}

/// Finds a shipment by id, or by reference (exact first, then ignoring case).
/// Each lookup can use an index: no `OR` across columns.
pub async fn resolve(conn: &mut PgConnection, key: &str) -> Result<Resolved> {
    const COLUMNS: &str = "SELECT s.id, COALESCE(s.reference, ''), COALESCE(s.title, ''),
                                  to_regclass('actors') IS NOT NULL AS with_actors
                             FROM shipment_requests s";
    let key = key.trim();
    let found: Option<(Uuid, String, String, bool)> = if let Ok(id) = Uuid::parse_str(key) {
        crate::db::query_as(&format!("{COLUMNS} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
    } else {
        match crate::db::query_as(&format!("{COLUMNS} WHERE s.reference = $1"))
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?
        {
            Some(found) => Some(found),
            None => {
                crate::db::query_as(&format!(
                    "{COLUMNS} WHERE upper(s.reference) = upper($1) ORDER BY s.reference LIMIT 1"
                ))
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?
            }
        }
    };
    let (id, reference, title, with_actors) = found.ok_or_else(|| Error::ShipmentNotFound { query: key.into() })?;
    Ok(Resolved {
        shipment: ShipmentRef { id, reference, title },
        with_actors,
    })
}
