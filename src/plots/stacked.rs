//! Bars stacked by kind, one per period: counts over time. The chart says
//! where its bars landed, so the window can lay hover and click targets over it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::Color as _;
use serde::Serialize;
use ts_rs::TS;

use super::frame::{label_font, legend, title_font, whole, with_legend_column, Mark};
use super::{Axes, Color};

/// Width kept on the right for the legend: kind names are longer than "failed".
const LEGEND_WIDTH: u32 = 190;

/// One kind's counts, one per bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub color: Color,
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StackedBars {
    pub axes: Axes,
    /// Each bar's label on the x axis.
    pub labels: Vec<String>,
    /// Bottom layer first; the legend lists them top first, as they stack.
    pub layers: Vec<Layer>,
}

/// Where the bars landed on the chart, in its pixels.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct BarLayout {
    /// The chart's size.
    pub width: u32,
    pub height: u32,
    /// Each bar's column, left and right edge.
    pub columns: Vec<[i32; 2]>,
    /// The plot area's top and bottom edge.
    pub top: i32,
    pub bottom: i32,
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &StackedBars,
) -> Result<BarLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (plot_area, legend_area) = with_legend_column(root, LEGEND_WIDTH);
    let bars = c.labels.len().max(1);
    let total = |i: usize| {
        c.layers
            .iter()
            .map(|l| l.counts.get(i).copied().unwrap_or(0))
            .sum::<i64>()
    };
    let top = (0..c.labels.len()).map(total).max().unwrap_or(0).max(1) as f64 * 1.1;
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(&c.axes.title, title_font())
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(56)
        // Bar i spans i ± 0.5, so whole-number ticks fall on bar centres.
        .build_cartesian_2d(-0.5f64..bars as f64 - 0.5, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_max_light_lines(1)
        .x_labels(bars.min(12))
        .y_desc(&c.axes.y)
        .x_desc(&c.axes.x)
        .label_style(label_font())
        .axis_desc_style(label_font())
        // Ticks fall on whole numbers, the bars' centres (plotters picks round
        // steps); each is labelled with its bar's label.
        .x_label_formatter(&|x| match c.labels.get(x.round().max(0.0) as usize) {
            Some(label) if x.fract() == 0.0 && *x >= 0.0 => label.clone(),
            _ => String::new(),
        })
        .y_label_formatter(&whole)
        .draw()?;
    for (t, layer) in c.layers.iter().enumerate() {
        let color = layer.color.rgb();
        let bars = layer.counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, n)| {
            let below: i64 = c.layers[..t]
                .iter()
                .map(|l| l.counts.get(i).copied().unwrap_or(0))
                .sum();
            let (x0, x1) = (i as f64 - 0.4, i as f64 + 0.4);
            Rectangle::new([(x0, below as f64), (x1, (below + n) as f64)], color.filled())
        });
        chart.draw_series(bars)?;
    }
    // The legend in the order the layers stack (top layer first).
    let items: Vec<_> = c
        .layers
        .iter()
        .rev()
        .map(|l| (l.name.replace('_', " "), l.color, Mark::Box))
        .collect();
    legend(&legend_area, &items)?;
    let (width, height) = root.dim_in_pixel();
    let columns = (0..c.labels.len())
        .map(|i| {
            let left = chart.backend_coord(&(i as f64 - 0.5, 0.0)).0;
            let right = chart.backend_coord(&(i as f64 + 0.5, 0.0)).0;
            [left, right]
        })
        .collect();
    Ok(BarLayout {
        width,
        height,
        columns,
        top: chart.backend_coord(&(0.0, top)).1,
        bottom: chart.backend_coord(&(0.0, 0.0)).1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_says_where_each_bar_is_for_hover_and_click() {
        let chart = StackedBars {
            axes: Axes::new("t", "day", "changes"),
            labels: (1..=20).map(|d| format!("Nov {d}")).collect(),
            layers: vec![Layer {
                name: "note_added".into(),
                color: Color::OK,
                counts: (1..=20).collect(),
            }],
        };
        let (svg, layout) = super::super::stacked_svg(&chart).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("note added"), "the legend names the layer");
        assert_eq!(layout.columns.len(), 20);
        assert_eq!((layout.width, layout.height), super::super::SIZE);
        assert!(layout.top < layout.bottom && layout.bottom <= layout.height as i32);
        for pair in layout.columns.windows(2) {
            assert_eq!(pair[0][1], pair[1][0], "columns touch, in order");
        }
        let (left, right) = (layout.columns[0][0], layout.columns[19][1]);
        assert!(0 < left && right < layout.width as i32);
    }
}
