//! Bars in order, each marked as succeeded or failed (many are grouped, each
//! group drawn as its largest), and a histogram beside a curve.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::Color as _;

use super::curves::{self, Curves};
use super::frame::{item_number, label_font, legend, title_font, whole, with_legend_column, Drawn, Mark, LEGEND_WIDTH};
use super::{Axes, Color};

/// Beyond this many bars, bars are grouped (the largest of each group) so a
/// 100,000-item chart still draws quickly and reads at a glance.
pub(super) const MAX_BARS: usize = 600;

/// One bar per item, in the order given, numbered from 1 on the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub axes: Axes,
    /// Each item's value and whether it failed.
    pub values: Vec<(f64, bool)>,
    /// What a grouped bar stands for, after "each bar: the largest of N"
    /// (e.g. "requests" gives "each bar: the largest of 4 requests").
    pub items: String,
    /// The legend's words for succeeded and failed items.
    pub legend: [String; 2],
}

/// A histogram of values in equal bins from 0 to the largest.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub axes: Axes,
    pub values: Vec<f64>,
}

/// Groups `values` into at most `MAX_BARS` groups, keeping each group's maximum.
fn aggregate(values: &[(f64, bool)]) -> (Vec<(f64, bool)>, usize) {
    let per = values.len().div_ceil(MAX_BARS).max(1);
    let groups = values
        .chunks(per)
        .map(|g| (g.iter().map(|v| v.0).fold(0.0, f64::max), g.iter().any(|v| v.1)))
        .collect();
    (groups, per)
}

pub(super) fn draw_bars<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Bars) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (plot, legend_area) = with_legend_column(root, LEGEND_WIDTH);
    let (bars, per) = aggregate(&c.values);
    let top = bars.iter().map(|b| b.0).fold(0.0, f64::max).max(0.001) * 1.12;
    let x_desc = if per > 1 {
        format!("{} (each bar: the largest of {per} {})", c.axes.x, c.items)
    } else {
        c.axes.x.clone()
    };
    let mut chart = ChartBuilder::on(&plot)
        .caption(&c.axes.title, title_font())
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..bars.len().max(1) as f64 - 0.5, 0f64..top)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_x_mesh()
        .x_desc(x_desc)
        .y_desc(&c.axes.y)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_label_formatter(&|x| item_number(*x, per))
        .draw()?;
    let mut items = Vec::new();
    for (failed, color) in [(false, Color::OK), (true, Color::FAILED)] {
        if failed && !bars.iter().any(|b| b.1) {
            continue; // no "failed" legend entry when nothing failed
        }
        let series = bars
            .iter()
            .enumerate()
            .filter(|(_, b)| b.1 == failed)
            .map(move |(i, b)| Rectangle::new([(i as f64 - 0.38, 0.0), (i as f64 + 0.38, b.0)], color.rgb().filled()));
        chart.draw_series(series)?;
        items.push((c.legend[usize::from(failed)].clone(), color, Mark::Box));
    }
    legend(&legend_area, &items)
}

/// The histogram on the left half, the curve on the right.
pub(super) fn draw_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &Histogram,
    curve: &Curves,
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(super::SIZE.0 / 2);
    let max = h.values.iter().copied().fold(0.0, f64::max).max(0.001);
    const BINS: usize = 30;
    let width = max / BINS as f64;
    let mut counts = [0u32; BINS];
    for v in &h.values {
        counts[((v / width) as usize).min(BINS - 1)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.12;
    let mut chart = ChartBuilder::on(&left)
        .caption(&h.axes.title, title_font())
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..max * 1.0001, 0f64..top)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_x_mesh()
        .x_desc(&h.axes.x)
        .y_desc(&h.axes.y)
        .y_label_formatter(&whole)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
        let x0 = i as f64 * width;
        Rectangle::new(
            [(x0 + width * 0.06, 0.0), (x0 + width * 0.94, c as f64)],
            Color::OK.rgb().filled(),
        )
    }))?;
    curves::draw_on(&right, curve)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_bars_are_grouped_by_their_largest() {
        let values: Vec<(f64, bool)> = (0..1300).map(|i| (i as f64, i == 5)).collect();
        let (groups, per) = aggregate(&values);
        assert_eq!(per, 3);
        assert_eq!(groups.len(), 434);
        assert_eq!(groups[0], (2.0, false));
        assert_eq!(groups[1], (5.0, true), "a failed item marks its group");
        assert_eq!(aggregate(&values[..10]).1, 1);
    }
}
