//! The timeline queries on real PostgreSQL, on hand-made histories whose answers
//! are known: keyset paging across filters (with tied timestamps), the actor
//! view, blame, as-of, diffs, activity per day in a time zone, exports, and the
//! messages for bad input.

use crate::common;

use crate::common::timeline::*;

use chrono::Duration;
use serde_json::{json, Value};
use uuid::Uuid;
use waybill::db::Db;

use waybill::domain::TimelineFilter;
use waybill::timeline::activity::{self, Scope};
use waybill::timeline::export::{self, TimelineFormat};
use waybill::timeline::version::{self, SnapshotSource};
use waybill::timeline::{self, actor, blame, field};
use waybill::Error;

/// Every page of a filtered timeline, `limit` at a time.
async fn walk(db: &Db, key: &str, filter: &TimelineFilter, limit: u32) -> Vec<i32> {
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = timeline::page(db, key, filter, before, limit).await.unwrap();
        assert!(page.entries.len() <= limit as usize);
        seen.extend(page.entries.iter().map(|e| e.version_no));
        match page.next_before {
            Some(next) => {
                assert_eq!(page.entries.len(), limit as usize, "only a full page has a next one");
                before = Some(next);
            }
            None => return seen,
        }
    }
}

/// The versions of `steps()` a filter should keep, newest first.
fn expected(filter: &TimelineFilter) -> Vec<i32> {
    steps()
        .iter()
        .enumerate()
        .filter(|(_, s)| filter.actors.is_empty() || filter.actors.contains(&s.1.to_string()))
        .filter(|(_, s)| filter.event_types.is_empty() || filter.event_types.iter().any(|t| t == s.0))
        .filter(|(_, s)| filter.since.is_none_or(|t| t0() + Duration::minutes(s.2) >= t))
        .filter(|(_, s)| filter.until.is_none_or(|t| t0() + Duration::minutes(s.2) < t))
        .map(|(i, _)| i as i32 + 1)
        .rev()
        .collect()
}

#[tokio::test]
async fn keyset_pages_walk_every_filtered_version_exactly_once() {
    let (_, db, _) = fixture().await;
    let at = |m| Some(t0() + Duration::minutes(m));
    let filters = [
        TimelineFilter::default(),
        TimelineFilter {
            actors: vec![BEN.to_string()],
            ..Default::default()
        },
        TimelineFilter {
            event_types: vec!["note_added".into(), "status_changed".into()],
            ..Default::default()
        },
        // A range that starts and ends inside the tied timestamps' neighbours.
        TimelineFilter {
            since: at(30),
            until: at(60),
            ..Default::default()
        },
        TimelineFilter {
            actors: vec![ANA.to_string(), BEN.to_string()],
            event_types: vec!["note_added".into()],
            since: at(30),
            until: None,
        },
        TimelineFilter {
            actors: vec![ANA.to_string()],
            event_types: vec!["eta_changed".into()],
            ..Default::default()
        },
    ];
    for filter in &filters {
        let want = expected(filter);
        for limit in [1, 2, 3, 100] {
            assert_eq!(walk(&db, "SHP-T-1", filter, limit).await, want, "{filter:?} by {limit}");
        }
    }
    // The combined filter really narrows: Ana never moved the ETA.
    assert!(expected(&filters[5]).is_empty());
}

/// Every version above `from`, read upwards `limit` at a time as the app
/// does on the way back up, in the list's order (newest first).
async fn walk_up(db: &Db, key: &str, filter: &TimelineFilter, from: i32, limit: u32) -> Vec<i32> {
    let mut seen = Vec::new();
    let mut after = from;
    loop {
        let page = timeline::newer_page(db, key, filter, after, limit).await.unwrap();
        assert!(page.entries.len() <= limit as usize);
        assert!(
            page.next_before.is_none(),
            "a page read upwards does not look below itself"
        );
        let mut rows: Vec<i32> = page.entries.iter().map(|e| e.version_no).collect();
        rows.extend(seen);
        seen = rows;
        match page.next_after {
            Some(next) => {
                assert_eq!(page.entries.len(), limit as usize, "only a full page has a next one");
                assert_eq!(
                    Some(next),
                    seen.first().copied(),
                    "the next page starts above the newest"
                );
                after = next;
            }
            None => return seen,
        }
    }
}

#[tokio::test]
async fn reading_back_up_gives_exactly_the_rows_read_down() {
    let (_, db, _) = fixture().await;
    let filters = [
        TimelineFilter::default(),
        TimelineFilter {
            actors: vec![BEN.to_string()],
            ..Default::default()
        },
        TimelineFilter {
            event_types: vec!["note_added".into()],
            since: Some(t0() + Duration::minutes(30)),
            ..Default::default()
        },
    ];
    for filter in &filters {
        let want = expected(filter);
        for limit in [1, 2, 3, 100] {
            // From below the oldest (version 0): the whole list, newest first.
            assert_eq!(
                walk_up(&db, "SHP-T-1", filter, 0, limit).await,
                want,
                "{filter:?} by {limit}"
            );
            // From any row: exactly the rows above it.
            for (i, v) in want.iter().enumerate() {
                assert_eq!(
                    walk_up(&db, "SHP-T-1", filter, *v, limit).await,
                    want[..i],
                    "above v{v}"
                );
            }
        }
    }
    let e = timeline::newer_page(&db, "SHP-T-1", &TimelineFilter::default(), -1, 10)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("version to start above"), "{e}");
}

#[tokio::test]
async fn an_actors_changes_read_back_up_match_those_read_down_rows_without_a_time_included() {
    let (_, db, shipment) = fixture().await;
    // Other people's tables may leave the time empty: those rows sort newest
    // (NULLS FIRST, newest first), and paging must cross them both ways.
    sqlx::query("ALTER TABLE shipment_history ALTER COLUMN \"timestamp\" DROP NOT NULL")
        .execute(&db)
        .await
        .unwrap();
    let other = history(&db, "SHP-T-3", &steps()[..3]).await;
    for (s, v) in [(shipment, 100), (shipment, 101), (other, 100)] {
        sqlx::query(
            "INSERT INTO shipment_history (shipment_id, version_no, event_type, actor_id, \"timestamp\", changes)
             VALUES ($1, $2, 'note_added', $3, NULL, '{}')",
        )
        .bind(s)
        .bind(v)
        .bind(id(ANA))
        .execute(&db)
        .await
        .unwrap();
    }
    let none = TimelineFilter::default();
    let key = |e: &waybill::domain::reads::TimelineEntry| (e.shipment_id.clone(), e.version_no);
    let everything: Vec<_> = actor::page(&db, ANA, &none, None, 1000)
        .await
        .unwrap()
        .entries
        .iter()
        .map(key)
        .collect();
    assert_eq!(everything.iter().filter(|(_, v)| *v >= 100).count(), 3);
    assert!(
        everything[..3].iter().all(|(_, v)| *v >= 100),
        "rows without a time come first"
    );
    for limit in [1, 2, 5] {
        // Up from each row: exactly the rows above it, whatever the page size.
        let rows = actor::page(&db, ANA, &none, None, 1000).await.unwrap().entries;
        for (i, row) in rows.iter().enumerate() {
            let mut seen: Vec<(String, i32)> = Vec::new();
            let mut after = waybill::domain::reads::ActorCursor::of(row);
            loop {
                let page = actor::newer_page(&db, ANA, &none, &after, limit).await.unwrap();
                let mut got: Vec<_> = page.entries.iter().map(key).collect();
                got.extend(seen);
                seen = got;
                match page.newer {
                    Some(next) => after = next,
                    None => break,
                }
            }
            assert_eq!(seen, everything[..i], "above row {i} by {limit}");
        }
    }
}

#[tokio::test]
async fn rows_carry_names_summaries_and_the_shipment() {
    let (_, db, shipment) = fixture().await;
    let page = timeline::page(&db, "shp-t-1", &TimelineFilter::default(), None, 3)
        .await
        .unwrap();
    assert_eq!(page.shipment.id, shipment.to_string(), "references match ignoring case");
    let v10 = &page.entries[0];
    assert_eq!(v10.version_no, 10);
    assert_eq!(v10.actor_name.as_deref(), Some("Ben Okoro"));
    assert_eq!(v10.summary, "note: ok → late night");
    assert_eq!(v10.changed_fields, vec!["note"]);
    assert_eq!(v10.shipment_reference, "SHP-T-1");
    assert_eq!(page.next_before, Some(8));
    // By id too.
    let by_id = timeline::page(&db, &shipment.to_string(), &TimelineFilter::default(), Some(2), 5)
        .await
        .unwrap();
    assert_eq!(by_id.entries.iter().map(|e| e.version_no).collect::<Vec<_>>(), vec![1]);
    let first = &by_id.entries[0];
    assert_eq!(first.summary, "carrier: ∅; destination: Lyon; status: booked");
}

#[tokio::test]
async fn facets_count_actors_and_event_types() {
    let (_, db, _) = fixture().await;
    let f = timeline::facets(&db, "SHP-T-1").await.unwrap();
    let actors: Vec<(Option<&str>, i64)> = f.actors.iter().map(|a| (a.name.as_deref(), a.count)).collect();
    assert_eq!(actors, vec![(Some("Ana Lima"), 5), (Some("Ben Okoro"), 5)]);
    assert_eq!(f.event_types[0].event_type, "note_added");
    assert_eq!(f.event_types[0].count, 4);
    assert_eq!(f.first, Some(t0().into()));
    assert_eq!(f.last, Some((t0() + Duration::minutes(810)).into()));
}

#[tokio::test]
async fn the_actor_view_pages_across_shipments_with_tied_timestamps() {
    let (_, db, _) = fixture().await;
    // A second shipment where Ana works at the very same moments as in the first.
    let same_time: Vec<Step> = (0..4)
        .map(|i| {
            (
                "note_added",
                ANA,
                30,
                json!({"note": {"old": null, "new": format!("n{i}")}}),
            )
        })
        .collect();
    history(&db, "SHP-T-2", &same_time).await;
    let everything = actor::page(&db, "ana@example.com", &TimelineFilter::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(everything.actor.name.as_deref(), Some("Ana Lima"));
    assert_eq!(everything.entries.len(), 5 + 4);
    let key = |e: &waybill::domain::reads::TimelineEntry| (e.timestamp, e.shipment_id.clone(), e.version_no);
    assert!(
        everything.entries.windows(2).all(|w| key(&w[0]) > key(&w[1])),
        "strictly newest first"
    );
    for limit in [1, 2, 4] {
        let mut got = Vec::new();
        let mut before = None;
        loop {
            let page = actor::page(&db, "Ana Lima", &TimelineFilter::default(), before.as_ref(), limit)
                .await
                .unwrap();
            got.extend(page.entries.iter().map(key));
            match page.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        assert_eq!(
            got,
            everything.entries.iter().map(key).collect::<Vec<_>>(),
            "by {limit}"
        );
    }
    let notes = TimelineFilter {
        event_types: vec!["note_added".into()],
        ..Default::default()
    };
    let page = actor::page(&db, ANA, &notes, None, 100).await.unwrap();
    assert_eq!(page.entries.len(), 2 + 4);
    assert!(page.entries.iter().any(|e| e.shipment_reference == "SHP-T-2"));
}

#[tokio::test]
async fn blame_names_who_last_changed_each_field() {
    let (_, db, _) = fixture().await;
    let b = blame::blame(&db, "SHP-T-1").await.unwrap();
    let line = |field: &str| b.lines.iter().find(|l| l.field == field).unwrap();
    let destination = line("destination");
    assert_eq!(
        (destination.version_no, destination.actor_name.as_deref()),
        (7, Some("Ben Okoro"))
    );
    assert_eq!(destination.value, json!("Paris"));
    assert_eq!(destination.previous, Some(json!("Lyon")));
    assert_eq!(line("carrier").version_no, 3);
    assert_eq!(line("status").version_no, 9);
    assert_eq!(line("status").actor_name.as_deref(), Some("Ana Lima"));
    assert_eq!(line("note").version_no, 10);
    assert_eq!(b.lines.len(), 4);
    assert_eq!(b.unattributed, vec!["created_by_import"]);
    assert_eq!(b.latest_version, 10);
}

#[tokio::test]
async fn a_fields_history_lists_every_change_with_before_and_after() {
    let (_, db, shipment) = fixture().await;
    // A change that did not record the old value: the previous change of the field says it.
    let bare = ("note_added", ANA, 900, json!({"note": "bare value"}));
    insert_version(&db, shipment, 11, &bare, None).await;

    let notes = field::field_history(&db, "SHP-T-1", "note", None, 50).await.unwrap();
    let seen: Vec<(i32, Option<Value>, Value)> = notes
        .entries
        .iter()
        .map(|e| (e.version_no, e.old.clone(), e.new.clone()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (11, Some(json!("late night")), json!("bare value")),
            (10, Some(json!("ok")), json!("late night")),
            (8, Some(json!("very fragile")), json!("ok")),
            (5, Some(json!("fragile")), json!("very fragile")),
            // Recorded as null: the note was empty before.
            (4, Some(Value::Null), json!("fragile")),
        ]
    );
    assert_eq!(notes.entries[1].actor_name.as_deref(), Some("Ben Okoro"));
    assert_eq!(notes.entries[1].description.as_deref(), Some("note_added #10"));
    assert_eq!(notes.next_before, None);

    // Keyset pages, like the timeline: every change once.
    let first = field::field_history(&db, "SHP-T-1", "note", None, 2).await.unwrap();
    assert_eq!(
        first.entries.iter().map(|e| e.version_no).collect::<Vec<_>>(),
        vec![11, 10]
    );
    let second = field::field_history(&db, "SHP-T-1", "note", first.next_before, 2)
        .await
        .unwrap();
    assert_eq!(
        second.entries.iter().map(|e| e.version_no).collect::<Vec<_>>(),
        vec![8, 5]
    );
    // The old value across a page boundary comes from the change itself.
    assert_eq!(second.entries[1].old, Some(json!("fragile")));

    let destination = field::field_history(&db, "SHP-T-1", "destination", None, 50)
        .await
        .unwrap();
    assert_eq!(
        destination.entries.iter().map(|e| e.version_no).collect::<Vec<_>>(),
        vec![7, 1]
    );
    let never = field::field_history(&db, "SHP-T-1", "weight", None, 50).await.unwrap();
    assert!(never.entries.is_empty() && never.next_before.is_none());
    let message = field::field_history(&db, "SHP-T-1", " ", None, 50)
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("name the field"), "{message}");
    assert!(matches!(
        field::field_history(&db, "SHP-NOPE", "note", None, 50)
            .await
            .unwrap_err(),
        Error::ShipmentNotFound { .. }
    ));
}

#[tokio::test]
async fn as_of_gives_the_state_at_a_time() {
    let (_, db, _) = fixture().await;
    // At the tied moment, the last version written then wins.
    let at = version::as_of(&db, "SHP-T-1", t0() + Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(at.entry.version_no, 6);
    assert_eq!(at.state.as_ref().unwrap()["status"], json!("in_transit"));
    assert_eq!(at.state.as_ref().unwrap()["destination"], json!("Lyon"));
    let later = version::as_of(&db, "SHP-T-1", t0() + Duration::minutes(45))
        .await
        .unwrap();
    assert_eq!(later.entry.version_no, 7);
    assert_eq!(later.state.as_ref().unwrap()["destination"], json!("Paris"));
    let message = version::as_of(&db, "SHP-T-1", t0() - Duration::days(1))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("had no history yet") && message.contains("first version is from"),
        "{message}"
    );
}

#[tokio::test]
async fn a_version_shows_its_state_and_diff_and_any_two_compare() {
    let (_, db, _) = fixture().await;
    let v7 = version::version(&db, "SHP-T-1", 7).await.unwrap();
    assert_eq!((v7.previous, v7.next, v7.latest), (Some(6), Some(8), 10));
    assert_eq!(v7.state_source, SnapshotSource::Stored);
    assert_eq!(v7.diff.from_version, Some(6));
    assert_eq!(v7.diff.fields.len(), 1);
    assert_eq!(v7.diff.fields[0].path, "destination");
    assert_eq!(v7.diff.fields[0].old, Some(json!("Lyon")));

    let v1 = version::version(&db, "SHP-T-1", 1).await.unwrap();
    assert_eq!(v1.previous, None);
    assert!(v1
        .diff
        .fields
        .iter()
        .all(|f| f.kind == waybill::timeline::diff::ChangeKind::Added));

    let d = version::compare(&db, "SHP-T-1", 2, 9).await.unwrap();
    assert_eq!(d.shipment.reference, "SHP-T-1");
    let d = d.diff;
    let paths: Vec<&str> = d.fields.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["carrier", "destination", "note", "status"]);

    match version::version(&db, "SHP-T-1", 99).await.unwrap_err() {
        e @ Error::VersionNotFound { .. } => {
            assert_eq!(e.to_string(), "SHP-T-1 has no version 99; its versions run up to 10.")
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn messy_histories_still_show_and_say_what_they_cannot_compare() {
    let (_, db, _) = fixture().await;
    let shipment = common::new_shipment(&db, "SHP-MESSY").await;
    // v1, v2: no snapshots, changes per field; v3: changes as text, snapshot a string.
    let rows: [(i32, Value, Option<Value>); 3] = [
        (1, json!({"status": {"old": null, "new": "booked"}}), None),
        (2, json!({"status": {"old": "booked", "new": "lost"}}), None),
        (3, json!("status set by hand"), Some(json!("free text snapshot"))),
    ];
    for (v, changes, snapshot) in &rows {
        let step: Step = ("edited", ANA, *v as i64, changes.clone());
        insert_version(&db, shipment, *v, &step, snapshot.as_ref()).await;
    }
    let page = timeline::page(&db, "SHP-MESSY", &TimelineFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 3);
    assert_eq!(page.entries[0].summary, "(changes recorded as a string, not per field)");
    assert!(page.entries[0].changed_fields.is_empty());

    let v2 = version::version(&db, "SHP-MESSY", 2).await.unwrap();
    assert_eq!(v2.state_source, SnapshotSource::Reconstructed);
    assert_eq!(v2.state, Some(json!({"status": "lost"})));
    assert_eq!(v2.diff.fields.len(), 1);
    assert!(
        v2.diff.notes.iter().any(|n| n.contains("rebuilt by replaying")),
        "{:?}",
        v2.diff.notes
    );

    let v3 = version::version(&db, "SHP-MESSY", 3).await.unwrap();
    assert!(
        v3.diff.notes.iter().any(|n| n.contains("not objects")),
        "{:?}",
        v3.diff.notes
    );
    let blame = blame::blame(&db, "SHP-MESSY").await.unwrap();
    assert_eq!(blame.lines.len(), 1, "the text changes are skipped, not fatal");
    assert_eq!(blame.lines[0].version_no, 2);
}

#[tokio::test]
async fn activity_counts_days_in_the_viewers_time_zone() {
    let (_, db, _) = fixture().await;
    let scope = Scope::Shipment("SHP-T-1".into());
    let utc = activity::activity(&db, &scope, &TimelineFilter::default(), "UTC")
        .await
        .unwrap();
    assert_eq!(utc.bars.len(), 1, "all on 2026-11-01 in UTC");
    assert_eq!(utc.total, 10);
    let tokyo = activity::activity(&db, &scope, &TimelineFilter::default(), "Asia/Tokyo")
        .await
        .unwrap();
    // 10:00 UTC is 19:00 in Tokyo; 23:30 UTC is 08:30 the next day.
    assert_eq!(tokyo.bars.len(), 2);
    assert_eq!(tokyo.bars[1].start, "2026-11-02");
    assert_eq!(tokyo.bars[1].counts.iter().sum::<i64>(), 1);
    let by_ben = activity::activity(
        &db,
        &Scope::Actor("Ben Okoro".into()),
        &TimelineFilter::default(),
        "UTC",
    )
    .await
    .unwrap();
    assert_eq!(by_ben.total, 5);
    assert_eq!(by_ben.subject, "Ben Okoro");
    let svg = waybill::plots::svg(&waybill::plots::Chart::Stacked(tokyo.changes_chart())).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("note added"),
        "the legend names event types"
    );
    let bad = activity::activity(&db, &scope, &TimelineFilter::default(), "Mars/Olympus").await;
    assert!(bad.unwrap_err().to_string().contains("unknown time zone"));
}

#[tokio::test]
async fn exports_stream_rows_with_their_filters_and_time_zone() {
    let (_, db, _) = fixture().await;
    let filter = TimelineFilter {
        actors: vec![BEN.to_string()],
        ..Default::default()
    };
    let scope = Scope::Shipment("SHP-T-1".into());
    let request = |scope: &Scope, filter: &TimelineFilter, zone: &str, format| export::ExportRequest {
        scope: scope.clone(),
        filter: filter.clone(),
        time_zone: zone.into(),
        format,
        page: None,
    };
    let mut csv_out = Vec::new();
    let rows = export::export(
        &db,
        &request(&scope, &filter, "Europe/Berlin", TimelineFormat::Csv),
        &mut csv_out,
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(rows, 5);
    let text = String::from_utf8(csv_out).unwrap();
    assert!(
        text.contains("# filters: actor Ben Okoro (00000000-0000-0000-0000-00000000000b)"),
        "{text}"
    );
    assert!(text.contains("# time zone: Europe/Berlin"));
    assert!(text.contains("# exported at: "));
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 5);
    assert_eq!(&records[0][2], "10");
    // 23:30 UTC on Nov 1 is 00:30 on Nov 2 in Berlin (UTC+1 in November).
    assert_eq!(&records[0][3], "2026-11-02T00:30:00.000+01:00");
    assert_eq!(&records[0][4], "2026-11-01T23:30:00.000Z");
    assert_eq!(&records[0][7], "Ben Okoro");
    let changes: Value = serde_json::from_str(&records[0][10]).unwrap();
    assert_eq!(changes["note"]["new"], json!("late night"));

    let dir = common::home();
    let export::ExportedFile { path, rows } = export::export_to_dir(
        &db,
        &request(&scope, &TimelineFilter::default(), "UTC", TimelineFormat::Json),
        dir.path(),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(rows, 10);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(json["rows"], json!(10));
    assert_eq!(json["entries"].as_array().unwrap().len(), 10);
    assert_eq!(json["time_zone"], json!("UTC"));
    assert_eq!(json["filters"], json!("no filter"));
    assert!(json["exported_at"].is_string());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no partial file left"
    );
    // Named after the shipment; the same export again never overwrites it.
    let name = |p: &str| {
        std::path::Path::new(p)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    assert!(name(&path).starts_with("SHP-T-1 "), "{path}");
    let notes = TimelineFilter {
        event_types: vec!["note_added".into()],
        ..TimelineFilter::default()
    };
    let first = export::export_to_dir(
        &db,
        &request(&scope, &notes, "UTC", TimelineFormat::Csv),
        dir.path(),
        &|_| {},
    )
    .await
    .unwrap();
    let second = export::export_to_dir(
        &db,
        &request(&scope, &notes, "UTC", TimelineFormat::Csv),
        dir.path(),
        &|_| {},
    )
    .await
    .unwrap();
    assert!(name(&first.path).starts_with("SHP-T-1 note_added "), "{}", first.path);
    assert_ne!(first.path, second.path);
    assert!(
        name(&second.path).ends_with(" (2).csv")
            || name(&second.path)[..name(&second.path).len() - 4] != name(&first.path)[..name(&first.path).len() - 4],
        "{} beside {}",
        second.path,
        first.path
    );
    for f in [&first.path, &second.path] {
        assert!(std::fs::read_to_string(f)
            .unwrap()
            .contains("# filters: event type note_added"));
    }
    std::fs::remove_file(&first.path).unwrap();
    std::fs::remove_file(&second.path).unwrap();

    // A failing export leaves nothing behind.
    let bad = export::export_to_dir(
        &db,
        &request(
            &Scope::Shipment("NOPE".into()),
            &TimelineFilter::default(),
            "UTC",
            TimelineFormat::Csv,
        ),
        dir.path(),
        &|_| {},
    )
    .await;
    assert!(matches!(bad, Err(Error::ShipmentNotFound { .. })));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn bad_input_gets_a_clear_error() {
    let (_, db, _) = fixture().await;
    let none = TimelineFilter::default();
    let e = timeline::page(&db, "SHP-NOPE", &none, None, 10).await.unwrap_err();
    assert_eq!(e.code(), "shipment_not_found");
    let e = actor::page(&db, "nobody@example.com", &none, None, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "actor_not_found");
    assert!(e.to_string().contains("nobody@example.com"));
    let e = actor::page(&db, &Uuid::new_v4().to_string(), &none, None, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "actor_not_found", "an id nobody used");
    let inverted = TimelineFilter {
        since: Some(t0()),
        until: Some(t0() - Duration::hours(1)),
        ..Default::default()
    };
    let e = timeline::page(&db, "SHP-T-1", &inverted, None, 10).await.unwrap_err();
    assert!(e.to_string().contains("Put the earlier time first"), "{e}");
    for limit in [0, 1001] {
        let e = timeline::page(&db, "SHP-T-1", &none, None, limit).await.unwrap_err();
        assert_eq!(e.code(), "invalid_input");
    }
    let e = timeline::page(&db, "SHP-T-1", &none, Some(0), 10).await.unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let e = version::compare(&db, "SHP-T-1", 1, 42).await.unwrap_err();
    assert_eq!(e.code(), "version_not_found");
}

#[tokio::test]
async fn without_an_actors_table_ids_stand_in_for_names() {
    let (_, db, _) = fixture().await;
    sqlx::query("DROP TABLE actors").execute(&db).await.unwrap();
    let page = timeline::page(&db, "SHP-T-1", &TimelineFilter::default(), None, 2)
        .await
        .unwrap();
    assert_eq!(page.entries[0].actor_name, None);
    assert_eq!(page.entries[0].actor_id.as_deref(), Some(BEN));
    let by_id = actor::page(&db, BEN, &TimelineFilter::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(by_id.entries.len(), 5);
    let e = actor::page(&db, "Ben Okoro", &TimelineFilter::default(), None, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "actor_not_found");
    assert!(blame::blame(&db, "SHP-T-1")
        .await
        .unwrap()
        .lines
        .iter()
        .all(|l| l.actor_name.is_none()));
}

#[tokio::test]
async fn a_missing_history_table_is_named() {
    let (_, db) = common::empty_db().await;
    sqlx::query("CREATE TABLE shipment_requests (id uuid PRIMARY KEY, reference text, title text)")
        .execute(&db)
        .await
        .unwrap();
    let shipment = Uuid::new_v4();
    sqlx::query("INSERT INTO shipment_requests VALUES ($1, 'SHP-1', 'Cargo')")
        .bind(shipment)
        .execute(&db)
        .await
        .unwrap();
    let e = timeline::page(&db, "SHP-1", &TimelineFilter::default(), None, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "table_missing");
    assert!(e.to_string().contains("`shipment_history`"), "{e}");
    let e = blame::blame(&db, &shipment.to_string()).await.unwrap_err();
    assert_eq!(e.code(), "table_missing");
}

#[tokio::test]
async fn browsing_transactions_cannot_write() {
    let (_, db, _) = fixture().await;
    let mut tx = waybill::db::begin_read_only(&db).await.unwrap();
    let err = sqlx::query("DELETE FROM shipment_history")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    let code = err.as_database_error().and_then(|e| e.code()).map(|c| c.to_string());
    assert_eq!(code.as_deref(), Some("25006"), "read-only transaction");
}
