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
mod filter;
pub(crate) mod json;
pub mod statements;
pub mod time;
pub mod version;

use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use ts_rs::TS;
use uuid::Uuid;

use crate::db::Db;
use crate::error::{Error, Field, Result};
use crate::moment::Moment;

pub use filter::TimelineFilter;

/// The most rows one page may hold (the guide's "latest 1,000 versions").
pub const MAX_PAGE: u32 = 1000;

/// Which shipment a result is about.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ShipmentRef {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
}

/// One version as a timeline row.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TimelineEntry {
    pub shipment_id: Uuid,
    pub shipment_reference: String,
    pub version_no: i32,
    pub event_type: String,
    pub actor_id: Option<Uuid>,
    /// The actor's display name when the database has an `actors` table that knows them.
    pub actor_name: Option<String>,
    /// As stored: `infinity` and years past 9999 included; `null` when missing.
    pub timestamp: Option<Moment>,
    /// In a page, a description over 4 kB is cut (the version shows it whole).
    pub description: Option<String>,
    /// The fields this version changed, sorted (empty when `changes` is not an object).
    pub changed_fields: Vec<String>,
    /// What changed, in one line: `status: booked → in_transit; eta: …`.
    pub summary: String,
    /// The first fields changed with their values, for a row to say as people read them.
    pub preview: Vec<diff::ChangePreview>,
}

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

/// Where a keyset page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek<C> {
    /// The newest rows, or those just older than a cursor: reading down.
    Older(Option<C>),
    /// Those just newer than a cursor: the app reading back up to rows its
    /// window of pages let go of (see `ui/src/lib/pager.svelte.ts`).
    Newer(C),
}

impl<C> Seek<C> {
    /// The order a page is read in: newer pages read upwards, then turn round.
    pub(crate) fn order(&self) -> &'static str {
        match self {
            Seek::Older(_) => "DESC",
            Seek::Newer(_) => "ASC",
        }
    }
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
    pub id: Uuid,
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

/// A history row as `push_entries_from` selects it.
#[derive(sqlx::FromRow)]
pub(crate) struct EntryRow {
    shipment_id: Uuid,
    shipment_reference: String,
    version_no: i32,
    event_type: String,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    timestamp: Option<Moment>,
    description: Option<String>,
    /// `changes` as text; in a page only when it is small (see `json::PAGE_VALUE_BYTES`).
    changes_text: Option<String>,
    /// `changes`' stored size, to say how large one left out of a page is.
    changes_bytes: Option<i32>,
}

impl EntryRow {
    /// `changes` read (or its text, with a note, when it cannot be read field by field).
    pub(crate) fn changes(&self) -> (Value, Option<String>) {
        json::parse_opt(self.changes_text.as_deref())
    }
}

impl From<EntryRow> for TimelineEntry {
    fn from(r: EntryRow) -> Self {
        let (changes, unreadable) = r.changes();
        let summary = match (&r.changes_text, r.changes_bytes, unreadable) {
            (None, Some(bytes), _) => format!(
                "(changes too large to summarise here: {} kB; open the version to see them)",
                bytes / 1024
            ),
            (Some(_), _, Some(_)) => "(changes nested too deeply to list; open the version to see their text)".into(),
            _ => diff::summary(&changes),
        };
        TimelineEntry {
            shipment_id: r.shipment_id,
            shipment_reference: r.shipment_reference,
            version_no: r.version_no,
            event_type: r.event_type,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            timestamp: r.timestamp,
            description: r.description,
            changed_fields: diff::changed_fields(&changes),
            preview: diff::preview(&changes),
            summary,
        }
    }
}

/// How much of each row a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// A page: `changes` only when small, descriptions cut at 4 kB, so that a
    /// page costs the same however large other people's values are.
    Page,
    /// Everything, as stored (one version, an export).
    Whole,
}

/// The shipment a key names, and whether the optional `actors` table exists.
pub(crate) struct Resolved {
    pub shipment: ShipmentRef,
    pub with_actors: bool,
}

/// Finds a shipment by id, or by reference (exact first, then ignoring case).
/// Each lookup can use an index: no `OR` across columns.
pub(crate) async fn resolve(conn: &mut PgConnection, key: &str) -> Result<Resolved> {
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

/// A timeline row's columns (plus `extra`) and where they come from:
/// `… FROM shipment_history h [LEFT JOIN actors a …]`. Names come from a join,
/// not a subquery per row: PostgreSQL plans a correlated subquery on a small
/// `actors` table as a sequential scan per row (9 ms for 1,000 rows, against
/// 1 ms joined with a memoized index lookup). `actors` is optional elsewhere.
pub(crate) fn push_entries_from(q: &mut QueryBuilder<'_, Postgres>, with_actors: bool, reading: Reading, extra: &str) {
    // NULLs where Waybill's own schema has NOT NULL are other people's data too.
    q.push("h.shipment_id, h.version_no, COALESCE(h.event_type, '') AS event_type, h.actor_id, h.\"timestamp\", ");
    q.push(match reading {
        Reading::Page => format!(
            "CASE WHEN octet_length(h.description) <= 4096 THEN h.description ELSE left(h.description, 1000) || '…' END AS description,
             CASE WHEN pg_column_size(h.changes) <= {max} AND octet_length(h.changes::text) <= {max}
                  THEN h.changes::text END AS changes_text,
             pg_column_size(h.changes) AS changes_bytes",
            max = json::PAGE_VALUE_BYTES
        ),
        Reading::Whole => "h.description, h.changes::text AS changes_text, pg_column_size(h.changes) AS changes_bytes".into(),
    });
    q.push(extra);
    if with_actors {
        q.push(", a.display_name AS actor_name FROM shipment_history h LEFT JOIN actors a ON a.id = h.actor_id");
    } else {
        q.push(", NULL::text AS actor_name FROM shipment_history h");
    }
}

pub(crate) fn check_limit(limit: u32) -> Result<()> {
    Error::check_range(Field::PageSize, limit.into(), 1, MAX_PAGE.into())
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
    let (shipment, rows) = db
        .read(|r| async move {
            let mut conn = r.conn().await;
            let Resolved { shipment, with_actors } = resolve(&mut conn, key).await?;
            let mut q = page_query("SELECT ", &shipment, with_actors, filter, seek, limit);
            let rows: Vec<EntryRow> = q.build_query_as().persistent(false).fetch_all(&mut *conn).await?;
            Ok((shipment, rows))
        })
        .await?;
    let (entries, more) = keyset_rows(rows, limit, seek);
    let edge = |e: Option<&TimelineEntry>| e.map(|e| e.version_no).filter(|_| more);
    Ok(TimelinePage {
        shipment,
        next_before: matches!(seek, Seek::Older(_)).then(|| edge(entries.last())).flatten(),
        next_after: matches!(seek, Seek::Newer(_)).then(|| edge(entries.first())).flatten(),
        entries,
    })
}

/// A page's rows newest first, and whether another page lies beyond them:
/// the query reads one row more than `limit`, in `seek`'s direction.
pub(crate) fn keyset_rows<C>(rows: Vec<EntryRow>, limit: u32, seek: Seek<C>) -> (Vec<TimelineEntry>, bool) {
    let mut entries: Vec<TimelineEntry> = rows.into_iter().map(TimelineEntry::from).collect();
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    if matches!(seek, Seek::Newer(_)) {
        entries.reverse();
    }
    (entries, more)
}

/// The query behind a timeline page, after `prefix` (`SELECT ` or `EXPLAIN … SELECT `):
/// index health explains exactly what the app runs.
pub(crate) fn page_query<'a>(
    prefix: &str,
    shipment: &ShipmentRef,
    with_actors: bool,
    filter: &TimelineFilter,
    seek: Seek<i32>,
    limit: u32,
) -> QueryBuilder<'a, Postgres> {
    let mut q = QueryBuilder::new(prefix);
    q.push_bind(shipment.reference.clone())
        .push("::text AS shipment_reference, ");
    push_entries_from(&mut q, with_actors, Reading::Page, "");
    q.push(" WHERE h.shipment_id = ").push_bind(shipment.id);
    match seek {
        Seek::Older(Some(v)) => {
            q.push(" AND h.version_no < ").push_bind(v);
        }
        Seek::Newer(v) => {
            q.push(" AND h.version_no > ").push_bind(v);
        }
        Seek::Older(None) => {}
    }
    filter.push_sql(&mut q);
    // One row more than asked tells whether another page exists, without a COUNT.
    q.push(format!(" ORDER BY h.version_no {} LIMIT ", seek.order()))
        .push_bind(limit as i64 + 1);
    q
}

/// Who changed a shipment and which event types it has, with counts.
pub async fn facets(db: &Db, key: &str) -> Result<Facets> {
    db.read(|r| async move { facets_in(&mut *r.conn().await, key).await })
        .await
}

async fn facets_in(tx: &mut PgConnection, key: &str) -> Result<Facets> {
    let Resolved { shipment, with_actors } = resolve(&mut *tx, key).await?;
    let [mut actors, mut event_types, mut span] = facets_queries("SELECT ", shipment.id, with_actors);
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
pub(crate) fn facets_queries<'a>(prefix: &str, shipment: Uuid, with_actors: bool) -> [QueryBuilder<'a, Postgres>; 3] {
    let (name, join) = if with_actors {
        ("a.display_name", "LEFT JOIN actors a ON a.id = c.id")
    } else {
        ("NULL::text", "")
    };
    let mut actors = QueryBuilder::new(format!(
        "{prefix}c.id, {name} AS name, c.count FROM (
             SELECT h.actor_id AS id, count(*) AS count FROM shipment_history h
              WHERE h.shipment_id = "
    ));
    actors.push_bind(shipment).push(format!(
        " AND h.actor_id IS NOT NULL GROUP BY h.actor_id) c {join}
          ORDER BY c.count DESC, name, c.id"
    ));
    let mut event_types = QueryBuilder::new(format!(
        "{prefix}COALESCE(h.event_type, '') AS event_type, count(*) AS count FROM shipment_history h
          WHERE h.shipment_id = "
    ));
    event_types
        .push_bind(shipment)
        .push(" GROUP BY 1 ORDER BY count DESC, 1");
    let mut span = QueryBuilder::new(format!(
        "{prefix}min(h.\"timestamp\"), max(h.\"timestamp\") FROM shipment_history h WHERE h.shipment_id = "
    ));
    span.push_bind(shipment);
    [actors, event_types, span]
}
