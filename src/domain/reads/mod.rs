//! One version as people read it, and the reads every feature builds on:
//! which columns a row takes from the history (a page reads little of large
//! values; a version or an export reads them whole), keyset pages (newest
//! first, never OFFSET or a full COUNT), and the statements as the app sends
//! them, so that index health explains exactly what the app runs.

mod actor;
mod blame;
mod page;
mod statements;

pub use actor::{actor_query, push_before, ActorCursor};
pub use blame::blame_query;
pub use page::{newest, page_query};
pub use statements::AppQueries;

use serde::Serialize;
use serde_json::Value;
use sqlx::{Postgres, QueryBuilder};
use ts_rs::TS;
use uuid::Uuid;

use crate::domain::changes::{self, ChangePreview};
use crate::domain::json;
use crate::domain::Moment;
use crate::error::{Field, Result};

/// The most rows one page may hold (the guide's "latest 1,000 versions").
pub const MAX_PAGE: u32 = 1000;

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
    pub preview: Vec<ChangePreview>,
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
    pub fn order(&self) -> &'static str {
        match self {
            Seek::Older(_) => "DESC",
            Seek::Newer(_) => "ASC",
        }
    }
}

/// A history row as `push_entries_from` selects it.
#[derive(sqlx::FromRow)]
pub struct EntryRow {
    pub shipment_id: Uuid,
    pub shipment_reference: String,
    pub version_no: i32,
    pub event_type: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub timestamp: Option<Moment>,
    pub description: Option<String>,
    /// `changes` as text; in a page only when it is small (see `json::PAGE_VALUE_BYTES`).
    pub changes_text: Option<String>,
    /// `changes`' stored size, to say how large one left out of a page is.
    pub changes_bytes: Option<i32>,
}

impl EntryRow {
    /// `changes` read (or its text, with a note, when it cannot be read field by field).
    pub fn changes(&self) -> (Value, Option<String>) {
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
            _ => changes::summary(&changes),
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
            changed_fields: changes::changed_fields(&changes),
            preview: changes::preview(&changes),
            summary,
        }
    }
}

/// How much of each row a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A page: `changes` only when small, descriptions cut at 4 kB, so that a
    /// page costs the same however large other people's values are.
    Page,
    /// Everything, as stored (one version, an export).
    Whole,
}

/// A timeline row's columns (plus `extra`) and where they come from:
/// `… FROM shipment_history h [LEFT JOIN actors a …]`. Names come from a join,
/// not a subquery per row: PostgreSQL plans a correlated subquery on a small
/// `actors` table as a sequential scan per row (9 ms for 1,000 rows, against
/// 1 ms joined with a memoized index lookup). `actors` is optional elsewhere.
pub fn push_entries_from(q: &mut QueryBuilder<'_, Postgres>, with_actors: bool, reading: Reading, extra: &str) {
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

pub fn check_limit(limit: u32) -> Result<()> {
    crate::error::Error::check_range(Field::PageSize, limit.into(), 1, MAX_PAGE.into())
}

/// A page's rows newest first, and whether another page lies beyond them:
/// the query reads one row more than `limit`, in `seek`'s direction.
pub fn keyset_rows<C>(rows: Vec<EntryRow>, limit: u32, seek: Seek<C>) -> (Vec<TimelineEntry>, bool) {
    let mut entries: Vec<TimelineEntry> = rows.into_iter().map(TimelineEntry::from).collect();
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    if matches!(seek, Seek::Newer(_)) {
        entries.reverse();
    }
    (entries, more)
}
