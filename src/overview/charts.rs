//! The overview's charts, as plain chart data: changes per period by event
//! type, and how long shipments stay in each status.

use super::Overview;
use crate::plots::{Axes, Chart, Color, GroupedBars, Series};

impl Overview {
    /// Whether any stay ended in the range: only then is there a status chart.
    pub fn has_status_chart(&self) -> bool {
        self.statuses.iter().any(|s| s.stays > 0)
    }

    /// Changes per period by event type over the range.
    pub fn activity_chart(&self) -> Chart {
        Chart::Stacked(self.activity.changes_chart())
    }

    /// The median and 90th percentile of the stays that ended in the range,
    /// side by side per status; none when no stay ended.
    pub fn status_chart(&self) -> Option<Chart> {
        if !self.has_status_chart() {
            return None;
        }
        let rows: Vec<_> = self.statuses.iter().filter(|s| s.stays > 0).collect();
        let longest = rows
            .iter()
            .filter_map(|s| s.p90_hours.or(s.median_hours))
            .fold(0.0, f64::max);
        // Hours read well up to three days; beyond, days.
        let (unit, per) = if longest > 72.0 { ("days", 24.0) } else { ("hours", 1.0) };
        let series = |name: &str, color, value: fn(&super::StatusTime) -> Option<f64>| Series {
            name: name.into(),
            color,
            values: rows.iter().map(|s| value(s).map(|h| h / per)).collect(),
        };
        Some(Chart::Grouped(GroupedBars {
            axes: Axes::new(
                "Time in each status: median and 90th percentile",
                format!(
                    "stays that ended between {} and {}",
                    short(&self.since),
                    short(&self.until)
                ),
                unit,
            ),
            categories: rows.iter().map(|s| s.status.clone()).collect(),
            series: vec![
                series("median", Color::FIRST, |s| s.median_hours),
                series("90th percentile", Color::SECOND, |s| s.p90_hours),
            ],
        }))
    }
}

/// `2026-11-02T00:00:00.000+01:00` → `2026-11-02 00:00`.
fn short(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}
