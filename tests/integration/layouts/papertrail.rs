//! A PaperTrail history, written by PaperTrail itself (`tests/fixtures/papertrail.rb`).

use waybill::domain::layout::{detect, Mapping, Preset};
use waybill::domain::TimelineFilter;
use waybill::shipments::{self, ShipmentQuery};
use waybill::timeline::{self, blame, version};

use super::{fields, open, open_plain, pool, written_once};

/// The fixture's database (written once; the tests only read it) and a pool on it.
pub(super) async fn papertrail_db() -> (String, sqlx::PgPool) {
    let name = written_once("ruby", "papertrail.rb", &[]);
    let pool = pool(&name).await;
    (name, pool)
}

#[tokio::test]
async fn detection_finds_each_model_with_the_spec_that_opens_it() {
    let (name, pool) = papertrail_db().await;
    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    let kinds: Vec<(Preset, Option<&str>)> = found
        .iter()
        .map(|f| (f.preset, f.mapping.filter.get("item_type").map(String::as_str)))
        .collect();
    assert_eq!(
        kinds,
        [
            (Preset::Papertrail, Some("Customer")),
            (Preset::Papertrail, Some("Shipment"))
        ],
        "one history per model, the other model's rows kept apart"
    );
    let shipments = &found[1];
    assert_eq!(shipments.table, "public.versions");
    assert_eq!(shipments.mapping.records_table.as_deref(), Some("shipments"));
    assert_eq!(shipments.mapping.actor_table.as_deref(), Some("users"));
    assert!(shipments.problem.is_none(), "{:?}", shipments.problem);
    let (versions, records): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT item_id) FROM versions WHERE item_type = 'Shipment'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((shipments.versions, shipments.records), (versions, Some(records)));
    assert!(!shipments.versions_estimated);
    // The preview is the record changed last: SHP-PT-3, its 121st version first.
    let preview = shipments.preview.as_ref().unwrap();
    assert_eq!(preview.record.reference, "SHP-PT-3");
    assert_eq!(preview.entries[0].version_no, 121);
    assert_eq!(fields(&preview.entries[0]), ["destination", "updated_at"]);

    // The spec it shows opens the same history.
    let conn = open(&name, &shipments.spec).await;
    let checked = detect::check(conn.db(), &shipments.mapping).await.unwrap();
    assert_eq!(checked.versions, versions);
}

#[tokio::test]
async fn the_timeline_diff_blame_and_as_of_read_papertrails_versions() {
    let (name, pool) = papertrail_db().await;
    let conn = open(
        &name,
        "papertrail:item_type=Shipment,actor_table=users,records_table=shipments",
    )
    .await;
    let db = conn.db();

    // The list: every shipment with history, a destroyed one by the reference it was created with.
    let query = ShipmentQuery {
        limit: 100,
        ..Default::default()
    };
    let list = shipments::find(db, &query).await.unwrap();
    assert_eq!(list[0].reference, "SHP-PT-3", "the record changed last comes first");
    let two = shipments::find(
        db,
        &ShipmentQuery {
            limit: 2,
            ..query.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        two.iter().map(|s| s.reference.as_str()).collect::<Vec<_>>(),
        list[..2].iter().map(|s| s.reference.as_str()).collect::<Vec<_>>(),
        "the first page is the list's head"
    );
    let mut refs: Vec<(String, i32)> = list.iter().map(|s| (s.reference.clone(), s.versions)).collect();
    refs.sort();
    let counted: Vec<(String, i64)> = sqlx::query_as(
        "SELECT COALESCE(s.reference, (SELECT c.object_changes -> 'reference' ->> 1 FROM versions c
                                         WHERE c.item_type = 'Shipment' AND c.item_id = v.item_id AND c.event = 'create')),
                count(*)
           FROM versions v LEFT JOIN shipments s ON s.id = v.item_id
          WHERE v.item_type = 'Shipment' GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        refs,
        counted.iter().map(|(r, n)| (r.clone(), *n as i32)).collect::<Vec<_>>()
    );

    // SHP-PT-1: created by Ana, changed twice by Ben, delivered by Ana.
    let page = timeline::page(db, "SHP-PT-1", &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    let story: Vec<(i32, &str, Option<&str>)> = page
        .entries
        .iter()
        .map(|e| (e.version_no, e.event_type.as_str(), e.actor_name.as_deref()))
        .collect();
    assert_eq!(
        story,
        [
            (4, "updated", Some("Ana Lima")),
            (3, "updated", Some("Ben Okoro")),
            (2, "updated", Some("Ben Okoro")),
            (1, "created", Some("Ana Lima")),
        ]
    );
    assert_eq!(fields(&page.entries[2]), ["carrier", "status", "updated_at"]);
    assert!(
        page.entries[2].summary.contains("status: booked → in_transit"),
        "{}",
        page.entries[2].summary
    );

    // Any two versions compare, the states rebuilt from PaperTrail's pairs.
    let cmp = version::compare(db, "SHP-PT-1", 1, 4).await.unwrap();
    let changed = |path: &str| {
        cmp.diff
            .fields
            .iter()
            .find(|f| f.path == path)
            .map(|f| (f.old.clone(), f.new.clone()))
    };
    assert_eq!(
        changed("status"),
        Some((Some("booked".into()), Some("delivered".into())))
    );
    assert_eq!(
        changed("destination"),
        Some((Some("Hamburg".into()), Some("Rotterdam".into())))
    );
    assert_eq!(changed("title"), None, "unchanged fields are not in a diff");

    // Blame: who set each field's current value.
    let b = blame::blame(db, "SHP-PT-1").await.unwrap();
    let line = |f: &str| {
        let l = b.lines.iter().find(|l| l.field == f).unwrap();
        (l.version_no, l.actor_name.clone().unwrap_or_default(), l.value.clone())
    };
    assert_eq!(line("destination"), (3, "Ben Okoro".into(), "Rotterdam".into()));
    assert_eq!(line("status"), (4, "Ana Lima".into(), "delivered".into()));
    assert_eq!(line("title"), (1, "Ana Lima".into(), "Coffee beans".into()));

    // As of a moment between v2 and v3 (PaperTrail's own created_at, which Rails writes in UTC).
    let (v2_at,): (chrono::DateTime<chrono::Utc>,) = sqlx::query_as(
        "SELECT v.created_at AT TIME ZONE 'UTC' FROM versions v JOIN shipments s ON s.id = v.item_id
          WHERE v.item_type = 'Shipment' AND s.reference = 'SHP-PT-1' ORDER BY v.id OFFSET 1 LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let then = version::as_of(db, "SHP-PT-1", v2_at + chrono::Duration::microseconds(1))
        .await
        .unwrap();
    assert_eq!(then.entry.version_no, 2);
    let state = then.state.unwrap();
    assert_eq!(
        (
            state["status"].as_str(),
            state["carrier"].as_str(),
            state["destination"].as_str()
        ),
        (Some("in_transit"), Some("Maersk"), Some("Hamburg"))
    );
}

#[tokio::test]
async fn a_destroyed_record_and_a_whodunnit_that_is_no_user_still_show() {
    let (name, pool) = papertrail_db().await;
    let conn = open(
        &name,
        "papertrail:item_type=Shipment,actor_table=users,records_table=shipments",
    )
    .await;
    let (tea,): (i64,) =
        sqlx::query_as("SELECT item_id FROM versions WHERE item_type = 'Shipment' AND event = 'destroy'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let page = timeline::page(conn.db(), &tea.to_string(), &TimelineFilter::default(), None, 50)
        .await
        .unwrap();
    let newest = &page.entries[0];
    assert_eq!(newest.event_type, "deleted");
    assert_eq!(
        (newest.actor_id.as_deref(), newest.actor_name.as_deref()),
        (Some("integration: customs feed"), None),
        "a whodunnit that is not a user's id is shown as written"
    );
    assert_eq!(page.entries.len(), 4);
    // Filtering by the actor's id reads the same rows PaperTrail's whodunnit holds.
    let by_ben = TimelineFilter {
        actors: vec!["2".into()],
        ..Default::default()
    };
    let ben = timeline::page(conn.db(), &tea.to_string(), &by_ben, None, 50)
        .await
        .unwrap();
    assert_eq!(ben.entries.iter().map(|e| e.version_no).collect::<Vec<_>>(), [2]);
}

#[tokio::test]
async fn a_long_history_pages_in_papertrails_order() {
    let (name, pool) = papertrail_db().await;
    let conn = open(&name, "papertrail:item_type=Shipment,records_table=shipments").await;
    let db = conn.db();
    let none = TimelineFilter::default();
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = timeline::page(db, "SHP-PT-3", &none, before, 50).await.unwrap();
        seen.extend(page.entries.iter().map(|e| {
            let stop = e
                .preview
                .iter()
                .find(|p| p.field == "destination")
                .and_then(|p| p.new.as_str().map(String::from));
            (e.version_no, stop)
        }));
        match page.next_before {
            Some(v) => before = Some(v),
            None => break,
        }
    }
    // PaperTrail's own order (its id), numbered from 1: version n set stop n-1.
    let stops: Vec<(String,)> = sqlx::query_as(
        "SELECT COALESCE(v.object_changes -> 'destination' ->> 1, '') FROM versions v
           JOIN shipments s ON s.id = v.item_id AND v.item_type = 'Shipment'
          WHERE s.reference = 'SHP-PT-3' ORDER BY v.id DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(seen.len(), 121);
    assert_eq!(seen.len(), stops.len());
    for ((v, stop), (expected,)) in seen.iter().zip(&stops) {
        assert_eq!(stop.as_deref().unwrap_or(""), expected.as_str(), "v{v}");
    }
    assert_eq!(
        seen.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        (1..=121).rev().collect::<Vec<_>>()
    );
    // Reading back up from v50 gives the versions just above it.
    let up = timeline::newer_page(db, "SHP-PT-3", &none, 50, 3).await.unwrap();
    assert_eq!(
        up.entries.iter().map(|e| e.version_no).collect::<Vec<_>>(),
        [53, 52, 51]
    );
}

#[test]
fn the_cli_reads_it_with_history() {
    let name = written_once("ruby", "papertrail.rb", &[]);
    let home = crate::common::home();
    let (code, out, err) = crate::common::waybill_cli(&name, home.path(), &["history", "detect"]);
    assert_eq!(code, 0, "{err}");
    let spec = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--history "))
        .find(|s| s.contains("item_type=Shipment"))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    let (code, out, err) = crate::common::waybill_cli(
        &name,
        home.path(),
        &["--history", &spec, "timeline", "SHP-PT-1", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let page: serde_json::Value = serde_json::from_str(&out).unwrap();
    let versions: Vec<i64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version_no"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [4, 3, 2, 1]);
    // Without the mapping, the database has none of Waybill's tables, and says so.
    let (code, _, err) = crate::common::waybill_cli(&name, home.path(), &["timeline", "SHP-PT-1"]);
    assert_eq!(code, 2);
    assert!(err.contains("has no `shipment_requests` table"), "{err}");
    assert!(
        err.contains("waybill history detect"),
        "the error points to detection: {err}"
    );
}

#[tokio::test]
async fn a_profile_remembers_the_history_it_reads() {
    // A Rails database on the "remote" server (TLS, password logins), written by PaperTrail.
    let remote = crate::common::remote::remote();
    let name = format!("r_{}", uuid::Uuid::new_v4().simple());
    let admin = remote
        .open(&remote.direct("postgres"), &remote.owner_password)
        .await
        .unwrap();
    waybill::db::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let out = std::process::Command::new("ruby")
        .arg(format!("{}/tests/fixtures/papertrail.rb", env!("CARGO_MANIFEST_DIR")))
        .args(["127.0.0.1", &remote.pg_port.to_string(), &name, "waybill_owner"])
        .env("PGPASSWORD", &remote.owner_password)
        .env("PGSSLMODE", "require")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let home = crate::common::home();
    let config = home.path().join("profiles.json");
    let secrets: std::sync::Arc<dyn waybill::profiles::SecretStore> =
        std::sync::Arc::new(waybill::profiles::MemoryStore::default());
    let mut profile = remote.direct(&name);
    profile.name = "rails".into();
    let request = waybill::profiles::manage::SaveRequest {
        profile: profile.clone(),
        replacing: None,
        password: Some(waybill::profiles::Password::new(&remote.owner_password)),
    };
    waybill::profiles::manage::save(&config, &*secrets, request, None).unwrap();
    let open = |profile: waybill::profiles::Profile| {
        let secrets = secrets.clone();
        async move {
            let source = waybill::connection::Source::Profile(Box::new(profile));
            waybill::connection::open(source, &secrets, Default::default(), &waybill::progress::ignore)
                .await
                .unwrap()
        }
    };

    let conn = open(profile).await;
    assert!(conn.history().own);
    // A mapping that does not fit is refused, and nothing is saved.
    let wrong = Mapping::parse_spec("papertrail:item_type=Shipment,time=made_at").unwrap();
    assert_eq!(
        conn.use_history(wrong, &config).await.unwrap_err().code(),
        "bad_mapping"
    );
    let saved = |config: &std::path::Path| {
        let list = waybill::profiles::manage::list(config, &*secrets).unwrap();
        list.profiles
            .into_iter()
            .find(|e| e.profile.name == "rails")
            .unwrap()
            .profile
    };
    assert_eq!(saved(&config).history, None);

    let choice = conn
        .use_history(Mapping::parse_spec("papertrail:item_type=Shipment").unwrap(), &config)
        .await
        .unwrap();
    assert_eq!(choice.remembered_by.as_deref(), Some("rails"));
    assert_eq!(conn.history().preset, Preset::Papertrail);
    let page = timeline::page(conn.db(), "SHP-PT-1", &TimelineFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 4, "the open connection reads it at once");
    conn.close().await.unwrap();

    // Opened again, the profile reads it without being told.
    let again = open(saved(&config)).await;
    assert_eq!(again.history().spec, "papertrail:item_type=Shipment");
    let page = timeline::page(again.db(), "SHP-PT-1", &TimelineFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 4);
    // Back to Waybill's own: this database has none of its tables, so it is refused.
    let e = again.use_history(Mapping::waybill(), &config).await.unwrap_err();
    assert_eq!(e.code(), "table_missing");
    assert_eq!(saved(&config).history.map(|m| m.preset), Some(Preset::Papertrail));
}

#[test]
fn the_cli_says_a_one_off_url_does_not_remember() {
    let name = written_once("ruby", "papertrail.rb", &[]);
    let home = crate::common::home();
    let (code, out, err) =
        crate::common::waybill_cli(&name, home.path(), &["history", "use", "papertrail:item_type=Shipment"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--history papertrail:item_type=Shipment"), "{out}");
    assert!(
        err.contains("not remembered: the sandbox and --database-url keep no settings"),
        "{err}"
    );
}
