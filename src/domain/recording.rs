//! Recording a change: the one way Waybill writes a version (the simulator
//! does, and the tests), through `create_history_entry`, the one function that
//! hands out version numbers (see its migration for why it cannot race). The
//! demo data is loaded with COPY instead: thousands of rows a second, into an
//! empty database nobody else writes to.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NewVersion {
    pub version_no: i32,
    pub timestamp: DateTime<Utc>,
}

pub async fn create_history_entry<'e>(
    executor: impl PgExecutor<'e>,
    shipment_id: Uuid,
    event_type: &str,
    actor_id: Option<Uuid>,
    changes: &serde_json::Value,
    description: Option<&str>,
) -> Result<NewVersion> {
    let row: (i32, DateTime<Utc>) =
        crate::db::query_as("SELECT version_no, \"timestamp\" FROM create_history_entry($1, $2, $3, $4, $5)")
            .bind(shipment_id)
            .bind(event_type)
            .bind(actor_id)
            .bind(changes)
            .bind(description)
            .fetch_one(executor)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.code().as_deref() == Some("P0002") => Error::ShipmentNotFound {
                    noun: "shipment".into(),
                    query: shipment_id.to_string(),
                },
                _ => Error::Database(e),
            })?;
    Ok(NewVersion {
        version_no: row.0,
        timestamp: row.1,
    })
}
