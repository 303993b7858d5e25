//! Exports of a filtered timeline as CSV or JSON, streamed row by row from the
//! database to the writer: 100,000 rows never sit in memory at once. Each file
//! says what it holds: the subject, the filters, the time zone and when it was made.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::QueryBuilder;
use ts_rs::TS;
use uuid::Uuid;

use super::activity::Scope;
use super::{diff, push_entries_from, resolve, EntryRow, TimelineFilter};
use crate::db::begin_read_only;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::schema::explained;

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

/// How often the progress callback hears about rows written.
const PROGRESS_EVERY: u64 = 5_000;

const CSV_COLUMNS: [&str; 11] = [
    "shipment_reference",
    "shipment_id",
    "version_no",
    "timestamp",
    "timestamp_utc",
    "event_type",
    "actor_id",
    "actor_name",
    "description",
    "summary",
    "changes",
];

/// One exported row; `timestamp` is in the export's time zone, with its offset.
#[derive(Serialize)]
struct ExportEntry<'a> {
    shipment_reference: &'a str,
    shipment_id: Uuid,
    version_no: i32,
    timestamp: String,
    timestamp_utc: String,
    event_type: &'a str,
    actor_id: Option<Uuid>,
    actor_name: Option<&'a str>,
    description: Option<&'a str>,
    summary: String,
    changes: &'a Value,
}

/// What the file says about itself.
#[derive(Debug, Clone, Serialize)]
pub struct ExportHeader {
    pub subject: String,
    pub filters: String,
    pub filter: TimelineFilter,
    pub time_zone: String,
    pub exported_at: DateTime<Utc>,
}

/// Streams every version matching `filter` (newest first) into `out`; returns the row count.
pub async fn export(
    pool: &Db,
    scope: &Scope,
    filter: &TimelineFilter,
    time_zone: &str,
    format: TimelineFormat,
    out: &mut (dyn Write + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    filter.validate()?;
    let zone = super::time::zone(time_zone)?;
    explained(pool, stream(pool, scope, filter, zone, format, out, progress).await).await
}

async fn stream(
    pool: &Db,
    scope: &Scope,
    filter: &TimelineFilter,
    zone: chrono_tz::Tz,
    format: TimelineFormat,
    out: &mut (dyn Write + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    let mut tx = begin_read_only(pool).await?;
    let with_actors = crate::schema::has_actors(&mut tx).await?;
    let mut q = QueryBuilder::new("SELECT ");
    let subject = match scope {
        Scope::Shipment(key) => {
            let resolved = resolve(&mut tx, key).await?;
            q.push_bind(resolved.shipment.reference.clone())
                .push("::text AS shipment_reference, ");
            push_entries_from(&mut q, with_actors, "");
            q.push(" WHERE h.shipment_id = ").push_bind(resolved.shipment.id);
            format!("shipment {} ({})", resolved.shipment.reference, resolved.shipment.title)
        }
        Scope::Actor(key) => {
            let actor = super::actor::resolve(&mut tx, key, with_actors).await?;
            q.push("s.reference AS shipment_reference, ");
            push_entries_from(&mut q, with_actors, "");
            q.push(" JOIN shipment_requests s ON s.id = h.shipment_id WHERE h.actor_id = ")
                .push_bind(actor.id);
            format!("changes by {}", actor.label())
        }
    };
    filter.push_sql(&mut q);
    q.push(match scope {
        Scope::Shipment(_) => " ORDER BY h.version_no DESC",
        Scope::Actor(_) => " ORDER BY h.\"timestamp\" DESC, h.shipment_id DESC, h.version_no DESC",
    });

    let names = actor_names(&mut tx, &filter.actors, with_actors).await?;
    let header = ExportHeader {
        subject,
        filters: filter.describe(|id| {
            names
                .iter()
                .find(|(n, _)| n == id)
                .map(|(_, name)| format!("{name} ({id})"))
                .unwrap_or_else(|| id.to_string())
        }),
        filter: filter.clone(),
        time_zone: zone.name().to_string(),
        exported_at: Utc::now(),
    };

    let mut sink = Sink::start(format, &header, out)?;
    let mut rows = 0u64;
    let mut stream = q.build_query_as::<EntryRow>().persistent(false).fetch(&mut *tx);
    while let Some(entry) = stream.try_next().await? {
        let entry = &entry;
        let changes = entry.changes.clone().unwrap_or(Value::Null);
        sink.row(&ExportEntry {
            shipment_reference: &entry.shipment_reference,
            shipment_id: entry.shipment_id,
            version_no: entry.version_no,
            timestamp: super::time::format_time(entry.timestamp, zone),
            timestamp_utc: entry.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
            event_type: &entry.event_type,
            actor_id: entry.actor_id,
            actor_name: entry.actor_name.as_deref(),
            description: entry.description.as_deref(),
            summary: diff::summary(&changes),
            changes: &changes,
        })?;
        rows += 1;
        if rows % PROGRESS_EVERY == 0 {
            progress(rows);
        }
    }
    drop(stream);
    tx.commit().await?;
    sink.finish(rows)?;
    progress(rows);
    Ok(rows)
}

fn write_error(e: std::io::Error) -> Error {
    Error::Io {
        context: "writing the export".into(),
        source: e,
    }
}

/// Where rows go, in the chosen format.
enum Sink<'a> {
    Csv(csv::Writer<&'a mut (dyn Write + Send)>),
    Json {
        out: &'a mut (dyn Write + Send),
        first: bool,
    },
}

impl<'a> Sink<'a> {
    fn start(format: TimelineFormat, header: &ExportHeader, out: &'a mut (dyn Write + Send)) -> Result<Sink<'a>> {
        match format {
            TimelineFormat::Csv => {
                // `#` lines before the header row: pandas (`comment="#"`), R and
                // most spreadsheet importers skip them.
                let exported_at = header.exported_at.to_rfc3339_opts(SecondsFormat::Secs, true);
                for (key, value) in [
                    ("Waybill timeline export", &header.subject),
                    ("filters", &header.filters),
                    ("time zone", &header.time_zone),
                    ("exported at", &exported_at),
                ] {
                    writeln!(out, "# {key}: {}", value.replace(['\r', '\n'], " ")).map_err(write_error)?;
                }
                let mut w = csv::Writer::from_writer(out);
                w.write_record(CSV_COLUMNS).map_err(csv_error)?;
                Ok(Sink::Csv(w))
            }
            TimelineFormat::Json => {
                let head = serde_json::to_string(header).map_err(|e| Error::InvalidInput(e.to_string()))?;
                // The header object without its closing brace, left open for the streamed entries.
                let open = head.strip_suffix('}').unwrap_or(&head);
                write!(out, "{open},\"entries\":[").map_err(write_error)?;
                Ok(Sink::Json { out, first: true })
            }
        }
    }

    fn row(&mut self, r: &ExportEntry<'_>) -> Result<()> {
        match self {
            Sink::Csv(w) => w
                .write_record([
                    r.shipment_reference.to_string(),
                    r.shipment_id.to_string(),
                    r.version_no.to_string(),
                    r.timestamp.clone(),
                    r.timestamp_utc.clone(),
                    r.event_type.to_string(),
                    r.actor_id.map(|a| a.to_string()).unwrap_or_default(),
                    r.actor_name.unwrap_or_default().to_string(),
                    r.description.unwrap_or_default().to_string(),
                    r.summary.clone(),
                    r.changes.to_string(),
                ])
                .map_err(csv_error),
            Sink::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })
                    .map_err(write_error)?;
                *first = false;
                serde_json::to_writer(&mut **out, r).map_err(|e| Error::InvalidInput(e.to_string()))
            }
        }
    }

    fn finish(self, rows: u64) -> Result<()> {
        match self {
            Sink::Csv(mut w) => w.flush().map_err(write_error),
            Sink::Json { out, .. } => {
                writeln!(out, "\n],\"rows\":{rows}}}").map_err(write_error)?;
                out.flush().map_err(write_error)
            }
        }
    }
}

async fn actor_names(conn: &mut sqlx::PgConnection, ids: &[Uuid], with_actors: bool) -> Result<Vec<(Uuid, String)>> {
    if ids.is_empty() || !with_actors {
        return Ok(Vec::new());
    }
    Ok(
        crate::db::query_as("SELECT id, display_name FROM actors WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *conn)
            .await?,
    )
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io {
            context: "writing the export".into(),
            source: io,
        },
        other => Error::InvalidInput(format!("writing CSV failed: {other:?}")),
    }
}

/// A finished export.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportedFile {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// Exports into `dir` under a name that says what it is.
pub async fn export_to_dir(
    pool: &Db,
    scope: &Scope,
    filter: &TimelineFilter,
    time_zone: &str,
    format: TimelineFormat,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ExportedFile> {
    std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    let (kind, label) = match scope {
        Scope::Shipment(key) => ("timeline", key),
        Scope::Actor(key) => ("actor", key),
    };
    let slug: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .take(40)
        .collect();
    let stamp = Utc::now().format("%Y%m%d-%H%M%S");
    let path = dir.join(format!("waybill-{kind}-{slug}-{stamp}.{}", format.extension()));
    let rows = export_to_file(pool, scope, filter, time_zone, format, &path, progress).await?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        rows,
    })
}

/// Exports into the file `path`, written under a temporary name first: a failed
/// export leaves no half file behind and never clobbers an earlier one.
pub async fn export_to_file(
    pool: &Db,
    scope: &Scope,
    filter: &TimelineFilter,
    time_zone: &str,
    format: TimelineFormat,
    path: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = std::fs::File::create(&partial).map_err(Error::io(format!("creating {}", partial.display())))?;
    let mut writer = std::io::BufWriter::new(file);
    let result = export(pool, scope, filter, time_zone, format, &mut writer, progress).await;
    drop(writer);
    match result {
        Ok(rows) => {
            std::fs::rename(&partial, path).map_err(Error::io(format!("saving {}", path.display())))?;
            Ok(rows)
        }
        Err(e) => {
            std::fs::remove_file(&partial).ok();
            Err(e)
        }
    }
}
