//! Any-table benchmark (issue #25, "fast on big tables"). Run it through
//! `scripts/bench-any-table.sh`, which seeds 2,000,000 history rows in
//! Waybill's layout and copies the same history into a PaperTrail-layout
//! `versions` table (with the index PaperTrail's keyset paging needs: `(item_type, item_id, id)`).
//!
//! Each case is one core call, read through Waybill's own layout and through
//! the `papertrail:item_type=Shipment` mapping, side by side in one process on
//! the same history; medians with the 10th–90th percentile of the wall time
//! (queries, decoding, and serializing the result to JSON as the app's IPC
//! does). The ratio is PaperTrail's median over Waybill's.

#[path = "bench_common/mod.rs"]
mod bench_common;

use bench_common::{call_time, json_len, show, Spread};

use sqlx::postgres::PgConnectOptions;
use waybill::db::Db;
use waybill::domain::layout::{self, Mapping};
use waybill::domain::TimelineFilter;
use waybill::timeline::{self, blame};

const RUNS: usize = 30;

async fn open(options: &PgConnectOptions, mapping: Mapping) -> Db {
    let db = waybill::db::connect(options.clone(), 2).await.unwrap();
    layout::with_mapping(db, mapping)
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: bench_any_table DATABASE_URL");
    let options = waybill::db::parse_url(&url).unwrap();
    let papertrail = Mapping::parse_spec("papertrail:item_type=Shipment,records_table=pt_shipments").unwrap();
    let native = open(&options, Mapping::waybill()).await;
    let mapped = open(&options, papertrail.clone()).await;

    // The record with 100,000 versions, by its key in each layout.
    let (uuid, pt_id, reference, n): (uuid::Uuid, i64, String, i32) = sqlx::query_as(
        "SELECT s.id, p.id, s.reference, (SELECT max(version_no) FROM shipment_history h WHERE h.shipment_id = s.id)
           FROM shipment_requests s JOIN pt_shipments p ON p.uuid = s.id WHERE s.reference LIKE '%-000001'",
    )
    .fetch_one(&*native)
    .await
    .unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM versions")
        .fetch_one(&*native)
        .await
        .unwrap();
    let (w_key, p_key) = (uuid.to_string(), pt_id.to_string());
    let none = TimelineFilter::default();
    eprintln!("{rows} PaperTrail versions; {reference} has {n}; {RUNS} runs per case");

    // The two layouts tell the same history: the same versions, numbered alike.
    for before in [None, Some(1001), Some(50_001)] {
        let w = timeline::page(&native, &w_key, &none, before, 20).await.unwrap();
        let p = timeline::page(&mapped, &p_key, &none, before, 20).await.unwrap();
        let pairs = |entries: &[waybill::domain::reads::TimelineEntry]| {
            entries
                .iter()
                .map(|e| (e.version_no, e.changed_fields.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&w.entries), pairs(&p.entries), "page before {before:?}");
    }

    let mut table: Vec<(String, Spread, Spread)> = Vec::new();
    let mut case = |name: &str, w: Spread, p: Spread| table.push((name.to_string(), w, p));

    for (name, before) in [
        ("timeline: first page (100)", None),
        ("timeline: page at v1,001 (99,000 below the top)", Some(1001)),
        ("timeline: page at v50,001", Some(50_001)),
    ] {
        let w = call_time(RUNS, || async {
            json_len(&timeline::page(&native, &w_key, &none, before, 100).await.unwrap());
        })
        .await;
        let p = call_time(RUNS, || async {
            json_len(&timeline::page(&mapped, &p_key, &none, before, 100).await.unwrap());
        })
        .await;
        case(name, w, p);
    }

    // A deep page on a connection that has not numbered this record's versions
    // yet: the one read of its order keys that numbering costs.
    let cold = 10;
    let w = call_time(cold, || async {
        let db = open(&options, Mapping::waybill()).await;
        json_len(&timeline::page(&db, &w_key, &none, Some(1001), 100).await.unwrap());
        db.close().await;
    })
    .await;
    let p = call_time(cold, || async {
        let db = open(&options, papertrail.clone()).await;
        json_len(&timeline::page(&db, &p_key, &none, Some(1001), 100).await.unwrap());
        db.close().await;
    })
    .await;
    case("timeline: page at v1,001 on a new connection (with connecting)", w, p);

    let w = call_time(RUNS, || async {
        json_len(&blame::blame(&native, &w_key).await.unwrap());
    })
    .await;
    let p = call_time(RUNS, || async {
        json_len(&blame::blame(&mapped, &p_key).await.unwrap());
    })
    .await;
    case("blame (every field's last change)", w, p);

    let query = waybill::shipments::ShipmentQuery {
        limit: 50,
        ..Default::default()
    };
    let few = 10;
    let w = call_time(few, || async {
        json_len(&waybill::shipments::find(&native, &query).await.unwrap());
    })
    .await;
    let p = call_time(few, || async {
        json_len(&waybill::shipments::find(&mapped, &query).await.unwrap());
    })
    .await;
    case("record list: latest 50 (from the history itself on PaperTrail)", w, p);

    // Detection reads both histories' catalogs, kinds, estimates and previews.
    let detect = call_time(5, || async {
        let found = layout::detect::detect(&native).await.unwrap();
        assert_eq!(found.len(), 2, "both histories found");
    })
    .await;

    // What the index Database health asks for on PaperTrail's table buys:
    // the same pages with only the index PaperTrail's generator makes.
    let page_cases = [
        ("timeline: first page (100)", None),
        ("timeline: page at v1,001", Some(1001)),
        ("timeline: page at v50,001", Some(50_001)),
    ];
    sqlx::raw_sql(
        "DROP INDEX index_versions_on_item_type_and_item_id_and_id;
         CREATE INDEX index_versions_on_item_type_and_item_id ON versions (item_type, item_id);
         ANALYZE versions;",
    )
    .execute(&*native)
    .await
    .unwrap();
    let mut without = Vec::new();
    for (_, before) in page_cases {
        // A new connection each time: numbering the record's versions is part of what the index serves.
        without.push(
            call_time(5, || async {
                let db = open(&options, papertrail.clone()).await;
                json_len(&timeline::page(&db, &p_key, &none, before, 100).await.unwrap());
                db.close().await;
            })
            .await,
        );
    }
    let mut with_new = Vec::new();
    sqlx::raw_sql(
        "CREATE INDEX index_versions_on_item_type_and_item_id_and_id ON versions (item_type, item_id, id);
         ANALYZE versions;",
    )
    .execute(&*native)
    .await
    .unwrap();
    for (_, before) in page_cases {
        with_new.push(
            call_time(5, || async {
                let db = open(&options, papertrail.clone()).await;
                json_len(&timeline::page(&db, &p_key, &none, before, 100).await.unwrap());
                db.close().await;
            })
            .await,
        );
    }

    println!("| Case | Waybill's layout, ms | PaperTrail's layout, ms | Ratio |");
    println!("|---|---|---|---|");
    for (name, w, p) in &table {
        println!("| {name} | {} | {} | {:.2}× |", show(w), show(p), p.median / w.median);
    }
    println!();
    println!(
        "`history detect` on this database (both histories, {rows} rows each): {} ms.",
        show(&detect)
    );
    println!();
    println!("PaperTrail's layout on a new connection, with the index Database health asks for and with only PaperTrail's own:");
    println!();
    println!("| Case | (item_type, item_id, id), ms | (item_type, item_id) only, ms | Ratio |");
    println!("|---|---|---|---|");
    for (((name, _), w), wo) in page_cases.iter().zip(&with_new).zip(&without) {
        println!("| {name} | {} | {} | {:.1}× |", show(w), show(wo), wo.median / w.median);
    }
}
