//! Overview benchmark, as the app calls it. Run it through
//! `scripts/bench-overview.sh`, which seeds 2,000,000 history rows and sets
//! up the table's layout and indexes before each run of it.
//!
//! The app keeps its connections open: the overview's reads start on
//! connections that are there and have served queries before. `waybill
//! overview` is a new process each time, whose first reads open their
//! connections (the script measures that too). This one opens them with a
//! first overview of the last 24 hours, then times the whole core call
//! (`took_ms`) for the last 24 hours, 7 and 30 days, `ROUNDS` times each,
//! and prints the medians: `24h 7d 30d` in milliseconds.

use waybill::overview::{self, OverviewRange, OverviewRequest};

const ROUNDS: usize = 3;

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: bench_overview URL");
    let db = waybill::db::connect(waybill::db::parse_url(&url).unwrap(), 8)
        .await
        .unwrap();
    let request = |range| OverviewRequest {
        range,
        time_zone: "UTC".into(),
    };
    overview::overview(&db, &request(OverviewRange::Last24Hours))
        .await
        .unwrap();
    let ranges = [
        OverviewRange::Last24Hours,
        OverviewRange::Last7Days,
        OverviewRange::Last30Days,
    ];
    let mut medians = Vec::new();
    for range in ranges {
        let mut ms = Vec::new();
        for _ in 0..ROUNDS {
            ms.push(overview::overview(&db, &request(range.clone())).await.unwrap().took_ms);
        }
        ms.sort_unstable();
        medians.push(ms[ms.len() / 2].to_string());
    }
    println!("{}", medians.join(" "));
}
