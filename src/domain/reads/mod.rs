//! One version as people read it, and the reads every feature builds on:
//! which columns a row takes from the history (a page reads little of large
//! values; a version or an export reads them whole), keyset pages (newest
//! first, never OFFSET or a full COUNT), and the statements as the app sends
//! them, so that index health explains exactly what the app runs.

mod actor;
mod blame;
mod page;
mod statements;

pub use actor::{actor_query, push_before, ActorCursor, At};
pub use blame::blame_query;
pub use page::{newest, page_query};
pub use statements::AppQueries;

use serde::Serialize;
use serde_json::Value;
use sqlx::{Postgres, QueryBuilder};
use ts_rs::TS;

use crate::domain::changes::{self, ChangePreview};
use crate::domain::json;
use crate::domain::layout::numbering::{push_ord_out, Numbers};
use crate::domain::layout::{Layout, OrdKey, OrderKind};
use crate::domain::Moment;
use crate::error::{Field, Result};

/// The most rows one page may hold (the guide's "latest 1,000 versions").
pub const MAX_PAGE: u32 = 1000;

/// One version as a timeline row.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TimelineEntry {
    /// The record's key in the history, as text.
    pub shipment_id: String,
    pub shipment_reference: String,
    /// 1, 2, 3… for the record: stored, or counted in the layout's order.
    pub version_no: i32,
    pub event_type: String,
    /// Who made it, as the history names them (an id, a user name…).
    pub actor_id: Option<String>,
    /// The actor's name, when the layout names a table that knows them.
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
    pub shipment_id: String,
    pub shipment_reference: String,
    /// Its place in the record's order (see `OrdKey`).
    pub ord: i64,
    pub ord2: i64,
    /// Its number where the query knows it (a stored version, or counted for
    /// rows of many records); else `Numbers` gives it.
    pub version_no: Option<i32>,
    pub event_type: String,
    pub actor_id: Option<String>,
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

    pub fn ord(&self) -> OrdKey {
        OrdKey(self.ord, self.ord2)
    }

    /// Its version number: as read, else from the record's numbering.
    pub fn version(&self, numbers: Option<&Numbers>) -> i32 {
        match (self.version_no, numbers) {
            (Some(v), _) => v,
            (None, Some(n)) => n.version(self.ord()),
            (None, None) => i32::try_from(self.ord).unwrap_or(i32::MAX),
        }
    }

    /// The row as a timeline shows it, numbered by `numbers` if the query did not.
    pub fn entry(self, numbers: Option<&Numbers>) -> TimelineEntry {
        let version_no = self.version(numbers);
        let r = self;
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
            version_no,
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

/// How a query numbers its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbered {
    /// One record's rows: the layout's stored version, else `Numbers`.
    OneRecord,
    /// Rows of many records (the actor view): each counted in SQL where the
    /// layout stores no version.
    ManyRecords,
}

/// A timeline row's columns (plus `extra`) and where they come from: the
/// history as the layout renders it (`Layout::push_from`), with the actor's
/// name joined there.
pub fn push_entries_from(
    q: &mut QueryBuilder<'_, Postgres>,
    layout: &Layout,
    reading: Reading,
    numbered: Numbered,
    extra: &str,
) {
    // NULLs where Waybill's own schema has NOT NULL are other people's data too.
    q.push("h.shipment_id::text AS shipment_id, ");
    push_ord_out(q, layout);
    q.push(", ");
    push_version(q, layout, numbered);
    q.push(" AS version_no, COALESCE(h.event_type, '') AS event_type, h.actor_id::text AS actor_id, h.actor_name, h.\"timestamp\", ");
    // Where what changed is computed (PaperTrail's pairs rewritten, two
    // images compared), it is computed once per row, in a subquery the
    // planner keeps (`OFFSET 0`): each mention of `h.changes` would repeat the
    // work. A stored column is read as it is.
    let c = if layout.stores_changes_as_read() { "h" } else { "c" };
    q.push(match reading {
        Reading::Page => format!(
            "CASE WHEN octet_length(h.description) <= 4096 THEN h.description ELSE left(h.description, 1000) || '…' END AS description,
             CASE WHEN pg_column_size({c}.changes) <= {max} AND octet_length({c}.changes::text) <= {max}
                  THEN {c}.changes::text END AS changes_text,
             pg_column_size({c}.changes) AS changes_bytes",
            max = json::PAGE_VALUE_BYTES
        ),
        Reading::Whole => format!(
            "h.description, {c}.changes::text AS changes_text, pg_column_size({c}.changes) AS changes_bytes"
        ),
    });
    q.push(extra);
    q.push(" FROM ");
    layout.push_from(q);
    if c == "c" {
        q.push(" CROSS JOIN LATERAL (SELECT h.changes OFFSET 0) c");
    }
}

/// The row's version number: stored, counted among its record's rows (many
/// records), or left to `Numbers` (NULL).
fn push_version(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, numbered: Numbered) {
    match (layout.order(), numbered) {
        (OrderKind::Version, _) => {
            q.push("h.version_no::int");
        }
        (_, Numbered::OneRecord) => {
            q.push("NULL::int");
        }
        (_, Numbered::ManyRecords) => {
            q.push("(SELECT count(*)::int FROM ");
            layout.push_keys_as(q, "n");
            q.push(" WHERE n.shipment_id = h.shipment_id AND (n.version_no, n.ord2) <= (h.version_no, h.ord2))");
        }
    }
}

pub fn check_limit(limit: u32) -> Result<()> {
    crate::error::Error::check_range(Field::PageSize, limit.into(), 1, MAX_PAGE.into())
}

/// A page's rows newest first, and whether another page lies beyond them:
/// the query reads one row more than `limit`, in `seek`'s direction.
pub fn keyset_rows<C>(
    rows: Vec<EntryRow>,
    numbers: Option<&Numbers>,
    limit: u32,
    seek: Seek<C>,
) -> (Vec<TimelineEntry>, bool) {
    let mut entries: Vec<TimelineEntry> = rows.into_iter().map(|r| r.entry(numbers)).collect();
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    if matches!(seek, Seek::Newer(_)) {
        entries.reverse();
    }
    (entries, more)
}
