//! What the scan reports: each finding (its kind, the versions and writers it
//! names), the counts by kind, and what was asked.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::domain::Moment;
use crate::plots::Color;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingKind {
    DuplicateVersion,
    Gap,
    TimeOrder,
    SnapshotDrift,
    LostUpdate,
    RowMismatch,
    OrphanHistory,
    UnknownActor,
}

impl FindingKind {
    pub const ALL: [FindingKind; 8] = [
        FindingKind::DuplicateVersion,
        FindingKind::Gap,
        FindingKind::TimeOrder,
        FindingKind::SnapshotDrift,
        FindingKind::LostUpdate,
        FindingKind::RowMismatch,
        FindingKind::OrphanHistory,
        FindingKind::UnknownActor,
    ];

    /// Damage to the history, as opposed to information about it.
    pub fn is_problem(self) -> bool {
        !matches!(self, FindingKind::OrphanHistory | FindingKind::UnknownActor)
    }

    /// What it is, in words, for records called `noun` (`shipment`).
    pub fn label(self, noun: &str) -> String {
        match self {
            FindingKind::DuplicateVersion => "Duplicate versions".into(),
            FindingKind::Gap => "Gaps".into(),
            FindingKind::TimeOrder => "Time order".into(),
            FindingKind::SnapshotDrift => "Snapshot drift".into(),
            FindingKind::LostUpdate => "Lost updates".into(),
            FindingKind::RowMismatch => format!(
                "{} row differs from its history",
                crate::domain::layout::presets::capital(noun)
            ),
            FindingKind::OrphanHistory => format!("History without {}", article(noun)),
            FindingKind::UnknownActor => "Actor ids no actor has".into(),
        }
    }

    /// A word or two, for a chart's legend and a badge.
    pub fn short_label(self) -> &'static str {
        match self {
            FindingKind::DuplicateVersion => "Duplicates",
            FindingKind::Gap => "Gap",
            FindingKind::TimeOrder => "Time order",
            FindingKind::SnapshotDrift => "Drift",
            FindingKind::LostUpdate => "Lost update",
            FindingKind::RowMismatch => "Row differs",
            FindingKind::OrphanHistory => "Orphan",
            FindingKind::UnknownActor => "Unknown actor",
        }
    }

    /// One colour per kind on the chart (Okabe–Ito hues, as the activity chart's).
    pub fn color(self) -> Color {
        match self {
            FindingKind::DuplicateVersion => Color(0xd5, 0x5e, 0x00),
            FindingKind::Gap => Color(0xe6, 0x9f, 0x00),
            FindingKind::TimeOrder => Color(0x56, 0xb4, 0xe9),
            FindingKind::SnapshotDrift => Color(0xcc, 0x79, 0xa7),
            FindingKind::LostUpdate => Color(0x00, 0x72, 0xb2),
            FindingKind::RowMismatch => Color(0x00, 0x9e, 0x73),
            FindingKind::OrphanHistory | FindingKind::UnknownActor => Color(0x99, 0x99, 0x99),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FindingKind::DuplicateVersion => "duplicate_version",
            FindingKind::Gap => "gap",
            FindingKind::TimeOrder => "time_order",
            FindingKind::SnapshotDrift => "snapshot_drift",
            FindingKind::LostUpdate => "lost_update",
            FindingKind::RowMismatch => "row_mismatch",
            FindingKind::OrphanHistory => "orphan_history",
            FindingKind::UnknownActor => "unknown_actor",
        }
    }
}

/// Who wrote a version involved in a finding.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Writer {
    pub version: i32,
    /// As the history stores it, as text (a uuid, a number, a name).
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub at: Option<Moment>,
}

/// One thing wrong (or worth knowing) about the history.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Finding {
    pub kind: FindingKind,
    /// The record's key, as text; `None` for an actor id no actor has.
    pub shipment_id: Option<String>,
    pub shipment_reference: Option<String>,
    /// The versions involved, oldest first (the missing ones, for a gap).
    pub versions: Vec<i32>,
    /// When it happened: the time of the version that did it.
    pub at: Option<Moment>,
    /// The writers of the versions involved (for a lost update: the one who
    /// overwrote first, then the one overwritten).
    pub writers: Vec<Writer>,
    /// The field(s) concerned, for lost updates, drift and row differences.
    pub field: Option<String>,
    /// The values compared: for a lost update `[recorded old, actual]`; for
    /// drift and a row difference `[field, expected, found]` per field.
    #[ts(type = "unknown[]")]
    pub values: Vec<Value>,
    /// What is wrong and the evidence, in a sentence or two.
    pub evidence: String,
}

/// How many findings of one kind.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KindCount {
    pub kind: FindingKind,
    pub label: String,
    /// A word or two, for badges.
    pub short_label: String,
    pub problem: bool,
    #[ts(type = "number")]
    pub count: u64,
    /// Why the history's layout does not allow this check (it did not run).
    pub not_checked: Option<String>,
}

/// What to scan.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct IntegrityRequest {
    /// One shipment (id or reference), else all.
    pub shipment: Option<String>,
    /// Only shipments changed since then, and findings from then on (the
    /// state before is still read, to check the first change after it).
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Findings kept in the report (counts stay exact beyond it); none:
    /// `DEFAULT_MAX_FINDINGS`.
    #[serde(default)]
    pub max_findings: Option<u32>,
}

impl IntegrityRequest {
    /// How many findings the report lists at most.
    pub fn max_findings(&self) -> u32 {
        self.max_findings.unwrap_or(DEFAULT_MAX_FINDINGS)
    }
}

pub const DEFAULT_MAX_FINDINGS: u32 = 1000;
pub const MAX_MAX_FINDINGS: u32 = 100_000;

/// Rows scanned so far.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct ScanProgress {
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub shipments: u64,
    #[ts(type = "number")]
    pub findings: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IntegrityReport {
    /// What was scanned, in words.
    pub scope: String,
    /// What a record is called (`shipment`, `customer`…).
    pub noun: String,
    /// …and more than one (`shipments`, `deliveries`…).
    pub nouns: String,
    /// The per-record version's unique rule, in words (`(shipment_id,
    /// version_no)`); `None` where versions are numbered by the layout's order.
    pub unique_columns: Option<String>,
    /// Whether that rule exists today.
    pub unique_rule: bool,
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub shipments: u64,
    /// Every kind, with its count (zero included).
    pub counts: Vec<KindCount>,
    /// Problems first (by kind, then shipment and version), then information.
    pub findings: Vec<Finding>,
    /// More findings than `max_findings` were found: the list is cut, the counts are not.
    pub truncated: bool,
    /// The scan was cancelled: what it read so far.
    pub cancelled: bool,
    /// No damage found (information does not count).
    pub clean: bool,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// `a shipment`, `an order`.
pub(super) fn article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_a_limit_lists_the_default() {
        let request: IntegrityRequest =
            serde_json::from_str(r#"{"shipment": null, "since": null, "max_findings": null}"#).unwrap();
        assert_eq!(request.max_findings(), DEFAULT_MAX_FINDINGS);
        let request: IntegrityRequest = serde_json::from_str(r#"{"shipment": null, "since": null}"#).unwrap();
        assert_eq!(request.max_findings(), DEFAULT_MAX_FINDINGS);
    }
}
