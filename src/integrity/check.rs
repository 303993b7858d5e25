//! The checks on one shipment's history, fed its rows in (version, time)
//! order: pure logic, no database, so each kind of damage has a unit test.
//! It holds one shipment's state at a time (the latest snapshot or replayed
//! state, and who last set each field), never the table.

use std::collections::HashMap;

use super::{Finding, FindingKind, Writer};
use crate::domain::Moment;
use serde_json::{Map, Value};

/// One history row as the scan reads it.
#[derive(Debug, Clone)]
pub struct Row {
    pub shipment_id: String,
    pub version_no: i32,
    pub actor_id: Option<String>,
    pub timestamp: Option<Moment>,
    pub changes: Value,
    /// `None` when the row has no snapshot.
    pub snapshot: Option<Value>,
}

impl Row {
    fn writer(&self) -> Writer {
        Writer {
            version: self.version_no,
            actor_id: self.actor_id.clone(),
            actor_name: None,
            at: self.timestamp,
        }
    }
}

/// A shipment's state after some version.
#[derive(Default, Clone)]
struct State {
    fields: Map<String, Value>,
    /// Every field is known (it started from a stored snapshot), not only
    /// those that changes named.
    whole: bool,
}

impl State {
    /// The fields on which this state with `changes` applied and `stored`
    /// differ, `(field, expected, stored)` by field name: all fields when the
    /// state is whole, else only those it or the changes know. Computed
    /// without building the state after the change (this runs for every row).
    fn differences_after(&self, changes: &Value, stored: &Map<String, Value>) -> Vec<(String, Value, Value)> {
        let changed = |k: &str| match changes {
            Value::Object(c) => c.get(k).and_then(|c| c.as_object()).and_then(|c| c.get("new")),
            _ => None,
        };
        let expected = |k: &str| changed(k).or_else(|| self.fields.get(k));
        let mut out = Vec::new();
        let mut check = |k: &String| {
            let (want, got) = (expected(k), stored.get(k));
            let equal = match (want, got) {
                (Some(a), Some(b)) => same(a, b),
                (None, None) => true,
                _ => false,
            };
            if !equal {
                out.push((
                    k.clone(),
                    want.cloned().unwrap_or(Value::Null),
                    got.cloned().unwrap_or(Value::Null),
                ));
            }
        };
        for k in self.fields.keys() {
            check(k);
        }
        if let Value::Object(c) = changes {
            for k in c
                .keys()
                .filter(|k| !self.fields.contains_key(*k) && changed(k).is_some())
            {
                check(k);
            }
        }
        if self.whole {
            for k in stored
                .keys()
                .filter(|k| !self.fields.contains_key(*k) && changed(k).is_none())
            {
                check(k);
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Checks one shipment: feed it `row`s in order, then `finish` with the
/// shipment row (if it exists).
pub struct ShipmentCheck {
    shipment_id: String,
    reference: Option<String>,
    previous: Option<Row>,
    /// Versions already seen more than once, with every writer of each.
    duplicates: Vec<(i32, Vec<Writer>)>,
    /// The previous version's stored snapshots (one, or one per row when
    /// that version is duplicated): what `create_history_entry` builds this
    /// version's snapshot from.
    base: Vec<State>,
    /// The snapshots stored so far under the current version number.
    current: Vec<State>,
    /// The changes replayed (from the first stored snapshot on): what the
    /// state is if every change was recorded; `replay_base` is it before the
    /// current version number.
    replay: State,
    replay_base: State,
    /// Who last set each field and to what, for naming the writer whose change was lost.
    setters: HashMap<String, (Writer, Value)>,
    pub findings: Vec<Finding>,
}

impl ShipmentCheck {
    pub fn new(shipment_id: String, reference: Option<String>) -> ShipmentCheck {
        ShipmentCheck {
            shipment_id,
            reference,
            previous: None,
            duplicates: Vec::new(),
            base: Vec::new(),
            current: Vec::new(),
            replay: State::default(),
            replay_base: State::default(),
            setters: HashMap::new(),
            findings: Vec::new(),
        }
    }

    pub fn shipment_id(&self) -> &str {
        &self.shipment_id
    }

    fn finding(&self, kind: FindingKind, versions: Vec<i32>, at: Option<Moment>, writers: Vec<Writer>) -> Finding {
        Finding {
            kind,
            shipment_id: Some(self.shipment_id.clone()),
            shipment_reference: self.reference.clone(),
            versions,
            at,
            writers,
            field: None,
            values: Vec::new(),
            evidence: String::new(),
        }
    }

    pub fn row(&mut self, mut row: Row) {
        // Moved out, not copied: this runs for every row of the table.
        let snapshot = match row.snapshot.take() {
            Some(Value::Object(fields)) => Some(fields),
            _ => None,
        };
        let duplicate = self.previous.as_ref().is_some_and(|p| p.version_no == row.version_no);
        let after_gap = self
            .previous
            .as_ref()
            .is_some_and(|p| row.version_no > p.version_no + 1);
        if !duplicate {
            self.base = std::mem::take(&mut self.current);
            self.replay_base = self.replay.clone();
        }
        self.numbering(&row);
        // Right after a gap the missing versions' changes are unknown: this
        // row's snapshot rightly holds them, and an `old` value may be theirs.
        // The gap is the finding; the state starts over from this row.
        if after_gap {
            self.setters.clear();
        } else {
            self.lost_updates(&row);
            if let Some(stored) = &snapshot {
                self.drift(&row, stored);
            }
        }
        apply(&mut self.replay.fields, &row.changes);
        if let Some(fields) = snapshot {
            let stored = State { fields, whole: true };
            // The replay starts from the first whole state there is (and again after a gap).
            if !self.replay.whole || after_gap {
                self.replay = stored.clone();
            }
            self.current.push(stored);
        }
        if let Value::Object(changes) = &row.changes {
            for (field, change) in changes {
                if let Some(new) = change.as_object().and_then(|c| c.get("new")) {
                    self.setters.insert(field.clone(), (row.writer(), new.clone()));
                }
            }
        }
        self.previous = Some(row);
    }

    /// Duplicates, gaps, a first version other than 1, and time going backwards.
    fn numbering(&mut self, row: &Row) {
        let Some(prev) = &self.previous else {
            if row.version_no != 1 {
                let missing = 1..row.version_no;
                let mut f = self.finding(
                    FindingKind::Gap,
                    missing.clone().collect(),
                    row.timestamp,
                    vec![row.writer()],
                );
                f.evidence = format!(
                    "the history starts at v{} (v1{} missing)",
                    row.version_no,
                    if row.version_no > 2 {
                        format!("–v{}", row.version_no - 1)
                    } else {
                        String::new()
                    }
                );
                self.findings.push(f);
            }
            return;
        };
        if row.version_no == prev.version_no {
            match self.duplicates.last_mut() {
                Some((v, writers)) if *v == row.version_no => writers.push(row.writer()),
                _ => self
                    .duplicates
                    .push((row.version_no, vec![prev.writer(), row.writer()])),
            }
        } else if row.version_no > prev.version_no + 1 {
            let missing: Vec<i32> = (prev.version_no + 1..row.version_no).collect();
            let mut f = self.finding(
                FindingKind::Gap,
                missing.clone(),
                row.timestamp,
                vec![prev.writer(), row.writer()],
            );
            f.evidence = format!(
                "{} missing between v{} and v{}",
                if missing.len() == 1 {
                    format!("v{} is", missing[0])
                } else {
                    format!(
                        "{} versions (v{}–v{}) are",
                        missing.len(),
                        missing[0],
                        missing[missing.len() - 1]
                    )
                },
                prev.version_no,
                row.version_no
            );
            self.findings.push(f);
        }
        if let (Some(before), Some(now)) = (prev.timestamp, row.timestamp) {
            if now < before && row.version_no > prev.version_no {
                let mut f = self.finding(
                    FindingKind::TimeOrder,
                    vec![prev.version_no, row.version_no],
                    row.timestamp,
                    vec![prev.writer(), row.writer()],
                );
                f.evidence = format!(
                    "v{} was recorded at {}, before v{} at {}: a version number taken before its lock (a racy assignment) leaves exactly this",
                    row.version_no,
                    now.to_rfc3339(),
                    prev.version_no,
                    before.to_rfc3339()
                );
                self.findings.push(f);
            }
        }
    }

    /// A change whose `old` is not what the field was: what the last change
    /// to it set, or (for a field no change here set) the previous state.
    /// Compared with the last change rather than the snapshot, so that an
    /// edited snapshot is drift, not also a lost update of the next version.
    fn lost_updates(&mut self, row: &Row) {
        let Value::Object(changes) = &row.changes else { return };
        // Across a gap the missing versions' changes are unknown: a mismatch
        // there is the gap's doing, reported as the gap.
        if self.previous.as_ref().is_none_or(|p| row.version_no > p.version_no + 1) {
            return;
        }
        for (field, change) in changes {
            let Some(recorded) = change.as_object().and_then(|c| c.get("old")) else {
                continue;
            };
            let (setter, actual) = match self.setters.get(field) {
                Some((w, v)) => (Some(w), v),
                // A field the history never held is unknown, not lost.
                None => match self.before().fields.get(field) {
                    Some(v) => (None, v),
                    None => continue,
                },
            };
            if same(recorded, actual) {
                continue;
            }
            let mut writers = vec![row.writer()];
            writers.extend(setter.cloned());
            let mut f = self.finding(
                FindingKind::LostUpdate,
                writers.iter().map(|w| w.version).rev().collect(),
                row.timestamp,
                writers,
            );
            f.field = Some(field.clone());
            f.values = vec![recorded.clone(), actual.clone()];
            self.findings.push(f);
        }
    }

    /// The state as the last row left it: its stored snapshot, else the replay.
    fn latest(&self) -> &State {
        self.current.last().or(self.base.last()).unwrap_or(&self.replay)
    }

    /// The state before the current version: the previous stored snapshot, else the replay.
    fn before(&self) -> &State {
        self.base.last().unwrap_or(&self.replay_base)
    }

    /// A stored snapshot that is neither the previous snapshot with this
    /// version's changes applied (as `create_history_entry` builds it) nor
    /// the replayed changes: so one snapshot edited by hand is one finding,
    /// not also one for each version built on it.
    fn drift(&mut self, row: &Row, stored: &Map<String, Value>) {
        let expect = |from: &State| from.differences_after(&row.changes, stored);
        let from_stored: Vec<_> = self.base.iter().map(expect).collect();
        if from_stored.iter().any(Vec::is_empty) {
            return;
        }
        let from_replay = expect(&self.replay_base);
        if from_replay.is_empty() {
            return;
        }
        let differ = from_stored.into_iter().next().unwrap_or(from_replay);
        let f = self.finding(
            FindingKind::SnapshotDrift,
            vec![row.version_no],
            row.timestamp,
            vec![row.writer()],
        );
        self.findings.push(with_differences(f, differ));
    }

    /// The shipment row against the latest state, then the findings.
    /// `current` is the row as JSON (without id and bookkeeping columns), or
    /// `None` when no shipment row exists (an orphaned history).
    pub fn finish(mut self, current: Option<&Value>, rows: u64) -> Vec<Finding> {
        for (version, writers) in std::mem::take(&mut self.duplicates) {
            let mut f = self.finding(
                FindingKind::DuplicateVersion,
                vec![version],
                writers.iter().filter_map(|w| w.at).max(),
                writers,
            );
            f.evidence = format!("{} rows are v{version}", f.writers.len());
            self.findings.push(f);
        }
        match current {
            None => {
                let last = self.previous.as_ref().map(Row::writer);
                let mut f = self.finding(
                    FindingKind::OrphanHistory,
                    Vec::new(),
                    last.as_ref().and_then(|w| w.at),
                    last.into_iter().collect(),
                );
                f.evidence = format!("{rows} history rows");
                self.findings.push(f);
            }
            Some(Value::Object(row)) => {
                let differ: Vec<(String, Value, Value)> = row
                    .iter()
                    .filter_map(|(k, now)| {
                        let latest = self.latest().fields.get(k)?;
                        (!same(latest, now)).then(|| (k.clone(), latest.clone(), now.clone()))
                    })
                    .collect();
                if !differ.is_empty() {
                    let last = self.previous.as_ref().map(Row::writer);
                    let f = self.finding(
                        FindingKind::RowMismatch,
                        last.iter().map(|w| w.version).collect(),
                        last.as_ref().and_then(|w| w.at),
                        last.into_iter().collect(),
                    );
                    self.findings.push(with_differences(f, differ));
                }
            }
            Some(_) => {}
        }
        self.findings
    }
}

/// A finding with the fields that differ: their names, and `[field, expected, found]` per field.
fn with_differences(mut f: Finding, differ: Vec<(String, Value, Value)>) -> Finding {
    f.field = Some(differ.iter().map(|d| d.0.as_str()).collect::<Vec<_>>().join(", "));
    f.values = differ
        .into_iter()
        .flat_map(|(k, expected, found)| [Value::String(k), expected, found])
        .collect();
    f
}

/// The state after a change as `create_history_entry` builds its snapshot:
/// each `{"new": …}` applied; entries in another form are not applied.
fn apply(state: &mut Map<String, Value>, changes: &Value) {
    let Value::Object(changes) = changes else { return };
    for (field, change) in changes {
        if let Some(new) = change.as_object().and_then(|c| c.get("new")) {
            state.insert(field.clone(), new.clone());
        }
    }
}

/// Equal as values: the same JSON, or two spellings of one instant
/// (`to_jsonb` writes `2026-11-02T10:00:00+00:00`, writers often `…Z`).
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::String(a), Value::String(b)) => {
            match (
                chrono::DateTime::parse_from_rfc3339(a),
                chrono::DateTime::parse_from_rfc3339(b),
            ) {
                // The same instant, to the precision of the less precise
                // (Rails writes milliseconds where PostgreSQL keeps microseconds).
                (Ok(ta), Ok(tb)) => {
                    let digits = fraction_digits(a).min(fraction_digits(b)).min(9);
                    let unit = 10i64.pow(9 - digits);
                    let truncated = |t: chrono::DateTime<chrono::FixedOffset>| {
                        (t.timestamp(), i64::from(t.timestamp_subsec_nanos()) / unit)
                    };
                    truncated(ta) == truncated(tb)
                }
                _ => false,
            }
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        // A decimal a library wrote as text (Rails' JSON does) is its number.
        (Value::String(t), Value::Number(n)) | (Value::Number(n), Value::String(t)) => {
            t.trim().parse::<f64>().ok().is_some_and(|t| Some(t) == n.as_f64())
        }
        _ => false,
    }
}

/// Digits after the seconds' decimal point in an RFC 3339 time.
fn fraction_digits(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, rest)| {
        rest.chars().take_while(char::is_ascii_digit).count() as u32
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(minute: i64) -> Option<Moment> {
        let t =
            chrono::DateTime::parse_from_rfc3339("2026-11-02T10:00:00Z").unwrap() + chrono::Duration::minutes(minute);
        Some(t.to_rfc3339().parse().unwrap())
    }

    fn row(v: i32, minute: i64, changes: Value, snapshot: Option<Value>) -> Row {
        Row {
            shipment_id: "1".into(),
            version_no: v,
            actor_id: Some(format!("actor-{v}")),
            timestamp: at(minute),
            changes,
            snapshot,
        }
    }

    /// A clean history: created, then status and destination changes, each
    /// snapshot the previous one with the change applied.
    fn clean() -> Vec<Row> {
        vec![
            row(
                1,
                0,
                json!({"status": {"old": null, "new": "booked"}, "destination": {"old": null, "new": "Oslo"}}),
                Some(json!({"status": "booked", "destination": "Oslo", "eta": "2026-11-09T10:00:00Z"})),
            ),
            row(
                2,
                1,
                json!({"status": {"old": "booked", "new": "in_transit"}}),
                Some(json!({"status": "in_transit", "destination": "Oslo", "eta": "2026-11-09T10:00:00Z"})),
            ),
            row(
                3,
                2,
                json!({"destination": {"old": "Oslo", "new": "Bergen"}}),
                Some(json!({"status": "in_transit", "destination": "Bergen", "eta": "2026-11-09T10:00:00Z"})),
            ),
        ]
    }

    fn check(rows: Vec<Row>, current: Option<Value>) -> Vec<Finding> {
        let n = rows.len() as u64;
        let mut c = ShipmentCheck::new("1".into(), Some("SHP-1".into()));
        for r in rows {
            c.row(r);
        }
        c.finish(current.as_ref(), n)
    }

    fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
        findings.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn values_libraries_spell_otherwise_are_the_same() {
        // Rails' JSON: milliseconds, decimals as text; the row: microseconds, numbers.
        assert!(same(
            &json!("2026-11-09T10:00:00.123Z"),
            &json!("2026-11-09T10:00:00.123456+00:00")
        ));
        assert!(!same(
            &json!("2026-11-09T10:00:00.124Z"),
            &json!("2026-11-09T10:00:00.123456+00:00")
        ));
        assert!(!same(
            &json!("2026-11-09T10:00:00Z"),
            &json!("2026-11-09T10:00:01+00:00")
        ));
        assert!(same(&json!("12.50"), &json!(12.5)));
        assert!(!same(&json!("12.51"), &json!(12.5)));
        assert!(!same(&json!("twelve"), &json!(12)));
    }

    #[test]
    fn a_clean_history_has_no_findings() {
        // The row spells the instant as to_jsonb does: the same moment.
        let current = json!({"status": "in_transit", "destination": "Bergen", "eta": "2026-11-09T10:00:00+00:00"});
        assert!(check(clean(), Some(current)).is_empty());
    }

    #[test]
    fn duplicates_gaps_and_a_late_start_are_named() {
        let mut rows = clean();
        let mut dup = rows[1].clone();
        dup.actor_id = Some("actor-99".into());
        rows.insert(2, dup);
        let f = check(rows, None);
        let dup = f.iter().find(|f| f.kind == FindingKind::DuplicateVersion).unwrap();
        assert_eq!(dup.versions, [2]);
        assert_eq!(dup.writers.len(), 2);

        let mut rows = clean();
        rows.remove(1);
        let f = check(rows, None);
        let gap = f.iter().find(|f| f.kind == FindingKind::Gap).unwrap();
        assert_eq!(gap.versions, [2]);
        assert_eq!(gap.evidence, "v2 is missing between v1 and v3");

        let f = check(clean()[2..].to_vec(), None);
        let gap = f.iter().find(|f| f.kind == FindingKind::Gap).unwrap();
        assert_eq!(gap.versions, [1, 2]);
        assert_eq!(gap.evidence, "the history starts at v3 (v1–v2 missing)");
    }

    #[test]
    fn a_gap_is_one_finding_not_also_drift_or_lost_updates_after_it() {
        // v2 set the destination; v2 is gone, v3's snapshot holds its change,
        // and v4 changes the destination from v2's value.
        let rows = vec![
            row(
                1,
                0,
                json!({"destination": {"old": null, "new": "Oslo"}}),
                Some(json!({"destination": "Oslo", "note": null})),
            ),
            row(
                3,
                2,
                json!({"note": {"old": null, "new": "hi"}}),
                Some(json!({"destination": "Bergen", "note": "hi"})),
            ),
            row(
                4,
                3,
                json!({"destination": {"old": "Bergen", "new": "Molde"}}),
                Some(json!({"destination": "Molde", "note": "hi"})),
            ),
        ];
        assert_eq!(
            kinds(&check(rows, None)),
            [FindingKind::Gap, FindingKind::OrphanHistory]
        );
    }

    #[test]
    fn duplicated_versions_are_one_finding_whichever_twin_the_next_version_built_on() {
        // Two writers both took v2 from v1's state; v3 was built on the first twin.
        let rows = vec![
            row(
                1,
                0,
                json!({"a": {"old": null, "new": 1}}),
                Some(json!({"a": 1, "b": 0})),
            ),
            row(2, 1, json!({"b": {"old": 0, "new": 5}}), Some(json!({"a": 1, "b": 5}))),
            row(2, 1, json!({"a": {"old": 1, "new": 2}}), Some(json!({"a": 2, "b": 0}))),
            row(
                3,
                2,
                json!({"c": {"old": null, "new": true}}),
                Some(json!({"a": 1, "b": 5, "c": true})),
            ),
        ];
        let f = check(rows, None);
        assert_eq!(
            kinds(&f),
            [FindingKind::DuplicateVersion, FindingKind::OrphanHistory],
            "{f:#?}"
        );
    }

    #[test]
    fn a_later_version_recorded_earlier_is_out_of_order() {
        let mut rows = clean();
        rows[2].timestamp = at(-5);
        let f = check(rows, None);
        let t = f.iter().find(|f| f.kind == FindingKind::TimeOrder).unwrap();
        assert_eq!(t.versions, [2, 3]);
    }

    #[test]
    fn a_stale_old_value_is_a_lost_update_naming_both_writers() {
        let mut rows = clean();
        // v3's writer read the shipment before v2 and wrote its own status over v2's.
        rows[2].changes = json!({"status": {"old": "booked", "new": "on_hold"}});
        rows[2].snapshot = Some(json!({"status": "on_hold", "destination": "Oslo", "eta": "2026-11-09T10:00:00Z"}));
        let f = check(rows, None);
        assert_eq!(kinds(&f), [FindingKind::LostUpdate, FindingKind::OrphanHistory]);
        let lost = &f[0];
        assert_eq!(lost.field.as_deref(), Some("status"));
        assert_eq!(lost.versions, [2, 3]);
        assert_eq!(lost.writers.iter().map(|w| w.version).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(lost.values, [json!("booked"), json!("in_transit")]);
    }

    #[test]
    fn an_edited_snapshot_drifts_and_the_row_disagreeing_is_named() {
        let mut rows = clean();
        rows[1].snapshot =
            Some(json!({"status": "in_transit", "destination": "Tromsø", "eta": "2026-11-09T10:00:00Z"}));
        let current = json!({"status": "delivered", "destination": "Bergen", "eta": "2026-11-09T10:00:00Z"});
        let f = check(rows, Some(current));
        // v2's snapshot is wrong; v3 is checked against v2's snapshot as stored, and agrees.
        assert_eq!(kinds(&f), [FindingKind::SnapshotDrift, FindingKind::RowMismatch]);
        assert_eq!(f[0].versions, [2]);
        assert_eq!(f[0].field.as_deref(), Some("destination"));
        assert_eq!(f[1].field.as_deref(), Some("status"));
        assert_eq!(f[1].values, [json!("status"), json!("in_transit"), json!("delivered")]);
    }

    #[test]
    fn without_snapshots_the_replayed_fields_are_what_is_checked() {
        let rows: Vec<Row> = clean()
            .into_iter()
            .map(|mut r| {
                r.snapshot = None;
                r
            })
            .collect();
        // eta never changed: the row's eta cannot be checked, and is not reported.
        let current = json!({"status": "in_transit", "destination": "Bergen", "eta": "2030-01-01T00:00:00Z"});
        assert!(check(rows, Some(current)).is_empty());
    }
}
