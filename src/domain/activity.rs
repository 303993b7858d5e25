//! Changes counted per period (a day, or longer when the data spans years)
//! and per kind (an event type, a finding's kind): the bars behind every
//! activity chart. Days are calendar days in a time zone; the periods' starts
//! are days since 2000-01-01, as `moment` counts them.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::plots::{kind_color, Axes, BarLayout, Color, Layer, StackedBars};

/// How long one bar of the chart is: a day, unless the changes span so long
/// that days would make too many bars (and too much memory: one bar per day
/// from year 1 to 9999 is 3.6 million); then weeks, months and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Period {
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Millennium,
}

/// At most this many bars, whatever the span of the data.
pub const MAX_BARS: i64 = 400;

impl Period {
    const ALL: [Period; 7] = [
        Period::Day,
        Period::Week,
        Period::Month,
        Period::Year,
        Period::Decade,
        Period::Century,
        Period::Millennium,
    ];

    /// About how many days one lasts (for choosing; bars are counted exactly).
    fn days(self) -> i64 {
        match self {
            Period::Day => 1,
            Period::Week => 7,
            Period::Month => 30,
            Period::Year => 365,
            Period::Decade => 3_652,
            Period::Century => 36_524,
            Period::Millennium => 365_242,
        }
    }

    /// The shortest period that shows a span of `days` in at most `MAX_BARS` bars.
    pub fn for_span(days: i64) -> Period {
        Period::ALL
            .into_iter()
            .find(|p| days / p.days() < MAX_BARS - 1)
            .unwrap_or(Period::Millennium)
    }

    /// PostgreSQL's `date_trunc` unit.
    pub(crate) fn unit(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
            Period::Decade => "decade",
            Period::Century => "century",
            Period::Millennium => "millennium",
        }
    }

    /// The start of the period after the one starting `start` (days since 2000-01-01).
    fn next(self, start: i64) -> i64 {
        use crate::domain::moment::{civil_date, days_since_2000};
        let (y, m, _) = civil_date(start);
        let years = |n: i64| days_since_2000(y + n, m, 1);
        match self {
            Period::Day => start + 1,
            Period::Week => start + 7,
            Period::Month if m == 12 => days_since_2000(y + 1, 1, 1),
            Period::Month => days_since_2000(y, m + 1, 1),
            Period::Year => years(1),
            Period::Decade => years(10),
            Period::Century => years(100),
            Period::Millennium => years(1000),
        }
    }

    /// A bar's label on the chart's axis: `Nov 2`, `Nov 2026`, `2026`, `2020s`.
    pub fn label(self, start: i64) -> String {
        let (y, m, d) = crate::domain::moment::civil_date(start);
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = MONTHS[(m as usize + 11) % 12];
        match self {
            Period::Day | Period::Week => format!("{month} {d}"),
            Period::Month => format!("{month} {y}"),
            Period::Year => y.to_string(),
            Period::Decade | Period::Century | Period::Millennium => format!("{y}s"),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityBar {
    /// The first day of the period, `2026-11-02` (in the chart's time zone).
    pub start: String,
    /// The first day of the next period: the bar counts changes before it.
    pub end: String,
    /// The axis label: `Nov 2`, `Nov 2026`, `2026`…
    pub label: String,
    /// One count per entry of `Activity::event_types`.
    #[ts(type = "number[]")]
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Activity {
    /// `SHP-2026-000001` or the actor's name, for titles.
    pub subject: String,
    pub time_zone: String,
    pub event_types: Vec<String>,
    /// How long each bar is (days, unless the data spans years).
    pub period: Period,
    /// Every period from the first change to the last, empty ones included.
    pub bars: Vec<ActivityBar>,
    #[ts(type = "number")]
    pub total: i64,
    /// Changes left off the chart: their time is missing or `±infinity`.
    #[ts(type = "number")]
    pub untimed: i64,
}

impl Activity {
    /// These counts as a stacked-bar chart: `measure` per period by `by`
    /// ("changes" by "event type"), each kind in the colour `color` gives it.
    pub fn chart(&self, measure: &str, by: &str, color: impl Fn(&str) -> Color) -> StackedBars {
        let period = format!("{:?}", self.period).to_lowercase();
        StackedBars {
            axes: Axes::new(
                format!("{}: {measure} per {period} by {by}", self.subject),
                format!("{period} ({}), {} {measure} in all", self.time_zone, self.total),
                measure,
            ),
            labels: self.bars.iter().map(|b| b.label.clone()).collect(),
            layers: self
                .event_types
                .iter()
                .enumerate()
                .map(|(t, name)| Layer {
                    name: name.clone(),
                    color: color(name),
                    counts: self.bars.iter().map(|b| b.counts[t]).collect(),
                })
                .collect(),
        }
    }
}

/// Counts of changes with their chart drawn, as the window shows them.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityChart {
    pub activity: Activity,
    /// Each event type's colour (`#0072b2`), the same on every chart.
    pub colors: Vec<String>,
    /// The chart as SVG text.
    pub svg: String,
    /// Where its bars are, for hover and click targets.
    pub layout: BarLayout,
}

impl ActivityChart {
    /// Changes by event type, each type in its colour on every chart.
    pub fn of_changes(activity: Activity) -> Result<ActivityChart> {
        let (svg, layout) = crate::plots::stacked_svg(&activity.changes_chart())?;
        Ok(ActivityChart {
            colors: activity.event_types.iter().map(|t| kind_color(t).hex()).collect(),
            activity,
            svg,
            layout,
        })
    }
}

impl Activity {
    /// Changes per period by event type, as a chart.
    pub fn changes_chart(&self) -> StackedBars {
        self.chart("changes", "event type", kind_color)
    }
}

/// Period × event type counts, with empty periods filled in and types by volume.
/// Bars from `(day since 2000, type, count)` rows in day order; a day inside
/// a longer period counts in the period that holds it.
pub fn tabulate(subject: String, tz: &str, period: Period, rows: Vec<(i32, String, i64)>) -> Activity {
    tabulate_between(subject, tz, period, rows, None)
}

/// As `tabulate`, with bars at least from the period starting `bounds.0` to
/// the one starting `bounds.1` (days since 2000): a chart of a time range
/// shows its quiet ends too.
pub fn tabulate_between(
    subject: String,
    tz: &str,
    period: Period,
    rows: Vec<(i32, String, i64)>,
    bounds: Option<(i64, i64)>,
) -> Activity {
    let mut totals: Vec<(String, i64)> = Vec::new();
    for (_, t, n) in &rows {
        match totals.iter_mut().find(|(name, _)| name == t) {
            Some(entry) => entry.1 += n,
            None => totals.push((t.clone(), *n)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let event_types: Vec<String> = totals.iter().map(|t| t.0.clone()).collect();
    let mut bars: Vec<(i64, ActivityBar)> = Vec::new();
    let first = rows.first().map(|r| i64::from(r.0));
    let last = rows.last().map(|r| i64::from(r.0));
    let (first, last) = match bounds {
        Some((from, to)) => (
            Some(first.map_or(from, |f| f.min(from))),
            Some(last.map_or(to, |l| l.max(to))),
        ),
        None => (first, last),
    };
    if let (Some(first), Some(last)) = (first, last) {
        let mut start = first;
        // Bounded by the period's choice; the cap guards the arithmetic.
        while start <= last && bars.len() <= 2 * MAX_BARS as usize {
            bars.push((
                start,
                ActivityBar {
                    start: crate::domain::moment::iso_date(start),
                    end: crate::domain::moment::iso_date(period.next(start)),
                    label: period.label(start),
                    counts: vec![0; event_types.len()],
                },
            ));
            start = period.next(start);
        }
        for (start, t, n) in &rows {
            let bar = bars.iter().rposition(|(s, _)| *s <= i64::from(*start)).unwrap_or(0);
            let column = event_types.iter().position(|e| e == t).unwrap_or(0);
            bars[bar].1.counts[column] += n;
        }
    }
    Activity {
        subject,
        time_zone: tz.to_string(),
        event_types,
        period,
        total: totals.iter().map(|t| t.1).sum(),
        untimed: 0,
        bars: bars.into_iter().map(|(_, b)| b).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::moment::days_since_2000;

    #[test]
    fn fills_empty_days_and_orders_types_by_volume() {
        let d = |day| days_since_2000(2026, 11, day) as i32;
        let rows = vec![
            (d(1), "created".to_string(), 1),
            (d(1), "note_added".to_string(), 2),
            (d(4), "note_added".to_string(), 3),
        ];
        let a = tabulate("SHP-1".into(), "UTC", Period::Day, rows);
        assert_eq!(a.event_types, vec!["note_added", "created"]);
        assert_eq!(a.bars.len(), 4);
        assert_eq!(
            (a.bars[0].start.as_str(), a.bars[0].label.as_str()),
            ("2026-11-01", "Nov 1")
        );
        assert_eq!(a.bars[0].counts, vec![2, 1]);
        assert_eq!(a.bars[0].end, "2026-11-02");
        assert_eq!(a.bars[1].counts, vec![0, 0]);
        assert_eq!(a.bars[3].counts, vec![3, 0]);
        assert_eq!(a.total, 6);
        assert!(tabulate("x".into(), "UTC", Period::Day, vec![]).bars.is_empty());
    }

    #[test]
    fn a_long_span_gets_longer_bars_never_more_than_the_cap() {
        assert_eq!(Period::for_span(0), Period::Day);
        assert_eq!(Period::for_span(365), Period::Day);
        assert_eq!(Period::for_span(5 * 365), Period::Week);
        assert_eq!(Period::for_span(10 * 365), Period::Month);
        assert_eq!(Period::for_span(9999 * 365), Period::Century);
        assert_eq!(Period::for_span(300_000 * 365), Period::Millennium);
        // Years 1 to 9999 by century: 100 bars.
        let rows = vec![
            (days_since_2000(1, 1, 1) as i32, "created".to_string(), 1),
            (days_since_2000(9901, 1, 1) as i32, "created".to_string(), 1),
        ];
        let a = tabulate("x".into(), "UTC", Period::Century, rows);
        assert_eq!(a.bars.len(), 100);
        assert_eq!(a.bars.last().unwrap().label, "9901s");
        assert_eq!(a.bars.last().unwrap().counts, vec![1]);
    }
}
