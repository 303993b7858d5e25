//! A hand-made shipment history whose answers are known, shared by the
//! timeline's query tests and its CLI tests.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;
use waybill::db::Db;

pub const ANA: &str = "00000000-0000-0000-0000-00000000000a";
pub const BEN: &str = "00000000-0000-0000-0000-00000000000b";

pub fn id(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// One hand-made version: (event type, actor, minutes after t0, changes).
pub type Step = (&'static str, &'static str, i64, Value);

/// The reference history: ten versions; v4–v6 share a timestamp; Ben moves the
/// destination in v7; v10 is at 23:30 UTC (the next day in Berlin).
pub fn steps() -> Vec<Step> {
    vec![
        (
            "created",
            ANA,
            0,
            json!({"status": {"old": null, "new": "booked"}, "destination": {"old": null, "new": "Lyon"}, "carrier": {"old": null, "new": null}}),
        ),
        (
            "status_changed",
            BEN,
            10,
            json!({"status": {"old": "booked", "new": "picked_up"}}),
        ),
        (
            "carrier_assigned",
            ANA,
            20,
            json!({"carrier": {"old": null, "new": "DHL"}}),
        ),
        ("note_added", BEN, 30, json!({"note": {"old": null, "new": "fragile"}})),
        (
            "note_added",
            ANA,
            30,
            json!({"note": {"old": "fragile", "new": "very fragile"}}),
        ),
        (
            "status_changed",
            BEN,
            30,
            json!({"status": {"old": "picked_up", "new": "in_transit"}}),
        ),
        (
            "eta_changed",
            BEN,
            40,
            json!({"destination": {"old": "Lyon", "new": "Paris"}}),
        ),
        (
            "note_added",
            ANA,
            50,
            json!({"note": {"old": "very fragile", "new": "ok"}}),
        ),
        (
            "status_changed",
            ANA,
            60,
            json!({"status": {"old": "in_transit", "new": "delivered"}}),
        ),
        (
            "note_added",
            BEN,
            810,
            json!({"note": {"old": "ok", "new": "late night"}}),
        ),
    ]
}

pub async fn insert_version(db: &Db, shipment: Uuid, v: i32, step: &Step, snapshot: Option<&Value>) {
    sqlx::query(
        "INSERT INTO shipment_history (shipment_id, version_no, event_type, actor_id, \"timestamp\", description, changes, snapshot)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(shipment)
    .bind(v)
    .bind(step.0)
    .bind(id(step.1))
    .bind(t0() + Duration::minutes(step.2))
    .bind(format!("{} #{v}", step.0))
    .bind(&step.3)
    .bind(snapshot)
    .execute(db)
    .await
    .unwrap();
}

/// Inserts `steps` as a shipment's history, with snapshots made by replaying
/// the changes (plus a `created_by_import` field no change ever sets).
pub async fn history(db: &Db, reference: &str, steps: &[Step]) -> Uuid {
    let shipment = super::new_shipment(db, reference).await;
    let mut state = Map::new();
    state.insert("created_by_import".into(), json!(true));
    for (i, step) in steps.iter().enumerate() {
        waybill::domain::changes::apply_changes(&mut state, &step.3);
        insert_version(db, shipment, i as i32 + 1, step, Some(&Value::Object(state.clone()))).await;
    }
    shipment
}

pub async fn fixture() -> (String, Db, Uuid) {
    let (name, db) = super::migrated_db().await;
    sqlx::query(
        "INSERT INTO actors (id, display_name, email, role) VALUES
           ($1, 'Ana Lima', 'ana@example.com', 'support'), ($2, 'Ben Okoro', 'ben@example.com', 'ops')",
    )
    .bind(id(ANA))
    .bind(id(BEN))
    .execute(&db)
    .await
    .unwrap();
    let shipment = history(&db, "SHP-T-1", &steps()).await;
    (name, db, shipment)
}
