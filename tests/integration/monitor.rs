//! Production monitoring against real servers: the test server (a sandbox,
//! which preloads pg_stat_statements and times PL/pgSQL functions, as the
//! README tells DBAs to) with the extension created and without it, the stock
//! "remote" server direct and through stock PgBouncer (neither enabled: the
//! report says what to enable), and a real lock wait on a shipment.

use crate::common;

use std::time::Duration;

use sqlx::{Connection, PgConnection};
use waybill::monitor::{self, MonitorReport};

async fn call_create_history_entry(db: &waybill::db::Db, shipment: uuid::Uuid, times: usize) {
    for _ in 0..times {
        sqlx::query("SELECT create_history_entry($1, 'note_added', NULL, '{}'::jsonb, 'monitored')")
            .bind(shipment)
            .execute(db)
            .await
            .unwrap();
    }
}

/// Function statistics reach the shared view when a session goes idle, at most
/// about a second later: wait for them.
async fn until_counted(db: &waybill::db::Db, calls: i64) -> MonitorReport {
    for _ in 0..100 {
        let r = monitor::monitor(db).await.unwrap();
        if r.assignment.iter().all(|a| a.calls >= calls) && r.assignment.len() == 2 {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the statistics never counted {calls} calls: {:?}",
        monitor::monitor(db).await.unwrap()
    );
}

#[tokio::test]
async fn with_the_extensions_enabled_it_reports_assignment_times_and_slow_statements() {
    let (_, db) = common::migrated_db().await;
    sqlx::query("CREATE EXTENSION pg_stat_statements")
        .execute(&db)
        .await
        .unwrap();
    let shipment = common::new_shipment(&db, "MON-1").await;
    call_create_history_entry(&db, shipment, 5).await;
    sqlx::query("SELECT count(*) FROM shipment_history WHERE description = 'monitored'")
        .execute(&db)
        .await
        .unwrap();

    let r = until_counted(&db, 5).await;
    assert!(r.function_stats.available && r.statement_stats.available, "{r:?}");
    let sources: Vec<&str> = r.assignment.iter().map(|a| a.source.as_str()).collect();
    assert_eq!(sources, ["pg_stat_user_functions", "pg_stat_statements"]);
    for a in &r.assignment {
        assert_eq!(a.calls, 5, "{a:?}: this database's calls only");
        let mean = a.mean_ms.unwrap();
        assert!(mean > 0.0 && !a.slow, "{a:?}: a bare assignment is far under 100 ms");
    }
    assert!(r.assignment[1].max_ms.unwrap() >= r.assignment[1].mean_ms.unwrap());
    assert!(
        r.slowest
            .iter()
            .any(|s| s.query.contains("FROM shipment_history WHERE description")),
        "{:?}",
        r.slowest
    );
    assert!(
        r.slowest.iter().all(|s| !s.query.contains("pg_stat_statements")),
        "not its own reads"
    );
    assert!(r.sees_all, "the test server's login is a superuser");
    assert!(r.lock_waits.is_empty());
}

#[tokio::test]
async fn without_them_it_says_what_a_dba_would_enable() {
    let (name, db) = common::migrated_db().await;
    // This database: no extension, and function timing off (a new session sees the setting).
    sqlx::query(&format!("ALTER DATABASE {name} SET track_functions = 'none'"))
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let db = waybill::db::connect(common::options(&name), 2).await.unwrap();
    let r = monitor::monitor(&db).await.unwrap();
    assert!(!r.function_stats.available && !r.statement_stats.available);
    assert!(r.assignment.is_empty());
    assert!(
        r.function_stats
            .enable
            .contains(&format!("ALTER DATABASE {name} SET track_functions = 'pl'")),
        "{}",
        r.function_stats.enable
    );
    assert!(
        r.statement_stats
            .enable
            .contains("CREATE EXTENSION pg_stat_statements;")
            && r.statement_stats.enable.contains("shared_preload_libraries"),
        "{}",
        r.statement_stats.enable
    );

    // The CLI prints the same advice.
    let home = common::home();
    let (code, out, err) = common::waybill_cli(&name, home.path(), &["monitor"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("track_functions is off"), "{out}");
    assert!(out.contains("nobody is waiting for a lock"), "{out}");
}

#[tokio::test]
async fn a_stock_server_direct_and_through_pgbouncer_gets_the_same_advice() {
    let remote = common::remote::remote();
    let name = remote.seeded_db().await;
    for profile in [remote.direct(&name), remote.pooled(&name)] {
        let db = remote.open(&profile, &remote.owner_password).await.unwrap();
        let r = monitor::monitor(&db).await.unwrap();
        assert!(!r.function_stats.available, "stock: track_functions = none");
        assert!(!r.statement_stats.available, "stock: no pg_stat_statements");
        assert!(r.statement_stats.enable.contains(&name));
        assert!(
            !r.sees_all,
            "the owner role is no superuser and has no pg_read_all_stats"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn a_locked_shipment_names_its_holder_and_who_waits() {
    let (name, db) = common::migrated_db().await;
    let shipment = common::new_shipment(&db, "MON-LOCK").await;
    // Someone's transaction holds the shipment's row and went idle.
    let mut holder = PgConnection::connect_with(&common::options(&name).application_name("stuck-editor"))
        .await
        .unwrap();
    sqlx::query("BEGIN").execute(&mut holder).await.unwrap();
    sqlx::query("SELECT 1 FROM shipment_requests WHERE id = $1 FOR UPDATE")
        .bind(shipment)
        .execute(&mut holder)
        .await
        .unwrap();
    // A writer saving a change to it waits.
    let writer_options = common::options(&name).application_name("saving-writer");
    let writer = tokio::spawn(async move {
        let mut writer = PgConnection::connect_with(&writer_options).await.unwrap();
        sqlx::query("SELECT create_history_entry($1, 'note_added', NULL, '{}'::jsonb, 'stuck')")
            .bind(shipment)
            .execute(&mut writer)
            .await
            .map(|_| ())
    });

    let mut report = None;
    for _ in 0..100 {
        let r = monitor::monitor(&db).await.unwrap();
        if !r.lock_waits.is_empty() {
            report = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = report.expect("the wait shows within ten seconds");
    assert_eq!(r.lock_waits.len(), 1, "{:?}", r.lock_waits);
    let w = &r.lock_waits[0];
    assert_eq!(w.shipment.as_ref().map(|s| s.reference.as_str()), Some("MON-LOCK"));
    assert_eq!(w.holder.application, "stuck-editor");
    assert_eq!(w.holder.state, "idle in transaction");
    assert!(w.holder.query.contains("FOR UPDATE"));
    let waiters: Vec<&str> = w.waiters.iter().map(|x| x.application.as_str()).collect();
    assert_eq!(waiters, ["saving-writer"]);

    let home = common::home();
    let (_, out, _) = common::waybill_cli(&name, home.path(), &["monitor"]);
    assert!(out.contains("shipment MON-LOCK is held by pid"), "{out}");
    assert!(out.contains("stuck-editor"), "{out}");

    // Once the holder lets go, the writer saves and nobody waits.
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    writer.await.unwrap().unwrap();
    assert!(monitor::monitor(&db).await.unwrap().lock_waits.is_empty());
}
