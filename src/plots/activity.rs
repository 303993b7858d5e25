//! Changes per day, stacked by event type: a manager's view of a timeline.

use chrono::Datelike;
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

pub fn activity<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, a: &Activity) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let days = a.days.len().max(1);
    let top = a
        .days
        .iter()
        .map(|d| d.counts.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64
        * 1.1;
    let caption = format!("{}: {} changes per day ({})", a.subject, a.total, a.time_zone);
    let mut chart = ChartBuilder::on(root)
        .caption(caption, title_font())
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..days as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(days.min(12))
        .y_desc("changes")
        .label_style(label_font())
        .axis_desc_style(label_font())
        // Ticks fall on whole days (plotters picks round steps); label each with its date.
        .x_label_formatter(&|x| match a.days.get(x.floor() as usize) {
            Some(d) if x.fract() == 0.0 => format!("{} {}", month(d.day.month()), d.day.day()),
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
    for (t, name) in a.event_types.iter().enumerate() {
        let color = PALETTE[t.min(PALETTE.len() - 1)];
        let bars = a
            .days
            .iter()
            .enumerate()
            .filter(|(_, d)| d.counts[t] > 0)
            .map(|(i, d)| {
                let below: i64 = d.counts[..t].iter().sum();
                let x0 = i as f64 + 0.1;
                let x1 = i as f64 + 0.9;
                Rectangle::new([(x0, below as f64), (x1, (below + d.counts[t]) as f64)], color.filled())
            });
        chart
            .draw_series(bars)?
            .label(name.replace('_', " "))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(label_font())
        .draw()?;
    Ok(())
}

fn month(m: u32) -> &'static str {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m as usize + 11) % 12]
}
