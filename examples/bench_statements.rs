//! What the unnamed statement costs (see `db::query`): queries run with a named,
//! cached prepared statement (sqlx's default, which a transaction pooler breaks)
//! and with the unnamed one Waybill uses, side by side in one run, alternating,
//! each inside a read-only transaction as the app runs them. Only the query is
//! timed, not BEGIN/COMMIT. Run through `scripts/bench-statements.sh`.

use std::time::Instant;

use uuid::Uuid;

const ROUNDS: usize = 2_000;

/// The statement overhead alone.
const TRIVIAL: &str = "SELECT $1::uuid";

/// The shape of the timeline's first page.
const PAGE: &str = "SELECT h.version_no, h.event_type, h.\"timestamp\", h.description, h.changes
    FROM shipment_history h WHERE h.shipment_id = $1 ORDER BY h.version_no DESC LIMIT 101";

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
    let (shipment,): (Uuid,) = waybill::db::query_as(
        "SELECT shipment_id FROM shipment_history GROUP BY shipment_id ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();

    println!("| query, in a read-only transaction | named, cached (sqlx's default) | unnamed (Waybill) | difference |");
    println!("| --- | ---: | ---: | ---: |");
    let cases = [
        ("`SELECT $1` (the statement overhead alone)", TRIVIAL, 1),
        ("the timeline's first page (101 rows)", PAGE, 101),
    ];
    for (name, sql, expect) in cases {
        let (mut named, mut unnamed) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS + 100 {
            // Alternating which goes first, so drift hits both alike.
            for persistent in [round % 2 == 0, round % 2 == 1] {
                let on = if persistent { &db_named } else { &db };
                let mut tx = waybill::db::begin_read_only(on).await.unwrap();
                let started = Instant::now();
                let rows = sqlx::query(sql)
                    .persistent(persistent)
                    .bind(shipment)
                    .fetch_all(&mut *tx)
                    .await
                    .unwrap();
                let us = started.elapsed().as_secs_f64() * 1e6;
                tx.commit().await.unwrap();
                assert_eq!(rows.len(), expect);
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
    println!("Medians of {ROUNDS} runs each (10th–90th percentile), one connection, one process, alternating.");
}
