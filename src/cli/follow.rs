//! `waybill timeline ID --follow`: the current page, then each new version as
//! it is written, like `tail -f`. It polls the same keyset query the app's
//! live timeline does (`timeline::newer_page`: versions above the newest
//! printed, filters applied): read-only, one short transaction per poll, so
//! it works through a transaction pooler and writes nothing (no triggers, no
//! LISTEN channel to set up in the user's database).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use chrono_tz::Tz;
use waybill::connection::Connection;
use waybill::domain::reads::{TimelineEntry, MAX_PAGE};
use waybill::domain::TimelineFilter;
use waybill::error::{Error, Field, Result};
use waybill::timeline;

use super::cancel::CtrlC;
use super::timeline::{table_header, table_row, PageFormat};

/// How often to look: soon after something arrived, up to every few seconds while nothing does.
const QUICK: Duration = Duration::from_millis(1000);
const SLOW: Duration = Duration::from_millis(5000);

pub async fn follow(
    conn: &Connection,
    key: &str,
    filter: &TimelineFilter,
    tz: Tz,
    limit: u32,
    format: PageFormat,
) -> Result<ExitCode> {
    let json = match format {
        PageFormat::Table => false,
        PageFormat::Json => true,
        PageFormat::Csv => {
            return Err(Error::invalid(
                Field::Filter,
                "--follow prints a table or JSON lines: use --format table or --format json",
            ))
        }
    };
    let page = timeline::page(conn.db(), key, filter, None, limit).await?;
    // Oldest first: the newest line is the last, where the next ones follow.
    if !json {
        table_header(tz, false);
    }
    for e in page.entries.iter().rev() {
        print(e, tz, json)?;
    }
    let mut newest = page.entries.first().map_or(0, |e| e.version_no);
    eprintln!(
        "following {} ({}); Ctrl-C to stop",
        page.shipment.reference,
        filter.describe(|id| id.to_string())
    );
    let mut delay = QUICK;
    let ctrl_c = CtrlC::watch("");
    loop {
        tokio::select! {
            _ = ctrl_c.token().cancelled() => return Ok(ExitCode::SUCCESS),
            _ = tokio::time::sleep(delay) => {}
        }
        let mut found = false;
        loop {
            let page = timeline::newer_page(conn.db(), key, filter, newest, MAX_PAGE).await?;
            for e in page.entries.iter().rev() {
                print(e, tz, json)?;
            }
            if let Some(e) = page.entries.first() {
                newest = e.version_no;
                found = true;
            }
            if page.next_after.is_none() {
                break;
            }
        }
        delay = if found { QUICK } else { (delay * 3 / 2).min(SLOW) };
    }
}

fn print(e: &TimelineEntry, tz: Tz, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(e).map_err(Error::internal)?);
    } else {
        table_row(e, tz, false);
    }
    // Each line as it comes, also into a pipe.
    std::io::stdout()
        .flush()
        .map_err(Error::io("writing to standard output"))
}
