//! The integrity scan on real PostgreSQL: one hand-made history per kind of
//! damage whose answer is known, a clean seeded database, a table without the
//! unique rule, a 100,000-version shipment, cancelling half-way, a read-only
//! role and PgBouncer (both against the direct answer), and the CLI.

use crate::common;

use crate::common::remote::remote;
use crate::common::timeline::*;

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use waybill::db::Db;
use waybill::integrity::{self, FindingKind, IntegrityReport, IntegrityRequest};

fn everything() -> IntegrityRequest {
    IntegrityRequest {
        shipment: None,
        since: None,
        max_findings: Some(1000),
    }
}

async fn scan(db: &Db, request: &IntegrityRequest) -> IntegrityReport {
    integrity::scan(db, request, &|_| {}, &CancellationToken::new())
        .await
        .unwrap()
}

fn count(r: &IntegrityReport, kind: FindingKind) -> u64 {
    r.counts.iter().find(|c| c.kind == kind).unwrap().count
}

/// Each kind's count, for comparing two scans at a glance.
fn counts(r: &IntegrityReport) -> Vec<(FindingKind, u64)> {
    r.counts.iter().map(|c| (c.kind, c.count)).collect()
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql).execute(db).await.unwrap();
}

#[tokio::test]
async fn a_clean_history_and_a_seeded_database_have_no_findings() {
    let (_, db, _) = fixture().await;
    // fixture's snapshots are its changes replayed: a history with nothing wrong.
    let r = scan(&db, &everything()).await;
    assert!(r.unique_rule);
    assert_eq!(r.rows, steps().len() as u64);
    // Its shipment row was never brought up to date, which is worth reporting:
    // a row that disagrees with its history, and nothing else.
    let kinds: Vec<_> = r.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FindingKind::RowMismatch], "{:#?}", r.findings);

    let (_, db) = common::migrated_db().await;
    let options = waybill::seed::SeedOptions {
        rows: 20_000,
        seed: 3,
        replace: false,
    };
    waybill::seed::seed(&db, &options, &waybill::progress::ignore)
        .await
        .unwrap();
    let r = scan(&db, &everything()).await;
    assert_eq!(r.rows, 20_000);
    assert!(r.shipments > 10);
    assert!(
        r.clean && r.findings.is_empty(),
        "{:#?}",
        &r.findings[..r.findings.len().min(5)]
    );
}

/// A database whose one shipment has `n` clean versions (snapshots replayed,
/// the row up to date), changes made in SQL as a racing writer would.
async fn clean_shipment(n: i32) -> (Db, Uuid) {
    let (_, db) = common::migrated_db().await;
    exec(
        &db,
        "INSERT INTO actors (id, display_name, email, role) VALUES
        ('00000000-0000-0000-0000-00000000000a', 'Ana Lima', 'ana@example.com', 'support'),
        ('00000000-0000-0000-0000-00000000000b', 'Ben Okoro', 'ben@example.com', 'ops')",
    )
    .await;
    let shipment = common::new_shipment(&db, "SHP-I-1").await;
    sqlx::query(
        "INSERT INTO shipment_history (shipment_id, version_no, event_type, actor_id, \"timestamp\", changes, snapshot)
         SELECT $1, g, 'note_added',
                CASE WHEN g % 2 = 0 THEN '00000000-0000-0000-0000-00000000000a'::uuid
                     ELSE '00000000-0000-0000-0000-00000000000b'::uuid END,
                TIMESTAMPTZ '2026-11-02 10:00Z' + g * INTERVAL '1 minute',
                jsonb_build_object('counter', jsonb_build_object('old', g - 1, 'new', g)),
                jsonb_build_object('counter', g, 'status', 'booked')
           FROM generate_series(1, $2) g",
    )
    .bind(shipment)
    .bind(n)
    .execute(&db)
    .await
    .unwrap();
    (db, shipment)
}

#[tokio::test]
async fn each_kind_of_damage_is_found_with_its_evidence() {
    let (db, shipment) = clean_shipment(10).await;
    assert!(scan(&db, &everything()).await.clean, "the starting point is clean");

    // A gap: v4 deleted. Time order: v7 recorded before v6.
    exec(&db, "DELETE FROM shipment_history WHERE version_no = 4").await;
    exec(
        &db,
        "UPDATE shipment_history SET \"timestamp\" = \"timestamp\" - INTERVAL '1 hour' WHERE version_no = 7",
    )
    .await;
    // A lost update: v9's writer read counter = 7 (before v8) and wrote over it.
    exec(
        &db,
        "UPDATE shipment_history SET changes = '{\"counter\": {\"old\": 7, \"new\": 9}}' WHERE version_no = 9",
    )
    .await;
    // Drift: v2's snapshot edited by hand (v3 and on were built from the real state).
    exec(
        &db,
        "UPDATE shipment_history SET snapshot = '{\"counter\": 2, \"status\": \"delivered\"}' WHERE version_no = 2",
    )
    .await;
    // The row changed without a history entry.
    exec(&db, "UPDATE shipment_requests SET status = 'cancelled'").await;
    // An actor id no actor has.
    exec(
        &db,
        "UPDATE shipment_history SET actor_id = '00000000-0000-0000-0000-0000000000ff' WHERE version_no = 10",
    )
    .await;

    let r = scan(&db, &everything()).await;
    assert!(!r.clean);
    let find = |kind| {
        let found: Vec<_> = r.findings.iter().filter(|f| f.kind == kind).collect();
        assert_eq!(found.len(), 1, "{kind:?}: {:#?}", r.findings);
        found[0].clone()
    };
    let gap = find(FindingKind::Gap);
    assert_eq!(gap.versions, [4]);
    assert_eq!(gap.shipment_id, Some(shipment.to_string()));
    assert_eq!(gap.shipment_reference.as_deref(), Some("SHP-I-1"));

    let order = find(FindingKind::TimeOrder);
    assert_eq!(order.versions, [6, 7]);
    assert!(order.evidence.contains("v7 was recorded at"), "{}", order.evidence);

    let lost = find(FindingKind::LostUpdate);
    assert_eq!(lost.versions, [8, 9]);
    assert_eq!(lost.field.as_deref(), Some("counter"));
    // Both writers, by name: v9 (odd: Ben) overwrote v8 (even: Ana).
    assert!(
        lost.evidence.starts_with("v9 by Ben Okoro at 2026-11-02T10:09:00")
            && lost.evidence.contains("v8 by Ana Lima at 2026-11-02T10:08:00")
            && lost.evidence.contains("had set it to 8"),
        "{}",
        lost.evidence
    );

    let drift = find(FindingKind::SnapshotDrift);
    assert_eq!(drift.versions, [2]);
    assert!(
        drift
            .evidence
            .contains("status: expected \"booked\", stored \"delivered\""),
        "{}",
        drift.evidence
    );

    let row = find(FindingKind::RowMismatch);
    assert!(
        row.evidence
            .contains("status: history says \"booked\", row says \"cancelled\""),
        "{}",
        row.evidence
    );

    let actor = find(FindingKind::UnknownActor);
    assert!(
        actor
            .evidence
            .contains("00000000-0000-0000-0000-0000000000ff wrote 1 history rows"),
        "{}",
        actor.evidence
    );
    assert_eq!(count(&r, FindingKind::DuplicateVersion), 0);

    // One shipment only, and only what happened from v8's time on.
    let r = scan(
        &db,
        &IntegrityRequest {
            shipment: Some("shp-i-1".into()),
            since: Some("2026-11-02T10:08:00Z".parse().unwrap()),
            max_findings: Some(1000),
        },
    )
    .await;
    assert_eq!(r.scope, "shipment SHP-I-1, changes since 2026-11-02T10:08:00+00:00");
    let kinds: Vec<_> = r.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FindingKind::LostUpdate,
            FindingKind::RowMismatch,
            FindingKind::UnknownActor
        ]
    );

    let e = integrity::scan(
        &db,
        &IntegrityRequest {
            shipment: Some("SHP-NOPE".into()),
            ..everything()
        },
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "shipment_not_found", "{e}");
    let e = integrity::scan(
        &db,
        &IntegrityRequest {
            max_findings: Some(0),
            ..everything()
        },
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("maximum findings"), "{e}");
}

#[tokio::test]
async fn without_the_unique_rule_duplicates_are_found_and_the_rule_is_named_missing() {
    let (db, shipment) = clean_shipment(6).await;
    exec(
        &db,
        "ALTER TABLE shipment_history DROP CONSTRAINT shipment_history_unique_version",
    )
    .await;
    // Two racing writers both took v4 (a racy variant of the version function).
    sqlx::query(
        "INSERT INTO shipment_history (shipment_id, version_no, event_type, actor_id, \"timestamp\", changes, snapshot)
         VALUES ($1, 4, 'note_added', '00000000-0000-0000-0000-00000000000a', '2026-11-02 10:04:00.5Z',
                 '{\"counter\": {\"old\": 3, \"new\": 4}}', '{\"counter\": 4, \"status\": \"booked\"}')",
    )
    .bind(shipment)
    .execute(&db)
    .await
    .unwrap();
    let r = scan(&db, &everything()).await;
    assert!(!r.unique_rule);
    let dups: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::DuplicateVersion)
        .collect();
    assert_eq!(dups.len(), 1, "{:#?}", r.findings);
    assert_eq!(dups[0].versions, [4]);
    assert!(dups[0].evidence.starts_with("2 rows are v4"), "{}", dups[0].evidence);
    assert_eq!(r.rows, 7);
}

#[tokio::test]
async fn a_shipment_with_100000_versions_is_scanned_whole_and_a_cancel_stops_half_way() {
    let (db, _) = clean_shipment(100_000).await;
    exec(
        &db,
        "UPDATE shipment_history SET \"timestamp\" = \"timestamp\" - INTERVAL '1 day' WHERE version_no = 99999",
    )
    .await;
    let r = scan(&db, &everything()).await;
    assert_eq!((r.rows, r.shipments), (100_000, 1));
    assert_eq!(counts(&r).iter().map(|c| c.1).sum::<u64>(), 1);
    assert_eq!(r.findings[0].versions, [99_998, 99_999]);

    // Cancelled after the first batch: the report says so and covers what was read.
    let cancel = CancellationToken::new();
    let seen = std::sync::Mutex::new(Vec::new());
    let r = integrity::scan(
        &db,
        &everything(),
        &|p| {
            seen.lock().unwrap().push(p.rows);
            cancel.cancel();
        },
        &cancel,
    )
    .await
    .unwrap();
    assert!(r.cancelled);
    assert!(r.rows > 0 && r.rows < 100_000, "{}", r.rows);
    assert!(!seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_read_only_role_and_pgbouncer_get_the_direct_answer() {
    let r = remote();
    let name = r.seeded_db().await;
    let direct = r.open(&r.direct(&name), &r.owner_password).await.unwrap();
    // Known damage: one lost update and one row changed behind the history's back.
    exec(
        &direct,
        "UPDATE shipment_history SET changes = jsonb_set(changes, '{status,old}', '\"nonsense\"')
                    WHERE (shipment_id, version_no) = (SELECT shipment_id, max(version_no) FROM shipment_history
                                                        WHERE changes ? 'status' AND version_no > 1
                                                        GROUP BY shipment_id ORDER BY shipment_id LIMIT 1)",
    )
    .await;
    exec(
        &direct,
        "UPDATE shipment_requests SET carrier = 'Nobody Freight'
                    WHERE id = (SELECT id FROM shipment_requests ORDER BY id DESC LIMIT 1)",
    )
    .await;
    let want = scan(&direct, &everything()).await;
    assert_eq!(count(&want, FindingKind::LostUpdate), 1, "{:#?}", want.findings);
    assert_eq!(count(&want, FindingKind::RowMismatch), 1, "{:#?}", want.findings);

    let mut reader = r.direct(&name);
    reader.user = "waybill_reader".into();
    let reader = r.open(&reader, &r.reader_password).await.unwrap();
    let pooled = r.open(&r.pooled(&name), &r.owner_password).await.unwrap();
    for (how, db) in [("a read-only role", &reader), ("PgBouncer", &pooled)] {
        let got = scan(db, &everything()).await;
        assert_eq!(counts(&got), counts(&want), "{how}");
        assert_eq!(got.rows, want.rows, "{how}");
        let evidence = |r: &IntegrityReport| r.findings.iter().map(|f| f.evidence.clone()).collect::<Vec<_>>();
        assert_eq!(evidence(&got), evidence(&want), "{how}");
    }
}

#[test]
fn the_cli_exits_by_verdict_and_writes_json_junit_and_a_plot() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (name, db) = rt.block_on(async {
        let (name, db, _) = fixture().await;
        exec(
            &db,
            "UPDATE shipment_requests SET status = 'delivered', destination = 'Oslo, NO'",
        )
        .await;
        (name, db)
    });
    let home = common::home();
    let (code, out, err) = common::waybill_cli(&name, home.path(), &["integrity"]);
    // fixture's row was never brought up to date: a row that disagrees.
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("FINDINGS"), "{out}");
    assert!(out.contains("row_mismatch"), "{out}");

    rt.block_on(async {
        // The row as its latest version says: clean.
        let (snapshot,): (Value,) =
            sqlx::query_as("SELECT snapshot FROM shipment_history ORDER BY version_no DESC LIMIT 1")
                .fetch_one(&db)
                .await
                .unwrap();
        for column in ["status", "destination", "carrier", "title", "origin"] {
            if let Some(value) = snapshot.get(column) {
                sqlx::query(&format!("UPDATE shipment_requests SET {column} = $1"))
                    .bind(value.as_str())
                    .execute(&db)
                    .await
                    .unwrap();
            }
        }
        if let Some(eta) = snapshot.get("eta").and_then(Value::as_str) {
            sqlx::query("UPDATE shipment_requests SET eta = $1::timestamptz")
                .bind(eta)
                .execute(&db)
                .await
                .unwrap();
        }
    });
    let junit = home.path().join("integrity.xml");
    let plot = home.path().join("integrity.png");
    let (code, out, err) = common::waybill_cli(
        &name,
        home.path(),
        &[
            "integrity",
            "--json",
            "--junit",
            junit.to_str().unwrap(),
            "--plot",
            plot.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["clean"], json!(true));
    assert_eq!(report["rows"], json!(steps().len()));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("Lost updates") && !xml.contains("<failure"), "{xml}");
    assert!(err.contains("no plot"), "nothing to draw when clean: {err}");

    rt.block_on(exec(&db, "DELETE FROM shipment_history WHERE version_no = 2"));
    let (code, out, err) = common::waybill_cli(
        &name,
        home.path(),
        &[
            "integrity",
            "--junit",
            junit.to_str().unwrap(),
            "--plot",
            plot.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("gap"), "{out}");
    assert!(std::fs::read_to_string(&junit).unwrap().contains("<failure"));
    assert!(std::fs::read(&plot).unwrap().starts_with(b"\x89PNG"));

    let (code, _, err) = common::waybill_cli(&name, home.path(), &["integrity", "--max-findings", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--max-findings"), "{err}");
}
