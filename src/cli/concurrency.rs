//! `waybill concurrency`: runs the bundled concurrency test and prints a report
//! in the spirit of the original guide's script. Exit 0 on PASS, 1 on FAIL.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use waybill::concurrency::charts::{self, RunChart};
use waybill::concurrency::{self, runs, Choice, Overrides, RunProgress, RunReport, SavedRun, Suite};
use waybill::connection::{Connection, Source};
use waybill::domain::time::{local_zone_name, zone};
use waybill::error::{Error, Result};

use super::cancel::CtrlC;
use super::output::print_json;
use super::{connect, write};

#[derive(Debug, Args)]
pub struct ConcurrencyArgs {
    /// concurrent, staggered, rapid_fire, stress, pool_exhaustion, first_version, spread, or all
    /// (`-` for `_` works too).
    #[arg(long, default_value = "concurrent")]
    scenario: String,
    /// Requests in the run (per shipment for spread).
    #[arg(long)]
    requests: Option<u32>,
    /// Write to this existing shipment (id or reference) instead of a new test shipment.
    #[arg(long, conflicts_with = "new_shipment")]
    shipment: Option<String>,
    /// Write to a new test shipment created for the run (the default).
    #[arg(long)]
    new_shipment: bool,
    /// Delay between request starts, for staggered.
    #[arg(long, allow_hyphen_values = true)]
    delay_ms: Option<u32>,
    /// Connections in the pool, for rapid_fire and pool_exhaustion.
    #[arg(long)]
    pool_size: Option<u32>,
    /// How long a request may wait for a pooled connection.
    #[arg(long)]
    acquire_timeout_ms: Option<u32>,
    /// Shipments written at once, for spread.
    #[arg(long)]
    shipments: Option<u32>,
    /// The "completed in acceptable time" threshold for the run.
    #[arg(long)]
    max_ms: Option<u32>,
    /// Write plots: FILE.svg or FILE.png (latency per request), plus -distribution and -waterfall beside it.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Print the report(s) as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Write a JUnit XML report (one test case per check).
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Self-test the checker against a deliberately unsafe version assignment (sandbox only): it must FAIL.
    #[arg(long)]
    unsafe_control: bool,
    /// Compare with a saved run (its id or file): percentiles side by side, and a plot with --plot.
    #[arg(long)]
    compare: Option<String>,
    /// List saved runs and exit.
    #[arg(long)]
    list: bool,
    /// Keep the test shipments a run creates (on a database that is not the sandbox they are
    /// removed when the run ends, whatever its outcome; the report keeps their ids).
    #[arg(long)]
    keep: bool,
    /// Remove test shipments earlier runs left behind (those carrying Waybill's label, and
    /// nothing else), then exit.
    #[arg(long, conflicts_with_all = ["list", "keep", "unsafe_control"])]
    cleanup: bool,
    /// Confirm writing to a non-sandbox database without being asked.
    #[arg(long)]
    yes: bool,
}

impl ConcurrencyArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            requests: self.requests,
            delay_ms: self.delay_ms,
            pool_size: self.pool_size,
            acquire_timeout_ms: self.acquire_timeout_ms,
            shipments: self.shipments,
            max_total_ms: self.max_ms,
        }
    }
}

pub async fn run(source: &Source, args: ConcurrencyArgs) -> Result<ExitCode> {
    let data_dir = waybill::files::data_dir()?;
    if args.list {
        list(&data_dir, args.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.cleanup {
        return cleanup(source, args.yes).await;
    }
    let mut suite = if args.unsafe_control {
        Suite::self_test()
    } else {
        Suite::new(Choice::parse(&args.scenario)?, &args.overrides(), args.shipment.clone())
    };
    suite.keep_test_shipments = args.keep;
    suite.validate()?;
    if let Some(plot) = &args.plot {
        write::check_chart_path(plot)?;
    }
    let earlier = args
        .compare
        .as_deref()
        .map(|key| runs::load(&data_dir, key))
        .transpose()?;

    let conn = connect::open(source, true).await?;
    let result = run_on(&conn, &args, &suite, &data_dir).await;
    conn.close().await?;
    let saved = result?;
    write_outputs(&args, &saved, earlier.as_ref())?;
    Ok(if saved.iter().all(|s| s.report.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn cleanup(source: &Source, yes: bool) -> Result<ExitCode> {
    super::connect::with_connection(source, async |conn| {
        connect::authorize(
            conn,
            yes,
            "remove the test shipments Waybill's concurrency runs left (with their history) from",
        )?;
        let removed = concurrency::remove_leftovers(conn.db()).await?;
        say!(
            "removed {removed} test shipment{} left by earlier runs",
            if removed == 1 { "" } else { "s" }
        );
        Ok(ExitCode::SUCCESS)
    })
    .await
}

async fn run_on(conn: &Connection, args: &ConcurrencyArgs, suite: &Suite, data_dir: &Path) -> Result<Vec<SavedRun>> {
    suite.check_target(conn)?;
    let on = args
        .shipment
        .as_deref()
        .map(|s| format!("shipment {s}"))
        .unwrap_or_else(|| "new test shipments".into());
    let what = format!(
        "write up to {} history rows ({on}) for the concurrency test in",
        suite.rows()
    );
    let confirmation = connect::authorize(conn, args.yes, &what)?;

    let ctrl_c = CtrlC::watch("cancelling: requests not yet sent are skipped, those in flight are stopped…");
    let saved = concurrency::run_and_save(
        conn,
        suite,
        confirmation.as_ref(),
        data_dir,
        &progress_line,
        ctrl_c.token(),
    )
    .await;
    clear_progress_line();
    saved
}

fn write_outputs(args: &ConcurrencyArgs, saved: &[SavedRun], earlier: Option<&RunReport>) -> Result<()> {
    let reports: Vec<RunReport> = saved.iter().map(|s| s.report.clone()).collect();
    if args.json {
        let text = if let [one] = reports.as_slice() {
            serde_json::to_string_pretty(one)
        } else {
            serde_json::to_string_pretty(&reports)
        };
        println!("{}", text.map_err(Error::internal)?);
    }
    for SavedRun { report, file } in saved {
        if !args.json {
            print_report(report);
        }
        eprintln!("saved as {} (id {})", file.display(), report.short_id());
        if let Some(base) = &args.plot {
            let suffix = if saved.len() > 1 {
                format!("-{}", report.scenario.name())
            } else {
                String::new()
            };
            let mut written = Vec::new();
            for chart in RunChart::ALL {
                let extra = if chart == RunChart::Latency {
                    String::new()
                } else {
                    format!("-{}", chart.name())
                };
                let path = sibling(base, &format!("{suffix}{extra}"));
                write::chart(&chart.of(report), &path)?;
                written.push(path.display().to_string());
            }
            if let Some(earlier) = earlier.filter(|e| runs::comparable(report, e).is_ok()) {
                let path = sibling(base, &format!("{suffix}-compare"));
                let tz = zone(&local_zone_name())?;
                write::chart(&charts::compare(report, earlier, tz), &path)?;
                written.push(path.display().to_string());
            }
            eprintln!("plots: {}", written.join(", "));
        }
        if let (Some(earlier), false) = (earlier, args.json) {
            match runs::comparable(report, earlier) {
                Ok(()) => print_comparison(report, earlier),
                // The run is saved either way; say why it is not set beside the other.
                Err(why) => eprintln!("not compared: {why}"),
            }
        }
    }
    if let Some(path) = &args.junit {
        let xml =
            concurrency::junit::to_xml(&reports).map_err(|e| Error::internal(format!("writing JUnit XML: {e}")))?;
        write::bytes(path, xml.as_bytes())?;
        eprintln!("JUnit report: {}", path.display());
    }
    Ok(())
}

/// `plots/run.svg` + `-waterfall` → `plots/run-waterfall.svg`.
fn sibling(base: &Path, suffix: &str) -> PathBuf {
    let stem = base.file_stem().and_then(|s| s.to_str()).unwrap_or("plot");
    let ext = base.extension().and_then(|s| s.to_str()).unwrap_or("svg");
    base.with_file_name(format!("{stem}{suffix}.{ext}"))
}

fn progress_line(p: RunProgress) {
    if std::io::stderr().is_terminal() {
        eprint!(
            "\r  {} / {} done, {} failed, {:.1} s   ",
            p.done,
            p.total,
            p.failed,
            p.elapsed_ms / 1000.0
        );
        std::io::stderr().flush().ok();
    }
}

fn clear_progress_line() {
    if std::io::stderr().is_terminal() {
        eprint!("\r{:60}\r", "");
    }
}

const RULE: &str = "==================================================";

fn header(text: &str) {
    say!("\n{RULE}\n{text:^50}\n{RULE}");
}

fn print_report(r: &RunReport) {
    let p = &r.params;
    header(&format!(
        "{} ({} requests)",
        r.scenario_title().to_uppercase(),
        p.total_requests()
    ));
    say!("Database: {}", r.database);
    for s in &r.shipments {
        let kind = if s.created_for_test {
            "new test shipment"
        } else {
            "existing shipment"
        };
        say!("Shipment: {} ({kind}, {})", s.reference, s.id);
    }
    if r.test_shipments_removed {
        say!("The test shipments were removed when the run ended (--keep keeps them).");
    }
    header("RESULTS");
    let ok = r.requests.iter().filter(|q| q.version.is_some()).count();
    say!("Total time: {:.2}ms", r.elapsed_ms);
    say!("Successful: {ok}");
    say!("Failed: {}", r.requests.len() - ok);
    if r.cancelled > 0 {
        say!("Cancelled before sending: {}", r.cancelled);
    }
    say!();
    const SHOWN: usize = 25;
    for q in r.requests.iter().take(SHOWN) {
        match (&q.version, &q.error) {
            (Some(v), _) => say!("✅ Request {}: Version {v} (took {:.2}ms)", q.index, q.latency_ms()),
            (None, Some(e)) => say!(
                "❌ Request {}: FAILED ({:?}) - {} (after {:.2}ms)",
                q.index,
                e.kind,
                e.message,
                q.latency_ms()
            ),
            (None, None) => {}
        }
    }
    if r.requests.len() > SHOWN {
        say!(
            "… and {} more requests (see --json or the plots)",
            r.requests.len() - SHOWN
        );
    }
    let s = &r.stats;
    say!(
        "\nLatency: min {:.2} · mean {:.2} · p50 {:.2} · p95 {:.2} · p99 {:.2} · max {:.2} ms",
        s.min_ms,
        s.mean_ms,
        s.p50_ms,
        s.p95_ms,
        s.p99_ms,
        s.max_ms
    );
    let lock = r
        .lock_wait_share
        .map(|w| format!("{:.0}% of active time waiting for the row lock", w * 100.0))
        .unwrap_or_else(|| "lock wait not measurable (run too short)".into());
    say!("Throughput: {:.0} versions/s · {lock}", s.throughput_per_s);

    header("VERIFICATION");
    for c in &r.checks {
        let (mark, word) = match (c.passed, c.meaningful) {
            (_, false) => ("➖", "N/A"),
            (true, true) => ("✅", "PASS"),
            (false, true) => ("❌", "FAIL"),
        };
        say!("{mark} {word}: {}: {}", c.name, c.detail);
        for e in &c.evidence {
            say!("     ↳ {e}");
        }
    }
    header("FINAL VERDICT");
    if r.passed {
        say!("{:^50}", "✅ ALL CHECKS PASSED");
    } else {
        let failed = r.checks.iter().filter(|c| !c.passed).count();
        say!(
            "{:^50}",
            format!("❌ FAIL ({failed} of {} checks failed)", r.checks.len())
        );
        if r.unsafe_control {
            say!("\nThis run used the deliberately unsafe control: FAIL is the expected outcome,\nand proves the checker can catch duplicates.");
        }
    }
}

fn print_comparison(run: &RunReport, earlier: &RunReport) {
    let (a, b) = (&run.stats, &earlier.stats);
    say!(
        "\nCompared with run {} ({}):",
        earlier.short_id(),
        earlier.started_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    say!("  {:<12} {:>12} {:>12}", "", "this run", "earlier");
    for (name, x, y) in [
        ("p50 (ms)", a.p50_ms, b.p50_ms),
        ("p95 (ms)", a.p95_ms, b.p95_ms),
        ("p99 (ms)", a.p99_ms, b.p99_ms),
        ("versions/s", a.throughput_per_s, b.throughput_per_s),
    ] {
        say!("  {name:<12} {x:>12.2} {y:>12.2}");
    }
}

/// Saved runs, newest first: the list the app's "Past runs" shows (the same
/// core function), with unreadable files named on stderr.
fn list(data_dir: &Path, json: bool) -> Result<()> {
    let runs = concurrency::view::summaries(data_dir)?;
    if json {
        return print_json(&runs);
    }
    if runs.is_empty() {
        say!("no saved runs yet: run `waybill concurrency`");
        return Ok(());
    }
    say!(
        "{:<10} {:<20} {:<24} {:>8} {:>9} {:>9}  VERDICT",
        "ID",
        "STARTED (UTC)",
        "SCENARIO",
        "REQUESTS",
        "P50 ms",
        "P99 ms"
    );
    for r in &runs {
        say!(
            "{:<10} {:<20} {:<24} {:>8} {:>9.2} {:>9.2}  {}",
            r.id.chars().take(8).collect::<String>(),
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            r.title,
            r.requests,
            r.p50_ms,
            r.p99_ms,
            if r.passed { "PASS" } else { "FAIL" }
        );
    }
    Ok(())
}
