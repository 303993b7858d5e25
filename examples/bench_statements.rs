//! What the unnamed statement costs (see `db::query`): the timeline's first-page
//! query run with a named, cached prepared statement (sqlx's default, which a
//! transaction pooler breaks) and with the unnamed one Waybill uses, side by
//! side in one run, alternating, each inside a read-only transaction as the
//! app runs it. Run through `scripts/bench-statements.sh`.

use std::time::Instant;

use uuid::Uuid;

const ROUNDS: usize = 2_000;

const PAGE: &str = "SELECT h.version_no, h.event_type, h.\"timestamp\", h.description, h.changes
    FROM shipment_history h WHERE h.shipment_id = $1 ORDER BY h.version_no DESC LIMIT 101";

fn median_us(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.1), at(0.9))
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: bench_statements POSTGRES_URL");
    let db = waybill::db::connect(waybill::db::parse_url(&url).unwrap(), 1)
        .await
        .unwrap();
    let (shipment,): (Uuid,) = waybill::db::query_as(
        "SELECT shipment_id FROM shipment_history GROUP BY shipment_id ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();

    let (mut named, mut unnamed) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS + 100 {
        for persistent in [round % 2 == 0, round % 2 == 1] {
            let started = Instant::now();
            let mut tx = waybill::db::begin_read_only(&db).await.unwrap();
            let rows = sqlx::query(PAGE)
                .persistent(persistent)
                .bind(shipment)
                .fetch_all(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let us = started.elapsed().as_secs_f64() * 1e6;
            assert_eq!(rows.len(), 101);
            // The first 100 rounds warm the cache and the plan.
            if round >= 100 {
                if persistent {
                    named.push(us)
                } else {
                    unnamed.push(us)
                }
            }
        }
    }
    let (n, n10, n90) = median_us(named);
    let (u, u10, u90) = median_us(unnamed);
    println!("| statement (read-only transaction, first page of 100) | median | p10–p90 |");
    println!("| --- | ---: | ---: |");
    println!(
        "| named, cached (sqlx's default; breaks behind a transaction pooler) | {n:.0} µs | {n10:.0}–{n90:.0} µs |"
    );
    println!("| unnamed (Waybill's `db::query`) | {u:.0} µs | {u10:.0}–{u90:.0} µs |");
    println!();
    println!(
        "{ROUNDS} rounds each, alternating; unnamed costs {:+.0} µs per query ({:.2}× the named one).",
        u - n,
        u / n
    );
}
