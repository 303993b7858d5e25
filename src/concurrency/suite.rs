//! Runs of one scenario or all of them, as the app's Run button and `waybill
//! concurrency` start them: the plan (which scenarios, which parameters), the
//! write rule re-checked before every run, and cancellation between runs.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::report::{RunProgress, RunReport};
use super::runner::{self, RunOptions};
use super::scenario::{Params, Scenario};
use crate::connection::{Confirmation, Connection};
use crate::error::{Error, Result};

/// One scenario, or every scenario in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "scenario", rename_all = "snake_case")]
#[ts(export)]
pub enum Choice {
    One(Scenario),
    All,
}

impl Choice {
    /// `concurrent`, `rapid_fire` (or `rapid-fire`), … or `all`.
    pub fn parse(name: &str) -> Result<Choice> {
        if name.trim().eq_ignore_ascii_case("all") {
            return Ok(Choice::All);
        }
        Scenario::parse(name)
            .map(Choice::One)
            .ok_or_else(|| Error::UnknownScenario {
                name: name.to_string(),
                choices: Scenario::ALL.iter().map(|s| s.name().to_string()).collect(),
            })
    }

    pub fn scenarios(self) -> Vec<Scenario> {
        match self {
            Choice::One(s) => vec![s],
            Choice::All => Scenario::ALL.to_vec(),
        }
    }
}

/// Parameters a user set; the rest are each scenario's defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides {
    pub requests: Option<u32>,
    pub delay_ms: Option<u32>,
    pub pool_size: Option<u32>,
    pub acquire_timeout_ms: Option<u32>,
    pub shipments: Option<u32>,
    pub max_total_ms: Option<u32>,
}

impl Overrides {
    /// `scenario`'s parameters with these set. The time threshold follows the
    /// work unless it was set too.
    pub fn apply(&self, scenario: Scenario) -> Params {
        let d = scenario.defaults();
        let mut p = Params {
            requests: self.requests.unwrap_or(d.requests),
            delay_ms: self.delay_ms.unwrap_or(d.delay_ms),
            pool_size: self.pool_size.unwrap_or(d.pool_size),
            acquire_timeout_ms: self.acquire_timeout_ms.unwrap_or(d.acquire_timeout_ms),
            shipments: match scenario {
                Scenario::Spread => self.shipments.unwrap_or(d.shipments),
                _ => 1,
            },
            max_total_ms: 0,
        };
        p.max_total_ms = self.max_total_ms.unwrap_or_else(|| p.default_threshold_ms(scenario));
        p
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Suite {
    pub runs: Vec<(Scenario, Params)>,
    /// An existing shipment (id or reference) for the scenarios that can use one.
    pub shipment: Option<String>,
    pub unsafe_control: bool,
    /// Keep the test shipments on a database that is not the sandbox.
    pub keep_test_shipments: bool,
}

impl Suite {
    pub fn new(choice: Choice, overrides: &Overrides, shipment: Option<String>) -> Suite {
        Suite {
            runs: choice
                .scenarios()
                .into_iter()
                .map(|s| (s, overrides.apply(s)))
                .collect(),
            shipment: shipment.filter(|s| !s.trim().is_empty()),
            unsafe_control: false,
            keep_test_shipments: false,
        }
    }

    /// The checker's self-test: 20 concurrent requests against the
    /// deliberately unsafe version assignment (sandbox only). It must FAIL.
    pub fn self_test() -> Suite {
        let overrides = Overrides {
            requests: Some(20),
            ..Overrides::default()
        };
        Suite {
            runs: vec![(Scenario::Concurrent, overrides.apply(Scenario::Concurrent))],
            shipment: None,
            unsafe_control: true,
            keep_test_shipments: false,
        }
    }

    /// Whether the suite may run on `conn` (the self-test only on the
    /// sandbox): front ends ask before they ask for a confirmation.
    pub fn check_target(&self, conn: &Connection) -> Result<()> {
        super::setup::check_unsafe_control(self.unsafe_control, conn.is_sandbox())
    }

    /// Checks every run's parameters before the first one starts.
    pub fn validate(&self) -> Result<()> {
        self.runs.iter().try_for_each(|(s, p)| p.validate(*s))
    }

    /// History rows the suite may write, for confirmations.
    pub fn rows(&self) -> u32 {
        self.runs.iter().map(|(_, p)| p.total_requests()).sum()
    }

    /// The shipment a scenario writes to: the chosen one where it can take one.
    fn shipment_for(&self, scenario: Scenario) -> Option<String> {
        if self.unsafe_control || scenario.needs_new_shipments() {
            None
        } else {
            self.shipment.clone()
        }
    }
}

/// A run's report and the file it was saved in (with the past runs).
#[derive(Debug, Clone)]
pub struct SavedRun {
    pub report: RunReport,
    pub file: PathBuf,
}

/// Runs the suite (see `run_suite`) and saves each report with the past runs,
/// as the app's Run button and `waybill concurrency` both do.
pub async fn run_and_save(
    conn: &Connection,
    suite: &Suite,
    confirmation: Option<&Confirmation>,
    data_dir: &Path,
    progress: &(dyn Fn(RunProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<Vec<SavedRun>> {
    let reports = run_suite(conn, suite, confirmation, progress, cancel).await?;
    reports
        .into_iter()
        .map(|report| {
            let file = super::runs::save(data_dir, &report)?;
            Ok(SavedRun { report, file })
        })
        .collect()
}

/// Runs the suite in order. The write rule is checked again before every run
/// (the connection it is given for must still be this one); a cancel stops
/// the run in progress and skips the rest.
pub async fn run_suite(
    conn: &Connection,
    suite: &Suite,
    confirmation: Option<&Confirmation>,
    progress: &(dyn Fn(RunProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<Vec<RunReport>> {
    suite.validate()?;
    suite.check_target(conn)?;
    let mut reports = Vec::new();
    let runs = suite.runs.len() as u32;
    for (n, (scenario, params)) in suite.runs.iter().enumerate() {
        if cancel.is_cancelled() {
            break;
        }
        conn.check_write(confirmation)?;
        let options = RunOptions {
            scenario: *scenario,
            params: *params,
            shipment: suite.shipment_for(*scenario),
            unsafe_control: suite.unsafe_control,
            is_sandbox: conn.is_sandbox(),
            database: conn.label(),
            keep_test_shipments: suite.keep_test_shipments,
        };
        let numbered = |mut p: RunProgress| {
            p.run = n as u32 + 1;
            p.runs = runs;
            progress(p)
        };
        reports.push(runner::run(conn.db(), &options, &numbered, cancel).await?);
    }
    Ok(reports)
}
