//! The bundled concurrency test on a real PostgreSQL: every scenario passes
//! against the real version assignment, and the checker fails, for the right
//! reasons, against the deliberately unsafe one.

mod common;

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
        waybill::history::create_history_entry(&db, id, "note_added", None, &serde_json::json!({}), None)
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
    assert!(report.checks.iter().any(|c| c.detail == "range 8 to 17"));
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
    let sent = report.requests.len() as i32;
    assert_eq!(
        history(&db, &report.shipments[0].id).await,
        (1..=sent).collect::<Vec<_>>()
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
    use waybill::plots::{self, Plot};
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
    for plot in [
        Plot::Latency(&run_a),
        Plot::Distribution(&run_a),
        Plot::Waterfall(&run_a),
        Plot::Compare(&run_a, &run_b),
    ] {
        let svg = plots::svg(plot).unwrap();
        assert!(
            svg.starts_with("<svg") && (svg.contains("latency (ms)") || svg.contains("time since")),
            "{}",
            plot.name()
        );
        assert!(
            svg.contains("succeeded") || svg.contains("this run") || svg.contains("successful"),
            "{} has a legend",
            plot.name()
        );
        let png = plots::png(plot).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), plots::SIZE);
        plots::write(plot, &out.join(format!("{}.png", plot.name()))).unwrap();
    }
    let err = plots::write(Plot::Latency(&run_a), &out.join("plot.gif")).unwrap_err();
    assert!(err.to_string().contains(".svg or .png"));
}
