//! `waybill indexes | explain | check-function | slow-assignments`: the Database
//! health screen for scripts. Same core calls as the app.

use std::process::ExitCode;

use clap::Args;

use waybill::concurrency::slow::{self, DEFAULT_THRESHOLD_MS};
use waybill::domain::HistoryTable;
use waybill::error::Result;
use waybill::health::advise::{self, Advice, PlanCheck};
use waybill::health::apply::{self, ApplyProgress};
use waybill::health::explain;
use waybill::health::function;
use waybill::health::verify::{self, FoundIndex, IndexHealth, IndexState};

use waybill::connection::Source;

use super::connect::{self, with_connection};
use super::output::print_json;

#[derive(Debug, Args)]
pub struct IndexesArgs {
    /// The history table (`name` or `schema.name`); default shipment_history in the
    /// profile's schema, else public.
    #[arg(long)]
    table: Option<String>,
    /// Create the missing indexes (CREATE INDEX CONCURRENTLY: writers are not blocked).
    #[arg(long)]
    apply: bool,
    /// With --apply: also rebuild invalid indexes left by a failed concurrent build.
    #[arg(long, requires = "apply")]
    rebuild_invalid: bool,
    /// With --apply: create the optional indexes for the overview instead (on "timestamp",
    /// covering the columns the overview counts, and one of the status changes; see the
    /// README for what they cost and gain).
    #[arg(long, requires = "apply", conflicts_with = "rebuild_invalid")]
    optional: bool,
    /// Print the SQL --apply would run (for the table's owner), and change nothing.
    #[arg(long, conflicts_with = "apply")]
    sql: bool,
    /// Which indexes are redundant and what they cost.
    #[arg(long, conflicts_with_all = ["apply", "sql"])]
    advise: bool,
    /// With --advise: drop them inside a transaction that is rolled back and compare the app's plans.
    #[arg(long, requires = "advise")]
    check_plans: bool,
    /// The shipment whose queries --check-plans explains (default: the most recently changed).
    #[arg(long, requires = "check_plans")]
    shipment: Option<String>,
    /// Confirm writing to a non-sandbox database without being asked.
    #[arg(long)]
    yes: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The shipment whose queries are explained (default: the most recently changed).
    #[arg(long)]
    shipment: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct CheckFunctionArgs {
    /// The shipment the probe locks for a moment (default: the most recently updated).
    #[arg(long)]
    shipment: Option<String>,
    /// Confirm the (rolled-back) probe on a non-sandbox database without being asked.
    #[arg(long)]
    yes: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct SlowArgs {
    #[arg(long, default_value_t = DEFAULT_THRESHOLD_MS)]
    threshold_ms: f64,
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Skip this many of the slowest (the next page).
    #[arg(long, default_value_t = 0)]
    offset: u32,
    #[arg(long)]
    json: bool,
}

/// `1.2 GB`, `77 MB`, `8.0 kB`.
pub fn bytes(n: i64) -> String {
    let n = n as f64;
    match n {
        n if n >= 1e9 => format!("{:.1} GB", n / 1e9),
        n if n >= 1e6 => format!("{:.0} MB", n / 1e6),
        n => format!("{:.1} kB", n / 1e3),
    }
}

fn usage(found: &FoundIndex) -> String {
    match found.scans {
        Some(0) => "never used".into(),
        Some(n) => format!("{n} scans"),
        None => "usage unknown".into(),
    }
}

fn print_health(h: &IndexHealth, label: &str) {
    say!("{}", h.verdict.headline);
    for action in &h.verdict.actions {
        say!("  - {action}");
    }
    say!("");
    say!(
        "{} in {label}: ~{} rows, table {}, indexes {}",
        h.table,
        h.rows_estimate,
        bytes(h.table_bytes),
        bytes(h.index_bytes)
    );
    for e in &h.expected {
        match (e.state, &e.found) {
            (IndexState::Present, Some(f)) => say!(
                "  ✅ {:<52} {:<36} {:>7}  {}",
                e.expected.definition,
                f.name,
                bytes(f.size_bytes),
                usage(f)
            ),
            (IndexState::Invalid, Some(f)) => say!(
                "  ⚠️  {:<52} {:<36} INVALID (a concurrent build failed): `waybill indexes --apply --rebuild-invalid`",
                e.expected.definition,
                f.name
            ),
            _ => say!(
                "  ❌ {:<52} missing: `waybill indexes --apply` creates it ({}{})",
                e.expected.definition,
                e.expected.purpose,
                e.expected
                    .benefit
                    .as_ref()
                    .map(|b| format!("; measured: {b}"))
                    .unwrap_or_default()
            ),
        }
    }
    for e in &h.optional {
        match (e.state, &e.found) {
            (IndexState::Present, Some(f)) => say!(
                "  ✅ optional {:<43} {:<36} {:>7}  {}",
                e.expected.definition,
                f.name,
                bytes(f.size_bytes),
                usage(f)
            ),
            _ => say!(
                "  ·  optional, not created: {} ({}{}): `waybill indexes --apply --optional`",
                e.expected.definition,
                e.expected.purpose,
                e.expected
                    .benefit
                    .as_ref()
                    .map(|b| format!("; measured on 2,000,000 rows: {b}"))
                    .unwrap_or_default()
            ),
        }
    }
    for o in &h.others {
        say!(
            "  ·  other: {} ({}, {}, {})",
            o.name,
            o.definition,
            bytes(o.size_bytes),
            usage(o)
        );
    }
    let since = h
        .stats_since
        .map(|t| format!("since statistics were reset {}", t.format("%Y-%m-%d %H:%M UTC")))
        .unwrap_or_else(|| "since statistics began (never reset)".into());
    let unused: Vec<&str> = h
        .expected
        .iter()
        .filter_map(|e| e.found.as_ref())
        .chain(&h.others)
        .filter(|f| f.never_used())
        .map(|f| f.name.as_str())
        .collect();
    if !unused.is_empty() {
        say!("  never used {since}: {}", unused.join(", "));
    }
}

pub async fn indexes(source: &Source, args: IndexesArgs) -> Result<ExitCode> {
    let table = match &args.table {
        Some(text) => HistoryTable::parse(text)?,
        None => HistoryTable::in_schema(source.schema()),
    };
    with_connection(source, async |conn| {
        if args.advise {
            let advice = advise::advise(conn.db(), &table).await?;
            let check = if args.check_plans {
                connect::authorize(
                    conn,
                    args.yes,
                    "drop the redundant indexes inside a transaction that is rolled back in",
                )?;
                Some(advise::check_plans(conn.db(), &table, args.shipment.as_deref()).await?)
            } else {
                None
            };
            if args.json {
                print_json(&serde_json::json!({ "advice": advice, "plans": check }))?;
            } else {
                print_advice(&advice, check.as_ref());
            }
            return Ok(ExitCode::SUCCESS);
        }
        if args.sql {
            let health = verify::verify(conn.db(), &table).await?;
            for sql in apply::plan_sql(&health, true) {
                println!("{sql};");
            }
            return Ok(ExitCode::SUCCESS);
        }
        let health = if args.apply {
            connect::authorize(conn, args.yes, "create indexes (concurrently) in")?;
            let progress = |p: ApplyProgress| match p {
                ApplyProgress::Started { index, sql } => eprintln!("creating {index}: {sql}"),
                ApplyProgress::Phase {
                    index,
                    phase,
                    done,
                    total,
                } => {
                    eprintln!("  {index}: {phase} {done}/{total}")
                }
                ApplyProgress::Finished { index, ms } => eprintln!("  {index} done in {:.1} s", ms as f64 / 1000.0),
            };
            let report = if args.optional {
                apply::apply_optional(conn.db(), &table, &progress).await?
            } else {
                apply::apply(conn.db(), &table, args.rebuild_invalid, &progress).await?
            };
            for name in &report.skipped_invalid {
                eprintln!("skipped: {name} is invalid (a concurrent build failed); rebuild it with --rebuild-invalid");
            }
            if !args.json {
                match (report.created.len(), report.rebuilt.len()) {
                    (0, 0) if args.optional => say!("nothing to create: the optional indexes are there"),
                    (0, 0) => say!("nothing to create: every expected index is there"),
                    (c, r) => say!("created {c}, rebuilt {r}"),
                }
            }
            report.health
        } else {
            verify::verify(conn.db(), &table).await?
        };
        if args.json {
            print_json(&health)?;
        } else {
            print_health(&health, &conn.label());
        }
        Ok(if health.all_present {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
    .await
}

fn print_advice(a: &Advice, check: Option<&PlanCheck>) {
    say!(
        "{}: table {}, indexes {} ({:.0}% of the table)",
        a.table,
        bytes(a.table_bytes),
        bytes(a.index_bytes),
        100.0 * a.index_bytes as f64 / a.table_bytes.max(1) as f64
    );
    if a.redundant.is_empty() {
        say!("  no redundant index");
    }
    for r in &a.redundant {
        say!(
            "  redundant: {} ({}), covered by {}: {}",
            r.index,
            bytes(r.size_bytes),
            r.covered_by,
            r.reason
        );
    }
    if !a.redundant.is_empty() {
        say!("  dropping them would free {}", bytes(a.savings_bytes));
    }
    if let Some(c) = check {
        say!(
            "plans of the app's queries on {}, with and without {} (rolled back):",
            c.shipment,
            c.dropped.join(", ")
        );
        for p in &c.changes {
            say!(
                "  {:<40} {:>8.2} ms {:<40} → {:>8.2} ms {}{}",
                p.query,
                p.before_ms,
                p.before_indexes.join("+"),
                p.after_ms,
                p.after_indexes.join("+"),
                if p.after_seq_scan { "  (SEQUENTIAL SCAN)" } else { "" }
            );
        }
    }
}

pub async fn explain(source: &Source, args: ExplainArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let report = explain::explain(conn.db(), args.shipment.as_deref()).await?;
        if args.json {
            print_json(&report)?;
        } else {
            say!(
                "the app's queries on {} ({}):",
                report.shipment.reference,
                report.shipment.title
            );
            for q in &report.queries {
                say!(
                    "\n{}: {:.2} ms (planning {:.2} ms), {}",
                    q.name,
                    q.execution_ms,
                    q.planning_ms,
                    if q.indexes.is_empty() {
                        "no index".to_string()
                    } else {
                        format!("using {}", q.indexes.join(", "))
                    }
                );
                print!("{}", q.plan);
            }
        }
        Ok(ExitCode::SUCCESS)
    })
    .await
}

pub async fn check_function(source: &Source, args: CheckFunctionArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        connect::authorize(
            conn,
            args.yes,
            "run a rolled-back probe of create_history_entry (locking one shipment for a moment) in",
        )?;
        let check = function::check(conn.db(), args.shipment.as_deref()).await?;
        if args.json {
            print_json(&check)?;
        } else {
            for source in &check.sources {
                say!("{source}");
            }
            say!(
                "{} probe on {}: {}",
                if check.probe.serialized { "✅" } else { "❌" },
                check.probe.shipment,
                check.probe.verdict
            );
        }
        Ok(if check.probe.serialized {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
    .await
}

pub fn slow_assignments(args: SlowArgs) -> Result<ExitCode> {
    let dir = waybill::files::data_dir()?;
    let report = slow::slow_assignments(&dir, args.threshold_ms, args.offset, args.limit)?;
    if args.json {
        print_json(&report)?;
    } else {
        say!(
            "{} of {} assignments in {} saved concurrency test runs took over {} ms",
            report.slow_total,
            report.assignments,
            report.runs,
            report.threshold_ms
        );
        for s in &report.slow {
            say!(
                "  {:>9.1} ms  {}  {}  v{}  test run {} {} ({})",
                s.ms,
                s.run_started_at.format("%Y-%m-%d %H:%M:%S"),
                s.shipment,
                s.version.map(|v| v.to_string()).unwrap_or_else(|| "—".into()),
                &s.run_id[..8.min(s.run_id.len())],
                s.run_title,
                s.database
            );
        }
        let shown = report.offset as u64 + report.slow.len() as u64;
        if shown < report.slow_total {
            eprintln!("more: --offset {shown}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
