//! What a run produced: one record per request, the checks and the verdict.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::scenario::{Params, Scenario};
use super::stats::LatencyStats;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    /// Waited too long for a connection or for the statement.
    Timeout,
    /// The unique constraint rejected a duplicate version.
    UniqueViolation,
    /// The connection broke.
    ConnectionLost,
    /// The user cancelled the run while the request was in flight; the server
    /// stopped it (the database cross-check says whether it had committed).
    Cancelled,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestError {
    pub kind: ErrorKind,
    pub message: String,
}

/// One request, timed on a monotonic clock from the moment the run released them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestRecord {
    /// 1-based, as people count requests.
    pub index: u32,
    /// Index into the run's `shipments`.
    pub shipment: u32,
    pub start_ms: f64,
    pub end_ms: f64,
    /// The version the database told this request, when it succeeded.
    pub version: Option<i32>,
    pub error: Option<RequestError>,
}

impl RequestRecord {
    pub fn latency_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    /// False when another check's failure leaves nothing for this one to say
    /// (no gaps between versions means little while versions repeat): shown
    /// as "not meaningful", neither a pass nor a failure of its own.
    #[serde(default = "meaningful")]
    pub meaningful: bool,
    /// One line: what was measured.
    pub detail: String,
    /// Where it failed, e.g. "requests 2 and 4 both got version 7".
    pub evidence: Vec<String>,
}

/// Runs saved before `meaningful` existed had no such checks.
fn meaningful() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TargetShipment {
    pub id: uuid::Uuid,
    pub reference: String,
    /// Created by the run (labelled as a test shipment) rather than chosen by the user.
    pub created_for_test: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunReport {
    pub id: String,
    pub scenario: Scenario,
    pub params: Params,
    /// Names the database, e.g. "waybill (sandbox)".
    pub database: String,
    /// Ran against the deliberately unsafe version assignment (the checker's self-test).
    pub unsafe_control: bool,
    pub started_at: DateTime<Utc>,
    pub elapsed_ms: f64,
    pub shipments: Vec<TargetShipment>,
    pub requests: Vec<RequestRecord>,
    /// Requests never sent because the run was cancelled (those in flight
    /// were cancelled on the server and show as `Cancelled` errors).
    pub cancelled: u32,
    /// The run's test shipments (with their history) were removed when it
    /// ended, as on any database but the sandbox; their ids stay listed here.
    #[serde(default)]
    pub test_shipments_removed: bool,
    pub stats: LatencyStats,
    /// Share of the requests' active time spent waiting for a lock, sampled from
    /// pg_stat_activity; absent when the run was too short to sample.
    pub lock_wait_share: Option<f64>,
    pub checks: Vec<Check>,
    pub passed: bool,
}

impl RunReport {
    /// The id's first 8 characters, as lists and file names show it (whole
    /// characters: an edited run file may hold any id).
    pub fn short_id(&self) -> String {
        self.id.chars().take(8).collect()
    }

    pub fn scenario_title(&self) -> String {
        let title = self.scenario.title();
        if self.unsafe_control {
            format!("{title} (unsafe control)")
        } else {
            title.to_string()
        }
    }
}

/// Live progress of a run.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunProgress {
    pub scenario: Scenario,
    /// Which run of a suite this is (1-based), of `runs`.
    pub run: u32,
    pub runs: u32,
    pub done: u32,
    pub failed: u32,
    pub total: u32,
    pub elapsed_ms: f64,
}
