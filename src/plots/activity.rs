//! Changes per day, stacked by event type: a manager's view of a timeline.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use ts_rs::TS;

use super::concurrency::{label_font, title_font};
use crate::timeline::activity::Activity;

/// The event types histories usually have, each with one colour on every chart
/// (Okabe–Ito hues, which stay distinct for colour-blind readers).
const KNOWN: [(&str, RGBColor); 8] = [
    ("location_updated", RGBColor(0, 114, 178)),
    ("status_changed", RGBColor(230, 159, 0)),
    ("document_attached", RGBColor(0, 158, 115)),
    ("note_added", RGBColor(204, 121, 167)),
    ("eta_changed", RGBColor(86, 180, 233)),
    ("exception_raised", RGBColor(213, 94, 0)),
    ("carrier_assigned", RGBColor(240, 228, 66)),
    ("created", RGBColor(60, 60, 60)),
];

/// Other event types: a colour chosen by the name, so it too is the same on every chart.
const OTHERS: [RGBColor; 6] = [
    RGBColor(120, 120, 120),
    RGBColor(141, 160, 203),
    RGBColor(166, 118, 29),
    RGBColor(102, 166, 30),
    RGBColor(117, 112, 179),
    RGBColor(231, 41, 138),
];

/// The colour of an event type on every chart.
pub fn event_color(event_type: &str) -> RGBColor {
    if let Some((_, color)) = KNOWN.iter().find(|(name, _)| *name == event_type) {
        return *color;
    }
    // FNV-1a: stable across runs and machines (std's hasher is seeded).
    let hash = event_type.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    OTHERS[(hash % OTHERS.len() as u64) as usize]
}

/// `#0072b2`, for the window's legend and tooltips.
pub fn event_color_hex(event_type: &str) -> String {
    let RGBColor(r, g, b) = event_color(event_type);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The colour of layer `t`: the chart's own (`#rrggbb`), else its event type's.
fn color_of(a: &Activity, t: usize) -> RGBColor {
    let hex = a
        .colors
        .get(t)
        .and_then(|c| c.strip_prefix('#'))
        .filter(|c| c.len() == 6);
    let channel = |hex: &str, i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    match hex.and_then(|h| Some(RGBColor(channel(h, 0)?, channel(h, 2)?, channel(h, 4)?))) {
        Some(color) => color,
        None => event_color(&a.event_types[t]),
    }
}

/// Where the bars landed on the chart, in its pixels, so the window can lay
/// hover and click targets over the drawing.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct ActivityLayout {
    /// The chart's size.
    pub width: u32,
    pub height: u32,
    /// Each bar's column, left and right edge.
    pub columns: Vec<[i32; 2]>,
    /// The plot area's top and bottom edge.
    pub top: i32,
    pub bottom: i32,
}

/// Width kept on the right for the legend, so it never covers bars.
const LEGEND_WIDTH: u32 = 190;

pub fn activity<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Activity,
) -> Result<ActivityLayout, DrawingAreaErrorKind<DB::ErrorType>> {
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
    let (measure, grouping) = a.counts_of;
    let caption = format!("{}: {measure} per {period} by {grouping}", a.subject);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(caption, title_font())
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
        .y_desc(measure)
        .x_desc(format!("{period} ({}), {} {measure} in all", a.time_zone, a.total))
        .label_style(label_font())
        .axis_desc_style(label_font())
        // Ticks fall on whole numbers, the bars' centres (plotters picks round
        // steps); each is labelled with its bar's period.
        .x_label_formatter(&|x| match a.bars.get(x.round().max(0.0) as usize) {
            Some(bar) if x.fract() == 0.0 && *x >= 0.0 => bar.label.clone(),
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
    for t in 0..a.event_types.len() {
        let color = color_of(a, t);
        let bars = a
            .bars
            .iter()
            .enumerate()
            .filter(|(_, d)| d.counts[t] > 0)
            .map(|(i, d)| {
                let below: i64 = d.counts[..t].iter().sum();
                let x0 = i as f64 - 0.4;
                let x1 = i as f64 + 0.4;
                Rectangle::new([(x0, below as f64), (x1, (below + d.counts[t]) as f64)], color.filled())
            });
        chart.draw_series(bars)?;
    }
    // The legend in its own column, in the order the layers stack (top layer first).
    let top_y = 52;
    for (row, (t, name)) in a.event_types.iter().enumerate().rev().enumerate() {
        let y = top_y + 22 * row as i32;
        legend_area.draw(&Rectangle::new([(8, y), (20, y + 12)], color_of(a, t).filled()))?;
        legend_area.draw(&Text::new(name.replace('_', " "), (28, y), label_font()))?;
    }
    let (width, height) = root.dim_in_pixel();
    let columns = (0..a.bars.len())
        .map(|i| {
            let left = chart.backend_coord(&(i as f64 - 0.5, 0.0)).0;
            let right = chart.backend_coord(&(i as f64 + 0.5, 0.0)).0;
            [left, right]
        })
        .collect();
    Ok(ActivityLayout {
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
    fn an_event_type_has_one_colour_whatever_else_is_charted() {
        assert_eq!(event_color_hex("location_updated"), "#0072b2");
        assert_eq!(event_color("concurrency_test"), event_color("concurrency_test"));
        assert!(OTHERS.contains(&event_color("something_new")));
        let known: Vec<RGBColor> = KNOWN.iter().map(|k| k.1).collect();
        assert!(!known.contains(&event_color("something_new")));
    }
}
