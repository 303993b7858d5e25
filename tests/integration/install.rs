//! The schema installs into an empty database, re-applies cleanly, and the app
//! says clearly when a database lacks it.

use crate::common;

use waybill::Error;

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_reapply_cleanly() {
    let (_, db) = common::empty_db().await;
    waybill::install::migrate(&db).await.unwrap();
    waybill::install::migrate(&db)
        .await
        .expect("a second run changes nothing and succeeds");

    let (applied,): (i64,) = sqlx::query_as("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(applied as usize, waybill::install::MIGRATOR.iter().count());
    waybill::install::check(&db).await.unwrap();

    // The guide's five indexes and the unique constraint are there.
    let (indexes,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'shipment_history'
           AND indexname IN ('idx_shipment_history_version_desc', 'idx_shipment_history_timestamp_desc',
                             'idx_shipment_history_actor', 'idx_shipment_history_event_type',
                             'idx_shipment_history_composite', 'shipment_history_unique_version')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(indexes, 6);
}

#[tokio::test]
async fn a_database_without_the_tables_is_named_in_the_error() {
    let (name, db) = common::empty_db().await;
    let err = waybill::shipments::search(&db, "", 10).await.unwrap_err();
    match &err {
        Error::TableMissing { database, table } => {
            assert_eq!(database, &name);
            assert_eq!(table, "shipment_requests");
        }
        other => panic!("expected TableMissing, got {other:?}"),
    }
    assert_eq!(
        err.remedy(),
        Some(waybill::error::Remedy::FindHistory),
        "says what to do (open a history of its own, or install Waybill's tables): {err}"
    );
}

#[tokio::test]
async fn version_assignment_refuses_snapshot_isolation_with_a_clear_message() {
    let (_, db) = common::migrated_db().await;
    let id = common::new_shipment(&db, "SHP-T-1").await;
    let mut tx = db.begin().await.unwrap();
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await
        .unwrap();
    let err = waybill::domain::recording::create_history_entry(
        &mut *tx,
        id,
        "note_added",
        None,
        &serde_json::json!({}),
        None,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("must run under READ COMMITTED"), "{err}");
}

#[tokio::test]
async fn an_unknown_shipment_gets_no_version() {
    let (_, db) = common::migrated_db().await;
    let missing = uuid::Uuid::new_v4();
    let err = waybill::domain::recording::create_history_entry(
        &db,
        missing,
        "note_added",
        None,
        &serde_json::json!({}),
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::ShipmentNotFound { .. }), "{err:?}");
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM shipment_history")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}
