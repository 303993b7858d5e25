//! A run's charts, as plain chart data: latency per request, their
//! distribution, each request from start to end, and two runs' percentile
//! curves overlaid.

use chrono_tz::Tz;

use super::report::{RequestRecord, RunReport};
use super::stats::percentile_curve;
use crate::plots::{Axes, Bars, Chart, Color, Curve, Curves, Histogram, Spans};

/// Which of a run's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunChart {
    /// Per-request latency as bars, in version order (the guide's list).
    Latency,
    /// Histogram of latencies beside the percentile curve.
    Distribution,
    /// Each request from start to end on a shared time axis: queueing shows.
    Waterfall,
}

impl RunChart {
    pub const ALL: [RunChart; 3] = [RunChart::Latency, RunChart::Distribution, RunChart::Waterfall];

    /// A short name for files: `latency`, `distribution`, `waterfall`.
    pub fn name(self) -> &'static str {
        match self {
            RunChart::Latency => "latency",
            RunChart::Distribution => "distribution",
            RunChart::Waterfall => "waterfall",
        }
    }

    pub fn of(self, report: &RunReport) -> Chart {
        match self {
            RunChart::Latency => latency(report),
            RunChart::Distribution => distribution(report),
            RunChart::Waterfall => waterfall(report),
        }
    }
}

fn outcome_words() -> [String; 2] {
    ["succeeded".into(), "failed".into()]
}

fn latency(report: &RunReport) -> Chart {
    let mut ok: Vec<&RequestRecord> = report.requests.iter().filter(|r| r.version.is_some()).collect();
    ok.sort_by_key(|r| (r.shipment, r.version));
    let failed = report.requests.iter().filter(|r| r.version.is_none());
    Chart::Bars(Bars {
        axes: Axes::new(
            format!("{}: latency per request", report.scenario_title()),
            "requests in version order, failed last",
            "latency (ms)",
        ),
        values: ok
            .iter()
            .map(|r| (r.latency_ms(), false))
            .chain(failed.map(|r| (r.latency_ms(), true)))
            .collect(),
        items: "requests".into(),
        legend: outcome_words(),
    })
}

fn distribution(report: &RunReport) -> Chart {
    let latencies: Vec<f64> = report
        .requests
        .iter()
        .filter(|r| r.version.is_some())
        .map(|r| r.latency_ms())
        .collect();
    let histogram = Histogram {
        axes: Axes::new(
            "Latency distribution",
            format!("latency (ms), {} successful requests", latencies.len()),
            "requests",
        ),
        values: latencies,
    };
    // One curve: the caption says what it is, no legend needed.
    let curves = percentiles("Latency percentiles".into(), &[(report, Color::OK, "this run".into())]);
    Chart::Distribution(histogram, curves)
}

fn waterfall(report: &RunReport) -> Chart {
    Chart::Spans(Spans {
        axes: Axes::new(
            format!("{}: each request from start to end", report.scenario_title()),
            "time since the first request started (ms)",
            "requests by start",
        ),
        spans: report
            .requests
            .iter()
            .map(|r| (r.start_ms, r.end_ms, r.version.is_none()))
            .collect(),
        legend: outcome_words(),
    })
}

/// Run A (the newer) against run B, labelled as the window's list marks them,
/// their start times in `tz`.
pub fn compare(run: &RunReport, earlier: &RunReport, tz: Tz) -> Chart {
    let label = |mark: &str, r: &RunReport| {
        format!(
            "{mark}: {}",
            r.started_at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S")
        )
    };
    Chart::Curves(percentiles(
        format!("Latency percentiles, A and B ({tz})"),
        &[
            (run, Color::OK, label("A", run)),
            (earlier, Color::EARLIER, label("B", earlier)),
        ],
    ))
}

fn percentiles(title: String, runs: &[(&RunReport, Color, String)]) -> Curves {
    Curves {
        axes: Axes::new(title, "percentile (%)", "latency (ms)"),
        curves: runs
            .iter()
            .map(|(r, color, name)| Curve {
                name: name.clone(),
                color: *color,
                points: percentile_curve(&r.requests)
                    .into_iter()
                    .map(|(q, ms)| (q * 100.0, ms))
                    .collect(),
            })
            .collect(),
    }
}
