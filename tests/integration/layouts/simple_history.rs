//! A django-simple-history history, written by django-simple-history itself
//! (`tests/fixtures/django_history.py`): each row the whole record after a change.

use serde_json::json;
use waybill::domain::layout::{detect, Preset};
use waybill::domain::TimelineFilter;
use waybill::timeline::{self, blame, version};

use super::{fields, fresh_db, open, open_plain, write_with};

#[tokio::test]
async fn after_images_read_as_changes_with_django_users_and_reasons() {
    let (name, pool) = fresh_db().await;
    // Debian's Python (with Django and django-simple-history), not another on PATH.
    write_with("/usr/bin/python3", "django_history.py", &name);

    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    let history: Vec<_> = found.iter().filter(|f| f.preset == Preset::SimpleHistory).collect();
    assert_eq!(history.len(), 1, "{found:#?}");
    let h = history[0];
    assert_eq!(h.table, "public.fixture_historicalshipment");
    assert_eq!(h.mapping.noun(), "shipment");
    assert_eq!(h.mapping.records_table.as_deref(), Some("public.fixture_shipment"));
    assert!(h.problem.is_none(), "{:?}", h.problem);

    let conn = open(&name, &h.spec).await;
    let db = conn.db();
    let page = timeline::page(db, "SHP-SH-1", &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    let story: Vec<(i32, &str, Option<&str>, Vec<&str>)> = page
        .entries
        .iter()
        .map(|e| (e.version_no, e.event_type.as_str(), e.actor_name.as_deref(), fields(e)))
        .collect();
    assert_eq!(
        story,
        [
            (4, "updated", Some("ana"), vec!["status"]),
            (3, "updated", Some("ben"), vec!["title"]),
            (2, "updated", Some("ben"), vec!["carrier", "status"]),
            (
                1,
                "created",
                Some("ana"),
                vec!["carrier", "id", "reference", "status", "title"]
            ),
        ],
        "the history's own columns (history_id, history_date…) are not the record's fields"
    );
    // The change reasons, as django-simple-history stored them (a reason set
    // on an instance stays for its later saves).
    let reasons: Vec<(Option<String>,)> = sqlx::query_as(
        "SELECT history_change_reason FROM fixture_historicalshipment WHERE reference = 'SHP-SH-1'
          ORDER BY history_id DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.description.clone()).collect::<Vec<_>>(),
        reasons.into_iter().map(|(r,)| r).collect::<Vec<_>>()
    );
    assert_eq!(page.entries[0].description.as_deref(), Some("pallet count confirmed"));

    // Each version's state is its own row, as django-simple-history wrote it.
    let v3 = version::version(db, "SHP-SH-1", 3).await.unwrap();
    let (title, status): (String, String) = sqlx::query_as(
        "SELECT title, status FROM fixture_historicalshipment WHERE reference = 'SHP-SH-1'
          ORDER BY history_id OFFSET 2 LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let state = v3.state.unwrap();
    assert_eq!(
        (state["title"].as_str(), state["status"].as_str()),
        (Some(title.as_str()), Some(status.as_str()))
    );
    assert_eq!(v3.diff.fields.len(), 1);
    assert_eq!(v3.diff.fields[0].path, "title");

    let b = blame::blame(db, "SHP-SH-1").await.unwrap();
    let carrier = b.lines.iter().find(|l| l.field == "carrier").unwrap();
    assert_eq!((carrier.version_no, carrier.actor_name.as_deref()), (2, Some("ben")));

    // The deleted record: its deletion is the last version, by the user who deleted it.
    let (tea,): (i32,) = sqlx::query_as("SELECT id FROM fixture_historicalshipment WHERE history_type = '-'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let page = timeline::page(db, &tea.to_string(), &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    let last = &page.entries[0];
    assert_eq!(
        (last.event_type.as_str(), last.actor_name.as_deref()),
        ("deleted", Some("ana"))
    );
    // An actor's view: every change ana made, across records.
    let ana = waybill::timeline::actor::page(db, "ana", &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    let (made,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM fixture_historicalshipment h JOIN auth_user u ON u.id = h.history_user_id
          WHERE u.username = 'ana'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(ana.entries.len() as i64, made);
}

#[tokio::test]
async fn the_integrity_scan_finds_what_a_bulk_update_did_behind_simple_historys_back() {
    let (name, pool) = fresh_db().await;
    super::write_with_args("/usr/bin/python3", "django_history.py", &name, &["bypass"]);
    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    let h = found.iter().find(|f| f.preset == Preset::SimpleHistory).unwrap();
    let conn = open(&name, &h.spec).await;
    let r = super::integrity_of(&conn).await;
    // Each row is the whole record: numbered by history_id, what changed read
    // from consecutive rows. What is left to check is the records against them.
    let not_checked: Vec<&str> = r
        .counts
        .iter()
        .filter(|c| c.not_checked.is_some())
        .map(|c| c.kind.code())
        .collect();
    assert_eq!(
        not_checked,
        ["duplicate_version", "gap", "snapshot_drift", "lost_update"]
    );
    let found: Vec<(&str, Option<&str>)> = r
        .findings
        .iter()
        .map(|f| (f.kind.code(), f.shipment_reference.as_deref()))
        .collect();
    // SHP-SH-2, deleted through Django, is neither.
    assert_eq!(
        found,
        [("row_mismatch", Some("SHP-SH-1")), ("orphan_history", None)],
        "{:#?}",
        r.findings
    );
    assert_eq!(
        r.findings[0].values,
        [json!("status"), json!("delivered"), json!("lost")]
    );
    let (rows, records): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT id) FROM fixture_historicalshipment")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((r.rows, r.shipments), (rows as u64, records as u64));
}
