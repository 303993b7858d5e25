//! How long shipments stay in each status: the median and 90th percentile of
//! the stays that ended in the overview's range, side by side per status.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::concurrency::{label_font, title_font};
use crate::overview::Overview;

const MEDIAN: RGBColor = RGBColor(0, 114, 178);
const P90: RGBColor = RGBColor(230, 159, 0);

pub fn status_times<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    o: &Overview,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let rows: Vec<_> = o.statuses.iter().filter(|s| s.stays > 0).collect();
    let longest = rows
        .iter()
        .filter_map(|s| s.p90_hours.or(s.median_hours))
        .fold(0.0, f64::max);
    // Hours read well up to three days; beyond, days.
    let (unit, per) = if longest > 72.0 { ("days", 24.0) } else { ("hours", 1.0) };
    let top = (longest / per).max(1.0) * 1.15;
    let n = rows.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption("Time in each status: median and 90th percentile", title_font())
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(12))
        .x_label_formatter(&|x| match rows.get(x.round().max(0.0) as usize) {
            Some(s) if x.fract() == 0.0 && *x >= 0.0 => s.status.replace('_', " "),
            _ => String::new(),
        })
        .y_desc(unit)
        .x_desc(format!(
            "stays that ended between {} and {}",
            short(&o.since),
            short(&o.until)
        ))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for (i, s) in rows.iter().enumerate() {
        let x = i as f64;
        if let Some(m) = s.median_hours {
            chart.draw_series([Rectangle::new([(x - 0.35, 0.0), (x, m / per)], MEDIAN.filled())])?;
        }
        if let Some(p) = s.p90_hours {
            chart.draw_series([Rectangle::new([(x, 0.0), (x + 0.35, p / per)], P90.filled())])?;
        }
    }
    let (width, _) = root.dim_in_pixel();
    let x = width as i32 - 190;
    for (row, (name, color)) in [("median", MEDIAN), ("90th percentile", P90)].into_iter().enumerate() {
        let y = 52 + 22 * row as i32;
        root.draw(&Rectangle::new([(x, y), (x + 12, y + 12)], color.filled()))?;
        root.draw(&Text::new(name, (x + 20, y), label_font()))?;
    }
    Ok(())
}

/// `2026-11-02T00:00:00.000+01:00` → `2026-11-02 00:00`.
fn short(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}
