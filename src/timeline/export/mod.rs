//! Exports of a filtered timeline as CSV or JSON, streamed row by row from the
//! database to the writer: 100,000 rows never sit in memory at once. Each file
//! says what it holds: the subject, the filters, the time zone and when it was made.

mod file;
mod sink;

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use super::activity::Scope;
use crate::db::{Db, ReadLimit, Reader};
use crate::domain::changes;
use crate::domain::layout::numbering::{push_ord_cmp, push_ord_order, Numbers};
use crate::domain::layout::Layout;
use crate::domain::reads::{check_limit, push_before, ActorCursor, At};
use crate::domain::reads::{push_entries_from, EntryRow, Numbered, Reading};
use crate::domain::TimelineFilter;
use crate::error::Result;
use crate::timeline::TimelinePage;

pub use file::{export_to_dir, export_to_file, ExportedFile};
pub use sink::cell as csv_cell;
use sink::{ExportEntry, Sink};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum TimelineFormat {
    Csv,
    Json,
}

impl TimelineFormat {
    pub fn extension(self) -> &'static str {
        match self {
            TimelineFormat::Csv => "csv",
            TimelineFormat::Json => "json",
        }
    }
}

/// What to export: a subject, its filter, the time zone of the timestamps.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub scope: Scope,
    pub filter: TimelineFilter,
    pub time_zone: String,
    pub format: TimelineFormat,
    /// One page of it (the CLI's `timeline --format csv`), else everything.
    pub page: Option<PageRange>,
}

/// A keyset page: start below `before` (a version for a shipment, a cursor
/// for an actor), at most `limit` rows.
#[derive(Debug, Clone)]
pub struct PageRange {
    pub before: Option<PageStart>,
    pub limit: u32,
}

#[derive(Debug, Clone)]
pub enum PageStart {
    Version(i32),
    Actor(ActorCursor),
}

impl PageRange {
    /// The rows of a timeline page, as one CSV page: the range it was read
    /// with (`before`, `limit`); a page read upwards (`after`) is the same
    /// rows read downwards from its newest.
    pub fn of_page(page: &TimelinePage, before: Option<i32>, after: Option<i32>, limit: u32) -> PageRange {
        match (after, page.entries.first()) {
            (Some(_), Some(newest)) => PageRange {
                before: Some(PageStart::Version(newest.version_no.saturating_add(1))),
                limit: page.entries.len() as u32,
            },
            // Nothing above: the header alone (no version is below version 1).
            (Some(_), None) => PageRange {
                before: Some(PageStart::Version(1)),
                limit: 1,
            },
            (None, _) => PageRange {
                before: before.map(PageStart::Version),
                limit,
            },
        }
    }
}

/// How often the progress callback hears about rows written.
const PROGRESS_EVERY: u64 = 5_000;

/// What the file says about itself.
#[derive(Debug, Clone, Serialize)]
pub struct ExportHeader {
    pub subject: String,
    pub filters: String,
    pub filter: TimelineFilter,
    pub time_zone: String,
    pub exported_at: DateTime<Utc>,
}

/// Streams every version matching the request (newest first) into `out`;
/// returns the row count. A connection that drops before anything is written
/// is retried once; after that the export fails (`OutputIncomplete`) rather
/// than start over and write rows twice.
pub async fn export(
    db: &Db,
    request: &ExportRequest,
    out: &mut (dyn Write + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    request.filter.validate()?;
    if let Some(page) = &request.page {
        check_limit(page.limit)?;
    }
    let zone = crate::domain::time::zone(&request.time_zone)?;
    // The writer is shared with the read, which may run twice (see above).
    let out = Mutex::new(out);
    let out = &out;
    db.read_with(ReadLimit::Export, |r| async move {
        stream(db, r, request, zone, SharedWriter(out), progress).await
    })
    .await
}

/// A writer borrowed through a lock taken per write: the read's future holds
/// no lock across an await, so it stays `Send`.
struct SharedWriter<'a, 'w>(&'a Mutex<&'w mut (dyn Write + Send)>);

impl Write for SharedWriter<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

async fn stream(
    db: &Db,
    r: Reader,
    request: &ExportRequest,
    zone: chrono_tz::Tz,
    out: SharedWriter<'_, '_>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    let mut tx = r.conn().await;
    let (mut q, subject, layout, numbers) = query(db, &mut tx, request, "SELECT ").await?;
    let names = actor_names(&mut tx, &layout, &request.filter.actors).await?;
    let header = ExportHeader {
        subject,
        filters: request.filter.describe(|id| {
            names
                .iter()
                .find(|(n, _)| n == id)
                .map(|(_, name)| format!("{name} ({id})"))
                .unwrap_or_else(|| id.to_string())
        }),
        filter: request.filter.clone(),
        time_zone: zone.name().to_string(),
        exported_at: Utc::now(),
    };

    r.output_started();
    let mut sink = Sink::start(request.format, &header, out)?;
    let mut rows = 0u64;
    let mut stream = q.build_query_as::<EntryRow>().persistent(false).fetch(&mut *tx);
    while let Some(entry) = stream.try_next().await? {
        let (changes, _) = entry.changes();
        sink.row(&ExportEntry {
            shipment_reference: &entry.shipment_reference,
            shipment_id: &entry.shipment_id,
            version_no: entry.version(numbers.as_ref()),
            timestamp: entry.timestamp.map(|t| t.format_in(zone)).unwrap_or_default(),
            timestamp_utc: entry.timestamp.map(|t| t.utc_millis()).unwrap_or_default(),
            event_type: &entry.event_type,
            actor_id: entry.actor_id.as_deref(),
            actor_name: entry.actor_name.as_deref(),
            description: entry.description.as_deref(),
            summary: changes::summary(&changes),
            changes: sink::Changes(entry.changes_text.as_deref().unwrap_or("null")),
        })?;
        rows += 1;
        r.output_rows(rows);
        if rows % PROGRESS_EVERY == 0 {
            progress(rows);
        }
    }
    drop(stream);
    sink.finish(rows)?;
    progress(rows);
    Ok(rows)
}

/// The export's query after `prefix` (`SELECT ` or `EXPLAIN … SELECT `), its
/// subject in words, the layout, and the numbering of a record's versions.
pub(crate) async fn query<'a>(
    db: &Db,
    tx: &mut PgConnection,
    request: &ExportRequest,
    prefix: &str,
) -> Result<(QueryBuilder<'a, sqlx::Postgres>, String, Arc<Layout>, Option<Numbers>)> {
    let layout = crate::domain::layout::layout(db, &mut *tx).await?;
    let mut q = QueryBuilder::new(prefix);
    let (subject, numbers) = match &request.scope {
        Scope::Shipment(key) => {
            let shipment = crate::domain::record::find(&mut *tx, &layout, key).await?;
            let numbers = Numbers::of(&layout, &mut *tx, &shipment.id).await?;
            q.push_bind(shipment.reference.clone())
                .push("::text AS shipment_reference, ");
            push_entries_from(&mut q, &layout, Reading::Whole, Numbered::OneRecord, "");
            q.push(" WHERE h.shipment_id = ");
            layout.push_key(&mut q, &shipment.id);
            if let Some(PageStart::Version(v)) = request.page.as_ref().and_then(|p| p.before.as_ref()) {
                q.push(" AND ");
                push_ord_cmp(&mut q, &layout, "<", numbers.ord_below(*v));
            }
            (
                format!("{} {} ({})", layout.noun(), shipment.reference, shipment.title),
                Some(numbers),
            )
        }
        Scope::Actor(key) => {
            let actor = super::actor::resolve(&mut *tx, &layout, key).await?;
            match layout.records() {
                Some(r) => {
                    q.push(format!(
                        "COALESCE((SELECT {} FROM {} r WHERE r.{} = h.shipment_id), h.shipment_id::text) AS shipment_reference, ",
                        r.label.as_ref().map_or(format!("r.{}::text", r.key), |l| format!("r.{l}::text")),
                        r.table,
                        r.key
                    ));
                }
                None => {
                    q.push("h.shipment_id::text AS shipment_reference, ");
                }
            }
            push_entries_from(&mut q, &layout, Reading::Whole, Numbered::ManyRecords, "");
            q.push(" WHERE h.actor_id = ");
            layout.push_actor(&mut q, &actor.id);
            if let Some(PageStart::Actor(c)) = request.page.as_ref().and_then(|p| p.before.as_ref()) {
                let ord = super::actor::cursor_ord(&mut *tx, &layout, c).await?;
                push_before(&mut q, &layout, At { cursor: c, ord });
            }
            (format!("changes by {}", actor.label()), None)
        }
    };
    request.filter.push_sql(&mut q, &layout);
    q.push(" ORDER BY ");
    if let Scope::Actor(_) = request.scope {
        q.push("h.\"timestamp\" DESC, h.shipment_id DESC, ");
    }
    push_ord_order(&mut q, &layout, "DESC");
    if let Some(page) = &request.page {
        q.push(" LIMIT ").push_bind(i64::from(page.limit));
    }
    Ok((q, subject, layout, numbers))
}

/// The names of the actors a filter names, for the export's header.
async fn actor_names(conn: &mut PgConnection, layout: &Layout, ids: &[String]) -> Result<Vec<(String, String)>> {
    let Some(a) = layout.actor_table().filter(|_| !ids.is_empty()) else {
        return Ok(Vec::new());
    };
    let Some(label) = &a.label else {
        return Ok(Vec::new());
    };
    let mut q = QueryBuilder::new(format!(
        "SELECT a.{}::text, a.{label}::text FROM {} a WHERE a.{}::text = ANY(",
        a.key, a.table, a.key
    ));
    q.push_bind(ids.to_vec()).push(")");
    Ok(q.build_query_as().persistent(false).fetch_all(&mut *conn).await?)
}
