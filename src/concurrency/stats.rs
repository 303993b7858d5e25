//! Latency numbers of a run, from an HDR histogram so that a million requests
//! take the same fixed memory as five.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::report::RequestRecord;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LatencyStats {
    /// Successful requests (only these have a latency worth reporting).
    pub count: u32,
    pub failed: u32,
    /// Successful requests per second of the run's wall-clock time.
    pub throughput_per_s: f64,
    pub min_ms: f64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Percentile points (quantile, latency in ms) for the percentile curve plot.
pub type PercentileCurve = Vec<(f64, f64)>;

/// Microsecond resolution, up to an hour, 3 significant digits.
pub fn histogram(requests: &[RequestRecord]) -> Histogram<u64> {
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds");
    for r in requests.iter().filter(|r| r.version.is_some()) {
        h.saturating_record(((r.latency_ms() * 1000.0).round() as u64).max(1));
    }
    h
}

pub fn summarize(requests: &[RequestRecord], elapsed_ms: f64) -> LatencyStats {
    let h = histogram(requests);
    let ms = |us: u64| us as f64 / 1000.0;
    let count = h.len() as u32;
    let failed = requests.iter().filter(|r| r.error.is_some()).count() as u32;
    if count == 0 {
        return LatencyStats {
            count,
            failed,
            throughput_per_s: 0.0,
            min_ms: 0.0,
            mean_ms: 0.0,
            p50_ms: 0.0,
            p95_ms: 0.0,
            p99_ms: 0.0,
            max_ms: 0.0,
        };
    }
    LatencyStats {
        count,
        failed,
        throughput_per_s: if elapsed_ms > 0.0 {
            count as f64 / (elapsed_ms / 1000.0)
        } else {
            0.0
        },
        min_ms: ms(h.min()),
        mean_ms: h.mean() / 1000.0,
        p50_ms: ms(h.value_at_quantile(0.50)),
        p95_ms: ms(h.value_at_quantile(0.95)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        max_ms: ms(h.max()),
    }
}

/// Latency at quantiles from 0 to 1 (denser towards the tail), for plots.
pub fn percentile_curve(requests: &[RequestRecord]) -> PercentileCurve {
    let h = histogram(requests);
    if h.is_empty() {
        return Vec::new();
    }
    let mut qs: Vec<f64> = (0..=90).map(|i| i as f64 / 100.0).collect();
    qs.extend([0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 1.0]);
    qs.into_iter()
        .map(|q| (q, h.value_at_quantile(q) as f64 / 1000.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::concurrency::report::{ErrorKind, RequestError};

    fn ok(index: u32, latency_ms: f64) -> RequestRecord {
        RequestRecord {
            index,
            shipment: 0,
            start_ms: 0.0,
            end_ms: latency_ms,
            version: Some(index as i32 + 1),
            error: None,
        }
    }

    #[test]
    fn percentiles_of_a_known_distribution() {
        // 1..=100 ms: p50 = 50, p95 = 95, p99 = 99, mean = 50.5.
        let requests: Vec<_> = (0..100).map(|i| ok(i, (i + 1) as f64)).collect();
        let s = summarize(&requests, 2000.0);
        assert_eq!(s.count, 100);
        assert!((s.p50_ms - 50.0).abs() < 0.1, "{}", s.p50_ms);
        assert!((s.p95_ms - 95.0).abs() < 0.1, "{}", s.p95_ms);
        assert!((s.p99_ms - 99.0).abs() < 0.1, "{}", s.p99_ms);
        assert!((s.mean_ms - 50.5).abs() < 0.1, "{}", s.mean_ms);
        assert!((s.min_ms - 1.0).abs() < 0.01 && (s.max_ms - 100.0).abs() < 0.1);
        assert!((s.throughput_per_s - 50.0).abs() < 1e-9);
    }

    #[test]
    fn failures_are_counted_but_not_timed() {
        let mut failed = ok(1, 5000.0);
        failed.version = None;
        failed.error = Some(RequestError {
            kind: ErrorKind::Timeout,
            message: "pool timed out".into(),
        });
        let s = summarize(&[ok(0, 2.0), failed], 100.0);
        assert_eq!((s.count, s.failed), (1, 1));
        assert!((s.max_ms - 2.0).abs() < 0.01);
    }

    #[test]
    fn no_success_gives_zeros_not_a_panic() {
        let s = summarize(&[], 0.0);
        assert_eq!(s.count, 0);
        assert!(percentile_curve(&[]).is_empty());
    }
}
