//! The demo data is self-consistent (replaying `changes` from version 1
//! reproduces every `snapshot`), deterministic, and refuses to pile onto data.

use crate::common;

use std::collections::HashMap;

use serde_json::{Map, Value};
use uuid::Uuid;
use waybill::db::Db;
use waybill::progress;
use waybill::seed::{seed, SeedOptions};
use waybill::Error;

async fn seeded(rows: u32, seed_value: u64) -> Db {
    let (_, db) = common::migrated_db().await;
    let report = seed(
        &db,
        &SeedOptions {
            rows,
            seed: seed_value,
            replace: false,
        },
        &progress::ignore,
    )
    .await
    .unwrap();
    assert_eq!(report.history_rows, rows);
    db
}

#[tokio::test]
async fn replaying_changes_from_version_1_reproduces_every_snapshot() {
    let db = seeded(4000, 7).await;
    let rows: Vec<(Uuid, i32, String, Value, Value, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "SELECT shipment_id, version_no, event_type, changes, snapshot, \"timestamp\"
           FROM shipment_history ORDER BY shipment_id, version_no",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 4000);

    let mut state: HashMap<Uuid, (i32, Map<String, Value>, chrono::DateTime<chrono::Utc>)> = HashMap::new();
    for (shipment, version, event_type, changes, snapshot, at) in rows {
        let entry = state.entry(shipment).or_insert_with(|| (0, Map::new(), at));
        assert_eq!(version, entry.0 + 1, "versions of {shipment} are 1..n without gaps");
        if version == 1 {
            assert_eq!(event_type, "created");
        } else {
            assert!(at > entry.2, "timestamps follow versions for {shipment} v{version}");
        }
        let changes = changes.as_object().expect("changes is an object");
        assert!(!changes.is_empty(), "{shipment} v{version} changes something");
        for (field, change) in changes {
            assert_eq!(
                change.get("old").unwrap_or(&Value::Null),
                entry.1.get(field).unwrap_or(&Value::Null),
                "old value of {field} in {shipment} v{version}"
            );
            entry.1.insert(field.clone(), change["new"].clone());
        }
        assert_eq!(
            Value::Object(entry.1.clone()),
            snapshot,
            "snapshot of {shipment} v{version}"
        );
        entry.0 = version;
        entry.2 = at;
    }

    // Each shipment row shows the state of its latest version.
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM shipment_requests s
           JOIN LATERAL (SELECT snapshot, \"timestamp\" FROM shipment_history h WHERE h.shipment_id = s.id
                          ORDER BY version_no DESC LIMIT 1) h ON true
          WHERE s.status IS DISTINCT FROM h.snapshot ->> 'status'
             OR s.carrier IS DISTINCT FROM h.snapshot ->> 'carrier'
             OR s.destination IS DISTINCT FROM h.snapshot ->> 'destination'
             OR s.updated_at <> h.\"timestamp\"
             OR s.reference <> h.snapshot ->> 'reference'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(mismatched, 0);

    // Every actor a history row names exists, and nothing lies in the future.
    let (orphans, future): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT FROM actors a WHERE a.id = h.actor_id)),
                count(*) FILTER (WHERE \"timestamp\" > now())
           FROM shipment_history h",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((orphans, future), (0, 0));
}

/// A fingerprint of everything but the timestamps (which follow the day of seeding).
async fn fingerprint(db: &Db) -> String {
    sqlx::query_scalar(
        "SELECT md5(string_agg(s.reference || s.title || h.version_no || h.event_type || h.changes::text
                               || h.actor_id::text, ',' ORDER BY s.reference, h.version_no))
           FROM shipment_history h JOIN shipment_requests s ON s.id = h.shipment_id",
    )
    .fetch_one(db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    let a = fingerprint(&seeded(1500, 11).await).await;
    let b = fingerprint(&seeded(1500, 11).await).await;
    let c = fingerprint(&seeded(1500, 12).await).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn seeding_refuses_to_pile_onto_existing_data_unless_told_to_replace() {
    let db = seeded(300, 1).await;
    let again = SeedOptions {
        rows: 300,
        seed: 2,
        replace: false,
    };
    let err = seed(&db, &again, &progress::ignore).await.unwrap_err();
    assert!(matches!(err, Error::NotEmpty { .. }), "{err:?}");
    assert_eq!(err.remedy(), Some(waybill::error::Remedy::ReplaceData));

    let replaced = seed(&db, &SeedOptions { replace: true, ..again }, &progress::ignore)
        .await
        .unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM shipment_history")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, replaced.history_rows as i64);
}

#[tokio::test]
async fn out_of_range_row_counts_are_refused_before_anything_is_written() {
    let (_, db) = common::migrated_db().await;
    for rows in [0, waybill::seed::MAX_ROWS + 1] {
        let err = seed(
            &db,
            &SeedOptions {
                rows,
                ..Default::default()
            },
            &progress::ignore,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::OutOfRange { .. }), "{err:?}");
    }
    assert!(waybill::seed::is_empty(&db).await.unwrap());
}
