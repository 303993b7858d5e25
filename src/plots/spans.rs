//! Each item from its start to its end on one time axis, first on top: where
//! items queue behind each other, it shows.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::Color as _;

use super::bars::MAX_BARS;
use super::frame::{item_number, label_font, legend, title_font, with_legend_column, Drawn, Mark, LEGEND_WIDTH};
use super::{Axes, Color};

#[derive(Debug, Clone, PartialEq)]
pub struct Spans {
    pub axes: Axes,
    /// Each item's start and end (any unit, from any origin) and whether it failed.
    pub spans: Vec<(f64, f64, bool)>,
    /// The legend's words for succeeded and failed items.
    pub legend: [String; 2],
}

pub(super) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Spans) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (plot, legend_area) = with_legend_column(root, LEGEND_WIDTH);
    let mut spans: Vec<&(f64, f64, bool)> = c.spans.iter().collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Too many rows to tell apart: draw an even sample, first and last included.
    let step = spans.len().div_ceil(MAX_BARS).max(1);
    let shown: Vec<&(f64, f64, bool)> = spans.iter().step_by(step).copied().collect();
    let t0 = shown.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
    let t0 = if t0.is_finite() { t0 } else { 0.0 };
    let end = shown.iter().map(|s| s.1 - t0).fold(0.0, f64::max).max(0.001) * 1.05;
    let rows = shown.len().max(1) as f64;
    let y_desc = if step > 1 {
        format!("{} (every {step}th)", c.axes.y)
    } else {
        c.axes.y.clone()
    };
    let mut chart = ChartBuilder::on(&plot)
        .caption(&c.axes.title, title_font())
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(64)
        // Row i spans i ± 0.5, the first item on top.
        .build_cartesian_2d(0f64..end, rows - 0.5..-0.5f64)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_y_mesh()
        .x_desc(&c.axes.x)
        .y_desc(y_desc)
        .y_label_formatter(&|y| item_number(*y, step))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    let mut items = Vec::new();
    for (failed, color) in [(false, Color::OK), (true, Color::FAILED)] {
        if failed && shown.iter().all(|s| !s.2) {
            continue;
        }
        let series = shown
            .iter()
            .enumerate()
            .filter(|(_, s)| s.2 == failed)
            .map(move |(i, s)| {
                // The shortest span still shows as a sliver.
                let (a, b) = (s.0 - t0, (s.1 - t0).max(s.0 - t0 + end * 0.002));
                Rectangle::new([(a, i as f64 - 0.35), (b, i as f64 + 0.35)], color.rgb().filled())
            });
        chart.draw_series(series)?;
        items.push((c.legend[usize::from(failed)].clone(), color, Mark::Box));
    }
    legend(&legend_area, &items)
}
