//! Slow assignment watch: every version assignment the app performs (each
//! request of a concurrency run, saved with the run) is timed; this lists the
//! ones over a threshold (the guide uses 100 ms), slowest first, a page at a
//! time. They come from test runs on this machine, not from production
//! traffic, and each names the run (scenario, self-test or not) it was in.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::runs;
use crate::error::{Error, Field, Result};

pub const DEFAULT_THRESHOLD_MS: f64 = 100.0;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SlowAssignment {
    pub run_id: String,
    pub run_started_at: DateTime<Utc>,
    /// The run's scenario as the app titles it ("Stress", "… (unsafe control)").
    pub run_title: String,
    pub database: String,
    pub shipment: String,
    /// The version it got (none when it failed, e.g. timed out).
    pub version: Option<i32>,
    pub ms: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SlowReport {
    pub threshold_ms: f64,
    /// Assignments looked at, in all saved runs.
    #[ts(type = "number")]
    pub assignments: u64,
    pub runs: u32,
    /// The slowest first: `limit` of them from `offset` on.
    pub slow: Vec<SlowAssignment>,
    pub offset: u32,
    /// How many were over the threshold in all (`slow` may be cut).
    #[ts(type = "number")]
    pub slow_total: u64,
}

pub fn slow_assignments(data_dir: &Path, threshold_ms: f64, offset: u32, limit: usize) -> Result<SlowReport> {
    if !(threshold_ms.is_finite() && threshold_ms > 0.0) {
        return Err(Error::invalid(
            Field::ThresholdMs,
            format!("the threshold must be a positive number of milliseconds, got {threshold_ms}"),
        ));
    }
    let mut report = SlowReport {
        threshold_ms,
        assignments: 0,
        runs: 0,
        slow: Vec::new(),
        offset,
        slow_total: 0,
    };
    for file in runs::list_files(data_dir)? {
        // A file that does not read as a run (another version, a half write) is skipped, not fatal.
        let Ok(run) = runs::load(data_dir, &file.display().to_string()) else {
            continue;
        };
        report.runs += 1;
        for r in &run.requests {
            report.assignments += 1;
            let ms = r.latency_ms();
            if ms > threshold_ms {
                report.slow_total += 1;
                report.slow.push(SlowAssignment {
                    run_id: run.id.clone(),
                    run_started_at: run.started_at,
                    run_title: run.scenario_title(),
                    database: run.database.clone(),
                    shipment: run
                        .shipments
                        .get(r.shipment as usize)
                        .map(|s| s.reference.clone())
                        .unwrap_or_default(),
                    version: r.version,
                    ms,
                });
            }
        }
    }
    report.slow.sort_by(|a, b| b.ms.total_cmp(&a.ms));
    report.slow = report.slow.into_iter().skip(offset as usize).take(limit).collect();
    Ok(report)
}
