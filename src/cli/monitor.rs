//! `waybill monitor`: production monitoring from the database's own
//! statistics — version assignment times, the slowest statements on the
//! history tables, and who is waiting for a locked shipment.

use std::process::ExitCode;

use clap::Args;
use waybill::connection::Source;
use waybill::error::Result;
use waybill::monitor::{self, MonitorReport, Session};

use super::connect::with_connection;
use super::output::print_json;

#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// The report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub async fn run(source: &Source, args: MonitorArgs) -> Result<ExitCode> {
    let report = with_connection(source, async |conn| monitor::monitor(conn.db()).await).await?;
    if args.json {
        print_json(&report)?;
    } else {
        print(&report);
    }
    Ok(ExitCode::SUCCESS)
}

/// `psql from 10.0.0.5`, `no application name`: which program, from where.
fn who(s: &Session) -> String {
    let app = if s.application.is_empty() {
        "no application name"
    } else {
        &s.application
    };
    if s.client.is_empty() {
        app.to_string()
    } else {
        format!("{app} from {}", s.client)
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.1} ms"))
}

fn print(r: &MonitorReport) {
    say!(
        "Production monitoring of {} (line: {} ms per version assignment)",
        r.database,
        r.threshold_ms
    );
    say!();
    say!("VERSION ASSIGNMENT (create_history_entry)");
    for a in &r.assignment {
        say!(
            "  {:<24} {:>9} calls  mean {:>10}  max {:>10}{}",
            a.source,
            a.calls,
            ms(a.mean_ms),
            ms(a.max_ms),
            if a.slow { "  OVER THE LINE" } else { "" }
        );
    }
    for (name, s) in [
        ("pg_stat_user_functions", &r.function_stats),
        ("pg_stat_statements", &r.statement_stats),
    ] {
        if !s.available {
            say!("  {name}: {}", s.enable);
        }
    }
    if r.statement_stats.available {
        say!();
        say!("SLOWEST STATEMENTS ON THE HISTORY TABLES (by mean)");
        if r.slowest.is_empty() {
            say!("  none recorded yet");
        }
        for s in &r.slowest {
            let text: String = s.query.split_whitespace().collect::<Vec<_>>().join(" ");
            let text: String = text.chars().take(100).collect();
            say!(
                "  {:>10} mean  {:>10} max  {:>8} calls  {}",
                ms(Some(s.mean_ms)),
                ms(Some(s.max_ms)),
                s.calls,
                text
            );
        }
    }
    say!();
    say!("LOCK WAITS");
    if r.lock_waits.is_empty() {
        say!("  nobody is waiting for a lock in {}", r.database);
    }
    for w in &r.lock_waits {
        let what = w
            .shipment
            .as_ref()
            .map_or("a lock".to_string(), |s| format!("shipment {}", s.reference));
        let h = &w.holder;
        say!(
            "  {what} is held by pid {} ({}, user {}, {}) for {:.1} s",
            h.pid,
            who(h),
            h.user,
            h.state,
            h.for_ms / 1000.0
        );
        for x in &w.waiters {
            say!("    waiting {:.1} s: pid {} ({})", x.for_ms / 1000.0, x.pid, who(x));
        }
    }
    if !r.sees_all {
        say!();
        say!(
            "(this login sees only its own sessions' statements in full: a DBA grants pg_read_all_stats for the rest)"
        );
    }
}
