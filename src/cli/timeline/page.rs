//! `waybill timeline` and `waybill actor`: a page of a shipment's versions or
//! of an actor's changes, as a table, JSON or the export's CSV.

use std::io::Write;

use waybill::domain::reads::ActorCursor;
use waybill::error::{Error, Field};
use waybill::timeline::export::{self, ExportRequest, PageRange, PageStart, TimelineFormat};
use waybill::timeline::{self, version};

use super::*;
use crate::cli::connect::with_connection;
use crate::cli::output::print_json;
use waybill::connection::Source;

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

pub async fn timeline(source: &Source, args: TimelineArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let (filter, tz, _) = build_filter(conn, &args.filter).await?;
        if args.follow {
            return crate::cli::follow::follow(conn, &args.shipment, &filter, tz, args.limit, args.format).await;
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
        let csv = PageRange::of_page(&page, before, args.after_version, args.limit);
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
