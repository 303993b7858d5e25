//! The shipment list's query on real PostgreSQL: search by reference, title,
//! carrier and the people who changed a shipment; status and carrier filters;
//! every sortable column both ways; the concurrency test's shipments hidden
//! unless asked for; and the facets the filter menus offer.

use crate::common;

use crate::common::timeline::*;

use waybill::db::Db;
use waybill::shipments::{self, ShipmentQuery, ShipmentSort};
use waybill::Error;

/// (reference, title, status, carrier, eta day, versions)
const ROWS: [(&str, &str, &str, Option<&str>, Option<u32>, i32); 5] = [
    ("SHP-L-1", "Coffee beans", "in_transit", Some("Maersk"), Some(5), 3),
    ("SHP-L-2", "Solar panels", "delayed", Some("DHL"), Some(2), 1),
    ("SHP-L-3", "Books", "delayed", None, None, 2),
    ("SHP-L-4", "Bicycle frames", "delivered", Some("Maersk"), Some(9), 0),
    (
        "TEST-0000ABCD-001",
        waybill::domain::test_shipments::TITLE,
        "test",
        None,
        None,
        2,
    ),
];

async fn fixture() -> (String, Db) {
    let (name, db) = common::migrated_db().await;
    sqlx::query(
        "INSERT INTO actors (id, display_name, email, role) VALUES ($1, 'Ana Lima', 'ana@example.com', 'support')",
    )
    .bind(id(ANA))
    .execute(&db)
    .await
    .unwrap();
    for (i, (reference, title, status, carrier, eta, versions)) in ROWS.iter().enumerate() {
        let (shipment,): (uuid::Uuid,) = sqlx::query_as(
            "INSERT INTO shipment_requests (reference, title, status, origin, destination, carrier, eta, updated_at)
             VALUES ($1, $2, $3, 'Hamburg, DE', 'Chicago, US', $4,
                     timestamptz '2026-12-01 00:00+00' + make_interval(days => $5),
                     timestamptz '2026-11-01 00:00+00' + make_interval(hours => $6))
             RETURNING id",
        )
        .bind(reference)
        .bind(title)
        .bind(status)
        .bind(carrier)
        .bind(eta.map(|d| d as i32))
        .bind(i as i32)
        .fetch_one(&db)
        .await
        .unwrap();
        for v in 1..=*versions {
            // Only SHP-L-3 was changed by Ana.
            let actor = if *reference == "SHP-L-3" { ANA } else { BEN };
            insert_version(
                &db,
                shipment,
                v,
                &("note_added", actor, v as i64, serde_json::json!({})),
                None,
            )
            .await;
        }
    }
    // The test shipment carries the whole label, as a run makes it.
    sqlx::query(
        "UPDATE shipment_requests SET origin = 'Waybill', destination = 'Waybill' WHERE reference LIKE 'TEST-%'",
    )
    .execute(&db)
    .await
    .unwrap();
    (name, db)
}

fn query(search: &str) -> ShipmentQuery {
    ShipmentQuery::search(search, 50)
}

async fn refs(db: &Db, q: &ShipmentQuery) -> Vec<String> {
    shipments::find(db, q)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.reference)
        .collect()
}

#[tokio::test]
async fn search_finds_references_titles_carriers_and_people() {
    let (_, db) = fixture().await;
    assert_eq!(refs(&db, &query("shp-l-2")).await, ["SHP-L-2"]);
    assert_eq!(refs(&db, &query("books")).await, ["SHP-L-3"]);
    // Newest first by default: SHP-L-4 was updated last.
    assert_eq!(refs(&db, &query("maersk")).await, ["SHP-L-4", "SHP-L-1"]);
    // By the name or email of someone who changed it.
    assert_eq!(refs(&db, &query("Ana Lima")).await, ["SHP-L-3"]);
    assert_eq!(refs(&db, &query("ana@example")).await, ["SHP-L-3"]);
    // LIKE's wildcards are text here.
    assert!(refs(&db, &query("%")).await.is_empty());
}

#[tokio::test]
async fn filters_by_status_and_carrier_combine_with_the_search() {
    let (_, db) = fixture().await;
    let delayed = ShipmentQuery {
        statuses: vec!["delayed".into()],
        ..query("")
    };
    assert_eq!(refs(&db, &delayed).await, ["SHP-L-3", "SHP-L-2"]);
    let maersk_or_dhl = ShipmentQuery {
        carriers: vec!["Maersk".into(), "DHL".into()],
        ..query("")
    };
    assert_eq!(refs(&db, &maersk_or_dhl).await, ["SHP-L-4", "SHP-L-2", "SHP-L-1"]);
    let both = ShipmentQuery {
        statuses: vec!["delayed".into()],
        carriers: vec!["DHL".into()],
        ..query("solar")
    };
    assert_eq!(refs(&db, &both).await, ["SHP-L-2"]);
    let too_many = ShipmentQuery {
        statuses: vec!["x".into(); 201],
        ..query("")
    };
    assert!(matches!(
        shipments::find(&db, &too_many).await,
        Err(Error::InvalidField { .. })
    ));
}

#[tokio::test]
async fn every_column_sorts_both_ways_with_missing_values_last() {
    let (_, db) = fixture().await;
    let sorted = |sort: ShipmentSort, reversed: bool| ShipmentQuery {
        sort,
        reversed,
        ..query("SHP-L")
    };
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Reference, false)).await,
        ["SHP-L-1", "SHP-L-2", "SHP-L-3", "SHP-L-4"]
    );
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Reference, true)).await,
        ["SHP-L-4", "SHP-L-3", "SHP-L-2", "SHP-L-1"]
    );
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Title, false)).await,
        ["SHP-L-4", "SHP-L-3", "SHP-L-1", "SHP-L-2"]
    );
    // Versions: most first by default.
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Versions, false)).await,
        ["SHP-L-1", "SHP-L-3", "SHP-L-2", "SHP-L-4"]
    );
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Versions, true)).await,
        ["SHP-L-4", "SHP-L-2", "SHP-L-3", "SHP-L-1"]
    );
    // ETA: earliest first; a shipment without one comes last either way.
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Eta, false)).await,
        ["SHP-L-2", "SHP-L-1", "SHP-L-4", "SHP-L-3"]
    );
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Eta, true)).await,
        ["SHP-L-4", "SHP-L-1", "SHP-L-2", "SHP-L-3"]
    );
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Carrier, false)).await.last().unwrap(),
        "SHP-L-3"
    );
    // Ties (both delayed) keep the most recently changed first.
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Status, false)).await[..2],
        ["SHP-L-3", "SHP-L-2"]
    );
    assert_eq!(
        refs(&db, &sorted(ShipmentSort::Updated, false)).await,
        ["SHP-L-4", "SHP-L-3", "SHP-L-2", "SHP-L-1"]
    );
}

#[tokio::test]
async fn the_concurrency_tests_shipments_are_hidden_unless_asked_for() {
    let (_, db) = fixture().await;
    assert!(!refs(&db, &query("")).await.iter().any(|r| r.starts_with("TEST-")));
    assert!(refs(&db, &query("TEST-0000ABCD")).await.is_empty());
    let shown = ShipmentQuery {
        include_test: true,
        ..query("TEST-0000ABCD")
    };
    assert_eq!(refs(&db, &shown).await, ["TEST-0000ABCD-001"]);

    let f = shipments::facets(&db).await.unwrap();
    assert_eq!(f.test_shipments, 1);
    let count = |list: &[shipments::ValueCount], v: &str| list.iter().find(|c| c.value == v).map(|c| c.count);
    assert_eq!(count(&f.statuses, "delayed"), Some(2));
    assert_eq!(count(&f.carriers, "Maersk"), Some(2));
    assert_eq!(count(&f.statuses, "test"), None, "the test's own status is not offered");
}

#[tokio::test]
async fn a_real_shipment_with_the_test_title_is_still_listed() {
    let (_, db) = fixture().await;
    // One rule everywhere (the whole label): the title alone hides nothing.
    sqlx::query("UPDATE shipment_requests SET title = $1 WHERE reference = 'SHP-L-1'")
        .bind(waybill::domain::test_shipments::TITLE)
        .execute(&db)
        .await
        .unwrap();
    assert!(refs(&db, &query("")).await.contains(&"SHP-L-1".to_string()));
    assert_eq!(shipments::facets(&db).await.unwrap().test_shipments, 1);
}
