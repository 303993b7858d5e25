//! The timeline commands of the `waybill` binary on the hand-made history:
//! what scripts rely on (exit codes, JSON, tables, one-line errors).

use crate::common;

use crate::common::timeline::fixture;
use serde_json::{json, Value};

/// The versions of a JSON page, in its order.
fn versions_of(page: &Value) -> Vec<i64> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version_no"].as_i64().unwrap())
        .collect()
}

/// The CLI on the same fixture: what scripts rely on (exit codes, JSON, one-line errors).
#[tokio::test]
async fn the_cli_mirrors_the_timeline() {
    let (name, _pool, _) = fixture().await;
    let home = common::home();
    let run = |args: &[&str]| common::waybill_cli(&name, home.path(), args);

    let (code, out, _) = run(&[
        "timeline",
        "SHP-T-1",
        "--actor",
        "ben@example.com",
        "--event-type",
        "note_added",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let page: Value = serde_json::from_str(&out).unwrap();
    let versions = versions_of(&page);
    assert_eq!(versions, vec![10, 4]);

    let (code, out, err) = run(&["timeline", "SHP-T-1", "--limit", "3", "--utc"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("TIME (UTC)") && out.contains("v10") && out.contains("note: ok → late night"),
        "{out}"
    );
    assert!(err.contains("more: --before-version 8"), "{err}");

    // Paging back up: the page just above a version, still newest first, as a table, JSON or CSV.
    let (code, out, err) = run(&[
        "timeline",
        "SHP-T-1",
        "--after-version",
        "4",
        "--limit",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let page: Value = serde_json::from_str(&out).unwrap();
    let versions = versions_of(&page);
    assert_eq!(versions, vec![7, 6, 5]);
    assert!(err.contains("more: --after-version 7"), "{err}");
    let (code, out, _) = run(&[
        "timeline",
        "SHP-T-1",
        "--after-version",
        "4",
        "--limit",
        "3",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("SHP-T-1,")).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].contains(",7,") && rows[2].contains(",5,"), "{out}");
    let (code, out, _) = run(&["timeline", "SHP-T-1", "--after-version", "10", "--format", "csv"]);
    assert_eq!(code, 1, "nothing above the newest");
    assert!(
        out.lines().any(|l| l.starts_with("shipment_reference,")) && !out.contains("SHP-T-1,"),
        "{out}"
    );

    let (code, _, err) = run(&["timeline", "SHP-T-1", "--event-type", "teleported"]);
    assert_eq!(code, 1, "nothing matched");
    assert!(err.contains("no versions match (event type teleported)"), "{err}");

    let (code, _, err) = run(&["timeline", "SHP-NOPE"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    assert!(err.contains("no shipment matches `SHP-NOPE`"), "{err}");

    let (code, _, err) = run(&[
        "timeline",
        "SHP-T-1",
        "--since",
        "2026-11-02",
        "--until",
        "2026-11-01",
        "--utc",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("Put the earlier time first"), "{err}");

    let (code, out, _) = run(&["diff", "SHP-T-1", "6", "7", "--json"]);
    assert_eq!(code, 0);
    let diff: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(diff["fields"][0]["path"], json!("destination"));

    let (code, out, _) = run(&["diff", "SHP-T-1", "7"]);
    assert_eq!(code, 0);
    assert!(out.contains("~ destination: \"Lyon\" → \"Paris\""), "{out}");

    let (code, out, _) = run(&["blame", "SHP-T-1", "--utc"]);
    assert_eq!(code, 0);
    let destination = out.lines().find(|l| l.starts_with("destination")).unwrap();
    assert!(
        destination.contains("Paris") && destination.contains("v7") && destination.contains("Ben Okoro"),
        "{out}"
    );

    let (code, out, _) = run(&["as-of", "SHP-T-1", "2026-11-01 10:45", "--utc"]);
    assert_eq!(code, 0);
    assert!(out.contains("SHP-T-1 v7 of 10"), "{out}");

    let (code, out, _) = run(&[
        "actor",
        "Ana Lima",
        "--event-type",
        "status_changed",
        "--format",
        "csv",
        "--utc",
    ]);
    assert_eq!(code, 0);
    // The timeline's one CSV format: the export's, for the rows of this page.
    let rows: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows.len(), 1 + 1, "header and v9: {out}");
    assert!(
        rows[0].starts_with("shipment_reference,shipment_id,version_no,timestamp,timestamp_utc"),
        "{out}"
    );
    assert!(out.contains("2026-11-01T11:00:00.000Z"), "{out}");
    let (_, exported, _) = run(&["export", "--by", "Ana Lima", "--event-type", "status_changed", "--utc"]);
    let exported: Vec<&str> = exported.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows, exported, "the same columns and rows as `waybill export`");

    let (code, out, _) = run(&["export", "--shipment", "SHP-T-1", "--tz", "Europe/Berlin"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# Waybill timeline export: shipment SHP-T-1"), "{out}");
    assert!(out.contains("# time zone: Europe/Berlin"));

    let png = home.path().join("activity.png");
    let (code, out, _) = run(&[
        "activity",
        "--by",
        "Ben Okoro",
        "--plot",
        png.to_str().unwrap(),
        "--utc",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("Ben Okoro: 5 changes"), "{out}");
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");

    let (code, _, err) = run(&["activity", "--shipment", "SHP-T-1", "--tz", "Mars/Olympus"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown time zone `Mars/Olympus`"), "{err}");
}
