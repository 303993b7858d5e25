//! The record a history is about (a shipment, an order…), and finding it by
//! the key a person types: its key, or its reference in the records' own
//! table. A record the history still holds but whose row is gone (deleted)
//! is found in the history.

use std::sync::Arc;

use serde::Serialize;
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use super::layout::{self, Layout};
use crate::db::Db;
use crate::error::{Error, Result};

/// Which record a result is about.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ShipmentRef {
    /// Its key in the history, as text.
    pub id: String,
    /// What people recognise it by (a reference), else its key.
    pub reference: String,
    pub title: String,
}

/// A record found, with the layout its history is read through.
pub struct Resolved {
    pub shipment: ShipmentRef,
    pub layout: Arc<Layout>,
}

/// Finds the record `key` names, reading `db`'s history layout on `conn`.
pub async fn resolve(db: &Db, conn: &mut PgConnection, key: &str) -> Result<Resolved> {
    let layout = layout::layout(db, conn).await?;
    let shipment = find(conn, &layout, key).await?;
    Ok(Resolved { shipment, layout })
}

/// Finds a record by key, or by reference (exact first, then ignoring case).
/// Each lookup can use an index: no `OR` across columns.
pub async fn find(conn: &mut PgConnection, layout: &Layout, key: &str) -> Result<ShipmentRef> {
    let key = key.trim();
    let not_found = || Error::ShipmentNotFound {
        noun: layout.noun().to_string(),
        query: key.into(),
    };
    if let Some(r) = layout.records() {
        let columns = format!(
            "SELECT r.{key}::text AS id, COALESCE({label}, r.{key}::text) AS reference, COALESCE({title}, '') AS title FROM {table} r WHERE ",
            key = r.key,
            label = r.label.as_ref().map_or("NULL".to_string(), |l| format!("r.{l}::text")),
            title = r.title.as_ref().map_or("NULL".to_string(), |t| format!("r.{t}::text")),
            table = r.table,
        );
        let mut lookups = Vec::new();
        if layout.key_is_valid(key) {
            let mut q = QueryBuilder::new(&columns);
            q.push(format!("r.{} = ", r.key))
                .push_bind(key.to_string())
                .push(format!("::text::{}", r.key_ty));
            lookups.push(q);
        }
        if let Some(label) = &r.label {
            let mut q = QueryBuilder::new(&columns);
            q.push(format!("r.{label}::text = ")).push_bind(key.to_string());
            lookups.push(q);
            let mut q = QueryBuilder::new(&columns);
            q.push(format!("upper(r.{label}::text) = upper("))
                .push_bind(key.to_string())
                .push(format!(") ORDER BY r.{label} LIMIT 1"));
            lookups.push(q);
        }
        for mut q in lookups {
            if let Some(found) = q
                .build_query_as::<ShipmentRef>()
                .persistent(false)
                .fetch_optional(&mut *conn)
                .await?
            {
                return Ok(found);
            }
        }
    }
    // Not in the records' table (or there is none): a key the history holds.
    if !layout.key_is_valid(key) {
        return Err(not_found());
    }
    let mut q = QueryBuilder::new("SELECT h.shipment_id::text FROM ");
    layout.push_from(&mut q);
    q.push(" WHERE h.shipment_id = ");
    layout.push_key(&mut q, key);
    q.push(" LIMIT 1");
    let found: Option<(String,)> = q.build_query_as().persistent(false).fetch_optional(&mut *conn).await?;
    let (id,) = found.ok_or_else(not_found)?;
    Ok(ShipmentRef {
        reference: id.clone(),
        id,
        title: String::new(),
    })
}
