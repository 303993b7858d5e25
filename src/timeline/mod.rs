//! A shipment's version history as people read it: pages of the timeline
//! (newest first, keyset-paged on `version_no`, never OFFSET or a full COUNT),
//! filters, one version with its diff, blame, the state as of a time, one
//! actor's changes across shipments, activity per day, and streamed exports.
//! Everything here only reads, each call in one read-only transaction.

pub mod activity;
pub mod actor;
pub mod blame;
pub mod diff;
pub mod export;
pub mod field;
pub mod statements;
pub mod version;

use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use ts_rs::TS;

use crate::db::Db;
use crate::domain::layout::numbering::Numbers;
use crate::domain::layout::{Layout, OrdKey};
use crate::domain::reads::{check_limit, keyset_rows, page_query, EntryRow, Seek, TimelineEntry};
use crate::domain::{resolve, Moment, Resolved, ShipmentRef, TimelineFilter};
use crate::error::{Error, Field, Result};

/// A page of a shipment's timeline, newest first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TimelinePage {
    pub shipment: ShipmentRef,
    pub entries: Vec<TimelineEntry>,
    /// Pass as `before_version` for the next, older page; none at the end.
    /// A page read with [`newer_page`] leaves it empty: its reader came from there.
    pub next_before: Option<i32>,
    /// Pass as `after_version` for the next newer page ([`newer_page`] only;
    /// a newest-first page does not look above itself).
    pub next_after: Option<i32>,
}

/// Counts a filter bar offers: who changed this shipment and which event types it has.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Facets {
    pub shipment: ShipmentRef,
    pub actors: Vec<ActorCount>,
    pub event_types: Vec<EventTypeCount>,
    pub first: Option<Moment>,
    pub last: Option<Moment>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ActorCount {
    /// As the history names them.
    pub id: String,
    pub name: Option<String>,
    #[ts(type = "number")]
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct EventTypeCount {
    pub event_type: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// One page of a shipment's timeline, newest first. `before_version` continues
/// from the previous page's `next_before`: a keyset page costs the same at any depth.
pub async fn page(
    db: &Db,
    key: &str,
    filter: &TimelineFilter,
    before_version: Option<i32>,
    limit: u32,
) -> Result<TimelinePage> {
    read_page(db, key, filter, Seek::Older(before_version), limit).await
}

/// The `limit` versions just newer than `after_version` (that match the
/// filter), newest first like every page: what a reader scrolling back up
/// sees again after the app let those rows go to keep its memory bounded.
pub async fn newer_page(
    db: &Db,
    key: &str,
    filter: &TimelineFilter,
    after_version: i32,
    limit: u32,
) -> Result<TimelinePage> {
    read_page(db, key, filter, Seek::Newer(after_version), limit).await
}

async fn read_page(db: &Db, key: &str, filter: &TimelineFilter, seek: Seek<i32>, limit: u32) -> Result<TimelinePage> {
    check_limit(limit)?;
    filter.validate()?;
    match seek {
        Seek::Older(Some(v)) => Error::check_range(Field::BeforeVersion, v.into(), 1, i32::MAX.into())?,
        Seek::Newer(v) => Error::check_range(Field::AfterVersion, v.into(), 0, i32::MAX.into())?,
        Seek::Older(None) => {}
    }
    let (shipment, rows, numbers) = db
        .read(|r| async move {
            let mut conn = r.conn().await;
            let Resolved { shipment, layout } = resolve(db, &mut conn, key).await?;
            // Version numbers to the layout's order keys, and back.
            let numbers = Numbers::of(&layout, &mut conn, &shipment.id).await?;
            let at = match seek {
                Seek::Older(v) => Seek::Older(v.map(|v| numbers.ord_below(v))),
                Seek::Newer(v) => Seek::Newer(numbers.ord(v).unwrap_or(OrdKey(i64::MIN, i64::MIN))),
            };
            let mut q = page_query("SELECT ", &layout, &shipment, filter, at, limit);
            let rows: Vec<EntryRow> = q.build_query_as().persistent(false).fetch_all(&mut *conn).await?;
            Ok((shipment, rows, numbers))
        })
        .await?;
    let (entries, more) = keyset_rows(rows, Some(&numbers), limit, seek);
    let edge = |e: Option<&TimelineEntry>| e.map(|e| e.version_no).filter(|_| more);
    Ok(TimelinePage {
        shipment,
        next_before: matches!(seek, Seek::Older(_)).then(|| edge(entries.last())).flatten(),
        next_after: matches!(seek, Seek::Newer(_)).then(|| edge(entries.first())).flatten(),
        entries,
    })
}

/// Who changed a shipment and which event types it has, with counts.
pub async fn facets(db: &Db, key: &str) -> Result<Facets> {
    db.read(|r| async move { facets_in(db, &mut *r.conn().await, key).await })
        .await
}

async fn facets_in(db: &Db, tx: &mut PgConnection, key: &str) -> Result<Facets> {
    let Resolved { shipment, layout } = resolve(db, &mut *tx, key).await?;
    let [mut actors, mut event_types, mut span] = facets_queries("SELECT ", &layout, &shipment.id);
    let actors: Vec<ActorCount> = actors.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
    let event_types: Vec<EventTypeCount> = event_types
        .build_query_as()
        .persistent(false)
        .fetch_all(&mut *tx)
        .await?;
    let (first, last): (Option<Moment>, Option<Moment>) =
        span.build_query_as().persistent(false).fetch_one(&mut *tx).await?;
    Ok(Facets {
        shipment,
        actors,
        event_types,
        first,
        last,
    })
}

/// The filter menus' three queries after `prefix`: actors with counts, event
/// types with counts, and the first and last change.
pub(crate) fn facets_queries<'a>(prefix: &str, layout: &Layout, key: &str) -> [QueryBuilder<'a, Postgres>; 3] {
    let mut actors = QueryBuilder::new(format!(
        "{prefix}h.actor_id::text AS id, max(h.actor_name) AS name, count(*) AS count FROM "
    ));
    layout.push_from(&mut actors);
    actors.push(" WHERE h.shipment_id = ");
    layout.push_key(&mut actors, key);
    actors.push(" AND h.actor_id IS NOT NULL GROUP BY h.actor_id ORDER BY count DESC, name, id");
    let mut event_types = QueryBuilder::new(format!(
        "{prefix}COALESCE(h.event_type, '') AS event_type, count(*) AS count FROM "
    ));
    layout.push_from(&mut event_types);
    event_types.push(" WHERE h.shipment_id = ");
    layout.push_key(&mut event_types, key);
    event_types.push(" GROUP BY 1 ORDER BY count DESC, 1");
    let mut span = QueryBuilder::new(format!("{prefix}min(h.\"timestamp\"), max(h.\"timestamp\") FROM "));
    layout.push_from(&mut span);
    span.push(" WHERE h.shipment_id = ");
    layout.push_key(&mut span, key);
    [actors, event_types, span]
}
