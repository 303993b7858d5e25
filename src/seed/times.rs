//! When changes happen: mostly in working hours on weekdays, as in a real
//! operation, with a little at night and at weekends (integrations, night
//! shifts).

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use rand::Rng;

/// How much activity an hour sees: full in working hours (07–19 UTC) on
/// weekdays, a little at night and at weekends (integrations, night shifts).
pub fn activity_weight(t: DateTime<Utc>) -> f64 {
    let weekend = matches!(t.weekday(), Weekday::Sat | Weekday::Sun);
    let working = (7..19).contains(&t.hour());
    match (weekend, working) {
        (false, true) => 1.0,
        (false, false) => 0.08,
        (true, true) => 0.15,
        (true, false) => 0.04,
    }
}

/// `n` strictly increasing moments from `start` over `span`, as dense as the
/// activity of each hour: version 1 at `start`, the rest drawn along the
/// cumulative activity (evenly spaced with jitter, so none can pass the end).
pub fn working_times(rng: &mut impl Rng, start: DateTime<Utc>, span: Duration, n: u32) -> Vec<DateTime<Utc>> {
    let hours = (span.num_minutes() / 60).max(1) as usize;
    let mut cumulative = Vec::with_capacity(hours + 1);
    cumulative.push(0.0);
    let mut total = 0.0;
    for h in 0..hours {
        total += activity_weight(start + Duration::hours(h as i64));
        cumulative.push(total);
    }
    let mut times = Vec::with_capacity(n as usize);
    times.push(start);
    let slots = f64::from(n.max(2) - 1);
    for i in 1..n {
        let target = (f64::from(i - 1) + rng.random_range(0.05..0.95)) / slots * total;
        let hour = cumulative
            .partition_point(|c| *c <= target)
            .saturating_sub(1)
            .min(hours - 1);
        let within = (target - cumulative[hour]) / (cumulative[hour + 1] - cumulative[hour]).max(f64::EPSILON);
        let at = start
            + Duration::hours(hour as i64)
            + Duration::milliseconds((within.clamp(0.0, 1.0) * 3_600_000.0) as i64);
        // Strictly after the one before (two can fall in the same millisecond).
        let floor = *times.last().expect("version 1") + Duration::milliseconds(1);
        times.push(at.max(floor));
    }
    times
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn activity_follows_working_hours_and_weekdays() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        // Four weeks from a Monday.
        let start = DateTime::parse_from_rfc3339("2026-11-02T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let times = working_times(&mut rng, start, Duration::days(28), 20_000);
        assert!(times.windows(2).all(|w| w[0] < w[1]), "strictly increasing");
        assert!(*times.last().unwrap() < start + Duration::days(28));
        let working = times
            .iter()
            .filter(|t| !matches!(t.weekday(), Weekday::Sat | Weekday::Sun) && (7..19).contains(&t.hour()))
            .count();
        // Weekday working hours are 60 of 168 hours a week, yet most changes.
        assert!(
            working as f64 / times.len() as f64 > 0.8,
            "{working} of {}",
            times.len()
        );
    }
}
