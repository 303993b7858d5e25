//! One actor's changes across all shipments, newest first, with the same
//! filters (the query and its keyset are `domain::reads::actor`).

use serde::Serialize;
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use crate::db::Db;
use crate::domain::layout::numbering::Numbers;
use crate::domain::layout::{self, Layout, OrdKey};
use crate::domain::reads::{actor_query, check_limit, keyset_rows, ActorCursor, At, EntryRow, Seek, TimelineEntry};
use crate::domain::TimelineFilter;
use crate::error::{Error, Field, Result};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ActorRef {
    /// As the history names them.
    pub id: String,
    /// From the table naming actors, when the layout has one that knows them.
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

/// Finds an actor by id, email or name (case-insensitive). Without a table
/// naming actors only an id can name one, and it must appear in the history.
pub(crate) async fn resolve(conn: &mut PgConnection, layout: &Layout, key: &str) -> Result<ActorRef> {
    let key = key.trim();
    let not_found = || Error::ActorNotFound { query: key.to_string() };
    if let Some(a) = layout.actor_table() {
        let col = |c: &Option<String>| c.as_ref().map_or("NULL::text".to_string(), |c| format!("a.{c}::text"));
        let select = format!(
            "SELECT a.{}::text AS id, {} AS name, {} AS email, {} AS role FROM {} a WHERE ",
            a.key,
            col(&a.label),
            col(&a.email),
            col(&a.role),
            a.table
        );
        let mut q = QueryBuilder::new(&select);
        if crate::domain::layout::fits(key, &a.key_ty) {
            q.push(format!("a.{} = ", a.key))
                .push_bind(key.to_string())
                .push(format!("::text::{}", a.key_ty));
        } else {
            q.push("false");
            for c in [&a.email, &a.label].into_iter().flatten() {
                q.push(format!(" OR lower(a.{c}::text) = lower("))
                    .push_bind(key.to_string())
                    .push(")");
            }
            q.push(format!(" ORDER BY 2, 1 LIMIT 6"));
        }
        let found: Vec<ActorRef> = q.build_query_as().persistent(false).fetch_all(&mut *conn).await?;
        match found.len() {
            1 => return Ok(found.into_iter().next().expect("one")),
            0 if !layout.actor_is_valid(key) => return Err(not_found()),
            0 => {} // an id the table does not know may still be in the history
            _ => {
                return Err(Error::AmbiguousActor {
                    query: key.to_string(),
                    candidates: found.iter().map(|a| a.email.clone().unwrap_or(a.id.clone())).collect(),
                });
            }
        }
    }
    if !layout.actor_is_valid(key) {
        return Err(not_found());
    }
    let mut q = QueryBuilder::new("SELECT EXISTS (SELECT FROM ");
    layout.push_from(&mut q);
    q.push(" WHERE h.actor_id = ");
    layout.push_actor(&mut q, key);
    q.push(")");
    let (seen,): (bool,) = q.build_query_as().persistent(false).fetch_one(&mut *conn).await?;
    if !seen {
        return Err(not_found());
    }
    Ok(ActorRef {
        id: key.to_string(),
        name: None,
        email: None,
        role: None,
    })
}

/// Ids for actor names, emails or ids given on the command line.
pub async fn resolve_many(db: &Db, keys: &[String]) -> Result<Vec<String>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    db.read(|r| async move {
        let mut tx = r.conn().await;
        let layout = layout::layout(db, &mut tx).await?;
        let mut ids = Vec::with_capacity(keys.len());
        for key in keys {
            ids.push(resolve(&mut tx, &layout, key).await?.id);
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
            let layout = layout::layout(db, &mut tx).await?;
            let actor = resolve(&mut tx, &layout, key).await?;
            let seek_at = match seek {
                Seek::Older(Some(c)) => Seek::Older(Some(At {
                    cursor: c,
                    ord: cursor_ord(&mut tx, &layout, c).await?,
                })),
                Seek::Older(None) => Seek::Older(None),
                Seek::Newer(c) => Seek::Newer(At {
                    cursor: c,
                    ord: cursor_ord(&mut tx, &layout, c).await?,
                }),
            };
            let mut q = actor_query("SELECT ", &layout, &actor.id, filter, seek_at, limit);
            let rows: Vec<EntryRow> = q.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
            Ok((actor, rows))
        })
        .await?;
    let (entries, more) = keyset_rows(rows, None, limit, seek);
    let edge = |e: Option<&TimelineEntry>| e.filter(|_| more).map(ActorCursor::of);
    Ok(ActorPage {
        actor,
        next: matches!(seek, Seek::Older(_)).then(|| edge(entries.last())).flatten(),
        newer: matches!(seek, Seek::Newer(_)).then(|| edge(entries.first())).flatten(),
        entries,
    })
}

/// The cursor's version as its record's order key.
pub(crate) async fn cursor_ord(conn: &mut PgConnection, layout: &Layout, c: &ActorCursor) -> Result<OrdKey> {
    if !layout.key_is_valid(&c.shipment_id) {
        return Ok(OrdKey(i64::MIN, i64::MIN));
    }
    let numbers = Numbers::of(layout, conn, &c.shipment_id).await?;
    Ok(numbers.ord(c.version_no).unwrap_or(numbers.ord_below(c.version_no)))
}
