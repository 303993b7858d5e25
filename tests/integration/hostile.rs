//! Values other people's databases hold, which Waybill must show rather than
//! fail on: ±infinity, years past 9999 and before 1, NULLs where Waybill's own
//! schema has NOT NULL, JSON nested deeper than serde reads, 10 MB values, and
//! text with control characters. One such row used to break a whole screen
//! (a panic decoding `infinity`, a page refused for one deep value).

use crate::common;

use serde_json::Value;
use waybill::domain::TimelineFilter;
use waybill::timeline::activity::{self, Scope};
use waybill::timeline::export::{self, ExportRequest, TimelineFormat};
use waybill::timeline::{self, blame, version};

const HOSTILE: &str = "SHP-HOSTILE-1";

async fn hostile_db() -> (String, waybill::db::Db) {
    let (name, db) = common::migrated_db().await;
    for sql in [
        // A user's tables need not have Waybill's constraints.
        "ALTER TABLE shipment_requests ALTER COLUMN title DROP NOT NULL, ALTER COLUMN status DROP NOT NULL,
             ALTER COLUMN origin DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL",
        "ALTER TABLE shipment_history ALTER COLUMN \"timestamp\" DROP NOT NULL, ALTER COLUMN event_type DROP NOT NULL,
             ALTER COLUMN changes DROP NOT NULL, DROP CONSTRAINT shipment_history_event_type_check",
        "INSERT INTO shipment_requests (id, reference, title, status, origin, destination, eta, updated_at) VALUES
           ('00000000-0000-0000-0000-0000000000a1', 'SHP-HOSTILE-1', E'Red\\x1b[31m alert\\x07', 'in_transit', 'Hamburg, DE', 'Oslo, NO', 'infinity', '-infinity'),
           ('00000000-0000-0000-0000-0000000000a2', 'SHP-HOSTILE-2', NULL, NULL, NULL, 'Oslo, NO', '20000-01-01 00:00:00+00', NULL)",
    ] {
        sqlx::query(sql).execute(&*db).await.unwrap();
    }
    let deep = format!(
        "{{\"nested\": {{\"old\": null, \"new\": {}1{}}}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let big = "x".repeat(10 * 1024 * 1024);
    let rows: Vec<(i32, Option<&str>, &str, Option<String>, Option<String>)> = vec![
        (
            1,
            Some("created"),
            "infinity",
            Some(r#"{"status": {"old": null, "new": "booked"}}"#.into()),
            None,
        ),
        (
            2,
            Some("note_added"),
            "0001-01-01 00:00:00+00",
            Some(r#"{"note": {"old": null, "new": "year one"}}"#.into()),
            None,
        ),
        (
            3,
            Some("note_added"),
            "9999-12-31 23:59:59+00",
            Some(r#"{"note": {"old": "year one", "new": "year 9999"}}"#.into()),
            None,
        ),
        (
            4,
            Some("note_added"),
            "NULL",
            Some(r#"{"note": {"old": "year 9999", "new": "no time"}}"#.into()),
            None,
        ),
        (
            5,
            None,
            "2026-11-01 10:00:00+00",
            Some(r#"{"status": {"old": "booked", "new": "in_transit"}}"#.into()),
            None,
        ),
        (
            6,
            Some("note_added"),
            "2026-11-01 11:00:00+00",
            Some(deep.clone()),
            None,
        ),
        (
            7,
            Some("note_added"),
            "2026-11-01 12:00:00+00",
            Some(format!(r#"{{"note": {{"old": "no time", "new": "{big}"}}}}"#)),
            Some(big.clone()),
        ),
        (
            8,
            Some("note_added"),
            "-infinity",
            Some("{\"note\": {\"old\": null, \"new\": \"bell\\u0007 esc\\u001b[2J\"}}".into()),
            Some("esc \u{1b}[2J here".into()),
        ),
        (
            9,
            Some("note_added"),
            "2026-11-01 13:00:00+00",
            None,
            Some("=HYPERLINK(\"http://evil.example\")".into()),
        ),
        (
            10,
            Some("note_added"),
            "294276-12-31 23:59:59+00",
            Some(r#""a string, not an object""#.into()),
            None,
        ),
    ];
    for (v, event, at, changes, description) in rows {
        let at = (at != "NULL").then_some(at);
        sqlx::query(
            "INSERT INTO shipment_history (shipment_id, version_no, event_type, \"timestamp\", changes, description)
             VALUES ('00000000-0000-0000-0000-0000000000a1', $1, $2, $3::timestamptz, $4::jsonb, $5)",
        )
        .bind(v)
        .bind(event)
        .bind(at)
        .bind(changes)
        .bind(description)
        .execute(&*db)
        .await
        .unwrap();
    }
    (name, db)
}

#[tokio::test]
async fn every_value_postgres_can_store_shows() {
    let (_, db) = hostile_db().await;

    let list = waybill::shipments::search(&db, "HOSTILE", 10).await.unwrap();
    assert_eq!(list.len(), 2);
    let first = list.iter().find(|s| s.reference == HOSTILE).unwrap();
    assert_eq!(first.eta.unwrap().to_rfc3339(), "infinity");
    assert_eq!(first.updated_at.unwrap().to_rfc3339(), "-infinity");
    let second = list.iter().find(|s| s.reference == "SHP-HOSTILE-2").unwrap();
    assert_eq!(second.eta.unwrap().to_rfc3339(), "+020000-01-01T00:00:00.000000Z");
    assert_eq!((second.title.as_str(), second.updated_at), ("", None));

    let page = timeline::page(&db, HOSTILE, &TimelineFilter::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 10);
    let entry = |v: i32| page.entries.iter().find(|e| e.version_no == v).unwrap();
    assert_eq!(entry(1).timestamp.unwrap().to_rfc3339(), "infinity");
    assert_eq!(entry(2).timestamp.unwrap().to_rfc3339(), "0001-01-01T00:00:00.000000Z");
    assert_eq!(entry(4).timestamp, None);
    assert_eq!(entry(5).event_type, "");
    assert_eq!(
        entry(10).timestamp.unwrap().to_rfc3339(),
        "+294276-12-31T23:59:59.000000Z"
    );
    assert!(entry(6).summary.contains("nested too deeply"), "{}", entry(6).summary);
    assert!(
        entry(7).summary.contains("too large to summarise"),
        "{}",
        entry(7).summary
    );
    assert!(
        entry(7).description.as_ref().unwrap().len() < 2000,
        "a page cuts a 10 MB description"
    );

    for v in 1..=10 {
        let detail = version::version(&db, HOSTILE, v)
            .await
            .unwrap_or_else(|e| panic!("v{v}: {e}"));
        assert_eq!(detail.entry.version_no, v);
    }
    let deep = version::version(&db, HOSTILE, 6).await.unwrap();
    assert!(
        deep.diff.notes.iter().any(|n| n.contains("cannot read field by field")),
        "{:?}",
        deep.diff.notes
    );
    let big = version::version(&db, HOSTILE, 7).await.unwrap();
    assert_eq!(
        big.entry.description.unwrap().len(),
        10 * 1024 * 1024,
        "the version shows it whole"
    );

    blame::blame(&db, HOSTILE).await.unwrap();
    let a = activity::activity(&db, &Scope::Shipment(HOSTILE.into()), &TimelineFilter::default(), "UTC")
        .await
        .unwrap();
    assert!(
        a.bars.len() <= waybill::domain::activity::MAX_BARS as usize,
        "{} bars",
        a.bars.len()
    );
    assert_eq!(
        a.untimed, 3,
        "infinity, -infinity and the missing time are counted, not charted"
    );
    assert_eq!(a.total, 10);
    waybill::plots::svg(&waybill::plots::Chart::Stacked(a.changes_chart())).unwrap();

    for format in [TimelineFormat::Csv, TimelineFormat::Json] {
        let request = ExportRequest {
            scope: Scope::Shipment(HOSTILE.into()),
            filter: TimelineFilter::default(),
            time_zone: "Europe/Berlin".into(),
            format,
            page: None,
        };
        let mut out = Vec::new();
        assert_eq!(export::export(&db, &request, &mut out, &|_| {}).await.unwrap(), 10);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("infinity"));
        if format == TimelineFormat::Csv {
            // A spreadsheet would run a cell starting with `=`: it starts with `'` instead.
            assert!(text.contains("'=HYPERLINK"), "{}", &text[..2000.min(text.len())]);
            assert!(!text.contains(",=HYPERLINK") && !text.contains(",\"=HYPERLINK"));
        } else {
            assert!(text.contains("\"=HYPERLINK"), "the JSON stays exact");
        }
        if format == TimelineFormat::Json {
            // Exact: the deep value is copied through whole.
            assert!(text.contains(&"[".repeat(200)));
            let mut de = serde_json::Deserializer::from_str(&text);
            let parsed: Result<Value, _> = serde::Deserialize::deserialize(&mut de);
            assert!(parsed.is_err() || parsed.unwrap()["rows"] == 10);
        }
    }
}

#[tokio::test]
async fn the_integrity_scan_reads_them_all_and_orders_infinite_times_as_postgres_does() {
    let (_, db) = hostile_db().await;
    let request = waybill::integrity::IntegrityRequest {
        shipment: Some(HOSTILE.into()),
        since: None,
        max_findings: Some(100),
    };
    let report = waybill::integrity::scan(&db, &request, &|_| {}, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        report.rows, 10,
        "a 10 MB value, JSON too deep to read and a NULL time stop nothing"
    );
    // `infinity` is later than any time, `-infinity` earlier: v2 (year 1) after v1 (infinity) and
    // v8 (-infinity) after v7 went back in time; a NULL time is compared with nothing.
    let order: Vec<Vec<i32>> = report
        .findings
        .iter()
        .filter(|f| f.kind == waybill::integrity::FindingKind::TimeOrder)
        .map(|f| f.versions.clone())
        .collect();
    assert_eq!(order, [vec![1, 2], vec![7, 8]], "{:#?}", report.findings);
    // The chart leaves out what has no day (±infinity) instead of failing.
    let chart = waybill::integrity::view::findings_chart(&report);
    assert!(chart.is_none_or(|c| c.bars.iter().all(|b| !b.start.is_empty())));
}

#[test]
fn the_cli_lists_them_and_never_prints_a_control_character() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (name, _db) = rt.block_on(hostile_db());
    let home = common::home();
    for args in [
        vec!["shipments", "--search", "HOSTILE"],
        vec!["shipment", HOSTILE],
        vec!["timeline", HOSTILE],
        vec!["version", HOSTILE, "8"],
        vec!["blame", HOSTILE],
        vec!["activity", "--shipment", HOSTILE, "--utc"],
    ] {
        let (code, out, err) = common::waybill_cli(&name, home.path(), &args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?} printed a control character: {out:?}"
        );
    }
    let (_, out, _) = common::waybill_cli(&name, home.path(), &["shipments", "--search", "HOSTILE"]);
    assert!(out.contains("Red\u{241b}[31m alert"), "{out}");
}
