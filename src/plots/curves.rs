//! Curves over 0–100 % (percentile curves): one named by the caption, or
//! several with a legend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::Color as _;

use super::frame::{label_font, legend, title_font, with_legend_column, Drawn, Mark, LEGEND_WIDTH};
use super::{Axes, Color};

#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The legend's words for it.
    pub name: String,
    pub color: Color,
    /// (x in 0..=100, y) points in x order.
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    pub axes: Axes,
    pub curves: Vec<Curve>,
}

pub(super) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Curves) -> Drawn<DB> {
    root.fill(&WHITE)?;
    draw_on(root, c)
}

/// Draws on an area already filled (half of a distribution chart).
pub(super) fn draw_on<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Curves) -> Drawn<DB> {
    let top = c
        .curves
        .iter()
        .flat_map(|curve| &curve.points)
        .map(|p| p.1)
        .fold(0.0, f64::max)
        .max(0.001)
        * 1.12;
    // Several curves: a legend column names them; one curve: the caption does.
    let (plot, legend_area) = if c.curves.len() > 1 {
        let (p, l) = with_legend_column(area, LEGEND_WIDTH);
        (p, Some(l))
    } else {
        (area.clone(), None)
    };
    let mut chart = ChartBuilder::on(&plot)
        .caption(&c.axes.title, title_font())
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..100f64, 0f64..top)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_desc(&c.axes.x)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_desc(&c.axes.y)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for curve in &c.curves {
        chart.draw_series(LineSeries::new(
            curve.points.iter().copied(),
            curve.color.rgb().stroke_width(2),
        ))?;
    }
    match legend_area {
        Some(l) => legend(
            &l,
            &c.curves
                .iter()
                .map(|curve| (curve.name.clone(), curve.color, Mark::Line))
                .collect::<Vec<_>>(),
        ),
        None => Ok(()),
    }
}
