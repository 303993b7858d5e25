//! Index benchmark (issue: "prove the performance indexes"). Run it through
//! `scripts/bench-indexes.sh`, which seeds 2,000,000 history rows first.
//!
//! Reproduces the guide's before/after table in one run on the same data:
//! fetching 1,000 versions and filtering by event type with only the unique
//! constraint's index, with all five of the guide's indexes, and with the
//! advised minimal set; PostgreSQL execution-time medians (EXPLAIN ANALYZE,
//! 10th–90th percentile) and the total size of the table's indexes for each.
//! It drops and recreates indexes: never point it at a database you care about.

use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;
use waybill::domain::HistoryTable;
use waybill::health::advise;
use waybill::health::apply;

const RUNS: usize = 30;
const GUIDE: [&str; 5] = [
    "idx_shipment_history_version_desc",
    "idx_shipment_history_timestamp_desc",
    "idx_shipment_history_actor",
    "idx_shipment_history_event_type",
    "idx_shipment_history_composite",
];

async fn median_ms(db: &PgPool, sql: &str, id: Uuid) -> (f64, f64, f64, String) {
    let mut times = Vec::new();
    let mut index = String::new();
    for i in 0..RUNS + 3 {
        let plan: Value = sqlx::query_scalar(&format!("EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap();
        if i >= 3 {
            times.push(plan[0]["Execution Time"].as_f64().unwrap());
        }
        if index.is_empty() {
            index = first_index(&plan[0]["Plan"]).unwrap_or_else(|| "sequential scan".into());
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.1), at(0.9), index)
}

fn first_index(node: &Value) -> Option<String> {
    if let Some(name) = node["Index Name"].as_str() {
        return Some(name.to_string());
    }
    node["Plans"].as_array()?.iter().find_map(first_index)
}

async fn index_bytes(db: &PgPool) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT pg_indexes_size('shipment_history')")
        .fetch_one(db)
        .await
        .unwrap();
    n
}

async fn exec(db: &PgPool, sql: &str) {
    sqlx::query(sql).execute(db).await.unwrap();
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: bench_indexes DATABASE_URL");
    let db = waybill::db::connect(waybill::db::parse_url(&url).unwrap(), 4)
        .await
        .unwrap();
    let (id, versions): (Uuid, i32) = sqlx::query_as(
        "SELECT s.id, (SELECT max(version_no) FROM shipment_history h WHERE h.shipment_id = s.id)
           FROM shipment_requests s WHERE s.reference LIKE '%-000001'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let (table_bytes,): (i64,) = sqlx::query_as("SELECT pg_table_size('shipment_history')")
        .fetch_one(&db)
        .await
        .unwrap();
    let fetch = "SELECT * FROM shipment_history WHERE shipment_id = $1 ORDER BY version_no DESC LIMIT 1000";
    let filter = "SELECT * FROM shipment_history WHERE shipment_id = $1 AND event_type = 'carrier_assigned'
                  ORDER BY \"timestamp\" DESC LIMIT 100";
    let table = HistoryTable::default();
    eprintln!("shipment with {versions} versions; {RUNS} runs per cell");

    let mut rows = Vec::new();
    // 1. Only the unique constraint's index.
    for name in GUIDE {
        exec(&db, &format!("DROP INDEX IF EXISTS {name}")).await;
    }
    exec(&db, "ANALYZE shipment_history").await;
    rows.push((
        "only the unique constraint",
        median_ms(&db, fetch, id).await,
        median_ms(&db, filter, id).await,
        index_bytes(&db).await,
    ));
    // 2. All five of the guide's.
    apply::apply(&db, &table, false, &|_| {}).await.unwrap();
    exec(&db, "ANALYZE shipment_history").await;
    rows.push((
        "the guide's five added",
        median_ms(&db, fetch, id).await,
        median_ms(&db, filter, id).await,
        index_bytes(&db).await,
    ));
    // 3. The advised minimal set: the redundant ones dropped.
    let advice = advise::advise(&db, &table).await.unwrap();
    for r in &advice.redundant {
        exec(&db, &format!("DROP INDEX {}", r.index)).await;
    }
    exec(&db, "ANALYZE shipment_history").await;
    let dropped: Vec<&str> = advice.redundant.iter().map(|r| r.index.as_str()).collect();
    rows.push((
        "advised minimal set",
        median_ms(&db, fetch, id).await,
        median_ms(&db, filter, id).await,
        index_bytes(&db).await,
    ));
    // Leave the database as the schema has it.
    apply::apply(&db, &table, false, &|_| {}).await.unwrap();

    let show = |m: &(f64, f64, f64, String)| format!("{:.2} ({:.2}–{:.2}) via {}", m.0, m.1, m.2, m.3);
    println!("| indexes | 1,000 latest versions, ms | 100 of one event type, ms | index size | % of table |");
    println!("|---|---:|---:|---:|---:|");
    for (name, f, e, bytes) in &rows {
        println!(
            "| {name} | {} | {} | {} MB | {:.0}% |",
            show(f),
            show(e),
            bytes / 1_000_000,
            100.0 * *bytes as f64 / table_bytes as f64
        );
    }
    println!();
    println!(
        "Table {} MB, {versions}-version shipment, medians of {RUNS} runs (10th–90th percentile); the advised set drops {}.",
        table_bytes / 1_000_000,
        dropped.join(" and ")
    );
}
