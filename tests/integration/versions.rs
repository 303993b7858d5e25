//! create_history_entry hands out 1, 2, 3, … per shipment with no duplicate and
//! no gap under concurrent callers, including a shipment's very first version.

use crate::common;

use std::sync::Arc;

use serde_json::json;
use sqlx::{Connection, PgConnection};
use tokio::sync::Barrier;
use uuid::Uuid;
use waybill::db::Db;
use waybill::domain::recording::create_history_entry;

const CALLERS: usize = 64;

/// `CALLERS` clients, each on its own connection, released at the same instant.
async fn race(database: &str, shipment: Uuid) -> Vec<i32> {
    let barrier = Arc::new(Barrier::new(CALLERS));
    let mut tasks = Vec::new();
    for i in 0..CALLERS {
        let barrier = barrier.clone();
        let options = common::options(database);
        tasks.push(tokio::spawn(async move {
            let mut conn = PgConnection::connect_with(&options).await.unwrap();
            barrier.wait().await;
            let changes = json!({ "last_note": { "old": null, "new": format!("caller {i}") } });
            create_history_entry(&mut conn, shipment, "note_added", None, &changes, Some("race"))
                .await
                .unwrap()
                .version_no
        }));
    }
    let mut versions = Vec::new();
    for t in tasks {
        versions.push(t.await.unwrap());
    }
    versions.sort();
    versions
}

async fn stored_versions(db: &Db, shipment: Uuid) -> Vec<i32> {
    sqlx::query_scalar("SELECT version_no FROM shipment_history WHERE shipment_id = $1 ORDER BY version_no")
        .bind(shipment)
        .fetch_all(db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_callers_on_a_brand_new_shipment_get_exactly_1_to_64() {
    let (name, db) = common::migrated_db().await;
    let shipment = common::new_shipment(&db, "SHP-NEW-1").await;

    let versions = race(&name, shipment).await;
    let expected: Vec<i32> = (1..=CALLERS as i32).collect();
    assert_eq!(versions, expected, "each caller was told a distinct version, 1..64");
    assert_eq!(
        stored_versions(&db, shipment).await,
        expected,
        "the table holds exactly 1..64"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_callers_on_an_existing_shipment_continue_its_sequence() {
    let (name, db) = common::migrated_db().await;
    let shipment = common::new_shipment(&db, "SHP-OLD-1").await;
    for _ in 0..3 {
        create_history_entry(&db, shipment, "note_added", None, &json!({}), None)
            .await
            .unwrap();
    }

    let versions = race(&name, shipment).await;
    assert_eq!(versions, (4..=3 + CALLERS as i32).collect::<Vec<_>>());
    assert_eq!(
        stored_versions(&db, shipment).await,
        (1..=3 + CALLERS as i32).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_snapshot_is_the_previous_one_with_the_changes_applied() {
    let (_, db) = common::migrated_db().await;
    let shipment = common::new_shipment(&db, "SHP-SNAP-1").await;
    create_history_entry(&db, shipment, "created", None, &json!({}), None)
        .await
        .unwrap();
    let changes = json!({ "status": { "old": "booked", "new": "in_transit" }, "not_a_change": 5 });
    let v2 = create_history_entry(&db, shipment, "status_changed", None, &changes, None)
        .await
        .unwrap();
    assert_eq!(v2.version_no, 2);

    let (snapshot,): (serde_json::Value,) =
        sqlx::query_as("SELECT snapshot FROM shipment_history WHERE shipment_id = $1 AND version_no = 2")
            .bind(shipment)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(snapshot["status"], "in_transit");
    assert_eq!(snapshot["reference"], "SHP-SNAP-1");
    assert_eq!(snapshot["origin"], "Hamburg, DE");
    assert!(
        snapshot.get("not_a_change").is_none(),
        "entries without old/new are not fields"
    );
}
