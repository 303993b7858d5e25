//! The bundled concurrency test on a real PostgreSQL: every scenario passes
//! against the real version assignment, and the checker fails, for the right
//! reasons, against the deliberately unsafe one.

use crate::common;

use std::sync::atomic::{AtomicU32, Ordering};

use tokio_util::sync::CancellationToken;
use waybill::concurrency::{run, Params, RunOptions, RunReport, Scenario};
use waybill::db::Db;
use waybill::Error;

fn options(scenario: Scenario, params: Params) -> RunOptions {
    RunOptions {
        scenario,
        params,
        shipment: None,
        unsafe_control: false,
        is_sandbox: true,
        database: "test (sandbox)".into(),
        keep_test_shipments: false,
    }
}

async fn run_ok(db: &Db, options: RunOptions) -> RunReport {
    run(db, &options, &|_| {}, &CancellationToken::new()).await.unwrap()
}

fn assert_pass(report: &RunReport) {
    let failed: Vec<_> = report.checks.iter().filter(|c| !c.passed).collect();
    assert!(
        report.passed && failed.is_empty(),
        "{:?} failed: {failed:#?}",
        report.scenario
    );
    assert_eq!(report.checks.len(), 6);
}

async fn history(db: &Db, shipment: &uuid::Uuid) -> Vec<i32> {
    sqlx::query_scalar("SELECT version_no FROM shipment_history WHERE shipment_id = $1 ORDER BY version_no")
        .bind(shipment)
        .fetch_all(db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_scenario_passes_on_the_real_version_assignment() {
    let (_, db) = common::migrated_db().await;
    for scenario in Scenario::ALL {
        let mut params = scenario.defaults();
        params.max_total_ms = 60_000; // this machine is shared; the time check has its own test
        let report = run_ok(&db, options(scenario, params)).await;
        assert_pass(&report);
        assert_eq!(report.requests.len() as u32, params.total_requests(), "{scenario:?}");
        let succeeded = report.requests.iter().filter(|r| r.version.is_some()).count() as u32;
        assert_eq!(report.stats.count, succeeded);
        // Each test shipment's history is exactly 1..n, n = its successful requests.
        for (i, shipment) in report.shipments.iter().enumerate() {
            assert!(shipment.created_for_test && shipment.reference.starts_with("TEST-"));
            let n = report
                .requests
                .iter()
                .filter(|r| r.shipment == i as u32 && r.version.is_some())
                .count() as i32;
            assert_eq!(
                history(&db, &shipment.id).await,
                (1..=n).collect::<Vec<_>>(),
                "{scenario:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pool_exhaustion_reports_timeouts_as_expected_and_corrupts_nothing() {
    let (_, db) = common::migrated_db().await;
    // 100 requests at once, 2 connections, 20 ms to get one: most must time out.
    let params = Params {
        requests: 100,
        pool_size: 2,
        acquire_timeout_ms: 20,
        max_total_ms: 60_000,
        ..Scenario::PoolExhaustion.defaults()
    };
    let report = run_ok(&db, options(Scenario::PoolExhaustion, params)).await;
    assert_pass(&report);
    let timeouts = report
        .requests
        .iter()
        .filter(|r| {
            r.error
                .as_ref()
                .is_some_and(|e| e.kind == waybill::concurrency::ErrorKind::Timeout)
        })
        .count();
    assert!(timeouts > 0, "some requests timed out");
    assert!(
        report.checks[0]
            .detail
            .contains(&format!("{timeouts} timed out waiting for a connection")),
        "{}",
        report.checks[0].detail
    );
    let succeeded = (100 - timeouts) as i32;
    assert_eq!(
        history(&db, &report.shipments[0].id).await,
        (1..=succeeded).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_existing_shipment_continues_its_own_sequence() {
    let (_, db) = common::migrated_db().await;
    let id = common::new_shipment(&db, "SHP-EXIST-1").await;
    for _ in 0..7 {
        waybill::domain::recording::create_history_entry(&db, id, "note_added", None, &serde_json::json!({}), None)
            .await
            .unwrap();
    }
    let mut opts = options(
        Scenario::Concurrent,
        Params {
            requests: 10,
            max_total_ms: 60_000,
            ..Scenario::Concurrent.defaults()
        },
    );
    opts.shipment = Some("shp-exist-1".into());
    let report = run_ok(&db, opts).await;
    assert_pass(&report);
    assert!(!report.shipments[0].created_for_test);
    let mut told: Vec<i32> = report.requests.iter().filter_map(|r| r.version).collect();
    told.sort();
    assert_eq!(told, (8..=17).collect::<Vec<_>>());
    assert_eq!(history(&db, &id).await, (1..=17).collect::<Vec<_>>());
    assert!(report.checks.iter().any(|c| c.detail == "no gaps between 8 and 17"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_checker_fails_the_unsafe_control_for_the_right_reasons() {
    let (_, db) = common::migrated_db().await;
    for scenario in [Scenario::Concurrent, Scenario::FirstVersion] {
        let params = Params {
            requests: 20,
            max_total_ms: 60_000,
            ..scenario.defaults()
        };
        let mut opts = options(scenario, params);
        opts.unsafe_control = true;
        let report = run_ok(&db, opts).await;
        assert!(!report.passed, "{scenario:?}: the unsafe control must FAIL");
        let unique = report
            .checks
            .iter()
            .find(|c| c.name == "Version numbers are unique")
            .unwrap();
        assert!(!unique.passed, "{scenario:?}: duplicates were found");
        assert!(
            unique.evidence.iter().any(|e| e.contains("got version")),
            "{:?}",
            unique.evidence
        );
        let history_check = report
            .checks
            .iter()
            .find(|c| c.name == "Nothing lost, nothing extra")
            .unwrap();
        assert!(
            history_check.evidence.iter().any(|e| e.contains("more than once")),
            "{:?}",
            history_check.evidence
        );
        // The real history table was not touched.
        assert!(history(&db, &report.shipments[0].id).await.is_empty());
    }
}

#[tokio::test]
async fn the_unsafe_control_is_never_installed_outside_the_sandbox() {
    let (_, db) = common::migrated_db().await;
    let mut opts = options(Scenario::Concurrent, Scenario::Concurrent.defaults());
    opts.unsafe_control = true;
    opts.is_sandbox = false;
    let err = run(&db, &opts, &|_| {}, &CancellationToken::new()).await.unwrap_err();
    assert_eq!(err.code(), "unsafe_control_outside_sandbox", "{err}");
    let installed: bool = sqlx::query_scalar("SELECT to_regnamespace('waybill_unsafe') IS NOT NULL")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(!installed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelling_stops_unsent_requests_and_the_report_says_so() {
    let (_, db) = common::migrated_db().await;
    let cancel = CancellationToken::new();
    let seen = AtomicU32::new(0);
    let params = Params {
        requests: 20_000,
        pool_size: 4,
        max_total_ms: 600_000,
        ..Scenario::RapidFire.defaults()
    };
    let progress = |p: waybill::concurrency::RunProgress| {
        seen.store(p.done, Ordering::Relaxed);
        if p.done >= 50 {
            cancel.cancel();
        }
    };
    let report = run(&db, &options(Scenario::RapidFire, params), &progress, &cancel)
        .await
        .unwrap();
    assert!(report.cancelled > 0, "some requests were never sent");
    assert_eq!(report.requests.len() as u32 + report.cancelled, 20_000);
    assert!(report.checks[0]
        .detail
        .contains(&format!("{} cancelled", report.cancelled)));
    // What was sent is intact: every check but "all succeeded" still holds.
    assert!(report.checks.iter().skip(1).all(|c| c.passed), "{:#?}", report.checks);
    let committed = report.requests.iter().filter(|r| r.version.is_some()).count() as i32;
    assert_eq!(
        history(&db, &report.shipments[0].id).await,
        (1..=committed).collect::<Vec<_>>()
    );
    assert!(seen.load(Ordering::Relaxed) >= 50);
}

#[tokio::test]
async fn bad_targets_and_parameters_get_clear_errors_and_write_nothing() {
    let (_, db) = common::migrated_db().await;
    let mut opts = options(Scenario::Concurrent, Scenario::Concurrent.defaults());
    opts.shipment = Some("SHP-NOPE".into());
    let err = run(&db, &opts, &|_| {}, &CancellationToken::new()).await.unwrap_err();
    assert!(matches!(err, Error::ShipmentNotFound { .. }), "{err:?}");

    let mut opts = options(Scenario::FirstVersion, Scenario::FirstVersion.defaults());
    opts.shipment = Some("SHP-ANY".into());
    let err = run(&db, &opts, &|_| {}, &CancellationToken::new()).await.unwrap_err();
    assert!(err.to_string().contains("new shipments it creates"), "{err}");

    let opts = options(
        Scenario::Concurrent,
        Params {
            requests: 0,
            ..Scenario::Concurrent.defaults()
        },
    );
    assert!(matches!(
        run(&db, &opts, &|_| {}, &CancellationToken::new()).await,
        Err(Error::OutOfRange { .. })
    ));

    let shipments: i64 = sqlx::query_scalar("SELECT count(*) FROM shipment_requests")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(shipments, 0, "nothing was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_tiny_time_threshold_fails_only_the_time_check() {
    let (_, db) = common::migrated_db().await;
    let params = Params {
        requests: 5,
        max_total_ms: 1,
        ..Scenario::Staggered.defaults()
    };
    let report = run_ok(&db, options(Scenario::Staggered, params)).await;
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(failed, ["Completed in acceptable time"]);
    // Staggered requests did not overlap, so real-time order was really checked.
    let order = report.checks.iter().find(|c| c.name == "Real-time order").unwrap();
    assert!(order.detail.contains("4 requests checked"), "{}", order.detail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn plots_render_as_svg_and_png_with_titled_axes() {
    use waybill::concurrency::charts::{self, RunChart};
    use waybill::plots::{self, ImageFormat};
    let (_, db) = common::migrated_db().await;
    let params = Params {
        requests: 30,
        max_total_ms: 60_000,
        ..Scenario::Concurrent.defaults()
    };
    let run_a = run_ok(&db, options(Scenario::Concurrent, params)).await;
    let run_b = run_ok(&db, options(Scenario::Concurrent, params)).await;
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("plots");
    std::fs::create_dir_all(&out).unwrap();
    let berlin_tz = waybill::domain::time::zone("Europe/Berlin").unwrap();
    let mut charts: Vec<(&str, plots::Chart)> = RunChart::ALL.iter().map(|c| (c.name(), c.of(&run_a))).collect();
    charts.push(("compare", charts::compare(&run_a, &run_b, berlin_tz)));
    for (name, chart) in &charts {
        let svg = plots::svg(chart).unwrap();
        assert!(
            svg.starts_with("<svg") && (svg.contains("latency (ms)") || svg.contains("time since")),
            "{name}"
        );
        assert!(
            svg.contains("succeeded") || svg.contains("A: ") || svg.contains("successful"),
            "{name} has a legend or says what it shows"
        );
        let png = plots::png(chart).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), plots::SIZE);
        let path = out.join(format!("{name}.png"));
        let bytes = plots::image(chart, ImageFormat::of(&path).unwrap()).unwrap();
        waybill::files::save(waybill::files::Destination::Path(&path), &bytes).unwrap();
    }
    let err = ImageFormat::of(&out.join("plot.gif")).unwrap_err();
    assert!(err.to_string().contains(".svg or .png"));

    // The comparison names both runs in one time zone, the one asked for.
    let berlin = run_b
        .started_at
        .with_timezone(&waybill::domain::time::zone("Europe/Berlin").unwrap());
    let svg = plots::svg(&charts::compare(&run_a, &run_b, berlin_tz)).unwrap();
    assert!(
        svg.contains(&berlin.format("B: %Y-%m-%d %H:%M:%S").to_string()),
        "B in Berlin time"
    );
    assert!(svg.contains("Europe/Berlin"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_runs_of_the_same_load_are_compared_and_the_refusal_says_why() {
    use waybill::concurrency::runs;
    let (_, db) = common::migrated_db().await;
    let params = Params {
        requests: 5,
        ..Scenario::Concurrent.defaults()
    };
    let a = run_ok(&db, options(Scenario::Concurrent, params)).await;
    let b = run_ok(&db, options(Scenario::Concurrent, params)).await;
    runs::comparable(&a, &b).unwrap();
    // A different threshold still measures the same load.
    let mut looser = b.clone();
    looser.params.max_total_ms *= 2;
    runs::comparable(&a, &looser).unwrap();

    let mut bigger = b.clone();
    bigger.params.requests = 20;
    let why = runs::comparable(&a, &bigger).unwrap_err().to_string();
    assert!(why.contains("different loads (requests 5 and 20)"), "{why}");
    let mut other = b.clone();
    other.scenario = Scenario::Staggered;
    let why = runs::comparable(&a, &other).unwrap_err().to_string();
    assert!(why.contains("different scenarios"), "{why}");
    let mut control = b.clone();
    control.unsafe_control = true;
    let why = runs::comparable(&a, &control).unwrap_err().to_string();
    assert!(why.contains("self-test"), "{why}");

    // Saved, they list newest first by their start to the microsecond, and
    // the list says which can be compared.
    let dir = common::home();
    runs::save(dir.path(), &b).unwrap();
    runs::save(dir.path(), &a).unwrap();
    let mut later = b.clone();
    later.id = "ffffffff-later".into();
    later.started_at = a.started_at.max(b.started_at) + waybill::chrono::Duration::microseconds(300);
    runs::save(dir.path(), &later).unwrap();
    let list = waybill::concurrency::view::summaries(dir.path()).unwrap();
    let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
    let mut expected = vec![(a.started_at, a.id.as_str()), (b.started_at, b.id.as_str())];
    expected.sort();
    assert_eq!(ids, vec!["ffffffff-later", expected[1].1, expected[0].1]);
    assert!(list.iter().all(|r| r.comparable_key == list[0].comparable_key));
}

/// Holds a shipment's row lock in a session of its own until dropped, as
/// someone else's long transaction would.
async fn lock_shipment(db: &Db, id: uuid::Uuid) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = db.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM shipment_requests WHERE id = $1 FOR UPDATE")
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

async fn test_rows(db: &Db, id: uuid::Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM shipment_history WHERE shipment_id = $1 AND event_type = 'concurrency_test'",
    )
    .bind(id)
    .fetch_one(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_shipment_locked_by_someone_else_makes_requests_time_out_not_hang() {
    let (_, db) = common::migrated_db().await;
    let id = common::new_shipment(&db, "SHP-LOCKED-1").await;
    let lock = lock_shipment(&db, id).await;
    let mut opts = options(
        Scenario::Concurrent,
        Params {
            max_total_ms: 1500,
            ..Scenario::Concurrent.defaults()
        },
    );
    opts.shipment = Some("SHP-LOCKED-1".into());
    let started = std::time::Instant::now();
    let report = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        run(&db, &opts, &|_| {}, &CancellationToken::new()),
    )
    .await
    .expect("the run ends on its own")
    .unwrap();
    assert!(
        started.elapsed().as_secs() < 15,
        "bounded by the run's limit, not the lock"
    );
    assert!(!report.passed);
    assert!(
        report
            .requests
            .iter()
            .all(|r| matches!(&r.error, Some(e) if e.kind == waybill::concurrency::ErrorKind::Timeout)),
        "{:?}",
        report.requests
    );
    drop(lock);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(test_rows(&db, id).await, 0, "nothing committed once the lock was freed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_stops_requests_in_flight_on_the_server_too() {
    let (_, db) = common::migrated_db().await;
    let id = common::new_shipment(&db, "SHP-LOCKED-2").await;
    let lock = lock_shipment(&db, id).await;
    let mut opts = options(
        Scenario::Concurrent,
        Params {
            max_total_ms: 600_000,
            ..Scenario::Concurrent.defaults()
        },
    );
    opts.shipment = Some("SHP-LOCKED-2".into());
    let cancel = CancellationToken::new();
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(800)).await;
            cancel.cancel();
        })
    };
    let report = tokio::time::timeout(std::time::Duration::from_secs(20), run(&db, &opts, &|_| {}, &cancel))
        .await
        .expect("a cancel ends the run though the lock is held")
        .unwrap();
    canceller.await.unwrap();
    assert!(!report.passed);
    let cancelled = report
        .requests
        .iter()
        .filter(|r| matches!(&r.error, Some(e) if e.kind == waybill::concurrency::ErrorKind::Cancelled))
        .count();
    assert_eq!(cancelled, 5, "{:?}", report.requests);
    drop(lock);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(test_rows(&db, id).await, 0, "no cancelled request committed later");
}

#[test]
fn a_killed_client_leaves_no_request_to_commit_later() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (name, db) = rt.block_on(common::migrated_db());
    let id = rt.block_on(common::new_shipment(&db, "SHP-LOCKED-3"));
    let lock = rt.block_on(lock_shipment(&db, id));
    let home = common::home();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_waybill"))
        .args([
            "--database-url",
            &common::url(&name),
            "concurrency",
            "--shipment",
            "SHP-LOCKED-3",
            "--yes",
            "--max-ms",
            "2000",
        ])
        .env("XDG_DATA_HOME", home.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    child.kill().unwrap(); // SIGKILL: the client gets no chance to clean up
    child.wait().unwrap();
    // Past the run's limit, the server has given up on the requests by itself.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    rt.block_on(async {
        drop(lock);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(
            test_rows(&db, id).await,
            0,
            "the requests of a killed client never commit"
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_connection_dropped_mid_run_is_reported_never_a_pass() {
    let (name, db) = common::migrated_db().await;
    let params = Params {
        requests: 50_000,
        pool_size: 4,
        max_total_ms: 600_000,
        ..Scenario::RapidFire.defaults()
    };
    let killed = AtomicU32::new(0);
    let progress = |p: waybill::concurrency::RunProgress| {
        if p.done >= 200 && killed.fetch_add(1, Ordering::SeqCst) == 0 {
            let name = name.clone();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Runtime::new().unwrap();
                rt.block_on(async {
                    let admin = waybill::db::connect(common::options("postgres"), 1).await.unwrap();
                    waybill::db::query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                          WHERE datname = $1 AND application_name LIKE 'waybill-run-%'",
                    )
                    .bind(name)
                    .execute(&admin)
                    .await
                    .unwrap();
                });
            });
        }
    };
    let report = run(
        &db,
        &options(Scenario::RapidFire, params),
        &progress,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(!report.passed, "a run that lost connections is not a pass");
    assert!(
        report
            .requests
            .iter()
            .any(|r| matches!(&r.error, Some(e) if e.kind == waybill::concurrency::ErrorKind::ConnectionLost)),
        "the lost connections are reported as such"
    );
    let lost = report
        .checks
        .iter()
        .find(|c| c.name.starts_with("Nothing lost"))
        .unwrap();
    assert!(
        !lost.evidence.iter().any(|e| e.contains("row is missing")),
        "every request told a version has its row: {:?}",
        lost.evidence
    );
}

#[tokio::test]
async fn outside_the_sandbox_a_run_removes_its_test_shipments_and_cleanup_only_waybills() {
    let (_, db) = common::migrated_db().await;
    let decoy = common::new_shipment(&db, "TEST-ABCDEF12-001").await;
    let mut opts = options(Scenario::Spread, Scenario::Spread.defaults());
    opts.is_sandbox = false;
    let report = run_ok(&db, opts).await;
    assert_pass(&report);
    assert!(report.test_shipments_removed);
    for s in &report.shipments {
        assert!(history(&db, &s.id).await.is_empty());
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM shipment_requests")
        .fetch_one(&*db)
        .await
        .unwrap();
    assert_eq!(left, 1, "only the decoy is left");

    let mut keep = options(Scenario::Concurrent, Scenario::Concurrent.defaults());
    keep.is_sandbox = false;
    keep.keep_test_shipments = true;
    let kept = run_ok(&db, keep).await;
    assert!(!kept.test_shipments_removed);
    assert_eq!(
        waybill::concurrency::remove_leftovers(&db).await.unwrap(),
        1,
        "the kept one, not the decoy"
    );
    let (reference,): (String,) = sqlx::query_as("SELECT reference FROM shipment_requests")
        .fetch_one(&*db)
        .await
        .unwrap();
    assert_eq!(reference, "TEST-ABCDEF12-001");
    let _ = decoy;
}

/// Outside the sandbox, the concurrency test writes only with the user's yes
/// for this very database: none, or one given for another database or host,
/// is refused before anything is written, and nothing is saved.
#[tokio::test]
async fn no_write_outside_the_sandbox_without_a_yes_for_that_database() {
    let (name, db) = common::migrated_db().await;
    let conn = common::connection(&name).await;
    let dir = common::home();
    let suite = waybill::concurrency::Suite::new(waybill::concurrency::Choice::All, &Default::default(), None);
    let count = || async {
        let (n,): (i64,) = waybill::db::query_as("SELECT count(*) FROM shipment_requests")
            .fetch_one(&db)
            .await
            .unwrap();
        n
    };
    let before = count().await;
    let target = conn.write_target().expect("not the sandbox: writes need a yes");
    let mut other_host = target.clone();
    other_host.host = "db.example.com".into();
    let mut other_database = target.clone();
    other_database.database = format!("{name}_other");
    let token = CancellationToken::new();
    for (what, confirmation) in [
        ("no confirmation", None),
        (
            "a yes for another host",
            Some(waybill::connection::Confirmation::given_for(other_host)),
        ),
        (
            "a yes for another database",
            Some(waybill::connection::Confirmation::given_for(other_database)),
        ),
    ] {
        let e =
            waybill::concurrency::view::run_and_save(&conn, &suite, confirmation.as_ref(), dir.path(), &|_| {}, &token)
                .await
                .unwrap_err();
        assert_eq!(e.code(), "confirmation_needed", "{what}: {e}");
        assert!(e.to_string().contains(&name), "names the database: {e}");
    }
    assert_eq!(count().await, before, "no test shipment was created");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no run was saved");
}
