//! `waybill timeline | version | diff | blame | field-history | as-of | actor |
//! activity | export`: the timeline screen for scripts, one file per
//! subcommand, on the same core calls as the app. Exit 0 with results, 1 when
//! nothing matches (like grep), 2 on bad input.

mod activity;
mod blame;
mod export;
mod page;
mod version;

use std::process::ExitCode;

use chrono::Datelike;
use chrono_tz::Tz;
use clap::{Args, ValueEnum};
use waybill::connection::Connection;
use waybill::domain::reads::TimelineEntry;
use waybill::domain::time::{local_zone_name, parse_time, zone};
use waybill::domain::{Moment, TimelineFilter};
use waybill::error::Result;
use waybill::timeline::activity::Scope;
use waybill::timeline::actor;

pub use activity::{activity, ActivityArgs};
pub use blame::{blame, field_history, BlameArgs, FieldHistoryArgs};
pub use export::{export, ExportArgs};
pub use page::{actor, timeline, ActorArgs, TimelineArgs};
pub use version::{as_of, diff, version, AsOfArgs, DiffArgs, VersionArgs};

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
    pub(crate) fn name(&self) -> String {
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

/// The filter, once actor names are resolved and times read in the zone.
pub(super) async fn build_filter(conn: &Connection, args: &FilterArgs) -> Result<(TimelineFilter, Tz, String)> {
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

pub(super) fn scope(shipment: &Option<String>, by: &Option<String>) -> Scope {
    match (shipment, by) {
        (Some(s), _) => Scope::Shipment(s.clone()),
        (None, Some(a)) => Scope::Actor(a.clone()),
        (None, None) => unreachable!("clap requires one"),
    }
}

pub(super) fn no_match(what: &str, filter: &TimelineFilter) -> ExitCode {
    if filter.is_empty() {
        eprintln!("{what}: no versions");
    } else {
        eprintln!("{what}: no versions match ({})", filter.describe(|id| id.to_string()));
    }
    ExitCode::from(1)
}

/// The table's column heads (with a shipment column when rows span shipments).
pub(crate) fn table_header(tz: Tz, many_shipments: bool) {
    say!(
        "{}VERSION  {:<23}  {:<18} {:<22} CHANGES",
        if many_shipments { "SHIPMENT          " } else { "" },
        format!("TIME ({tz})"),
        "EVENT",
        "ACTOR"
    );
}

/// One version as a table row.
pub(crate) fn table_row(e: &TimelineEntry, tz: Tz, many_shipments: bool) {
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
pub(super) fn short_time(t: Option<Moment>, tz: Tz) -> String {
    match t.map(|m| (m, m.to_utc())) {
        None => "—".into(),
        Some((_, Some(utc))) if (0..=9999).contains(&utc.year()) => {
            utc.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S%.3f").to_string()
        }
        Some((m, _)) => m.to_rfc3339(),
    }
}

pub(super) fn long_time(t: Option<Moment>, tz: Tz) -> String {
    t.map(|m| m.format_in(tz))
        .unwrap_or_else(|| "(no time recorded)".into())
}

pub(super) fn actor_label(e: &TimelineEntry) -> String {
    e.actor_name
        .clone()
        .or_else(|| e.actor_id.clone())
        .unwrap_or_else(|| "—".into())
}

pub(super) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}
