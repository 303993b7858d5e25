//! A SQL:2011 system-versioned table, versioned by the `periods` extension
//! itself (Debian's postgresql-15-periods): the current rows in the table,
//! the earlier ones in its history table, both in the `_with_history` view.

use waybill::domain::layout::{detect, Preset};
use waybill::domain::TimelineFilter;
use waybill::timeline::{self, version};

use super::{fields, fresh_db, open, open_plain};

#[tokio::test]
async fn a_system_versioned_table_reads_as_a_history_and_as_of_agrees_with_sql() {
    let (name, pool) = fresh_db().await;
    for statement in [
        "CREATE EXTENSION periods CASCADE",
        "CREATE TABLE shipments (id bigint PRIMARY KEY, reference text, title text, status text, carrier text)",
        "SELECT periods.add_system_time_period('shipments')",
        "SELECT periods.add_system_versioning('shipments')",
        // One transaction each: periods stamps a row with its transaction's time.
        "INSERT INTO shipments (id, reference, title, status) VALUES (1, 'SHP-SV-1', 'Coffee', 'booked')",
        "INSERT INTO shipments (id, reference, title, status) VALUES (2, 'SHP-SV-2', 'Tea', 'booked')",
        "UPDATE shipments SET status = 'in_transit', carrier = 'Maersk' WHERE id = 1",
        "UPDATE shipments SET status = 'delivered' WHERE id = 1",
        "DELETE FROM shipments WHERE id = 2",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }

    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    let sv: Vec<_> = found.iter().filter(|f| f.preset == Preset::SystemVersioning).collect();
    assert_eq!(sv.len(), 1, "{found:#?}");
    assert_eq!(sv[0].spec, "system_versioning:table=public.shipments");
    assert_eq!((sv[0].versions, sv[0].records), (4, Some(2)));

    let conn = open(&name, &sv[0].spec).await;
    let db = conn.db();
    let page = timeline::page(db, "SHP-SV-1", &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    let story: Vec<(i32, &str, Vec<&str>)> = page
        .entries
        .iter()
        .map(|e| (e.version_no, e.event_type.as_str(), fields(e)))
        .collect();
    assert_eq!(
        story,
        [
            (3, "updated", vec!["status"]),
            (2, "updated", vec!["carrier", "status"]),
            (1, "created", vec!["carrier", "id", "reference", "status", "title"]),
        ],
        "the period's columns are not the record's fields"
    );
    // Each version's time is its row's system_time_start.
    let starts: Vec<(chrono::DateTime<chrono::Utc>,)> = sqlx::query_as(
        "SELECT system_time_start FROM shipments_with_history WHERE id = 1 ORDER BY system_time_start DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let times: Vec<_> = page
        .entries
        .iter()
        .map(|e| e.timestamp.unwrap().to_utc().unwrap())
        .collect();
    assert_eq!(times, starts.iter().map(|(t,)| *t).collect::<Vec<_>>());

    // As of a moment, the state SQL:2011's own AS OF query gives.
    let at = starts[1].0 + chrono::Duration::microseconds(1);
    let then = version::as_of(db, "SHP-SV-1", at).await.unwrap();
    let (status, carrier): (String, Option<String>) = sqlx::query_as(
        "SELECT status, carrier FROM shipments_with_history
          WHERE id = 1 AND system_time_start <= $1 AND system_time_end > $1",
    )
    .bind(at)
    .fetch_one(&pool)
    .await
    .unwrap();
    let state = then.state.unwrap();
    assert_eq!(then.entry.version_no, 2);
    assert_eq!(
        (state["status"].as_str(), state["carrier"].as_str()),
        (Some(status.as_str()), carrier.as_deref())
    );

    // A deleted row lives on in the history: its versions still read.
    let tea = timeline::page(db, "2", &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(tea.entries.len(), 1);
    assert_eq!(
        tea.shipment.reference, "SHP-SV-2",
        "gone from the table, it is named as its history last named it"
    );
    let by_reference = timeline::page(db, "shp-sv-2", &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(by_reference.shipment.id, "2", "and found by that name");
}
