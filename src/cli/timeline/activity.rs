//! `waybill activity`: changes per day by event type, for a shipment or an
//! actor, as a table, JSON or a chart file.

use std::path::PathBuf;

use clap::ArgGroup;
use waybill::connection::Source;
use waybill::timeline::activity;

use super::*;
use crate::cli::connect::with_connection;
use crate::cli::output::print_json;
use crate::cli::write;

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

pub async fn activity(source: &Source, args: ActivityArgs) -> Result<ExitCode> {
    if let Some(path) = &args.plot {
        write::check_chart_path(path)?;
    }
    with_connection(source, async |conn| {
        let (filter, _, tz_name) = build_filter(conn, &args.filter).await?;
        let scope = scope(&args.shipment, &args.by);
        let a = activity::activity(conn.db(), &scope, &filter, &tz_name).await?;
        if let Some(path) = &args.plot {
            write::chart(&waybill::plots::Chart::Stacked(a.changes_chart()), path)?;
            eprintln!("wrote {}", path.display());
        }
        if args.json {
            print_json(&a)?;
        } else {
            say!("{}: {} changes ({})", a.subject, a.total, a.time_zone);
            crate::cli::output::print_bars(&a, false);
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
