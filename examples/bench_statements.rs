//! What the unnamed statement costs (see `db::query`): queries run with a named,
//! cached prepared statement (sqlx's default, which a transaction pooler breaks)
//! and with the unnamed one Waybill uses, side by side in one run, alternating,
//! each inside a read-only transaction as the app runs them. Only the query is
//! timed, not BEGIN/COMMIT. The page is the statement the core builds
//! (`waybill::timeline::statements`). Then it shows why the unnamed statement
//! is also the faster one for the page: the plan PostgreSQL makes for its actual
//! parameters against the generic plan a named statement switches to.
//! Run through `scripts/bench-statements.sh`.

use std::time::Instant;

use serde_json::Value;
use waybill::domain::TimelineFilter;
use waybill::timeline::statements::Statements;

const ROUNDS: usize = 2_000;

/// The statement overhead alone.
const TRIVIAL: &str = "SELECT $1::uuid";

fn spread(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.1), at(0.9))
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: bench_statements POSTGRES_URL");
    // One connection each: sqlx looks a query up in the connection's statement
    // cache even when asked for the unnamed statement, so sharing one would
    // let the unnamed runs reuse the named statement.
    let options = waybill::db::parse_url(&url).unwrap();
    let db = waybill::db::connect(options.clone(), 1).await.unwrap();
    let db_named = waybill::db::connect(options, 1).await.unwrap();
    let (reference, versions): (String, i64) = waybill::db::query_as(
        "SELECT s.reference, count(*) FROM shipment_history h JOIN shipment_requests s ON s.id = h.shipment_id
          GROUP BY s.reference ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let stmts = Statements::for_shipment(&db, &reference).await.unwrap();
    let none = TimelineFilter::default();

    println!("| query, in a read-only transaction | named, cached (sqlx's default) | unnamed (Waybill) | difference |");
    println!("| --- | ---: | ---: | ---: |");
    let page_name = format!("the timeline's first page of the {versions}-version shipment (101 rows)");
    for (name, page) in [
        ("`SELECT $1` (the statement overhead alone)", false),
        (page_name.as_str(), true),
    ] {
        let (mut named, mut unnamed) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS + 100 {
            // Alternating which goes first, so drift hits both alike.
            for persistent in [round % 2 == 0, round % 2 == 1] {
                let on = if persistent { &db_named } else { &db };
                let mut tx = waybill::db::begin_read_only(on).await.unwrap();
                let mut q = stmts.page("SELECT ", &none, None, 100);
                let started = Instant::now();
                let rows = if page {
                    q.build().persistent(persistent).fetch_all(&mut *tx).await.unwrap()
                } else {
                    sqlx::query(TRIVIAL)
                        .persistent(persistent)
                        .bind(uuid::Uuid::parse_str(&stmts.shipment.id).unwrap())
                        .fetch_all(&mut *tx)
                        .await
                        .unwrap()
                };
                let us = started.elapsed().as_secs_f64() * 1e6;
                tx.commit().await.unwrap();
                assert_eq!(rows.len(), if page { 101 } else { 1 });
                // The first 100 rounds warm the statement cache and the plans.
                if round >= 100 {
                    if persistent {
                        named.push(us)
                    } else {
                        unnamed.push(us)
                    }
                }
            }
        }
        let (n, n10, n90) = spread(named);
        let (u, u10, u90) = spread(unnamed);
        println!(
            "| {name} | {n:.0} µs ({n10:.0}–{n90:.0}) | {u:.0} µs ({u10:.0}–{u90:.0}) | {:+.0} µs ({:.2}×) |",
            u - n,
            u / n
        );
    }
    println!();
    println!("Medians of {ROUNDS} runs each (10th–90th percentile), one connection each, one process, alternating.");

    // The page statement's two plans, on one session: PREPARE it (as a named
    // statement is), then EXPLAIN its execution with the plan made for these
    // parameters (what the unnamed statement always gets) and with the generic
    // plan (what a named statement switches to after five runs).
    let mut conn = db.acquire().await.unwrap();
    let sql = stmts.page("SELECT ", &none, None, 100).sql().to_string();
    waybill::db::query(&format!("PREPARE page AS {sql}"))
        .execute(&mut *conn)
        .await
        .unwrap();
    println!();
    println!("| plan of the page statement | nodes | execution |");
    println!("| --- | --- | ---: |");
    for (name, mode) in [
        ("for its parameters (unnamed statement)", "force_custom_plan"),
        ("generic (named statement after five runs)", "force_generic_plan"),
    ] {
        waybill::db::query(&format!("SET plan_cache_mode = {mode}"))
            .execute(&mut *conn)
            .await
            .unwrap();
        let explain = format!(
            "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page('{}', '{}', 101)",
            stmts.shipment.reference.replace('\'', "''"),
            stmts.shipment.id
        );
        let plan: Value = waybill::db::query_scalar(&explain).fetch_one(&mut *conn).await.unwrap();
        let mut nodes = Vec::new();
        describe(&plan[0]["Plan"], &mut nodes);
        println!(
            "| {name} | {} | {:.2} ms |",
            nodes.join(" → "),
            plan[0]["Execution Time"].as_f64().unwrap()
        );
    }
}

/// Each plan node, outermost first: its type, index, and the rows it produced.
fn describe(node: &Value, out: &mut Vec<String>) {
    let index = node["Index Name"]
        .as_str()
        .map(|i| format!(" on {i}"))
        .unwrap_or_default();
    let backward = if node["Scan Direction"] == "Backward" {
        " (backward)"
    } else {
        ""
    };
    out.push(format!(
        "{}{index}{backward}: {} rows",
        node["Node Type"].as_str().unwrap_or("?"),
        node["Actual Rows"]
    ));
    for child in node["Plans"].as_array().into_iter().flatten() {
        describe(child, out);
    }
}
