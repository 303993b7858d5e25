//! The one timeline CSV (and JSON) format, written row by row. `waybill
//! export`, `waybill timeline --format csv` and the app's export all write it.

use std::io::Write;

use chrono::SecondsFormat;
use serde::Serialize;

use super::ExportHeader;
use super::TimelineFormat;
use crate::error::{Error, Result};

pub(super) const CSV_COLUMNS: [&str; 11] = [
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
pub(super) struct ExportEntry<'a> {
    pub shipment_reference: &'a str,
    pub shipment_id: &'a str,
    pub version_no: i32,
    pub timestamp: String,
    pub timestamp_utc: String,
    pub event_type: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub summary: String,
    /// As stored, embedded whole in the JSON export (a value too deep for
    /// serde to read still copies through as text).
    pub changes: Changes<'a>,
}

/// `changes` for the export: its JSON text, kept exact.
pub(super) struct Changes<'a>(pub &'a str);

impl Serialize for Changes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match serde_json::value::RawValue::from_string(self.0.to_string()) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_str(self.0),
        }
    }
}

/// Where rows go, in the chosen format.
pub(super) enum Sink<W: Write> {
    Csv(csv::Writer<W>),
    Json { out: W, first: bool },
}

impl<W: Write> Sink<W> {
    pub fn start(format: TimelineFormat, header: &ExportHeader, mut out: W) -> Result<Sink<W>> {
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
                let head = serde_json::to_string(header).map_err(Error::internal)?;
                // The header object without its closing brace, left open for the streamed entries.
                let open = head.strip_suffix('}').unwrap_or(&head);
                write!(out, "{open},\"entries\":[").map_err(write_error)?;
                Ok(Sink::Json { out, first: true })
            }
        }
    }

    pub fn row(&mut self, r: &ExportEntry<'_>) -> Result<()> {
        match self {
            Sink::Csv(w) => w
                .write_record([
                    cell(r.shipment_reference),
                    r.shipment_id.to_string(),
                    r.version_no.to_string(),
                    r.timestamp.clone(),
                    r.timestamp_utc.clone(),
                    cell(r.event_type),
                    r.actor_id.unwrap_or_default().to_string(),
                    cell(r.actor_name.unwrap_or_default()),
                    cell(r.description.unwrap_or_default()),
                    cell(&r.summary),
                    cell(r.changes.0),
                ])
                .map_err(csv_error),
            Sink::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })
                    .map_err(write_error)?;
                *first = false;
                serde_json::to_writer(&mut *out, r).map_err(|e| match e.io_error_kind() {
                    Some(kind) => write_error(kind.into()),
                    None => Error::internal(format!("encoding an export row as JSON: {e}")),
                })
            }
        }
    }

    pub fn finish(self, rows: u64) -> Result<()> {
        match self {
            Sink::Csv(mut w) => w.flush().map_err(write_error),
            Sink::Json { mut out, .. } => {
                writeln!(out, "\n],\"rows\":{rows}}}").map_err(write_error)?;
                out.flush().map_err(write_error)
            }
        }
    }
}

/// Text from the database as a CSV cell. A cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is a formula to spreadsheets (CSV
/// injection): a leading `'` makes it text again, as OWASP advises. The JSON
/// export stays exact.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn write_error(e: std::io::Error) -> Error {
    Error::Io {
        context: "writing the export".into(),
        source: e,
    }
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => write_error(io),
        other => Error::internal(format!("writing CSV: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_become_text_and_the_rest_stays() {
        for formula in ["=1+1", "+41 30 123", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(cell(formula), format!("'{formula}"));
        }
        for plain in ["SHP-2026-1", "Rerouted to Valencia", "{\"a\":1}", ""] {
            assert_eq!(cell(plain), plain);
        }
    }
}
