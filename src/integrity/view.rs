//! The scan as the app shows it: the report with its chart of findings over
//! time (damage usually clusters around a deploy, and the chart shows when).

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::{scan, FindingKind, IntegrityReport, IntegrityRequest, ScanProgress};
use crate::db::Db;
use crate::domain::activity::{tabulate, Activity, Period};
use crate::error::Result;
use crate::plots::{self, Chart, Color};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IntegrityView {
    pub report: IntegrityReport,
    /// Damage per day (UTC) by kind, as SVG; none when there is none with a time.
    pub chart_svg: Option<String>,
}

/// Scans, then draws the chart.
pub async fn run(
    db: &Db,
    request: &IntegrityRequest,
    progress: &(dyn Fn(ScanProgress) + Sync),
    cancel: &CancellationToken,
) -> Result<IntegrityView> {
    let report = scan(db, request, progress, cancel).await?;
    let chart_svg = match findings_chart(&report) {
        Some(a) => Some(plots::svg(&findings_plot(&a))?),
        None => None,
    };
    Ok(IntegrityView { report, chart_svg })
}

/// The listed damage (information left out) per UTC day by kind, as the
/// activity chart draws changes; none when no finding has a finite time.
pub fn findings_chart(report: &IntegrityReport) -> Option<Activity> {
    let mut rows: Vec<(i32, String, i64)> = report
        .findings
        .iter()
        .filter(|f| f.kind.is_problem())
        .filter_map(|f| {
            let day = f.at?.utc_day()?;
            Some((i32::try_from(day).ok()?, f.kind.short_label().to_string(), 1))
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort();
    let span = i64::from(rows[rows.len() - 1].0 - rows[0].0);
    Some(tabulate(
        "Integrity findings".into(),
        "UTC",
        Period::for_span(span),
        rows,
    ))
}

/// The findings per day by kind as a chart, each kind in its own colour.
pub fn findings_plot(findings: &Activity) -> Chart {
    Chart::Stacked(findings.chart("findings", "kind", |label| {
        let kind = FindingKind::ALL.iter().find(|k| k.short_label() == label);
        kind.map_or(Color(0x99, 0x99, 0x99), |k| k.color())
    }))
}
