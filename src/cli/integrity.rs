//! `waybill integrity`: the integrity scan from a terminal or CI (exit 0
//! clean, 1 findings, 2 bad input or a connection problem).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use waybill::connection::Source;
use waybill::domain::time::{local_zone_name, parse_time, zone};
use waybill::error::{Error, Result};
use waybill::integrity::{self, IntegrityReport, IntegrityRequest, ScanProgress};

use super::cancel::CtrlC;
use super::connect::with_connection;
use super::write;

#[derive(Debug, Args)]
pub struct IntegrityArgs {
    /// Only this shipment (id or reference); else the whole table.
    #[arg(long)]
    shipment: Option<String>,
    /// Only shipments changed since this time (in the system's zone unless it says),
    /// and findings from then on.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Findings listed at most (1–100000, default 1000); the counts by kind stay exact.
    #[arg(long)]
    max_findings: Option<u32>,
    /// The report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Also write the report as JUnit XML (one test case per kind of damage).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also draw the damage per day by kind (.svg or .png): when it happened.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

pub async fn run(source: &Source, args: IntegrityArgs) -> Result<ExitCode> {
    if let Some(path) = &args.plot {
        write::check_chart_path(path)?;
    }
    let since = match &args.since {
        Some(text) => Some(parse_time(text, zone(&local_zone_name())?, false)?),
        None => None,
    };
    let request = IntegrityRequest {
        shipment: args.shipment.clone(),
        since,
        max_findings: args.max_findings,
    };
    let report = with_connection(source, async |conn| {
        let ctrl_c = CtrlC::watch("cancelling: the report covers what was read so far…");
        let report = integrity::scan(conn.db(), &request, &progress_line, ctrl_c.token()).await;
        if std::io::stderr().is_terminal() {
            eprint!("\r{:70}\r", "");
        }
        report
    })
    .await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(Error::internal)?);
    } else {
        print_report(&report);
    }
    if let Some(path) = &args.plot {
        match integrity::view::findings_chart(&report) {
            Some(findings) => {
                write::chart(&integrity::view::findings_plot(&findings), path)?;
                eprintln!("plot: {}", path.display());
            }
            None => eprintln!("no plot: no damage with a time to draw"),
        }
    }
    if let Some(path) = &args.junit {
        let xml = integrity::junit::to_xml(&report).map_err(|e| Error::internal(format!("writing JUnit XML: {e}")))?;
        write::bytes(path, xml.as_bytes())?;
        eprintln!("JUnit report: {}", path.display());
    }
    Ok(if report.clean && !report.cancelled {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn progress_line(p: ScanProgress) {
    if std::io::stderr().is_terminal() {
        eprint!(
            "\r  {} rows, {} records scanned, {} findings   ",
            p.rows, p.shipments, p.findings
        );
        std::io::stderr().flush().ok();
    }
}

fn print_report(r: &IntegrityReport) {
    println!(
        "Integrity of {}: {} rows in {} {}, {:.1} s{}",
        r.scope,
        r.rows,
        r.shipments,
        r.nouns,
        r.elapsed_ms as f64 / 1000.0,
        if r.cancelled { " (cancelled: partial)" } else { "" }
    );
    match &r.unique_columns {
        Some(columns) => println!(
            "Unique rule on {columns}: {}",
            if r.unique_rule {
                "yes"
            } else {
                "NO (duplicates can be written)"
            }
        ),
        None => println!("Versions are numbered in the history's order: no unique rule needed"),
    }
    println!();
    for c in &r.counts {
        match &c.not_checked {
            Some(why) => println!("  {:>8}  {}  (not checked: {why})", "-", c.label),
            None => {
                let note = if c.problem { "" } else { "  (information)" };
                println!("  {:>8}  {}{note}", c.count, c.label);
            }
        }
    }
    println!();
    for f in &r.findings {
        let versions = match f.versions.as_slice() {
            [] => String::new(),
            [one] => format!(" v{one}"),
            many => format!(" v{}–v{}", many[0], many[many.len() - 1]),
        };
        println!(
            "{:<18} {}{versions}: {}",
            f.kind.code(),
            f.shipment_reference.as_deref().unwrap_or("-"),
            f.evidence
        );
    }
    if r.truncated {
        println!("… more findings than listed: raise --max-findings to see them all");
    }
    println!();
    println!(
        "{}",
        if r.cancelled {
            "CANCELLED: the counts cover only what was read"
        } else if r.clean {
            "CLEAN: no damage found"
        } else {
            "FINDINGS: the history has damage (see above)"
        }
    );
}
