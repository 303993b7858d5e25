//! Bars side by side per category, one for each series (a median beside a
//! 90th percentile, per status).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::Color as _;

use super::frame::{label_font, legend, title_font, with_legend_column, Drawn, Mark};
use super::{Axes, Color};

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub color: Color,
    /// One value per category; none draws no bar.
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupedBars {
    pub axes: Axes,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// Width kept on the right for the legend.
const LEGEND_WIDTH: u32 = 190;

pub(super) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &GroupedBars) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (plot, legend_area) = with_legend_column(root, LEGEND_WIDTH);
    let top = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.15;
    let n = c.categories.len().max(1);
    let width = 0.7 / c.series.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&plot)
        .caption(&c.axes.title, title_font())
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(12))
        .x_label_formatter(&|x| match c.categories.get(x.round().max(0.0) as usize) {
            Some(name) if x.fract() == 0.0 && *x >= 0.0 => name.replace('_', " "),
            _ => String::new(),
        })
        .y_desc(&c.axes.y)
        .x_desc(&c.axes.x)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for (k, series) in c.series.iter().enumerate() {
        let left = -0.35 + width * k as f64;
        let color = series.color.rgb();
        chart.draw_series(series.values.iter().enumerate().filter_map(|(i, v)| {
            let x = i as f64 + left;
            v.map(|v| Rectangle::new([(x, 0.0), (x + width, v)], color.filled()))
        }))?;
    }
    let items: Vec<_> = c.series.iter().map(|s| (s.name.clone(), s.color, Mark::Box)).collect();
    legend(&legend_area, &items)
}
