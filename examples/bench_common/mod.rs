//! What the benchmarks share: timing a call and saying a spread of times.
//! (Included by `#[path]`: a folder without `main.rs` is no example of its own.)

use std::time::Instant;

/// Milliseconds: the median with the 10th and 90th percentiles.
pub struct Spread {
    pub median: f64,
    pub p10: f64,
    pub p90: f64,
}

pub fn spread(mut ms: Vec<f64>) -> Spread {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Spread {
        median: at(0.5),
        p10: at(0.1),
        p90: at(0.9),
    }
}

/// `median (p10–p90)`, as the README's tables write it.
pub fn show(s: &Spread) -> String {
    format!("{:.2} ({:.2}–{:.2})", s.median, s.p10, s.p90)
}

/// Wall time of `call` (which must do the whole user-visible work) over
/// `runs` runs, after three warm-up runs.
pub async fn call_time<F, Fut>(runs: usize, mut call: F) -> Spread
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs + 3 {
        let start = Instant::now();
        call().await;
        if i >= 3 {
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    spread(times)
}

/// The result serialized as the app's IPC does (and its size, so the work is not optimized away).
pub fn json_len<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_vec(value).unwrap().len()
}
