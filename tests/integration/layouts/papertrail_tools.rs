//! Waybill's own tools on a history PaperTrail wrote (`tests/fixtures/papertrail.rb`):
//! the integrity scan, the overview and Database health read it through the
//! mapping; the concurrency test and monitoring say why they do not.

use serde_json::json;
use tokio_util::sync::CancellationToken;
use waybill::integrity::{self, FindingKind, IntegrityReport, IntegrityRequest};
use waybill::overview::{self, OverviewRange, OverviewRequest};

use super::open;
use super::papertrail::papertrail_db;

#[tokio::test]
async fn waybills_own_features_say_they_need_its_layout() {
    let (name, _pool) = papertrail_db().await;
    let conn = open(&name, "papertrail:item_type=Shipment").await;
    // The plans of the app's reads are those through the mapping; monitoring is Waybill's own.
    let plans = waybill::health::explain::explain(conn.db(), None).await.unwrap();
    assert!(plans.queries.iter().all(|q| q.sql.contains("public.versions")));
    let e = waybill::monitor::monitor(conn.db()).await.unwrap_err();
    assert_eq!(e.code(), "layout_unsupported");
    assert!(e.to_string().contains("PaperTrail"), "names the layout: {e}");
    let e = waybill::health::function::check(conn.db(), None).await.unwrap_err();
    assert_eq!(e.code(), "no_version_function");

    // The concurrency test says why there is nothing to test, before it writes anything.
    let home = crate::common::home();
    let (code, _, err) = crate::common::waybill_cli(
        &name,
        home.path(),
        &["--history", "papertrail:item_type=Shipment", "concurrency", "--yes"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("PaperTrail keeps no version numbers") && err.contains("no version-assigning function"),
        "{err}"
    );
    let (versions,): (i64,) = sqlx::query_as("SELECT count(*) FROM versions")
        .fetch_one(&_pool)
        .await
        .unwrap();
    let (after,): (i64,) = sqlx::query_as("SELECT count(*) FROM versions")
        .fetch_one(&_pool)
        .await
        .unwrap();
    assert_eq!(versions, after);
}

#[tokio::test]
async fn the_integrity_scan_checks_what_papertrail_allows_and_finds_what_was_done_behind_its_back() {
    // A history of its own: the test damages it.
    let (name, pool) = super::fresh_db().await;
    super::write_with("ruby", "papertrail.rb", &name);
    let conn = open(
        &name,
        "papertrail:item_type=Shipment,actor_table=users,records_table=shipments",
    )
    .await;
    let scan = || super::integrity_of(&conn);
    let count = |r: &IntegrityReport, kind: FindingKind| r.counts.iter().find(|c| c.kind == kind).unwrap().count;

    // The scan decodes PaperTrail's pairs itself, as the server's rewrite reads them.
    assert_eq!(super::pairs_read_alike(&conn).await, rows_expected(&pool).await);

    // As PaperTrail wrote it: clean. The destroyed shipment's history is no
    // orphan; the whodunnit that is no user is information.
    let r = scan().await;
    let (rows, records): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT item_id) FROM versions WHERE item_type = 'Shipment'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((r.rows, r.shipments), (rows as u64, records as u64));
    assert!(r.clean, "{:#?}", r.findings);
    assert_eq!(r.scope, "all shipments");
    let unknown: Vec<(&str, Option<&str>)> = r
        .findings
        .iter()
        .map(|f| (f.kind.code(), f.writers[0].actor_id.as_deref()))
        .collect();
    assert_eq!(unknown, [("unknown_actor", Some("integration: customs feed"))]);
    // What the layout allows: no version numbers (nothing to repeat or miss),
    // no snapshot beside the changes; old values to chain, a row to compare.
    let not_checked: Vec<&str> = r
        .counts
        .iter()
        .filter(|c| c.not_checked.is_some())
        .map(|c| c.kind.code())
        .collect();
    assert_eq!(not_checked, ["duplicate_version", "gap", "snapshot_drift"]);
    assert_eq!(r.unique_columns, None);

    // Behind PaperTrail's back: a status set by SQL, one version deleted,
    // a shipment's row deleted without `destroy`.
    let (long,): (i64,) = sqlx::query_as("SELECT id FROM shipments WHERE reference = 'SHP-PT-3'")
        .fetch_one(&pool)
        .await
        .unwrap();
    for sql in [
        "UPDATE shipments SET status = 'lost' WHERE reference = 'SHP-PT-1'".to_string(),
        // v61 (destination Stop 59 → Stop 60) of SHP-PT-3.
        format!(
            "DELETE FROM versions WHERE id = (SELECT id FROM versions WHERE item_type = 'Shipment' AND item_id = {long}
               ORDER BY id OFFSET 60 LIMIT 1)"
        ),
        format!("DELETE FROM shipments WHERE id = {long}"),
    ] {
        sqlx::query(&sql).execute(&pool).await.unwrap();
    }
    let r = scan().await;
    assert!(!r.clean);
    assert_eq!(count(&r, FindingKind::RowMismatch), 1);
    let mismatch = r.findings.iter().find(|f| f.kind == FindingKind::RowMismatch).unwrap();
    assert_eq!(mismatch.shipment_reference.as_deref(), Some("SHP-PT-1"));
    assert_eq!(mismatch.values, [json!("status"), json!("delivered"), json!("lost")]);
    assert!(
        mismatch.evidence.contains("the shipment row differs"),
        "{}",
        mismatch.evidence
    );

    // The deleted version breaks the chain of old and new values where the
    // next version starts: its destination and updated_at were set by v60.
    let lost: Vec<(Option<&str>, &[i32])> = r
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::LostUpdate)
        .map(|f| (f.field.as_deref(), f.versions.as_slice()))
        .collect();
    assert_eq!(
        lost,
        [
            (Some("destination"), &[60, 61][..]),
            (Some("updated_at"), &[60, 61][..])
        ]
    );
    let destination = r
        .findings
        .iter()
        .find(|f| f.field.as_deref() == Some("destination"))
        .unwrap();
    assert_eq!(destination.values, [json!("Stop 60"), json!("Stop 59")]);
    assert!(
        destination.evidence.contains("or a version in between was deleted"),
        "{}",
        destination.evidence
    );
    assert_eq!(destination.writers[0].actor_name.as_deref(), Some("Ana Lima"));

    let orphan = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::OrphanHistory)
        .unwrap();
    assert_eq!(orphan.shipment_id.as_deref(), Some(long.to_string().as_str()));
    assert!(
        orphan
            .evidence
            .contains("for a shipment that public.shipments does not have"),
        "{}",
        orphan.evidence
    );

    // One shipment, by its reference.
    let one = integrity::scan(
        conn.db(),
        &IntegrityRequest {
            shipment: Some("shp-pt-1".into()),
            since: None,
            max_findings: None,
        },
        &|_| {},
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!((one.scope.as_str(), one.rows), ("shipment SHP-PT-1", 4));
    assert_eq!(count(&one, FindingKind::RowMismatch), 1);
    assert_eq!(count(&one, FindingKind::LostUpdate), 0);
}

#[tokio::test]
async fn the_overview_reads_papertrails_versions() {
    let (name, pool) = papertrail_db().await;
    let conn = open(
        &name,
        "papertrail:item_type=Shipment,actor_table=users,records_table=shipments",
    )
    .await;
    let request = OverviewRequest {
        range: OverviewRange::Last24Hours,
        time_zone: "America/New_York".into(),
    };
    let o = overview::overview(conn.db(), &request).await.unwrap();
    assert_eq!((o.noun.as_str(), o.nouns.as_str()), ("shipment", "shipments"));

    // The counts, against PaperTrail's table read here.
    let by_event: Vec<(String, i64)> = sqlx::query_as(
        "SELECT CASE event WHEN 'create' THEN 'created' WHEN 'update' THEN 'updated' ELSE 'deleted' END, count(*)
           FROM versions WHERE item_type = 'Shipment' GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(o.changes, by_event.iter().map(|e| e.1).sum::<i64>());
    let a = &o.activity;
    let mut charted: Vec<(String, i64)> = a
        .event_types
        .iter()
        .enumerate()
        .map(|(i, event)| (event.clone(), a.bars.iter().map(|b| b.counts[i]).sum()))
        .collect();
    charted.sort();
    assert_eq!(charted, by_event);
    assert_eq!(o.shipments_changed, 3);

    // Who: users named from `users`, the integration by its whodunnit.
    let who: Vec<(Option<&str>, i64)> = o
        .top_actors
        .iter()
        .map(|a| (a.name.as_deref().or(a.id.as_deref()), a.changes))
        .collect();
    let counted: Vec<(String, i64)> = sqlx::query_as(
        "SELECT COALESCE(u.name, v.whodunnit), count(*) FROM versions v LEFT JOIN users u ON u.id::text = v.whodunnit
          WHERE v.item_type = 'Shipment' GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        who,
        counted.iter().map(|(w, n)| (Some(w.as_str()), *n)).collect::<Vec<_>>()
    );

    // What: the destroyed shipment named by its history, and said deleted.
    let what: Vec<(&str, &str, i64)> = o
        .top_shipments
        .iter()
        .map(|s| (s.reference.as_str(), s.status.as_str(), s.changes))
        .collect();
    assert_eq!(
        what,
        [
            ("SHP-PT-3", "booked", 121),
            ("SHP-PT-1", "delivered", 4),
            ("SHP-PT-2", "deleted", 4)
        ]
    );

    // Where they are now (from `shipments`), and the stays that ended: SHP-PT-1
    // left booked and in_transit; SHP-PT-2 left booked, then at_customs when
    // it was destroyed (PaperTrail records the destroyed row's status as [at_customs, nil]).
    let statuses: Vec<(&str, i64, i64)> = o.statuses.iter().map(|s| (s.status.as_str(), s.stays, s.now)).collect();
    assert_eq!(
        statuses,
        [
            ("booked", 2, 1),
            ("in_transit", 1, 0),
            ("at_customs", 1, 0),
            ("delivered", 0, 1)
        ]
    );
    assert_eq!((o.exceptions.raised, o.exceptions.open), (0, 0));
    assert!(!o.time_indexed, "PaperTrail's fixture has no index on created_at");
    assert!(
        !o.time_indexable,
        "nor could one serve a range: created_at is a timestamp, read as UTC"
    );
}

#[tokio::test]
async fn database_health_wants_the_guides_indexes_in_papertrails_columns_and_builds_them() {
    // A database of its own: the test builds indexes on it.
    let (name, pool) = super::fresh_db().await;
    super::write_with("ruby", "papertrail.rb", &name);
    let conn = open(&name, "papertrail:item_type=Shipment").await;
    let table = waybill::domain::HistoryTable::default();
    let health = waybill::health::verify::verify(conn.db(), &table).await.unwrap();
    assert_eq!(
        (health.table.schema.as_str(), health.table.name.as_str()),
        ("public", "versions")
    );
    let wanted: Vec<(&str, &str)> = health
        .expected
        .iter()
        .map(|e| (e.expected.name.as_str(), e.expected.definition.as_str()))
        .collect();
    // No unique rule (versions are numbered by id), the item type first, PaperTrail's columns.
    assert_eq!(
        wanted,
        [
            ("idx_versions_version_desc", "(item_type, item_id, id DESC)"),
            ("idx_versions_timestamp_desc", "(item_type, item_id, created_at DESC)"),
            ("idx_versions_actor", "(item_type, whodunnit, created_at DESC)"),
            (
                "idx_versions_event_type",
                "(item_type, item_id, event, created_at DESC)"
            ),
            (
                "idx_versions_composite",
                "(item_type, item_id, created_at DESC, id DESC)"
            ),
        ]
    );
    assert!(health
        .expected
        .iter()
        .all(|e| e.state == waybill::health::verify::IndexState::Missing));
    assert!(
        health.optional.is_empty(),
        "created_at is a timestamp: no index serves a range of instants on it"
    );
    let others: Vec<&str> = health.others.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(others, ["index_versions_on_item_type_and_item_id", "versions_pkey"]);
    assert!(health.expected[0].expected.purpose.contains("a page at any depth"));

    // Built as on Waybill's own table, then found by definition.
    let report = waybill::health::apply::apply(conn.db(), &table, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(report.created.len(), 5);
    assert!(report.health.all_present, "{:#?}", report.health.expected);
    let (definition,): (String,) = sqlx::query_as("SELECT pg_get_indexdef('idx_versions_version_desc'::regclass)")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        definition.ends_with("ON public.versions USING btree (item_type, item_id, id DESC)"),
        "{definition}"
    );

    // The advisor reads the same table: PaperTrail's own index now begins
    // others, and the guide's (record, time) index begins its composite one
    // (as it does on Waybill's own table).
    let advice = waybill::health::advise::advise(conn.db(), &table).await.unwrap();
    assert_eq!(advice.table.name, "versions");
    let redundant: Vec<(&str, &str)> = advice
        .redundant
        .iter()
        .map(|r| (r.index.as_str(), r.covered_by.as_str()))
        .collect();
    assert_eq!(
        redundant,
        [
            ("idx_versions_timestamp_desc", "idx_versions_composite"),
            ("index_versions_on_item_type_and_item_id", "idx_versions_composite")
        ]
    );
}

/// PaperTrail's rows for shipments, counted here.
async fn rows_expected(pool: &sqlx::PgPool) -> usize {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM versions WHERE item_type = 'Shipment'")
        .fetch_one(pool)
        .await
        .unwrap();
    n as usize
}
