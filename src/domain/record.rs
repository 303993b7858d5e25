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
        if layout::fits(key, &r.key_ty) {
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
    // Not in the records' table (or there is none): a key the history holds,
    // or, where its rows are whole records, the label a deleted one had.
    let mut id = None;
    if layout.key_is_valid(key) {
        let mut q = QueryBuilder::new("SELECT h.shipment_id::text FROM ");
        layout.push_keys_as(&mut q, "h");
        q.push(" WHERE h.shipment_id = ");
        layout.push_key(&mut q, key);
        q.push(" LIMIT 1");
        id = q
            .build_query_scalar()
            .persistent(false)
            .fetch_optional(&mut *conn)
            .await?;
    }
    if id.is_none() {
        if let Some(mut q) = layout.key_by_label_query(key) {
            id = q
                .build_query_scalar()
                .persistent(false)
                .fetch_optional(&mut *conn)
                .await?;
        }
    }
    let id: String = id.ok_or_else(not_found)?;
    let (reference, title) = named_by_history(conn, layout, &id).await?;
    Ok(ShipmentRef {
        reference: reference.unwrap_or_else(|| id.clone()),
        title: title.unwrap_or_default(),
        id,
    })
}

/// The label and title a record's history last gave it: how a record whose
/// row is gone is named.
async fn named_by_history(
    conn: &mut PgConnection,
    layout: &Layout,
    id: &str,
) -> Result<(Option<String>, Option<String>)> {
    let Some(r) = layout.records() else {
        return Ok((None, None));
    };
    let mut q = QueryBuilder::new("SELECT ");
    for (i, name) in [&r.label_name, &r.title_name].into_iter().enumerate() {
        q.push(if i > 0 { ", " } else { "" });
        match name {
            Some(name) => layout.push_named_by_history(&mut q, name, |q| layout.push_key(q, id)),
            None => {
                q.push("NULL::text");
            }
        }
    }
    Ok(q.build_query_as().persistent(false).fetch_one(&mut *conn).await?)
}

/// A record by key, as people know it: its reference, title and status.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Named {
    pub id: String,
    pub reference: String,
    pub title: String,
    /// Its status now; `deleted` where its row is gone; empty where the
    /// layout has no records table or no status.
    pub status: String,
}

/// The records `keys` (as text, each valid for the layout) name, in one
/// statement: from the records table where the layout has one, a record
/// whose row is gone named as its history last named it, else by its key.
pub async fn named(conn: &mut PgConnection, layout: &Layout, keys: Vec<String>) -> Result<Vec<Named>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::new("SELECT k.id::text AS id, ");
    let Some(r) = layout.records() else {
        q.push("k.id::text AS reference, '' AS title, '' AS status FROM unnest(");
        layout.push_key_array(&mut q, keys);
        q.push(") k(id)");
        return Ok(q.build_query_as().persistent(false).fetch_all(&mut *conn).await?);
    };
    let column = |c: Option<&String>| c.map_or("NULL::text".to_string(), |c| format!("r.{c}::text"));
    for (column, name, alias) in [
        (column(r.label.as_ref()), r.label_name.as_ref(), "reference"),
        (column(r.title.as_ref()), r.title_name.as_ref(), "title"),
    ] {
        q.push(format!("COALESCE({column}, "));
        if let Some(name) = name {
            q.push(format!("CASE WHEN r.{} IS NULL THEN ", r.key));
            layout.push_named_by_history(&mut q, name, |q| {
                q.push("k.id");
            });
            q.push(" END, ");
        }
        q.push(if alias == "reference" { "k.id::text" } else { "''" });
        q.push(format!(") AS {alias}, "));
    }
    q.push(format!(
        "COALESCE({}, CASE WHEN r.{} IS NULL THEN 'deleted' END, '') AS status FROM unnest(",
        column(r.status.as_ref()),
        r.key
    ));
    layout.push_key_array(&mut q, keys);
    q.push(format!(
        ") k(id) LEFT JOIN {} r ON {}",
        r.table,
        layout.records_key_eq("r", "k.id")
    ));
    Ok(q.build_query_as().persistent(false).fetch_all(&mut *conn).await?)
}
