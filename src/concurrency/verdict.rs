//! The checks behind a run's verdict. Pure functions over what the requests were
//! told and what the database holds afterwards, so that each check can be tested
//! on hand-made results, including ones that must fail.

use std::collections::{BTreeMap, HashMap};

use super::report::{Check, ErrorKind, RequestRecord};
use super::scenario::{Params, Scenario};

/// A history row of a target shipment after the run. `request` is set when the
/// row carries this run's marker (the 1-based request index).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    pub shipment: u32,
    pub version: i32,
    pub request: Option<u32>,
}

/// How much evidence a check lists before it summarizes.
const EVIDENCE: usize = 8;

pub fn judge(
    scenario: Scenario,
    params: &Params,
    requests: &[RequestRecord],
    cancelled: u32,
    elapsed_ms: f64,
    stored: &[StoredRow],
) -> Vec<Check> {
    let unique = unique_versions(requests);
    let mut sequential = sequential_versions(requests);
    if !unique.passed && sequential.passed {
        // Twenty requests that all got version 1 have "no gaps between 1 and 1":
        // true, and no comfort. Say so rather than show a pass beside them.
        sequential.meaningful = false;
        sequential.detail = format!("{}: not meaningful while version numbers repeat", sequential.detail);
    }
    vec![
        all_succeeded(scenario, requests, cancelled),
        unique,
        sequential,
        acceptable_time(params, elapsed_ms),
        nothing_lost_nothing_extra(requests, stored),
        real_time_order(requests),
    ]
}

fn check(name: &str, evidence: Vec<String>, detail: String) -> Check {
    let total = evidence.len();
    let mut evidence = evidence;
    if total > EVIDENCE {
        evidence.truncate(EVIDENCE);
        evidence.push(format!("… and {} more", total - EVIDENCE));
    }
    Check {
        name: name.to_string(),
        passed: total == 0,
        meaningful: true,
        detail,
        evidence,
    }
}

fn all_succeeded(scenario: Scenario, requests: &[RequestRecord], cancelled: u32) -> Check {
    let succeeded = requests.iter().filter(|r| r.version.is_some()).count();
    let timeouts = requests
        .iter()
        .filter(|r| matches!(&r.error, Some(e) if e.kind == ErrorKind::Timeout))
        .count();
    // Pool exhaustion: waiting too long for a connection is the expected outcome.
    let tolerated = |kind: ErrorKind| scenario == Scenario::PoolExhaustion && kind == ErrorKind::Timeout;
    let evidence: Vec<String> = requests
        .iter()
        .filter_map(|r| r.error.as_ref().map(|e| (r, e)))
        .filter(|(_, e)| !tolerated(e.kind))
        .map(|(r, e)| format!("request {} failed ({:?}): {}", r.index, e.kind, e.message))
        .collect();
    let mut detail = format!("{succeeded} of {} succeeded", requests.len());
    if scenario == Scenario::PoolExhaustion {
        detail.push_str(&format!(
            ", {timeouts} timed out waiting for a connection (expected here)"
        ));
    }
    let mut evidence = evidence;
    if cancelled > 0 {
        detail.push_str(&format!(", {cancelled} cancelled before they were sent"));
        // A cancelled run tested less than it was asked to: never a pass.
        evidence.push(format!("the run was cancelled: {cancelled} requests were never sent"));
    }
    check("All requests succeeded", evidence, detail)
}

/// Successful requests grouped by shipment: version → request indexes.
fn versions_by_shipment(requests: &[RequestRecord]) -> BTreeMap<u32, BTreeMap<i32, Vec<u32>>> {
    let mut map: BTreeMap<u32, BTreeMap<i32, Vec<u32>>> = BTreeMap::new();
    for r in requests {
        if let Some(v) = r.version {
            map.entry(r.shipment).or_default().entry(v).or_default().push(r.index);
        }
    }
    map
}

fn shipment_label(shipment: u32, shipments: usize) -> String {
    if shipments > 1 {
        format!(" (shipment {})", shipment + 1)
    } else {
        String::new()
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn unique_versions(requests: &[RequestRecord]) -> Check {
    let by_shipment = versions_by_shipment(requests);
    let mut evidence = Vec::new();
    for (shipment, versions) in &by_shipment {
        for (version, indexes) in versions.iter().filter(|(_, i)| i.len() > 1) {
            let mut who: Vec<String> = indexes.iter().take(6).map(|i| i.to_string()).collect();
            if indexes.len() > 6 {
                who.push(format!("{} more", indexes.len() - 6));
            }
            let label = shipment_label(*shipment, by_shipment.len());
            let both = if indexes.len() == 2 { "both" } else { "all" };
            evidence.push(format!(
                "requests {} {both} got version {version}{label}",
                join_and(&who)
            ));
        }
    }
    let told = requests.iter().filter(|r| r.version.is_some()).count();
    let distinct: usize = by_shipment.values().map(|v| v.len()).sum();
    check(
        "Version numbers are unique",
        evidence,
        format!("{distinct} distinct versions for {told} successful requests"),
    )
}

/// Versions in `lo..=hi` missing from `present`, as "versions 8 and 11".
fn missing_versions(present: &[i32], lo: i32, hi: i32) -> Vec<i32> {
    let mut missing = Vec::new();
    let mut it = present.iter().peekable();
    for v in lo..=hi {
        while it.peek().is_some_and(|&&p| p < v) {
            it.next();
        }
        if it.peek() != Some(&&v) {
            missing.push(v);
        }
    }
    missing
}

fn describe_missing(missing: &[i32]) -> String {
    let shown: Vec<String> = missing.iter().take(EVIDENCE).map(|v| v.to_string()).collect();
    let more = missing.len().saturating_sub(EVIDENCE);
    let list = if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        join_and(&shown)
    };
    if missing.len() == 1 {
        format!("version {list} is missing")
    } else {
        format!("versions {list} are missing")
    }
}

fn sequential_versions(requests: &[RequestRecord]) -> Check {
    let by_shipment = versions_by_shipment(requests);
    let mut evidence = Vec::new();
    let mut ranges = Vec::new();
    for (shipment, versions) in &by_shipment {
        let present: Vec<i32> = versions.keys().copied().collect();
        let (lo, hi) = (present[0], present[present.len() - 1]);
        ranges.push(format!("{lo} and {hi}"));
        let missing = missing_versions(&present, lo, hi);
        if !missing.is_empty() {
            evidence.push(format!(
                "{}{}",
                describe_missing(&missing),
                shipment_label(*shipment, by_shipment.len())
            ));
        }
    }
    let detail = if ranges.is_empty() {
        "no successful request".into()
    } else {
        format!("no gaps between {}", ranges.join("; "))
    };
    check("Version numbers are sequential", evidence, detail)
}

fn acceptable_time(params: &Params, elapsed_ms: f64) -> Check {
    let limit = params.max_total_ms as f64;
    let evidence = if elapsed_ms > limit {
        vec![format!("took {elapsed_ms:.1} ms, over the {limit:.0} ms threshold")]
    } else {
        vec![]
    };
    check(
        "Completed in acceptable time",
        evidence,
        format!("{elapsed_ms:.1} ms (threshold {limit:.0} ms)"),
    )
}

fn nothing_lost_nothing_extra(requests: &[RequestRecord], stored: &[StoredRow]) -> Check {
    let mut evidence = Vec::new();
    let mut rows_of: HashMap<u32, Vec<&StoredRow>> = HashMap::new();
    for row in stored {
        if let Some(request) = row.request {
            rows_of.entry(request).or_default().push(row);
        }
    }
    let mut matched = 0;
    for r in requests {
        let rows = rows_of.remove(&r.index).unwrap_or_default();
        match (r.version, rows.as_slice()) {
            (Some(told), [row]) if row.version == told && row.shipment == r.shipment => matched += 1,
            (Some(told), [row]) => evidence.push(format!(
                "request {} was told version {told} but its row has version {}",
                r.index, row.version
            )),
            (Some(told), []) => evidence.push(format!(
                "request {} was told version {told} but its row is missing",
                r.index
            )),
            (_, many) if many.len() > 1 => evidence.push(format!("request {} has {} rows", r.index, many.len())),
            (None, [row]) => evidence.push(format!(
                "request {} failed but its row is in the database (version {})",
                r.index, row.version
            )),
            _ => {}
        }
    }
    for (request, rows) in rows_of {
        evidence.push(format!(
            "{} row(s) carry the marker of request {request}, which this run did not record",
            rows.len()
        ));
    }

    // The whole history of each target shipment: 1..max, once each.
    let mut by_shipment: BTreeMap<u32, Vec<i32>> = BTreeMap::new();
    for row in stored {
        by_shipment.entry(row.shipment).or_default().push(row.version);
    }
    let shipments = by_shipment.len();
    for (shipment, mut versions) in by_shipment {
        versions.sort_unstable();
        let label = shipment_label(shipment, shipments);
        let mut twice: Vec<String> = Vec::new();
        for pair in versions.windows(2) {
            if pair[0] == pair[1] && twice.last() != Some(&pair[0].to_string()) {
                twice.push(pair[0].to_string());
            }
        }
        if !twice.is_empty() {
            evidence.push(format!(
                "the history{label} holds version {} more than once",
                join_and(&twice)
            ));
        }
        versions.dedup();
        let hi = *versions.last().unwrap_or(&0);
        let missing = missing_versions(&versions, 1, hi);
        if !missing.is_empty() {
            evidence.push(format!("in the history{label} {}", describe_missing(&missing)));
        }
    }
    let told = requests.iter().filter(|r| r.version.is_some()).count();
    check(
        "Nothing lost, nothing extra",
        evidence,
        format!(
            "{matched} of {told} successful requests found with the version they were told; history checked 1..max"
        ),
    )
}

/// When request A finished before request B started, A's version must be lower.
fn real_time_order(requests: &[RequestRecord]) -> Check {
    let mut evidence = Vec::new();
    let mut pairs_checked = 0usize;
    let mut by_shipment: BTreeMap<u32, Vec<&RequestRecord>> = BTreeMap::new();
    for r in requests.iter().filter(|r| r.version.is_some()) {
        by_shipment.entry(r.shipment).or_default().push(r);
    }
    for list in by_shipment.values() {
        // Sweep in start order, keeping the request with the highest version
        // among those that had finished by then.
        let mut by_end: Vec<&RequestRecord> = list.clone();
        by_end.sort_by(|a, b| a.end_ms.total_cmp(&b.end_ms));
        let mut by_start: Vec<&RequestRecord> = list.clone();
        by_start.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
        let mut finished = 0;
        let mut highest: Option<&RequestRecord> = None;
        for b in by_start {
            while finished < by_end.len() && by_end[finished].end_ms < b.start_ms {
                let a = by_end[finished];
                if highest.is_none_or(|h| a.version > h.version) {
                    highest = Some(a);
                }
                finished += 1;
            }
            if let Some(a) = highest {
                pairs_checked += 1;
                if a.version >= b.version {
                    evidence.push(format!(
                        "request {} finished ({:.1} ms) before request {} started ({:.1} ms) but got version {} ≥ {}",
                        a.index,
                        a.end_ms,
                        b.index,
                        b.start_ms,
                        a.version.unwrap_or_default(),
                        b.version.unwrap_or_default()
                    ));
                }
            }
        }
    }
    let detail = if pairs_checked == 0 {
        "no request started after another had finished (all overlapped)".to_string()
    } else {
        format!("{pairs_checked} requests checked against those that finished before they started")
    };
    check("Real-time order", evidence, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::concurrency::report::RequestError;

    fn ok(index: u32, version: i32, start: f64, end: f64) -> RequestRecord {
        RequestRecord {
            index,
            shipment: 0,
            start_ms: start,
            end_ms: end,
            version: Some(version),
            error: None,
        }
    }

    fn failed(index: u32, kind: ErrorKind) -> RequestRecord {
        let error = Some(RequestError {
            kind,
            message: "boom".into(),
        });
        RequestRecord {
            index,
            shipment: 0,
            start_ms: 0.0,
            end_ms: 1.0,
            version: None,
            error,
        }
    }

    fn rows_for(requests: &[RequestRecord]) -> Vec<StoredRow> {
        requests
            .iter()
            .filter_map(|r| {
                r.version.map(|v| StoredRow {
                    shipment: r.shipment,
                    version: v,
                    request: Some(r.index),
                })
            })
            .collect()
    }

    fn params() -> Params {
        Scenario::Concurrent.defaults()
    }

    /// The checks of a run whose stored rows are exactly what the requests were told.
    fn judged(scenario: Scenario, requests: &[RequestRecord], elapsed_ms: f64) -> Vec<Check> {
        judge(scenario, &params(), requests, 0, elapsed_ms, &rows_for(requests))
    }

    fn by_name<'a>(checks: &'a [Check], name: &str) -> &'a Check {
        checks.iter().find(|c| c.name == name).unwrap()
    }

    #[test]
    fn a_clean_run_passes_every_check() {
        let requests: Vec<_> = (1..=5).map(|i| ok(i, i as i32, 0.0, 10.0 + i as f64)).collect();
        let checks = judged(Scenario::Concurrent, &requests, 20.0);
        assert!(checks.iter().all(|c| c.passed), "{checks:#?}");
        assert_eq!(checks.len(), 6);
    }

    #[test]
    fn duplicates_are_named_with_the_requests_that_got_them() {
        let requests = vec![
            ok(1, 6, 0.0, 5.0),
            ok(2, 7, 0.0, 5.0),
            ok(3, 8, 0.0, 5.0),
            ok(4, 7, 0.0, 5.0),
        ];
        let checks = judged(Scenario::Concurrent, &requests, 10.0);
        let unique = by_name(&checks, "Version numbers are unique");
        assert!(!unique.passed);
        assert_eq!(unique.evidence, ["requests 2 and 4 both got version 7"]);
        // With repeats, "no gaps" proves nothing: not shown as a pass.
        let seq = by_name(&checks, "Version numbers are sequential");
        assert!(!seq.meaningful);
        assert_eq!(
            seq.detail,
            "no gaps between 6 and 8: not meaningful while version numbers repeat"
        );
    }

    #[test]
    fn no_gaps_is_not_meaningful_when_every_request_got_the_same_version() {
        let requests: Vec<_> = (1..=20).map(|i| ok(i, 1, 0.0, 5.0)).collect();
        let checks = judged(Scenario::Concurrent, &requests, 10.0);
        assert!(!by_name(&checks, "Version numbers are unique").passed);
        let seq = by_name(&checks, "Version numbers are sequential");
        assert!(!seq.meaningful, "{seq:?}");
        assert_eq!(
            seq.detail,
            "no gaps between 1 and 1: not meaningful while version numbers repeat"
        );
    }

    #[test]
    fn gaps_are_named() {
        let requests = vec![
            ok(1, 7, 0.0, 5.0),
            ok(2, 9, 0.0, 5.0),
            ok(3, 10, 0.0, 5.0),
            ok(4, 12, 0.0, 5.0),
        ];
        let checks = judged(Scenario::Concurrent, &requests, 10.0);
        let seq = by_name(&checks, "Version numbers are sequential");
        assert!(!seq.passed);
        assert_eq!(seq.evidence, ["versions 8 and 11 are missing"]);
        assert_eq!(seq.detail, "no gaps between 7 and 12");
    }

    #[test]
    fn only_timeouts_are_tolerated_and_only_when_exhausting_the_pool() {
        let requests = vec![ok(1, 1, 0.0, 1.0), failed(2, ErrorKind::Timeout)];
        let stored = rows_for(&requests);
        let pool = judge(Scenario::PoolExhaustion, &params(), &requests, 0, 5.0, &stored);
        assert!(by_name(&pool, "All requests succeeded").passed);
        let concurrent = judge(Scenario::Concurrent, &params(), &requests, 0, 5.0, &stored);
        assert!(!by_name(&concurrent, "All requests succeeded").passed);

        let other = vec![ok(1, 1, 0.0, 1.0), failed(2, ErrorKind::UniqueViolation)];
        let pool = judged(Scenario::PoolExhaustion, &other, 5.0);
        assert!(!by_name(&pool, "All requests succeeded").passed);
    }

    #[test]
    fn slow_runs_fail_the_time_check() {
        let requests = vec![ok(1, 1, 0.0, 1.0)];
        let checks = judged(Scenario::Concurrent, &requests, 1500.0);
        assert!(!by_name(&checks, "Completed in acceptable time").passed);
    }

    #[test]
    fn lost_misreported_and_extra_rows_are_found() {
        let requests = vec![
            ok(1, 1, 0.0, 1.0),
            ok(2, 2, 0.0, 1.0),
            ok(3, 3, 0.0, 1.0),
            failed(4, ErrorKind::Timeout),
        ];
        let stored = vec![
            StoredRow {
                shipment: 0,
                version: 1,
                request: Some(1),
            },
            // request 2's row is missing; request 3's row says 4; the failed request 4 wrote a row.
            StoredRow {
                shipment: 0,
                version: 4,
                request: Some(3),
            },
            StoredRow {
                shipment: 0,
                version: 3,
                request: Some(4),
            },
        ];
        let checks = judge(Scenario::PoolExhaustion, &params(), &requests, 0, 5.0, &stored);
        let c = by_name(&checks, "Nothing lost, nothing extra");
        assert!(!c.passed);
        assert!(
            c.evidence
                .contains(&"request 2 was told version 2 but its row is missing".to_string()),
            "{c:#?}"
        );
        assert!(c
            .evidence
            .contains(&"request 3 was told version 3 but its row has version 4".to_string()));
        assert!(c
            .evidence
            .contains(&"request 4 failed but its row is in the database (version 3)".to_string()));
        assert!(c.evidence.contains(&"in the history version 2 is missing".to_string()));
    }

    #[test]
    fn a_history_with_duplicates_fails_even_without_markers() {
        let requests = vec![ok(1, 3, 0.0, 1.0)];
        let mut stored = rows_for(&requests);
        stored.extend([
            StoredRow {
                shipment: 0,
                version: 1,
                request: None,
            },
            StoredRow {
                shipment: 0,
                version: 2,
                request: None,
            },
            StoredRow {
                shipment: 0,
                version: 2,
                request: None,
            },
        ]);
        let c = judge(Scenario::Concurrent, &params(), &requests, 0, 5.0, &stored);
        let c = by_name(&c, "Nothing lost, nothing extra");
        assert_eq!(c.evidence, ["the history holds version 2 more than once"]);
    }

    #[test]
    fn a_later_request_with_a_lower_version_breaks_real_time_order() {
        // Request 1 finished at 5 ms; request 2 started at 6 ms yet got a lower version.
        let requests = vec![ok(1, 2, 0.0, 5.0), ok(2, 1, 6.0, 8.0)];
        let checks = judged(Scenario::Staggered, &requests, 10.0);
        let c = by_name(&checks, "Real-time order");
        assert!(!c.passed);
        assert!(
            c.evidence[0].starts_with("request 1 finished (5.0 ms) before request 2 started (6.0 ms)"),
            "{c:#?}"
        );
        // Overlapping requests may come out in any order.
        let overlapping = vec![ok(1, 2, 0.0, 5.0), ok(2, 1, 1.0, 8.0)];
        let checks = judged(Scenario::Concurrent, &overlapping, 10.0);
        assert!(by_name(&checks, "Real-time order").passed);
    }

    #[test]
    fn shipments_are_judged_separately() {
        let mut requests = vec![
            ok(1, 1, 0.0, 1.0),
            ok(2, 2, 0.0, 1.0),
            ok(3, 1, 0.0, 1.0),
            ok(4, 2, 0.0, 1.0),
        ];
        requests[2].shipment = 1;
        requests[3].shipment = 1;
        let checks = judged(Scenario::Spread, &requests, 5.0);
        assert!(checks.iter().all(|c| c.passed), "{checks:#?}");
    }

    #[test]
    fn long_evidence_is_summarized() {
        let requests: Vec<_> = (1..=20).map(|i| ok(i, 1, 0.0, 1.0)).collect();
        let c = unique_versions(&requests);
        assert_eq!(c.evidence.len(), 1);
        assert_eq!(c.evidence[0], "requests 1, 2, 3, 4, 5, 6 and 14 more all got version 1");
    }
}
