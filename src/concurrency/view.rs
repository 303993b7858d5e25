//! What the app shows of a run: the report (per-request rows capped, since the
//! plots already show them all), its plots as SVG, and exports.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::charts::{self, RunChart};
use super::report::RunReport;
use super::{junit, runs};
use crate::error::{Error, Result};
use crate::files::{self, Destination};
use crate::plots::{self, ImageFormat};

/// Per-request rows sent to the UI; the plots cover every request.
pub const ROWS_SHOWN: usize = 200;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunView {
    /// e.g. "Concurrent writes (unsafe control)".
    pub title: String,
    pub report: RunReport,
    /// Requests in the run (the report's `requests` holds at most ROWS_SHOWN).
    pub request_count: u32,
    pub latency_svg: String,
    pub distribution_svg: String,
    pub waterfall_svg: String,
}

impl RunView {
    pub fn of(report: &RunReport) -> Result<RunView> {
        let mut shown = report.clone();
        shown.requests.truncate(ROWS_SHOWN);
        Ok(RunView {
            title: report.scenario_title(),
            request_count: report.requests.len() as u32,
            latency_svg: plots::svg(&RunChart::Latency.of(report))?,
            distribution_svg: plots::svg(&RunChart::Distribution.of(report))?,
            waterfall_svg: plots::svg(&RunChart::Waterfall.of(report))?,
            report: shown,
        })
    }
}

/// A saved run in a list.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunSummary {
    pub id: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub title: String,
    /// Runs with the same key measured the same load and can be compared.
    pub comparable_key: String,
    pub requests: u32,
    pub passed: bool,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Saved runs, newest first (by when they started, to the microsecond: the
/// runs of "Run all" start within a second); unreadable files are skipped.
pub fn summaries(data_dir: &Path) -> Result<Vec<RunSummary>> {
    let mut all: Vec<RunSummary> = runs::list_files(data_dir)?
        .into_iter()
        .filter_map(|f| runs::load(data_dir, &f.to_string_lossy()).ok())
        .map(|r| RunSummary {
            comparable_key: runs::comparable_key(&r),
            title: r.scenario_title(),
            id: r.id,
            started_at: r.started_at,
            requests: r.requests.len() as u32,
            passed: r.passed,
            p50_ms: r.stats.p50_ms,
            p99_ms: r.stats.p99_ms,
        })
        .collect();
    all.sort_by(|a, b| b.started_at.cmp(&a.started_at));
    Ok(all)
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Json,
    Junit,
    Png,
    Svg,
}

/// Writes a run (or its latency plot) into `dir`; returns the file. The app
/// picks `dir` itself (the Downloads folder), so the UI never names a path.
pub fn export(report: &RunReport, format: ExportFormat, dir: &Path) -> Result<PathBuf> {
    let stem = format!("waybill-{}-{}", report.scenario.name(), report.short_id());
    let (ext, bytes) = match format {
        ExportFormat::Json => ("json", serde_json::to_vec_pretty(report).map_err(Error::internal)?),
        ExportFormat::Junit => (
            "junit.xml",
            junit::to_xml(std::slice::from_ref(report))
                .map_err(Error::internal)?
                .into_bytes(),
        ),
        ExportFormat::Png => ("png", plots::image(&RunChart::Latency.of(report), ImageFormat::Png)?),
        ExportFormat::Svg => ("svg", plots::image(&RunChart::Latency.of(report), ImageFormat::Svg)?),
    };
    files::save(Destination::Folder { dir, stem: &stem, ext }, &bytes)
}

/// The percentile curves of two comparable saved runs overlaid, as SVG, their
/// start times in `tz` (the zone the window shows times in).
pub fn compare_svg(data_dir: &Path, run: &str, earlier: &str, tz: &str) -> Result<String> {
    let (a, b) = (runs::load_by_id(data_dir, run)?, runs::load_by_id(data_dir, earlier)?);
    runs::comparable(&a, &b)?;
    plots::svg(&charts::compare(&a, &b, crate::domain::time::zone(tz)?))
}

/// A scenario as the app's picker shows it, with the parameters it uses.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScenarioInfo {
    pub scenario: super::Scenario,
    pub title: String,
    pub description: String,
    pub defaults: super::Params,
    /// The parameters this scenario uses, with their labels, in form order.
    pub params: Vec<ParamInfo>,
    /// It writes to shipments it creates, whatever shipment was chosen.
    pub needs_new_shipments: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ParamInfo {
    pub key: super::scenario::ParamKey,
    /// The field, which the window labels its way.
    pub field: crate::error::Field,
}

pub fn scenario_infos() -> Vec<ScenarioInfo> {
    super::Scenario::ALL
        .iter()
        .map(|&s| ScenarioInfo {
            scenario: s,
            title: s.title().to_string(),
            description: s.description().to_string(),
            defaults: s.defaults(),
            params: s
                .params_used()
                .into_iter()
                .map(|key| ParamInfo {
                    key,
                    field: key.field(),
                })
                .collect(),
            needs_new_shipments: s.needs_new_shipments(),
        })
        .collect()
}

/// What the app asks to run.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct RunRequest {
    pub choice: super::Choice,
    /// The form's parameters for one scenario; every scenario's defaults for all.
    pub params: Option<super::Params>,
    /// An existing shipment (id or reference); absent for new test shipments.
    pub shipment: Option<String>,
    /// The checker's self-test instead (see `Suite::self_test`).
    pub self_test: bool,
}

impl RunRequest {
    pub fn suite(&self) -> super::Suite {
        if self.self_test {
            return super::Suite::self_test();
        }
        let mut suite = super::Suite::new(self.choice, &super::Overrides::default(), self.shipment.clone());
        if let (super::Choice::One(scenario), Some(params)) = (self.choice, self.params) {
            suite.runs = vec![(scenario, params)];
        }
        suite
    }
}

/// Runs the suite, saves each report with the past runs (`suite::run_and_save`),
/// and returns what the app shows.
pub async fn run_and_save(
    conn: &crate::connection::Connection,
    suite: &super::Suite,
    confirmation: Option<&crate::connection::Confirmation>,
    data_dir: &Path,
    progress: &(dyn Fn(super::RunProgress) + Send + Sync),
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<Vec<RunView>> {
    super::suite::run_and_save(conn, suite, confirmation, data_dir, progress, cancel)
        .await?
        .iter()
        .map(|saved| RunView::of(&saved.report))
        .collect()
}
