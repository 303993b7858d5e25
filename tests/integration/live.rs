//! Live history on real PostgreSQL: `waybill timeline --follow` prints versions
//! written while it runs, in order, once each, filters applied; the
//! simulator writes realistic changes that leave the history clean; and the
//! simulator refuses any database but the sandbox.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::timeline::*;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use waybill::db::Db;
use waybill::integrity::{self, IntegrityRequest};

async fn write(db: &Db, shipment: uuid::Uuid, event_type: &str, note: &str) -> i32 {
    let changes = serde_json::json!({ "note": { "old": null, "new": note } });
    let (v,): (i32,) = sqlx::query_as("SELECT version_no FROM create_history_entry($1, $2, $3, $4)")
        .bind(shipment)
        .bind(event_type)
        .bind(id(ANA))
        .bind(changes)
        .fetch_one(db)
        .await
        .unwrap();
    v
}

#[tokio::test]
async fn follow_prints_new_versions_in_order_once_each_with_filters_applied() {
    let (name, db, shipment) = fixture().await;
    let home = common::home();
    let mut child = Command::new(env!("CARGO_BIN_EXE_waybill"))
        .args(["--database-url", &common::url(&name)])
        .args([
            "timeline",
            "SHP-T-1",
            "--follow",
            "--format",
            "json",
            "--event-type",
            "note_added",
            "--limit",
            "2",
        ])
        .env("XDG_DATA_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Lines as they come, on a thread: the test waits for them with a deadline.
    let (tx, lines) = mpsc::channel::<Value>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx
                .send(serde_json::from_str(&line).expect("one JSON object per line"))
                .is_err()
            {
                break;
            }
        }
    });
    let next = || lines.recv_timeout(Duration::from_secs(20)).expect("a line within 20 s");
    let version = |v: &Value| v["version_no"].as_i64().unwrap() as i32;

    // The page first, oldest first: the two newest notes.
    let notes: Vec<i32> = steps()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.0 == "note_added")
        .map(|(i, _)| i as i32 + 1)
        .rev()
        .collect();
    let (a, b) = (next(), next());
    assert_eq!([version(&a), version(&b)], [notes[1], notes[0]]);

    let first = write(&db, shipment, "note_added", "live one").await;
    let skipped = write(&db, shipment, "status_changed", "not a note").await;
    let second = write(&db, shipment, "note_added", "live two").await;
    let third = write(&db, shipment, "note_added", "live three").await;
    let got: Vec<i32> = (0..3).map(|_| version(&next())).collect();
    assert_eq!(
        got,
        [first, second, third],
        "in order, once each; v{skipped} is not a note"
    );
    assert!(lines.recv_timeout(Duration::from_secs(3)).is_err(), "nothing more");

    // Interrupted, it stops cleanly.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[tokio::test]
async fn the_simulator_writes_realistic_changes_that_leave_the_history_clean() {
    let _one_at_a_time = common::SANDBOX_DB.lock().await;
    let conn = common::sandbox_connection().await;
    let db = conn.db().clone();
    let options = waybill::seed::SeedOptions {
        rows: 5_000,
        seed: 11,
        replace: true,
    };
    waybill::seed::seed(&db, &options, &waybill::progress::ignore)
        .await
        .unwrap();
    let before: (i64,) = sqlx::query_as("SELECT count(*) FROM shipment_history")
        .fetch_one(&db)
        .await
        .unwrap();
    let cancel = CancellationToken::new();
    let seen = std::sync::Mutex::new(Vec::new());
    let written = waybill::simulate::simulate(
        &conn,
        6000,
        &|w| {
            let mut seen = seen.lock().unwrap();
            seen.push((w.reference.clone(), w.version, w.event_type.clone()));
            if seen.len() == 40 {
                cancel.cancel();
            }
        },
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(written, 40);
    let after: (i64,) = sqlx::query_as("SELECT count(*) FROM shipment_history")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(after.0 - before.0, 40);
    let seen = seen.into_inner().unwrap();
    let kinds: std::collections::HashSet<_> = seen.iter().map(|s| s.2.clone()).collect();
    assert!(kinds.len() >= 3, "several kinds of change: {kinds:?}");
    // Through create_history_entry, with the row brought up to date: nothing for the scan to find.
    let report = integrity::scan(
        &db,
        &IntegrityRequest {
            shipment: None,
            since: None,
            max_findings: Some(100),
        },
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(report.clean && report.findings.is_empty(), "{:#?}", report.findings);
}

#[tokio::test]
async fn the_simulator_leaves_finished_shipments_and_the_concurrency_tests_alone() {
    let _one_at_a_time = common::SANDBOX_DB.lock().await;
    let conn = common::sandbox_connection().await;
    let db = conn.db().clone();
    let options = waybill::seed::SeedOptions {
        rows: 2_000,
        seed: 5,
        replace: true,
    };
    waybill::seed::seed(&db, &options, &waybill::progress::ignore)
        .await
        .unwrap();
    // Every demo shipment finished; the one active shipment is a concurrency test's.
    sqlx::query("UPDATE shipment_requests SET status = 'delivered'")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO shipment_requests (reference, title, status, origin, destination)
         VALUES ('TEST-0000ABCD-001', $1, 'test', 'Waybill', 'Waybill')",
    )
    .bind(waybill::domain::test_shipments::TITLE)
    .execute(&db)
    .await
    .unwrap();
    // Were anything written, the first write stops it (and the error below is missing).
    let cancel = CancellationToken::new();
    let e = waybill::simulate::simulate(&conn, 6000, &|_| cancel.cancel(), &cancel)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no active shipments"), "{e}");
}

#[test]
fn the_simulator_writes_only_to_the_sandbox() {
    let home = common::home();
    let (code, _, err) = common::waybill_cli("postgres", home.path(), &["sandbox", "simulate", "--count", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("runs only on the sandbox"), "{err}");
}
