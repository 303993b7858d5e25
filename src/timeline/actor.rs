//! One actor's changes across all shipments, newest first, with the same
//! filters (the query and its keyset are `domain::reads::actor`).

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::reads::{actor_query, check_limit, keyset_rows, ActorCursor, EntryRow, Seek, TimelineEntry};
use crate::domain::TimelineFilter;
use crate::error::{Error, Field, Result};

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
        let with_actors = crate::domain::actors::has_actors(&mut tx).await?;
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
            let with_actors = crate::domain::actors::has_actors(&mut tx).await?;
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
