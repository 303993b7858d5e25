//! One actor's changes across all shipments, newest first, with the same filters.
//! Paged by the keyset (timestamp, shipment, version): timestamps tie often
//! (bulk imports, one request touching many shipments), so the time alone is no key.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;
use uuid::Uuid;

use super::{check_limit, keyset_rows, push_entries_from, EntryRow, Seek, TimelineEntry, TimelineFilter};
use crate::db::Db;
use crate::error::{Error, Field, Result};
use crate::moment::Moment;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ActorRef {
    pub id: Uuid,
    /// From the `actors` table, when the database has one that knows them.
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
}

impl ActorRef {
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.id),
            None => self.id.to_string(),
        }
    }
}

/// Where the next page of an actor's changes starts (exclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorCursor {
    /// `null` for a row without a time (those come first, as PostgreSQL sorts NULLs).
    pub timestamp: Option<Moment>,
    pub shipment_id: Uuid,
    pub version_no: i32,
}

/// `2026-11-02T10:00:00.000001Z/<shipment id>/<version>`, for `--before` in scripts.
impl fmt::Display for ActorCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.timestamp.map(|t| t.to_rfc3339()).unwrap_or_else(|| "null".into()),
            self.shipment_id,
            self.version_no
        )
    }
}

impl FromStr for ActorCursor {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                Field::Cursor,
                format!("`{s}` is not a cursor of the actor view (time/shipment/version)"),
            )
        };
        let mut parts = s.split('/');
        let (Some(t), Some(id), Some(v), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        Ok(ActorCursor {
            timestamp: match t {
                "null" => None,
                t => Some(t.parse().map_err(|_| bad())?),
            },
            shipment_id: Uuid::parse_str(id).map_err(|_| bad())?,
            version_no: v.parse().map_err(|_| bad())?,
        })
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActorPage {
    pub actor: ActorRef,
    pub entries: Vec<TimelineEntry>,
    /// Pass as `before` for the next, older page; none at the end (and none
    /// on a page read with [`newer_page`]: its reader came from there).
    pub next: Option<ActorCursor>,
    /// Pass as `after` for the next newer page ([`newer_page`] only).
    pub newer: Option<ActorCursor>,
}

impl ActorCursor {
    /// Where `entry` stands in the actor view's order.
    pub fn of(entry: &TimelineEntry) -> ActorCursor {
        ActorCursor {
            timestamp: entry.timestamp,
            shipment_id: entry.shipment_id,
            version_no: entry.version_no,
        }
    }
}

/// Finds an actor by id, email or display name (case-insensitive). Without an
/// `actors` table only an id can name one, and it must appear in the history.
pub(crate) async fn resolve(conn: &mut PgConnection, key: &str, with_actors: bool) -> Result<ActorRef> {
    let key = key.trim();
    let not_found = || Error::ActorNotFound { query: key.to_string() };
    let id = Uuid::parse_str(key).ok();
    if with_actors {
        let found: Vec<ActorRef> = match id {
            Some(id) => {
                crate::db::query_as("SELECT id, display_name AS name, email, role FROM actors WHERE id = $1")
                    .bind(id)
                    .fetch_all(&mut *conn)
                    .await?
            }
            None => {
                crate::db::query_as(
                    "SELECT id, display_name AS name, email, role FROM actors
                  WHERE lower(email) = lower($1) OR lower(display_name) = lower($1)
                  ORDER BY display_name, id LIMIT 6",
                )
                .bind(key)
                .fetch_all(&mut *conn)
                .await?
            }
        };
        match found.len() {
            1 => return Ok(found.into_iter().next().unwrap()),
            0 if id.is_none() => return Err(not_found()),
            0 => {} // an id the actors table does not know may still be in the history
            _ => {
                return Err(Error::AmbiguousActor {
                    query: key.to_string(),
                    candidates: found
                        .iter()
                        .map(|a| a.email.clone().unwrap_or(a.id.to_string()))
                        .collect(),
                });
            }
        }
    }
    let id = id.ok_or_else(not_found)?;
    let (seen,): (bool,) = crate::db::query_as("SELECT EXISTS (SELECT FROM shipment_history WHERE actor_id = $1)")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    if !seen {
        return Err(not_found());
    }
    Ok(ActorRef {
        id,
        name: None,
        email: None,
        role: None,
    })
}

/// Ids for actor names, emails or ids given on the command line.
pub async fn resolve_many(db: &Db, keys: &[String]) -> Result<Vec<Uuid>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    db.read(|r| async move {
        let mut tx = r.conn().await;
        let with_actors = crate::schema::has_actors(&mut tx).await?;
        let mut ids = Vec::with_capacity(keys.len());
        for key in keys {
            ids.push(resolve(&mut tx, key, with_actors).await?.id);
        }
        Ok(ids)
    })
    .await
}

/// One page of everything an actor changed, newest first. The filter's own
/// `actors` must be empty: the actor is the subject here.
pub async fn page(
    db: &Db,
    key: &str,
    filter: &TimelineFilter,
    before: Option<&ActorCursor>,
    limit: u32,
) -> Result<ActorPage> {
    read_page(db, key, filter, Seek::Older(before), limit).await
}

/// The `limit` changes just newer than `after`, newest first: what a reader
/// scrolling back up sees again after the app let those rows go.
pub async fn newer_page(
    db: &Db,
    key: &str,
    filter: &TimelineFilter,
    after: &ActorCursor,
    limit: u32,
) -> Result<ActorPage> {
    read_page(db, key, filter, Seek::Newer(after), limit).await
}

async fn read_page(
    db: &Db,
    key: &str,
    filter: &TimelineFilter,
    seek: Seek<&ActorCursor>,
    limit: u32,
) -> Result<ActorPage> {
    check_limit(limit)?;
    filter.validate()?;
    if !filter.actors.is_empty() {
        return Err(Error::invalid(
            Field::Filter,
            "the actor view shows one actor; filter it by event type or time instead",
        ));
    }
    let (actor, rows) = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let with_actors = crate::schema::has_actors(&mut tx).await?;
            let actor = resolve(&mut tx, key, with_actors).await?;
            let mut q = actor_query("SELECT ", actor.id, with_actors, filter, seek, limit);
            let rows: Vec<EntryRow> = q.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
            Ok((actor, rows))
        })
        .await?;
    let (entries, more) = keyset_rows(rows, limit, seek);
    let edge = |e: Option<&TimelineEntry>| e.filter(|_| more).map(ActorCursor::of);
    Ok(ActorPage {
        actor,
        next: matches!(seek, Seek::Older(_)).then(|| edge(entries.last())).flatten(),
        newer: matches!(seek, Seek::Newer(_)).then(|| edge(entries.first())).flatten(),
        entries,
    })
}

/// ` AND …` keeping rows strictly older than `c` in (time, shipment, version)
/// order: a row comparison, which the actor index serves.
pub(crate) fn push_before(q: &mut QueryBuilder<'_, sqlx::Postgres>, c: &ActorCursor) {
    match c.timestamp {
        Some(t) => {
            q.push(" AND (h.\"timestamp\", h.shipment_id, h.version_no) < (")
                .push_bind(t)
                .push(", ")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(")");
        }
        // Rows without a time sort first (NULLS FIRST in a descending order):
        // the rest of them, then every row that has one.
        None => {
            q.push(" AND ((h.\"timestamp\" IS NULL AND (h.shipment_id, h.version_no) < (")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(")) OR h.\"timestamp\" IS NOT NULL)");
        }
    }
}

/// ` AND …` keeping rows strictly newer than `c`: the mirror of [`push_before`].
fn push_after(q: &mut QueryBuilder<'_, sqlx::Postgres>, c: &ActorCursor) {
    match c.timestamp {
        // Rows without a time are the newest of all.
        Some(t) => {
            q.push(" AND ((h.\"timestamp\", h.shipment_id, h.version_no) > (")
                .push_bind(t)
                .push(", ")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(") OR h.\"timestamp\" IS NULL)");
        }
        None => {
            q.push(" AND h.\"timestamp\" IS NULL AND (h.shipment_id, h.version_no) > (")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(")");
        }
    }
}

/// The query behind a page of the actor view, after `prefix` (`SELECT ` or `EXPLAIN … SELECT `).
pub(crate) fn actor_query<'a>(
    prefix: &str,
    actor: Uuid,
    with_actors: bool,
    filter: &TimelineFilter,
    seek: Seek<&ActorCursor>,
    limit: u32,
) -> QueryBuilder<'a, sqlx::Postgres> {
    let mut q = QueryBuilder::new(prefix);
    q.push("s.reference AS shipment_reference, ");
    push_entries_from(&mut q, with_actors, super::Reading::Page, "");
    q.push(" JOIN shipment_requests s ON s.id = h.shipment_id WHERE h.actor_id = ")
        .push_bind(actor);
    match seek {
        Seek::Older(Some(c)) => push_before(&mut q, c),
        Seek::Newer(c) => push_after(&mut q, c),
        Seek::Older(None) => {}
    }
    filter.push_sql(&mut q);
    // Reading upwards is the exact reverse: ASC puts NULLs last as DESC put them first.
    let order = seek.order();
    q.push(format!(
        " ORDER BY h.\"timestamp\" {order}, h.shipment_id {order}, h.version_no {order} LIMIT "
    ))
    .push_bind(limit as i64 + 1);
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_command_line() {
        let cursor = ActorCursor {
            timestamp: Some("2026-11-02T10:00:00.000123Z".parse().unwrap()),
            shipment_id: Uuid::nil(),
            version_no: 42,
        };
        let text = cursor.to_string();
        assert_eq!(
            text,
            "2026-11-02T10:00:00.000123Z/00000000-0000-0000-0000-000000000000/42"
        );
        assert_eq!(text.parse::<ActorCursor>().unwrap(), cursor);
        assert!("yesterday".parse::<ActorCursor>().is_err());
        for stored in ["infinity", "+010000-01-01T00:00:00.000000Z", "null"] {
            let text = format!("{stored}/00000000-0000-0000-0000-000000000000/1");
            assert_eq!(text.parse::<ActorCursor>().unwrap().to_string(), text);
        }
        assert!("2026-11-02T10:00:00Z/not-a-uuid/1".parse::<ActorCursor>().is_err());
    }
}
