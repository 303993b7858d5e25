//! `waybill version`, `waybill diff` and `waybill as-of`: one version in full,
//! two versions compared, the state at a time.

use serde_json::Value;
use waybill::connection::Source;
use waybill::domain::time::format_time;
use waybill::timeline::diff::{ChangeKind, Diff};
use waybill::timeline::version::{self, VersionDetail};

use super::*;
use crate::cli::connect::with_connection;
use crate::cli::output::print_json;

#[derive(Debug, Args)]
pub struct VersionArgs {
    shipment: String,
    version: i32,
    #[command(flatten)]
    zone: ZoneArgs,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    shipment: String,
    /// The older version (alone: compared with the version before it).
    from: i32,
    /// The newer version.
    to: Option<i32>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AsOfArgs {
    shipment: String,
    /// 2026-11-02, "2026-11-02 14:30" or RFC 3339.
    time: String,
    #[command(flatten)]
    zone: ZoneArgs,
    #[arg(long)]
    json: bool,
}

fn value_text(v: &Option<Value>) -> String {
    match v {
        None => "∅".into(),
        Some(v) => v.to_string(),
    }
}

fn print_diff(label: &str, diff: &Diff) {
    let from = diff
        .from_version
        .map(|v| format!("v{v}"))
        .unwrap_or_else(|| "nothing".into());
    say!("{label}: {from} → v{}", diff.to_version);
    if diff.fields.is_empty() {
        say!("  no differences");
    }
    for f in &diff.fields {
        let path = if f.path.is_empty() { "(whole state)" } else { &f.path };
        match f.kind {
            ChangeKind::Added => say!("  + {path}: {}", value_text(&f.new)),
            ChangeKind::Removed => say!("  - {path}: {}", value_text(&f.old)),
            ChangeKind::Changed => say!("  ~ {path}: {} → {}", value_text(&f.old), value_text(&f.new)),
        }
    }
    for note in &diff.notes {
        say!("  note: {note}");
    }
}

fn print_state(detail: &VersionDetail, tz: Tz) {
    let e = &detail.entry;
    say!(
        "{} v{} of {} · {} · {} · {}",
        detail.shipment.reference,
        e.version_no,
        detail.latest,
        e.event_type,
        actor_label(e),
        long_time(e.timestamp, tz)
    );
    if let Some(d) = &e.description {
        say!("  {d}");
    }
    match &detail.state {
        Some(Value::Object(map)) => {
            for (k, v) in map {
                say!("  {k:<20} {v}");
            }
        }
        Some(other) => say!("  {other}"),
        None => say!("  (state unknown)"),
    }
}

pub async fn version(source: &Source, args: VersionArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let tz = zone(&args.zone.name())?;
        let detail = version::version(conn.db(), &args.shipment, args.version).await?;
        if args.json {
            print_json(&detail)?;
        } else {
            print_state(&detail, tz);
            say!();
            print_diff("changes", &detail.diff);
        }
        Ok(ExitCode::SUCCESS)
    })
    .await
}

pub async fn diff(source: &Source, args: DiffArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let (diff, reference) = match args.to {
            Some(to) => {
                let compared = version::compare(conn.db(), &args.shipment, args.from, to).await?;
                (compared.diff, compared.shipment.reference)
            }
            None => {
                let detail = version::version(conn.db(), &args.shipment, args.from).await?;
                (detail.diff, detail.shipment.reference)
            }
        };
        if args.json {
            print_json(&diff)?;
        } else {
            print_diff(&reference, &diff);
        }
        Ok(ExitCode::SUCCESS)
    })
    .await
}

pub async fn as_of(source: &Source, args: AsOfArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let tz = zone(&args.zone.name())?;
        let at = parse_time(&args.time, tz, false)?;
        let detail = version::as_of(conn.db(), &args.shipment, at).await?;
        if args.json {
            print_json(&detail)?;
        } else {
            say!("as of {}:", format_time(at, tz));
            print_state(&detail, tz);
        }
        Ok(ExitCode::SUCCESS)
    })
    .await
}
