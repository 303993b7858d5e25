//! `waybill timeline | version | diff | blame | as-of | actor | activity | export`:
//! the timeline screen for scripts. Same core calls as the app.
//! Exit 0 with results, 1 when nothing matches (like grep), 2 on bad input.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Datelike;
use chrono_tz::Tz;
use clap::{ArgGroup, Args, ValueEnum};
use serde_json::Value;
use waybill::moment::Moment;

use waybill::error::{Error, Field, Result};
use waybill::plots::{self, Plot};
use waybill::timeline::activity::{self, Scope};
use waybill::timeline::actor::{self, ActorCursor};
use waybill::timeline::diff::{ChangeKind, Diff};
use waybill::timeline::export::{self, ExportRequest, PageRange, PageStart, TimelineFormat};
use waybill::timeline::field;
use waybill::timeline::time::{format_time, local_zone_name, parse_time, zone};
use waybill::timeline::version::{self, VersionDetail};
use waybill::timeline::{self, blame, TimelineEntry, TimelineFilter};

use waybill::connection::{Connection, Source};

use super::connect::with_connection;
use super::output::print_json;

#[derive(Debug, Args)]
pub struct ZoneArgs {
    /// Time zone for output and for times written without one (default: the system's).
    #[arg(long, value_name = "IANA_NAME")]
    tz: Option<String>,
    /// Same as --tz UTC.
    #[arg(long, conflicts_with = "tz")]
    utc: bool,
}

impl ZoneArgs {
    pub(super) fn name(&self) -> String {
        match (&self.tz, self.utc) {
            (_, true) => "UTC".into(),
            (Some(tz), _) => tz.clone(),
            _ => local_zone_name(),
        }
    }
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only changes by this actor (id, email or name); repeat for several.
    #[arg(long = "actor", value_name = "ACTOR")]
    actors: Vec<String>,
    /// Only this event type; repeat for several.
    #[arg(long = "event-type", value_name = "TYPE")]
    event_types: Vec<String>,
    /// From this time on: 2026-11-02, "2026-11-02 14:30" or RFC 3339.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Up to this time; a date alone includes that whole day.
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    #[command(flatten)]
    zone: ZoneArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PageFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Shipment id or reference.
    shipment: String,
    #[command(flatten)]
    filter: FilterArgs,
    /// Versions per page (1–1000).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Continue below this version (the next page's value is printed on stderr).
    #[arg(long, value_name = "VERSION", conflicts_with_all = ["from_version", "at"])]
    before_version: Option<i32>,
    /// The page just above this version (newer ones, still listed newest first):
    /// paging back up; the next value is printed on stderr.
    #[arg(long, value_name = "VERSION", conflicts_with_all = ["before_version", "from_version", "at"])]
    after_version: Option<i32>,
    /// Start at this version (it comes first, then older ones): "Go to version".
    #[arg(long, value_name = "VERSION", conflicts_with = "at")]
    from_version: Option<i32>,
    /// Start at the version in effect at this time (in --tz): "Go to date".
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[arg(long, value_enum, default_value_t = PageFormat::Table)]
    format: PageFormat,
    /// Keep printing each new version as it is written, like `tail -f` (the page
    /// first, oldest first; JSON as one object per line), until interrupted.
    #[arg(long, conflicts_with_all = ["before_version", "after_version", "from_version", "at"])]
    follow: bool,
}

#[derive(Debug, Args)]
pub struct ActorArgs {
    /// Actor id, email or display name.
    actor: String,
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Continue after this cursor (printed on stderr after each page).
    #[arg(long, value_name = "CURSOR")]
    before: Option<String>,
    /// The page just above this cursor (newer changes, still newest first): paging back up.
    #[arg(long, value_name = "CURSOR", conflicts_with = "before")]
    after: Option<String>,
    #[arg(long, value_enum, default_value_t = PageFormat::Table)]
    format: PageFormat,
}

#[derive(Debug, Args)]
pub struct FieldHistoryArgs {
    /// Shipment id or reference.
    shipment: String,
    /// The field, as the changes name it (e.g. destination, current_location).
    field: String,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Continue below this version (the next page's value is printed on stderr).
    #[arg(long, value_name = "VERSION")]
    before_version: Option<i32>,
    #[command(flatten)]
    zone: ZoneArgs,
    #[arg(long)]
    json: bool,
}

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
pub struct BlameArgs {
    shipment: String,
    #[command(flatten)]
    zone: ZoneArgs,
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

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("subject").required(true).args(["shipment", "by"])))]
pub struct ActivityArgs {
    /// A shipment's activity (id or reference).
    #[arg(long)]
    shipment: Option<String>,
    /// An actor's activity across shipments (id, email or name).
    #[arg(long, value_name = "ACTOR")]
    by: Option<String>,
    #[command(flatten)]
    filter: FilterArgs,
    /// Draw the chart into this .svg or .png file.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("subject").required(true).args(["shipment", "by"])))]
pub struct ExportArgs {
    /// Export a shipment's timeline (id or reference).
    #[arg(long)]
    shipment: Option<String>,
    /// Export everything an actor changed (id, email or name).
    #[arg(long, value_name = "ACTOR")]
    by: Option<String>,
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = FileFormat::Csv)]
    format: FileFormat,
    /// Write here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The filter, once actor names are resolved and times read in the zone.
async fn build_filter(conn: &Connection, args: &FilterArgs) -> Result<(TimelineFilter, Tz, String)> {
    let tz_name = args.zone.name();
    let tz = zone(&tz_name)?;
    let filter = TimelineFilter {
        actors: actor::resolve_many(conn.db(), &args.actors).await?,
        event_types: args.event_types.clone(),
        since: args.since.as_deref().map(|t| parse_time(t, tz, false)).transpose()?,
        until: args.until.as_deref().map(|t| parse_time(t, tz, true)).transpose()?,
    };
    filter.validate()?;
    Ok((filter, tz, tz_name))
}

fn scope(shipment: &Option<String>, by: &Option<String>) -> Scope {
    match (shipment, by) {
        (Some(s), _) => Scope::Shipment(s.clone()),
        (None, Some(a)) => Scope::Actor(a.clone()),
        (None, None) => unreachable!("clap requires one"),
    }
}

fn no_match(what: &str, filter: &TimelineFilter) -> ExitCode {
    if filter.is_empty() {
        eprintln!("{what}: no versions");
    } else {
        eprintln!("{what}: no versions match ({})", filter.describe(|id| id.to_string()));
    }
    ExitCode::from(1)
}

pub async fn timeline(source: &Source, args: TimelineArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let (filter, tz, _) = build_filter(conn, &args.filter).await?;
        if args.follow {
            return super::follow::follow(conn, &args.shipment, &filter, tz, args.limit, args.format).await;
        }
        let from = match (&args.from_version, &args.at) {
            (Some(v), _) => {
                version::check_exists(conn.db(), &args.shipment, *v).await?;
                Some(*v)
            }
            (None, Some(at)) => Some(version::version_at(conn.db(), &args.shipment, parse_time(at, tz, false)?).await?),
            (None, None) => None,
        };
        // Starting at a version is paging from just below the one after it.
        let before = from.map(|v| v.saturating_add(1)).or(args.before_version);
        let page = match args.after_version {
            Some(after) => timeline::newer_page(conn.db(), &args.shipment, &filter, after, args.limit).await?,
            None => timeline::page(conn.db(), &args.shipment, &filter, before, args.limit).await?,
        };
        // A page read upwards is, as CSV, the same rows read downwards from its newest.
        let csv = match (args.after_version, page.entries.first()) {
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
                limit: args.limit,
            },
        };
        print_page(
            conn,
            Scope::Shipment(args.shipment.clone()),
            (&filter, tz),
            args.format,
            &page,
            csv,
        )
        .await?;
        if let Some(next) = page.next_before {
            eprintln!("more: --before-version {next}");
        }
        if let Some(newer) = page.next_after {
            eprintln!("more: --after-version {newer}");
        }
        Ok(if page.entries.is_empty() {
            no_match(&page.shipment.reference, &filter)
        } else {
            ExitCode::SUCCESS
        })
    })
    .await
}

pub async fn actor(source: &Source, args: ActorArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let (filter, tz, _) = build_filter(conn, &args.filter).await?;
        let before: Option<ActorCursor> = args.before.as_deref().map(str::parse).transpose()?;
        let after: Option<ActorCursor> = args.after.as_deref().map(str::parse).transpose()?;
        if after.is_some() && matches!(args.format, PageFormat::Csv) {
            // The export reads downwards only; a table or JSON shows the page.
            return Err(Error::invalid(
                Field::Cursor,
                "--after pages back up, which CSV pages do not: use --format json, or --before for CSV pages",
            ));
        }
        let page = match &after {
            Some(after) => actor::newer_page(conn.db(), &args.actor, &filter, after, args.limit).await?,
            None => actor::page(conn.db(), &args.actor, &filter, before.as_ref(), args.limit).await?,
        };
        let csv = PageRange {
            before: before.clone().map(PageStart::Actor),
            limit: args.limit,
        };
        print_page(
            conn,
            Scope::Actor(args.actor.clone()),
            (&filter, tz),
            args.format,
            &page,
            csv,
        )
        .await?;
        if let Some(next) = &page.next {
            eprintln!("more: --before {next}");
        }
        if let Some(newer) = &page.newer {
            eprintln!("more: --after {newer}");
        }
        Ok(if page.entries.is_empty() {
            no_match(&page.actor.label(), &filter)
        } else {
            ExitCode::SUCCESS
        })
    })
    .await
}

trait Page: serde::Serialize {
    fn entries(&self) -> &[TimelineEntry];
}

impl Page for timeline::TimelinePage {
    fn entries(&self) -> &[TimelineEntry] {
        &self.entries
    }
}

impl Page for actor::ActorPage {
    fn entries(&self) -> &[TimelineEntry] {
        &self.entries
    }
}

/// A page as a table, JSON, or the timeline's one CSV format (the export's,
/// for exactly the rows of this page).
async fn print_page(
    conn: &Connection,
    scope: Scope,
    (filter, tz): (&TimelineFilter, Tz),
    format: PageFormat,
    page: &impl Page,
    range: PageRange,
) -> Result<()> {
    let entries = page.entries();
    match format {
        PageFormat::Json => print_json(page),
        PageFormat::Csv => {
            let request = ExportRequest {
                scope,
                filter: filter.clone(),
                time_zone: tz.name().to_string(),
                format: TimelineFormat::Csv,
                page: Some(range),
            };
            let mut out = std::io::BufWriter::new(std::io::stdout());
            export::export(conn.db(), &request, &mut out, &|_| {}).await?;
            out.flush().map_err(Error::io("writing to standard output"))
        }
        PageFormat::Table => {
            if entries.is_empty() {
                return Ok(());
            }
            let many_shipments = entries.iter().any(|e| e.shipment_id != entries[0].shipment_id);
            table_header(tz, many_shipments);
            for e in entries {
                table_row(e, tz, many_shipments);
            }
            Ok(())
        }
    }
}

/// The table's column heads (with a shipment column when rows span shipments).
pub(super) fn table_header(tz: Tz, many_shipments: bool) {
    say!(
        "{}VERSION  {:<23}  {:<18} {:<22} CHANGES",
        if many_shipments { "SHIPMENT          " } else { "" },
        format!("TIME ({tz})"),
        "EVENT",
        "ACTOR"
    );
}

/// One version as a table row.
pub(super) fn table_row(e: &TimelineEntry, tz: Tz, many_shipments: bool) {
    let shipment = if many_shipments {
        format!("{:<18}", e.shipment_reference)
    } else {
        String::new()
    };
    let summary = if e.summary.is_empty() {
        e.description.clone().unwrap_or_default()
    } else {
        e.summary.clone()
    };
    say!(
        "{shipment}{:>7}  {:<23}  {:<18} {:<22} {}",
        format!("v{}", e.version_no),
        short_time(e.timestamp, tz),
        e.event_type,
        clip(&actor_label(e), 22),
        summary.replace(['\r', '\n'], " ")
    );
}

/// `2026-11-02 10:00:00.000` in `tz`; `infinity`, years past 9999 and the
/// like as stored; `—` when there is none.
fn short_time(t: Option<Moment>, tz: Tz) -> String {
    match t.map(|m| (m, m.to_utc())) {
        None => "—".into(),
        Some((_, Some(utc))) if (0..=9999).contains(&utc.year()) => {
            utc.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S%.3f").to_string()
        }
        Some((m, _)) => m.to_rfc3339(),
    }
}

fn long_time(t: Option<Moment>, tz: Tz) -> String {
    t.map(|m| m.format_in(tz))
        .unwrap_or_else(|| "(no time recorded)".into())
}

fn actor_label(e: &TimelineEntry) -> String {
    e.actor_name
        .clone()
        .or_else(|| e.actor_id.map(|a| a.to_string()))
        .unwrap_or_else(|| "—".into())
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
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

pub async fn field_history(source: &Source, args: FieldHistoryArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let tz = zone(&args.zone.name())?;
        let h = field::field_history(conn.db(), &args.shipment, &args.field, args.before_version, args.limit).await?;
        if args.json {
            print_json(&h)?;
        } else {
            say!(
                "{} · {} ({} changes shown, newest first)",
                h.shipment.reference,
                h.field,
                h.entries.len()
            );
            for e in &h.entries {
                let show = |v: &Option<Value>| match v {
                    None | Some(Value::Null) => "(empty)".to_string(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                };
                say!(
                    "{:>7}  {:<23}  {:<22} {} → {}",
                    format!("v{}", e.version_no),
                    short_time(e.timestamp, tz),
                    clip(
                        &e.actor_name
                            .clone()
                            .or(e.actor_id.map(|a| a.to_string()))
                            .unwrap_or_else(|| "—".into()),
                        22
                    ),
                    show(&e.old),
                    show(&Some(e.new.clone()))
                );
            }
        }
        if let Some(next) = h.next_before {
            eprintln!("more: --before-version {next}");
        }
        Ok(if h.entries.is_empty() {
            eprintln!("{}: no version changed `{}`", h.shipment.reference, h.field);
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
    .await
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
                let page = timeline::page(conn.db(), &args.shipment, &TimelineFilter::default(), None, 1).await?;
                (
                    version::compare(conn.db(), &args.shipment, args.from, to).await?,
                    page.shipment.reference,
                )
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

pub async fn blame(source: &Source, args: BlameArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let tz = zone(&args.zone.name())?;
        let b = blame::blame(conn.db(), &args.shipment).await?;
        if args.json {
            print_json(&b)?;
        } else {
            say!("{} ({} versions)", b.shipment.reference, b.latest_version);
            say!(
                "{:<18} {:<28} {:>7}  {:<23}  BY",
                "FIELD",
                "VALUE",
                "VERSION",
                format!("WHEN ({tz})")
            );
            for l in &b.lines {
                let by = l
                    .actor_name
                    .clone()
                    .or(l.actor_id.map(|a| a.to_string()))
                    .unwrap_or_else(|| "—".into());
                let value = match &l.value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                say!(
                    "{:<18} {:<28} {:>7}  {:<23}  {by}",
                    clip(&l.field, 18),
                    clip(&value, 28),
                    format!("v{}", l.version_no),
                    short_time(l.timestamp, tz)
                );
            }
            if !b.unattributed.is_empty() {
                say!("never changed by a recorded version: {}", b.unattributed.join(", "));
            }
        }
        Ok(if b.lines.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
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

pub async fn activity(source: &Source, args: ActivityArgs) -> Result<ExitCode> {
    if let Some(path) = &args.plot {
        plots::write_check(path)?;
    }
    with_connection(source, async |conn| {
        let (filter, _, tz_name) = build_filter(conn, &args.filter).await?;
        let scope = scope(&args.shipment, &args.by);
        let a = activity::activity(conn.db(), &scope, &filter, &tz_name).await?;
        if let Some(path) = &args.plot {
            plots::write(Plot::Activity(&a), path)?;
            eprintln!("wrote {}", path.display());
        }
        if args.json {
            print_json(&a)?;
        } else {
            say!("{}: {} changes ({})", a.subject, a.total, a.time_zone);
            super::output::print_bars(&a, false);
            if a.untimed > 0 {
                say!(
                    "{} changes have no usable time (missing or ±infinity) and are not by {:?}",
                    a.untimed,
                    a.period
                );
            }
        }
        Ok(if a.total == 0 {
            no_match(&a.subject, &filter)
        } else {
            ExitCode::SUCCESS
        })
    })
    .await
}

pub async fn export(source: &Source, args: ExportArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let (filter, _, tz_name) = build_filter(conn, &args.filter).await?;
        let request = ExportRequest {
            scope: scope(&args.shipment, &args.by),
            filter,
            time_zone: tz_name,
            format: match args.format {
                FileFormat::Csv => TimelineFormat::Csv,
                FileFormat::Json => TimelineFormat::Json,
            },
            page: None,
        };
        let progress = |rows: u64| {
            if args.output.is_some() {
                eprintln!("  {rows} rows");
            }
        };
        let rows = match &args.output {
            Some(path) => {
                let rows = export::export_to_file(conn.db(), &request, path, &progress).await?;
                eprintln!("wrote {rows} rows to {}", path.display());
                rows
            }
            None => {
                let mut out = std::io::BufWriter::new(std::io::stdout());
                let rows = export::export(conn.db(), &request, &mut out, &progress).await?;
                out.flush().map_err(Error::io("writing to standard output"))?;
                rows
            }
        };
        Ok(if rows == 0 {
            no_match("export", &request.filter)
        } else {
            ExitCode::SUCCESS
        })
    })
    .await
}
