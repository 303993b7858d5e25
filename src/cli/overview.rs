//! `waybill overview`: the managers' overview of the whole operation over a
//! time range, as a table, JSON, a self-contained HTML report and PNG charts.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use waybill::connection::Source;
use waybill::domain::time::{parse_time, zone};
use waybill::error::Result;
use waybill::overview::report::{hours, minutes};
use waybill::overview::{self, Overview, OverviewRange, OverviewRequest};

use super::connect::with_connection;
use super::output::print_json;
use super::timeline::ZoneArgs;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Last {
    #[value(name = "24h")]
    Day,
    #[value(name = "7d")]
    Week,
    #[value(name = "30d")]
    Month,
}

#[derive(Debug, Args)]
pub struct OverviewArgs {
    /// A range up to now: the last 24 hours, or today and the 6 (29) days before
    /// it. The default when no --since is given: 7d.
    #[arg(long, value_enum, conflicts_with_all = ["since", "until"])]
    last: Option<Last>,
    /// From this time: 2026-11-02, "2026-11-02 14:30" or RFC 3339 (in the --tz zone).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Up to this time (exclusive; a bare date means the end of that day). Default: now.
    #[arg(long, value_name = "TIME", requires = "since")]
    until: Option<String>,
    #[command(flatten)]
    zone: ZoneArgs,
    /// The overview as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Also write the report as one self-contained HTML file (charts inline).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Also draw each chart as PNG into this folder (activity.png, status-times.png).
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
}

pub async fn run(source: &Source, args: OverviewArgs) -> Result<ExitCode> {
    let tz_name = args.zone.name();
    let tz = zone(&tz_name)?;
    let range = match (&args.since, args.last) {
        (Some(since), _) => OverviewRange::Custom {
            since: parse_time(since, tz, false)?.to_rfc3339(),
            until: match &args.until {
                Some(until) => parse_time(until, tz, true)?.to_rfc3339(),
                None => chrono::Utc::now().to_rfc3339(),
            },
        },
        (None, Some(Last::Day)) => OverviewRange::Last24Hours,
        (None, Some(Last::Month)) => OverviewRange::Last30Days,
        (None, Some(Last::Week) | None) => OverviewRange::Last7Days,
    };
    let request = OverviewRequest {
        range,
        time_zone: tz_name,
    };
    // Checked before reading: a bad range or zone fails without a connection.
    request.range.resolve(tz, chrono::Utc::now())?;
    let o = with_connection(source, async |conn| overview::overview(conn.db(), &request).await).await?;
    if let Some(path) = &args.html {
        overview::report::save_to_file(&o, path)?;
        eprintln!("report: {}", path.display());
    }
    if let Some(dir) = &args.charts {
        let mut drawn = vec![(o.activity_chart(), dir.join("activity.png"))];
        if let Some(status) = o.status_chart() {
            drawn.push((status, dir.join("status-times.png")));
        }
        for (chart, path) in drawn {
            super::write::chart(&chart, &path)?;
            eprintln!("chart: {}", path.display());
        }
    }
    if args.json {
        print_json(&o)?;
    } else {
        print(&o);
    }
    Ok(ExitCode::SUCCESS)
}

fn print(o: &Overview) {
    say!(
        "Overview of {}: {} to {} ({}), read in {} ms",
        o.database,
        minutes(&o.since),
        minutes(&o.until),
        o.time_zone,
        o.took_ms
    );
    say!(
        "{} changes to {} {} by {} people and integrations; {} exceptions raised, {} still open",
        o.changes,
        o.shipments_changed,
        o.nouns,
        o.actors_active,
        o.exceptions.raised,
        o.exceptions.open
    );
    if !o.time_indexed && o.time_indexable {
        say!("(read without an index on \"timestamp\": `waybill indexes --apply --optional` creates one)");
    }
    say!();
    super::output::print_bars(&o.activity, true);
    say!();
    say!("{:<44}  {:>7}", "MOST ACTIVE", "CHANGES");
    for x in &o.top_actors {
        let who = match (&x.name, &x.id) {
            (Some(name), _) => name.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => "(no actor)".into(),
        };
        say!("{:<44}  {:>7}", who, x.changes);
    }
    say!();
    say!("{:<18}  {:<18}  {:>7}  TITLE", "MOST CHANGED", "STATUS", "CHANGES");
    for s in &o.top_shipments {
        say!("{:<18}  {:<18}  {:>7}  {}", s.reference, s.status, s.changes, s.title);
    }
    say!();
    say!(
        "{:<18}  {:>6}  {:>8}  {:>8}  {:>6}",
        "TIME IN STATUS",
        "STAYS",
        "MEDIAN",
        "P90",
        "NOW"
    );
    for s in &o.statuses {
        say!(
            "{:<18}  {:>6}  {:>8}  {:>8}  {:>6}",
            s.status,
            s.stays,
            hours(s.median_hours),
            hours(s.p90_hours),
            s.now
        );
    }
    if !o.exceptions.reasons.is_empty() {
        say!();
        say!("{:<48}  {:>6}  {:>6}", "EXCEPTIONS RAISED", "RAISED", "OPEN");
        for r in &o.exceptions.reasons {
            say!("{:<48}  {:>6}  {:>6}", r.reason, r.raised, r.open);
        }
    }
    for e in &o.exceptions.open_list {
        say!(
            "  open: {} v{} since {}: {}",
            e.reference,
            e.version,
            minutes(&e.raised_at),
            e.reason
        );
    }
}
