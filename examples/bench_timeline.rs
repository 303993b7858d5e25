//! Timeline benchmark (issue: "fast on millions of rows"). Run it through
//! `scripts/bench-timeline.sh`, which seeds 2,000,000 history rows first.
//!
//! For each case it reports, as medians with the 10th–90th percentile spread:
//! PostgreSQL's own execution time (EXPLAIN ANALYZE of the statement the core
//! runs, built by the same function: `waybill::timeline::statements`) and the time of the whole core call (queries, decoding, and serializing the
//! result to JSON, as the app's IPC does). All cases run in one process, one
//! after the other, on the same data, so their ratios are comparable.

#[path = "bench_common/mod.rs"]
mod bench_common;

use bench_common::{call_time, json_len, show, spread, Spread};

use serde_json::Value;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;
use waybill::domain::TimelineFilter;
use waybill::timeline::activity::Scope;
use waybill::timeline::export::{self, TimelineFormat};
use waybill::timeline::statements::Statements;
use waybill::timeline::{self, blame};

const RUNS: usize = 30;

const EXPLAIN: &str = "EXPLAIN (ANALYZE, FORMAT JSON) SELECT ";

/// PostgreSQL's execution time for the statements `make` builds (each starting
/// with [`EXPLAIN`]), summed when there are several.
async fn pg_time<F, Fut>(db: &PgPool, mut make: F) -> Spread
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Vec<QueryBuilder<'static, Postgres>>>,
{
    let mut times = Vec::with_capacity(RUNS);
    for i in 0..RUNS + 3 {
        let mut total = 0.0;
        for mut q in make().await {
            let plan: Value = q.build_query_scalar().persistent(false).fetch_one(db).await.unwrap();
            total += plan[0]["Execution Time"].as_f64().unwrap();
        }
        if i >= 3 {
            times.push(total);
        }
    }
    spread(times)
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: bench_timeline DATABASE_URL");
    let db = waybill::db::connect(waybill::db::parse_url(&url).unwrap(), 2)
        .await
        .unwrap();
    let find = |suffix: &'static str| {
        let db = db.clone();
        async move {
            let (id, n): (Uuid, i32) = sqlx::query_as(
                "SELECT s.id, (SELECT max(version_no) FROM shipment_history h WHERE h.shipment_id = s.id)
                   FROM shipment_requests s WHERE s.reference LIKE '%-' || $1",
            )
            .bind(suffix)
            .fetch_one(&db)
            .await
            .unwrap();
            (id, n)
        }
    };
    let (big, big_n) = find("000001").await;
    let (ten, ten_n) = find("000002").await;
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM shipment_history")
        .fetch_one(&db)
        .await
        .unwrap();
    let (busiest,): (Uuid,) = sqlx::query_as(
        "SELECT actor_id FROM shipment_history WHERE shipment_id = $1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    .bind(big)
    .fetch_one(&db)
    .await
    .unwrap();
    let (mid,): (chrono::DateTime<chrono::Utc>,) =
        sqlx::query_as("SELECT \"timestamp\" FROM shipment_history WHERE shipment_id = $1 AND version_no = $2")
            .bind(big)
            .bind(big_n / 2)
            .fetch_one(&db)
            .await
            .unwrap();
    let week = TimelineFilter {
        since: Some(mid),
        until: Some(mid + chrono::Duration::days(7)),
        ..Default::default()
    };
    let rare = "carrier_assigned";
    let key = big.to_string();
    let none = TimelineFilter::default();
    let deep = 1000; // the last page of the history: 99,000 versions below the top
    eprintln!("{rows} history rows; shipment with {big_n} versions, another with {ten_n}; {RUNS} runs per case");

    let mut table: Vec<(String, Spread, Option<Spread>, String)> = Vec::new();
    let stmts = Statements::for_shipment(&db, &key).await.unwrap();
    let page = |filter: &TimelineFilter, before: Option<i32>, limit: u32| {
        let q = stmts.page(EXPLAIN, filter, before, limit);
        async move { vec![q] }
    };

    // First page.
    let pg = pg_time(&db, || page(&none, None, 100)).await;
    let call = call_time(RUNS, || async {
        json_len(&timeline::page(&db, &key, &none, None, 100).await.unwrap());
    })
    .await;
    table.push((
        "first page (100) of 100,000 versions".into(),
        pg,
        Some(call),
        "keyset".into(),
    ));

    // Deep page, keyset.
    let pg = pg_time(&db, || page(&none, Some(deep + 1), 100)).await;
    let call = call_time(RUNS, || async {
        json_len(&timeline::page(&db, &key, &none, Some(deep + 1), 100).await.unwrap());
    })
    .await;
    table.push((
        format!("deep page (100 below v{})", deep + 1),
        pg,
        Some(call),
        "keyset".into(),
    ));

    // The same deep page with OFFSET, for comparison: the core's first-page
    // statement (same columns, same binds) with an OFFSET added.
    let first_page = stmts.page("SELECT ", &none, None, 100).sql().to_string();
    assert!(
        first_page.ends_with(" LIMIT $3"),
        "the page statement ends with its LIMIT"
    );
    let offset_sql = first_page.replace(" LIMIT $3", &format!(" OFFSET {} LIMIT $3", big_n - deep));
    let explain_offset = format!("EXPLAIN (ANALYZE, FORMAT JSON) {offset_sql}");
    let mut times = Vec::new();
    for i in 0..RUNS + 3 {
        let plan: Value = sqlx::query_scalar(&explain_offset)
            .persistent(false)
            .bind(stmts.shipment.reference.clone())
            .bind(big)
            .bind(101_i64)
            .fetch_one(&db)
            .await
            .unwrap();
        if i >= 3 {
            times.push(plan[0]["Execution Time"].as_f64().unwrap());
        }
    }
    let pg = spread(times);
    let call = call_time(RUNS, || async {
        let rows = sqlx::query(&offset_sql)
            .persistent(false)
            .bind(stmts.shipment.reference.clone())
            .bind(big)
            .bind(101_i64)
            .fetch_all(&db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 101);
    })
    .await;
    table.push((
        "same deep page with OFFSET".into(),
        pg,
        Some(call),
        "OFFSET, for comparison (a plain fetch)".into(),
    ));

    // 1,000 latest versions.
    let pg = pg_time(&db, || page(&none, None, 1000)).await;
    let call = call_time(RUNS, || async {
        json_len(&timeline::page(&db, &key, &none, None, 1000).await.unwrap());
    })
    .await;
    table.push((
        "1,000 latest versions".into(),
        pg,
        Some(call),
        "the guide: ~500 ms before indexes, ~20 ms after".into(),
    ));

    // Filters.
    let by_type = TimelineFilter {
        event_types: vec![rare.into()],
        ..Default::default()
    };
    let pg = pg_time(&db, || page(&by_type, None, 100)).await;
    let call = call_time(RUNS, || async {
        json_len(&timeline::page(&db, &key, &by_type, None, 100).await.unwrap());
    })
    .await;
    table.push((
        format!("filter: event type {rare} (first 100)"),
        pg,
        Some(call),
        "".into(),
    ));

    let by_actor = TimelineFilter {
        actors: vec![busiest.to_string()],
        ..Default::default()
    };
    let pg = pg_time(&db, || page(&by_actor, None, 100)).await;
    let call = call_time(RUNS, || async {
        json_len(&timeline::page(&db, &key, &by_actor, None, 100).await.unwrap());
    })
    .await;
    table.push((
        "filter: the busiest actor (first 100)".into(),
        pg,
        Some(call),
        "".into(),
    ));

    let pg = pg_time(&db, || page(&week, None, 100)).await;
    let call = call_time(RUNS, || async {
        json_len(&timeline::page(&db, &key, &week, None, 100).await.unwrap());
    })
    .await;
    table.push((
        "filter: a 7-day range mid-history (first 100)".into(),
        pg,
        Some(call),
        "".into(),
    ));

    // The filter menus' choices (actors and event types with counts, the first
    // and last change), loaded beside the first page.
    let pg = pg_time(&db, || {
        let qs = stmts.facets(EXPLAIN);
        async move { qs.into() }
    })
    .await;
    let call = call_time(RUNS, || async {
        json_len(&timeline::facets(&db, &key).await.unwrap());
    })
    .await;
    table.push((
        "filter choices: actors and event types with counts".into(),
        pg,
        Some(call),
        "its three queries; loaded beside the first page".into(),
    ));

    // Blame over 10,000 versions.
    let ten_key = ten.to_string();
    let ten_stmts = Statements::for_shipment(&db, &ten_key).await.unwrap();
    let pg = pg_time(&db, || {
        let q = ten_stmts.blame(EXPLAIN);
        async move { vec![q] }
    })
    .await;
    let call = call_time(RUNS, || async {
        json_len(&blame::blame(&db, &ten_key).await.unwrap());
    })
    .await;
    table.push((format!("blame over {ten_n} versions"), pg, Some(call), "".into()));

    // Export of 100,000 rows (CSV, streamed to a sink).
    let request = export::ExportRequest {
        scope: Scope::Shipment(key.clone()),
        filter: none.clone(),
        time_zone: "UTC".into(),
        format: TimelineFormat::Csv,
        page: None,
    };
    let pg = pg_time(&db, || async {
        vec![stmts.export(&db, &request, EXPLAIN).await.unwrap()]
    })
    .await;
    let call = call_time(RUNS, || async {
        let mut sink = std::io::sink();
        let written = export::export(&db, &request, &mut sink, &|_| {}).await.unwrap();
        assert_eq!(written, big_n as u64);
    })
    .await;
    table.push((format!("export {big_n} rows as CSV"), pg, Some(call), "streamed".into()));

    println!("| case | PostgreSQL execution, ms | whole core call, ms | note |");
    println!("|---|---:|---:|---|");
    for (case, pg, call, note) in &table {
        println!(
            "| {case} | {} | {} | {note} |",
            show(pg),
            call.as_ref().map(show).unwrap_or_default()
        );
    }
    println!();
    println!("Medians of {RUNS} runs (10th–90th percentile in brackets), {rows} history rows.");
}
