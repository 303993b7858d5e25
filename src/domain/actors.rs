//! Who made a change. A history names its actors by id (or by free text,
//! as PaperTrail's `whodunnit`); its layout may name a table of actors
//! (Waybill's `actors`, Rails' `users`, Django's `auth_user`) whose names
//! every feature then shows instead of ids.

use sqlx::PgConnection;

use super::layout::{ActorTable, Layout};
use crate::error::Result;

/// An actor the actor table knows: its id as the history stores it (as
/// text), its name, and its email where the table has one.
#[derive(Debug, Clone)]
pub struct Named {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

/// The names of the actors `ids` (as text), from the layout's actor table;
/// none where the layout has no table with a name column. Compared as text:
/// a history may keep actors as text where the table's key is a number.
pub async fn names(conn: &mut PgConnection, layout: &Layout, ids: Vec<String>) -> Result<Vec<Named>> {
    let Some(ActorTable {
        table,
        key,
        label: Some(label),
        email,
        ..
    }) = layout.actor_table()
    else {
        return Ok(Vec::new());
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let email = email
        .as_ref()
        .map_or("NULL::text".to_string(), |e| format!("a.{e}::text"));
    let rows: Vec<(String, String, Option<String>)> = crate::db::query_as(&format!(
        "SELECT a.{key}::text, a.{label}::text, {email} FROM {table} a WHERE a.{key}::text = ANY($1) AND a.{label} IS NOT NULL"
    ))
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email)| Named { id, name, email })
        .collect())
}
