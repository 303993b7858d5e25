//! The managers' overview against hand-made histories whose answers are known:
//! days in a non-UTC zone across the end of daylight saving time (a 25-hour
//! day), exceptions open and resolved, time in each status, the concurrency
//! test's shipments left out; the report and the CLI.

use crate::common;

use serde_json::{json, Value};
use uuid::Uuid;
use waybill::db::Db;
use waybill::overview::{self, OverviewRange, OverviewRequest};

const ANA: &str = "00000000-0000-0000-0000-00000000000a";
const BEN: &str = "00000000-0000-0000-0000-00000000000b";

async fn version(
    db: &Db,
    shipment: Uuid,
    v: i32,
    event: &str,
    actor: &str,
    at: &str,
    description: &str,
    changes: Value,
) {
    sqlx::query(
        "INSERT INTO shipment_history (shipment_id, version_no, event_type, actor_id, \"timestamp\", description, changes)
         VALUES ($1, $2, $3, $4::uuid, $5::timestamptz, $6, $7)",
    )
    .bind(shipment)
    .bind(v)
    .bind(event)
    .bind(actor)
    .bind(at)
    .bind(description)
    .bind(changes)
    .execute(db)
    .await
    .unwrap();
}

fn status(old: Option<&str>, new: &str) -> Value {
    json!({ "status": { "old": old, "new": new } })
}

/// Berlin leaves summer time on 2026-10-25 at 03:00 (to 02:00): that day has 25 hours.
/// The range is Oct 24 00:00 to Oct 27 00:00 Berlin time.
async fn fixture() -> (String, Db) {
    let (name, db) = common::migrated_db().await;
    sqlx::query(
        "INSERT INTO actors (id, display_name, email, role) VALUES
           ($1::uuid, 'Ana Lima', 'ana@example.com', 'support'), ($2::uuid, 'Ben Okafor', 'ben@example.com', 'operations')",
    )
    .bind(ANA)
    .bind(BEN)
    .execute(&db)
    .await
    .unwrap();
    let a = common::new_shipment(&db, "OV-A").await;
    // Oct 23 23:00 CEST: before the range, but it starts A's stay in `booked`.
    version(
        &db,
        a,
        1,
        "created",
        ANA,
        "2026-10-23T21:00:00Z",
        "created",
        status(None, "booked"),
    )
    .await;
    // Oct 25 00:30 CEST: day Oct 25; 25.5 h in booked.
    version(
        &db,
        a,
        2,
        "status_changed",
        BEN,
        "2026-10-24T22:30:00Z",
        "moved",
        status(Some("booked"), "in_transit"),
    )
    .await;
    // Oct 25 23:30 CET (after the change): still day Oct 25 in Berlin, Oct 25 in UTC too; 24 h in transit.
    let raised = status(Some("in_transit"), "exception");
    version(
        &db,
        a,
        3,
        "exception_raised",
        BEN,
        "2026-10-25T22:30:00Z",
        "Weather delay",
        raised,
    )
    .await;
    // Oct 26 00:30 CET: day Oct 26 (still Oct 25 in UTC). No status change: A's exception stays open.
    version(
        &db,
        a,
        4,
        "note_added",
        ANA,
        "2026-10-25T23:30:00Z",
        "note",
        json!({ "note": { "old": null, "new": "x" } }),
    )
    .await;

    let b = common::new_shipment(&db, "OV-B").await;
    // Oct 24 00:30 CEST: day Oct 24 (Oct 23 in UTC).
    version(
        &db,
        b,
        1,
        "created",
        ANA,
        "2026-10-23T22:30:00Z",
        "created",
        status(None, "booked"),
    )
    .await;
    // 59.5 h in booked.
    let raised = status(Some("booked"), "exception");
    version(
        &db,
        b,
        2,
        "exception_raised",
        ANA,
        "2026-10-26T10:00:00Z",
        "Consignee unreachable",
        raised,
    )
    .await;
    // Resolved two hours later.
    version(
        &db,
        b,
        3,
        "status_changed",
        ANA,
        "2026-10-26T12:00:00Z",
        "resolved",
        status(Some("exception"), "in_transit"),
    )
    .await;
    // Oct 27 00:30 CET: after the range's end.
    version(
        &db,
        b,
        4,
        "note_added",
        ANA,
        "2026-10-26T23:30:00Z",
        "late",
        json!({ "note": { "old": null, "new": "y" } }),
    )
    .await;

    // The concurrency test's shipment, busy in the range: left out.
    let (t,): (Uuid,) = sqlx::query_as(
        "INSERT INTO shipment_requests (reference, title, status, origin, destination)
         VALUES ('TEST-0000ABCD-001', $1, 'test', 'Waybill', 'Waybill') RETURNING id",
    )
    .bind(waybill::domain::test_shipments::TITLE)
    .fetch_one(&db)
    .await
    .unwrap();
    // Its status changes and its exception would show in the stays and the
    // exceptions were it not left out.
    for v in 1..=5 {
        let (event, changes) = match v {
            2 => ("status_changed", status(Some("booked"), "in_transit")),
            3 => ("status_changed", status(Some("in_transit"), "booked")),
            4 => ("exception_raised", json!({})),
            _ => ("concurrency_test", json!({})),
        };
        version(&db, t, v, event, BEN, "2026-10-25T12:00:00Z", "test", changes).await;
    }
    (name, db)
}

/// The fixture's range, Oct 24 to Oct 27 in Berlin.
async fn the_range(db: &Db) -> waybill::overview::Overview {
    overview::overview(db, &berlin("2026-10-24T00:00:00+02:00", "2026-10-27T00:00:00+01:00"))
        .await
        .unwrap()
}

/// Each bar's first day and its number of changes.
fn days(o: &waybill::overview::Overview) -> Vec<(String, i64)> {
    o.activity
        .bars
        .iter()
        .map(|b| (b.start.clone(), b.counts.iter().sum()))
        .collect()
}

fn berlin(since: &str, until: &str) -> OverviewRequest {
    OverviewRequest {
        range: OverviewRange::Custom {
            since: since.into(),
            until: until.into(),
        },
        time_zone: "Europe/Berlin".into(),
    }
}

#[tokio::test]
async fn counts_days_in_the_viewers_zone_across_a_dst_change() {
    let (_, db) = fixture().await;
    let o = the_range(&db).await;
    let expected = [("2026-10-24", 1), ("2026-10-25", 2), ("2026-10-26", 3)];
    assert_eq!(days(&o), expected.map(|(d, n)| (d.to_string(), n)));
    assert_eq!((o.changes, o.shipments_changed, o.actors_active), (6, 2, 2));
    assert!(!o.activity.event_types.contains(&"concurrency_test".to_string()));
    assert_eq!(o.since, "2026-10-24T00:00:00.000+02:00");
    assert_eq!(o.until, "2026-10-27T00:00:00.000+01:00");
    assert!(
        !o.time_indexed,
        "the guide's indexes all start with shipment_id or actor_id"
    );
    assert!(o.time_indexable, "Database health offers the index");

    // The same moments in UTC fall on other days.
    let utc = overview::overview(
        &db,
        &OverviewRequest {
            time_zone: "UTC".into(),
            ..berlin("2026-10-23T22:00:00Z", "2026-10-26T23:00:00Z")
        },
    )
    .await
    .unwrap();
    let expected = [
        ("2026-10-23", 1),
        ("2026-10-24", 1),
        ("2026-10-25", 2),
        ("2026-10-26", 2),
    ];
    assert_eq!(days(&utc), expected.map(|(d, n)| (d.to_string(), n)));
}

#[tokio::test]
async fn knows_who_and_what_changed_most_and_which_exceptions_are_open() {
    let (_, db) = fixture().await;
    let o = the_range(&db).await;
    let actors: Vec<(Option<&str>, i64)> = o.top_actors.iter().map(|a| (a.name.as_deref(), a.changes)).collect();
    assert_eq!(actors, [(Some("Ana Lima"), 4), (Some("Ben Okafor"), 2)]);
    let shipments: Vec<(&str, i64)> = o
        .top_shipments
        .iter()
        .map(|s| (s.reference.as_str(), s.changes))
        .collect();
    assert_eq!(shipments, [("OV-A", 3), ("OV-B", 3)]);

    let e = &o.exceptions;
    assert_eq!((e.raised, e.open), (2, 1));
    let open: Vec<(&str, i32, &str)> = e
        .open_list
        .iter()
        .map(|x| (x.reference.as_str(), x.version, x.reason.as_str()))
        .collect();
    assert_eq!(open, [("OV-A", 3, "Weather delay")]);
    assert_eq!(e.open_list[0].raised_at, "2026-10-25T23:30:00.000+01:00");
    let reasons: Vec<(&str, i64, i64)> = e
        .reasons
        .iter()
        .map(|r| (r.reason.as_str(), r.raised, r.open))
        .collect();
    assert_eq!(reasons, [("Consignee unreachable", 1, 0), ("Weather delay", 1, 1)]);
}

#[tokio::test]
async fn an_exception_resolved_after_the_range_is_not_open() {
    let (_, db) = fixture().await;
    // Up to Oct 26 12:00 Berlin (10:00 UTC + 1 h): B's exception (raised at 11:00 Berlin) is
    // in the range, the status change that resolved it (13:00 Berlin) is not.
    let o = overview::overview(&db, &berlin("2026-10-24T00:00:00+02:00", "2026-10-26T12:00:00+01:00"))
        .await
        .unwrap();
    let e = &o.exceptions;
    assert_eq!((e.raised, e.open), (2, 1), "{e:?}");
    assert_eq!(e.open_list.len(), 1);
    assert_eq!(e.open_list[0].reference, "OV-A");
    // B's stay in `exception` ended after the range: not counted.
    assert!(o.statuses.iter().all(|s| s.status != "exception" || s.stays == 0));
}

#[tokio::test]
async fn a_long_range_counts_by_week_in_the_viewers_zone() {
    let (_, db) = fixture().await;
    // 103 weeks (too many days for a chart): bars are weeks, Monday to Monday in Berlin.
    let o = overview::overview(&db, &berlin("2025-01-06T00:00:00+01:00", "2026-12-28T00:00:00+01:00"))
        .await
        .unwrap();
    let busy: Vec<(String, i64)> = days(&o).into_iter().filter(|d| d.1 > 0).collect();
    // Oct 19–25 has A's v1–v3 and B's v1 (Oct 24 00:30); Oct 26 on has the rest but B's v4
    // (Oct 27 00:30, the same week).
    assert_eq!(busy, [("2026-10-19".to_string(), 4), ("2026-10-26".to_string(), 4)]);
    assert_eq!(o.activity.bars.len(), 103);
    assert_eq!(o.activity.bars[0].start, "2025-01-06");
}

#[tokio::test]
async fn measures_time_in_each_status_from_the_status_changes() {
    let (_, db) = fixture().await;
    let o = the_range(&db).await;
    let of = |name: &str| o.statuses.iter().find(|s| s.status == name).unwrap();
    // Booked: A 25.5 h, B 59.5 h. percentile_cont interpolates: median 42.5, p90 25.5 + 0.9 × 34.
    let booked = of("booked");
    assert_eq!(booked.stays, 2);
    assert!((booked.median_hours.unwrap() - 42.5).abs() < 1e-9);
    assert!((booked.p90_hours.unwrap() - 56.1).abs() < 1e-9);
    // In transit: A's 24 hours across the 25-hour day are 24 real hours.
    let transit = of("in_transit");
    assert_eq!((transit.stays, transit.median_hours), (1, Some(24.0)));
    assert_eq!((of("exception").stays, of("exception").median_hours), (1, Some(2.0)));
    // Where shipments are now (the rows say `booked`; the test shipment is left out).
    assert_eq!(of("booked").now, 2);
    let order: Vec<&str> = o.statuses.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(order, ["booked", "in_transit", "exception"]);
}

#[tokio::test]
async fn an_empty_range_and_bad_input_say_so() {
    let (_, db) = fixture().await;
    let o = overview::overview(&db, &berlin("2025-01-01T00:00:00+01:00", "2025-01-08T00:00:00+01:00"))
        .await
        .unwrap();
    assert_eq!((o.changes, o.exceptions.raised), (0, 0));
    assert_eq!(o.activity.bars.len(), 7, "the quiet days of the range are bars too");
    assert!(o.top_actors.is_empty() && o.top_shipments.is_empty());

    let backwards = overview::overview(&db, &berlin("2026-10-27T00:00:00Z", "2026-10-24T00:00:00Z"))
        .await
        .unwrap_err();
    assert!(
        backwards.to_string().contains("must end after it starts"),
        "{backwards}"
    );
    let zone = overview::overview(
        &db,
        &OverviewRequest {
            time_zone: "Mars/Olympus".into(),
            ..berlin("2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z")
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(zone, waybill::Error::UnknownTimeZone { .. }), "{zone}");
}

#[tokio::test]
async fn the_report_is_one_self_contained_file_with_its_charts() {
    let (_, db) = fixture().await;
    let o = the_range(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let saved = overview::report::save_to_dir(&o, dir.path()).unwrap();
    let html = std::fs::read_to_string(&saved.html).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("http"), "no network references of any kind");
    assert!(!html.contains("<script") && !html.contains("src="));
    assert_eq!(
        html.matches("<svg").count(),
        2,
        "the activity and status charts, inline"
    );
    for text in [
        "OV-A",
        "Weather delay",
        "Ana Lima",
        "Europe/Berlin",
        "2026-10-24 00:00 +02:00",
    ] {
        assert!(html.contains(text), "the report names {text}");
    }
    assert!(html.contains("href=\"waybill://shipment/OV-A\""));
    assert_eq!(saved.charts.len(), 2);
    for png in &saved.charts {
        assert!(std::fs::read(png).unwrap().starts_with(b"\x89PNG"), "{png}");
    }
    // Saving again never replaces the first report.
    let again = overview::report::save_to_dir(&o, dir.path()).unwrap();
    assert_ne!(again.html, saved.html);
    assert!(again.html.ends_with(" (2).html"), "{}", again.html);
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".partial"))
        .count();
    assert_eq!(leftovers, 0);
}

#[tokio::test]
async fn the_cli_prints_writes_the_report_and_refuses_a_bad_range() {
    let (name, _db) = fixture().await;
    let home = common::home();
    let report = home.path().join("out/report.html");
    let charts = home.path().join("charts");
    let (code, out, err) = common::waybill_cli(
        &name,
        home.path(),
        &[
            "overview",
            "--since",
            "2026-10-24",
            "--until",
            "2026-10-26",
            "--tz",
            "Europe/Berlin",
            "--html",
            report.to_str().unwrap(),
            "--charts",
            charts.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("6 changes to 2 shipments"), "{out}");
    assert!(out.contains("2026-10-25       2"), "{out}");
    assert!(out.contains("open: OV-A v3"), "{out}");
    assert!(std::fs::read_to_string(&report).unwrap().contains("<svg"));
    assert!(charts.join("activity.png").is_file() && charts.join("status-times.png").is_file());

    let (code, out, _) = common::waybill_cli(
        &name,
        home.path(),
        &[
            "overview",
            "--since",
            "2026-10-24",
            "--until",
            "2026-10-26",
            "--utc",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["time_zone"], "UTC");
    // Oct 24–26 in UTC: both first versions fall before, B's late note inside.
    assert_eq!(json["changes"], 6);

    let (code, _, err) = common::waybill_cli(
        &name,
        home.path(),
        &["overview", "--since", "2026-10-26", "--until", "2026-10-24"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("must end after it starts"), "{err}");
}

#[tokio::test]
async fn odd_values_are_left_out_not_fatal() {
    let (_, db) = fixture().await;
    let c = common::new_shipment(&db, "OV-ODD").await;
    // A status change at -infinity (before everything), one at +infinity (after
    // everything), no actor, and `changes` that are not an object.
    let at_minus = status(None, "booked");
    version(&db, c, 1, "created", ANA, "-infinity", "created", at_minus).await;
    sqlx::query("UPDATE shipment_history SET actor_id = NULL WHERE shipment_id = $1")
        .bind(c)
        .execute(&db)
        .await
        .unwrap();
    version(
        &db,
        c,
        2,
        "status_changed",
        BEN,
        "2026-10-25T10:00:00Z",
        "moved",
        status(Some("booked"), "in_transit"),
    )
    .await;
    version(
        &db,
        c,
        3,
        "note_added",
        BEN,
        "2026-10-25T11:00:00Z",
        "odd",
        json!(["not", "an object"]),
    )
    .await;
    version(
        &db,
        c,
        4,
        "status_changed",
        BEN,
        "infinity",
        "later",
        status(Some("in_transit"), "delivered"),
    )
    .await;
    let o = the_range(&db).await;
    // The fixture's 6 plus the two finite ones in the range.
    assert_eq!(o.changes, 8);
    let booked = o.statuses.iter().find(|s| s.status == "booked").unwrap();
    assert_eq!(
        booked.stays, 2,
        "a stay that began at -infinity has no length: left out"
    );
}

#[tokio::test]
async fn the_overview_reads_through_stock_pgbouncer() {
    let remote = common::remote::remote();
    let name = remote.seeded_db().await;
    let request = OverviewRequest {
        range: OverviewRange::Last30Days,
        time_zone: "UTC".into(),
    };
    let mut figures = Vec::new();
    for profile in [remote.direct(&name), remote.pooled(&name)] {
        let db = remote.open(&profile, &remote.owner_password).await.unwrap();
        let o = overview::overview(&db, &request).await.unwrap();
        figures.push((o.changes, o.exceptions.raised, o.statuses.len()));
        db.close().await;
    }
    assert!(figures[0].0 > 0, "the seeded data changed in the last 30 days");
    assert_eq!(figures[0], figures[1], "the same figures through the pooler");
}
