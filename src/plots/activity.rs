//! Changes per day, stacked by event type: a manager's view of a timeline.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::concurrency::{label_font, title_font, Drawn};
use crate::timeline::activity::Activity;

/// Distinct, colour-blind-friendly hues (Okabe–Ito, then greys) for event types.
const PALETTE: [RGBColor; 9] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(120, 120, 120),
    RGBColor(60, 60, 60),
];

/// Width kept on the right for the legend, so it never covers bars.
const LEGEND_WIDTH: u32 = 190;

pub fn activity<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, a: &Activity) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (width, _) = root.dim_in_pixel();
    let (plot_area, legend_area) = root.split_horizontally(width.saturating_sub(LEGEND_WIDTH));
    let bars = a.bars.len().max(1);
    let top = a
        .bars
        .iter()
        .map(|d| d.counts.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64
        * 1.1;
    let period = format!("{:?}", a.period).to_lowercase();
    let caption = format!("{}: changes per {period} by event type", a.subject);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(caption, title_font())
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..bars as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(bars.min(12))
        .y_desc("changes")
        .x_desc(format!("{period} ({}), {} changes in all", a.time_zone, a.total))
        .label_style(label_font())
        .axis_desc_style(label_font())
        // Ticks fall on whole bars (plotters picks round steps); label each with its period.
        .x_label_formatter(&|x| match a.bars.get(x.floor() as usize) {
            Some(bar) if x.fract() == 0.0 => bar.label.clone(),
            _ => String::new(),
        })
        .y_label_formatter(&|y| {
            if y.fract() == 0.0 {
                format!("{y:.0}")
            } else {
                String::new()
            }
        })
        .draw()?;
    for (t, _) in a.event_types.iter().enumerate() {
        let color = color_of(t);
        let bars = a
            .bars
            .iter()
            .enumerate()
            .filter(|(_, d)| d.counts[t] > 0)
            .map(|(i, d)| {
                let below: i64 = d.counts[..t].iter().sum();
                let x0 = i as f64 + 0.1;
                let x1 = i as f64 + 0.9;
                Rectangle::new([(x0, below as f64), (x1, (below + d.counts[t]) as f64)], color.filled())
            });
        chart.draw_series(bars)?;
    }
    // The legend in its own column, in the order the layers stack (top layer first).
    let top_y = 52;
    for (row, (t, name)) in a.event_types.iter().enumerate().rev().enumerate() {
        let y = top_y + 22 * row as i32;
        legend_area.draw(&Rectangle::new([(8, y), (20, y + 12)], color_of(t).filled()))?;
        legend_area.draw(&Text::new(name.replace('_', " "), (28, y), label_font()))?;
    }
    Ok(())
}

fn color_of(index: usize) -> RGBColor {
    PALETTE[index.min(PALETTE.len() - 1)]
}
