//! `waybill export`: a filtered timeline streamed as CSV or JSON, to standard
//! output or a file.

use std::io::Write;
use std::path::PathBuf;

use clap::ArgGroup;
use waybill::connection::Source;
use waybill::error::Error;
use waybill::timeline::export::{self, ExportRequest, TimelineFormat};

use super::*;
use crate::cli::connect::with_connection;

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
