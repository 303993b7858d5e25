//! Index health in one plain sentence, for the people who open the health page
//! without being DBAs: "Healthy", or "Needs attention" with what to ask for.

use serde::Serialize;
use ts_rs::TS;

use super::verify::{ExpectedStatus, IndexState};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HealthVerdict {
    pub healthy: bool,
    /// One line: "Healthy: …" or "Needs attention: …".
    pub headline: String,
    /// What to ask the DBA for, one line each (empty when healthy).
    pub actions: Vec<String>,
}

/// The verdict on the expected indexes' states.
pub fn verdict(expected: &[ExpectedStatus]) -> HealthVerdict {
    let names = |state: IndexState| -> Vec<&ExpectedStatus> { expected.iter().filter(|e| e.state == state).collect() };
    let (missing, invalid) = (names(IndexState::Missing), names(IndexState::Invalid));
    if missing.is_empty() && invalid.is_empty() {
        return HealthVerdict {
            healthy: true,
            headline: "Healthy: every index the timeline, filters and version numbering rely on is present and valid."
                .into(),
            actions: Vec::new(),
        };
    }
    let mut actions = Vec::new();
    if missing.iter().any(|e| e.expected.unique) {
        actions.push(
            "Add the unique index on (shipment_id, version_no): without it nothing stops two changes from getting the same version number."
                .to_string(),
        );
    }
    let slow: Vec<String> = missing
        .iter()
        .filter(|e| !e.expected.unique)
        .map(|e| e.expected.definition.clone())
        .collect();
    if !slow.is_empty() {
        actions.push(format!(
            "Create the missing {} {}: without {} the timeline and its filters read the whole history of a shipment. They can be built without stopping writes (CREATE INDEX CONCURRENTLY).",
            if slow.len() == 1 { "index" } else { "indexes" },
            slow.join(", "),
            if slow.len() == 1 { "it" } else { "them" },
        ));
    }
    for e in &invalid {
        let name = e
            .found
            .as_ref()
            .map(|f| f.name.as_str())
            .unwrap_or(e.expected.name.as_str());
        actions.push(format!(
            "Rebuild {name}: an earlier concurrent build failed, so PostgreSQL keeps it up to date but never uses it."
        ));
    }
    let count = missing.len() + invalid.len();
    HealthVerdict {
        healthy: false,
        headline: format!(
            "Needs attention: {count} of the {} expected indexes {} missing or unusable. Tell your DBA:",
            expected.len(),
            if count == 1 { "is" } else { "are" }
        ),
        actions,
    }
}
