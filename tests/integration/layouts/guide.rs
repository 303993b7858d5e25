//! A team that followed the guide: its own `shipment_history` (the guide's
//! five columns, what changed in its own `metadata`), no `shipment_requests`.
//! Waybill reads it through `waybill:` with the keys that differ, and never
//! installs its own tables over it.

use waybill::domain::layout::{detect, Mapping, Preset};
use waybill::domain::TimelineFilter;
use waybill::error::Error;
use waybill::timeline;

use super::{fields, fresh_db, open, open_plain};

#[tokio::test]
async fn a_guide_shaped_history_is_read_and_never_installed_over() {
    let (name, pool) = fresh_db().await;
    sqlx::raw_sql(
        "CREATE TABLE shipment_history (id bigserial PRIMARY KEY, shipment_id uuid NOT NULL, version_no integer NOT NULL,
           actor_id uuid, event_type text NOT NULL, \"timestamp\" timestamptz NOT NULL DEFAULT now(), metadata jsonb,
           UNIQUE (shipment_id, version_no));
         INSERT INTO shipment_history (shipment_id, version_no, actor_id, event_type, \"timestamp\", metadata) VALUES
           ('00000000-0000-0000-0000-0000000000a1', 1, '00000000-0000-0000-0000-0000000000e1', 'created', '2026-11-01 09:00+00', '{\"status\": [null, \"booked\"]}'),
           ('00000000-0000-0000-0000-0000000000a1', 2, '00000000-0000-0000-0000-0000000000e2', 'status_changed', '2026-11-02 09:00+00', '{\"status\": [\"booked\", \"in_transit\"]}'),
           ('00000000-0000-0000-0000-0000000000a1', 3, '00000000-0000-0000-0000-0000000000e2', 'carrier_assigned', '2026-11-03 09:00+00', '{\"carrier\": [null, \"Maersk\"]}');",
    )
    .execute(&pool)
    .await
    .unwrap();
    let plain = open_plain(&name).await;

    // Its own table of Waybill's name: named, and never installed over.
    let status = waybill::install::status(plain.db()).await.unwrap();
    assert_eq!(status.foreign_tables, ["shipment_history"]);
    let e = waybill::install::migrate(plain.db()).await.unwrap_err();
    assert!(
        matches!(&e, Error::ForeignTables { tables, .. } if tables == &["shipment_history"]),
        "{e:?}"
    );
    assert!(e.to_string().contains("nothing was written"), "{e}");
    assert_eq!(e.remedy(), Some(waybill::error::Remedy::ReadOwnTables));
    let (untouched,): (bool,) =
        sqlx::query_as("SELECT to_regclass('_sqlx_migrations') IS NULL AND to_regclass('shipment_requests') IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(untouched);

    // Read as Waybill's own layout, it says which column is not there.
    let e = timeline::page(
        plain.db(),
        "00000000-0000-0000-0000-0000000000a1",
        &TimelineFilter::default(),
        None,
        10,
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("changes: column `changes` is not in public.shipment_history; its columns are id, shipment_id"),
        "{e}"
    );

    // Detection finds it, with its own column of what changed.
    let found = detect::detect(plain.db()).await.unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].preset, Preset::Waybill);
    assert_eq!(found[0].mapping.changes.as_deref(), Some("metadata"));
    // Its pairs, said by overriding one key of the preset.
    let spec = "waybill:changes=metadata,changes_format=pairs";
    assert_eq!(Mapping::parse_spec(spec).unwrap().to_spec(), spec);
    let conn = open(&name, spec).await;
    let page = timeline::page(
        conn.db(),
        "00000000-0000-0000-0000-0000000000a1",
        &TimelineFilter::default(),
        None,
        10,
    )
    .await
    .unwrap();
    let story: Vec<(i32, &str, Vec<&str>, &str)> = page
        .entries
        .iter()
        .map(|e| (e.version_no, e.event_type.as_str(), fields(e), e.summary.as_str()))
        .collect();
    assert_eq!(
        story,
        [
            (3, "carrier_assigned", vec!["carrier"], "carrier: Maersk"),
            (2, "status_changed", vec!["status"], "status: booked → in_transit"),
            (1, "created", vec!["status"], "status: booked"),
        ]
    );
    let b = waybill::timeline::blame::blame(conn.db(), "00000000-0000-0000-0000-0000000000a1")
        .await
        .unwrap();
    let status = b.lines.iter().find(|l| l.field == "status").unwrap();
    assert_eq!((status.version_no, status.value.as_str()), (2, Some("in_transit")));
}
