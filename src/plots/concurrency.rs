//! The concurrency test's plots. Titled axes with units and a legend on each.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::concurrency::stats::percentile_curve;
use crate::concurrency::{RequestRecord, RunReport};

pub(super) type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

const OK: RGBColor = RGBColor(31, 95, 168);
const FAILED: RGBColor = RGBColor(196, 48, 36);
const EARLIER: RGBColor = RGBColor(150, 150, 150);
const TEXT: RGBColor = RGBColor(40, 46, 56);
/// Beyond this many requests, bars are aggregated (the max of each group) so a
/// 100,000-request run still draws quickly and reads at a glance.
const MAX_BARS: usize = 600;

pub(super) fn title_font() -> TextStyle<'static> {
    ("sans-serif", 18).into_font().color(&TEXT)
}

/// Tick labels for counts: whole numbers only.
fn whole(v: &f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

pub(super) fn label_font() -> TextStyle<'static> {
    ("sans-serif", 13).into_font().color(&TEXT)
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

/// Width kept on the right of a plot for its legend, so the legend never covers data.
const LEGEND_WIDTH: u32 = 170;

/// What a legend entry is drawn as: a filled box (bars) or a line (curves).
#[derive(Clone, Copy)]
enum Mark {
    Box,
    Line,
}

/// The legend in its own column beside the plot.
fn side_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, items: &[(String, RGBColor, Mark)]) -> Drawn<DB> {
    for (row, (name, color, mark)) in items.iter().enumerate() {
        let y = 52 + 22 * row as i32;
        match mark {
            Mark::Box => area.draw(&Rectangle::new([(6, y), (18, y + 12)], color.filled()))?,
            Mark::Line => area.draw(&PathElement::new(vec![(4, y + 6), (20, y + 6)], color.stroke_width(2)))?,
        }
        area.draw(&Text::new(name.clone(), (26, y), label_font()))?;
    }
    Ok(())
}

/// Splits off the legend column.
fn with_legend_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let (width, _) = area.dim_in_pixel();
    area.split_horizontally(width.saturating_sub(LEGEND_WIDTH))
}

/// Request numbers on an axis whose unit `i` spans i ± 0.5: whole ticks only,
/// counted from 1 (each unit may group `per` requests).
fn request_number(v: f64, per: usize) -> String {
    if v.fract() == 0.0 && v >= 0.0 {
        format!("{}", v as usize * per + 1)
    } else {
        String::new()
    }
}

pub fn latency<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &RunReport) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (plot, legend_area) = with_legend_column(root);
    let mut ok: Vec<&RequestRecord> = report.requests.iter().filter(|r| r.version.is_some()).collect();
    ok.sort_by_key(|r| (r.shipment, r.version));
    let failed = report.requests.iter().filter(|r| r.version.is_none());
    let values: Vec<(f64, bool)> = ok
        .iter()
        .map(|r| (r.latency_ms(), false))
        .chain(failed.map(|r| (r.latency_ms(), true)))
        .collect();
    let (bars, per) = aggregate(&values);
    let top = bars.iter().map(|b| b.0).fold(0.0, f64::max).max(0.001) * 1.12;
    let x_desc = if per > 1 {
        format!("requests in version order, failed last (each bar: the slowest of {per})")
    } else {
        "requests in version order, failed last".to_string()
    };
    let mut chart = ChartBuilder::on(&plot)
        .caption(
            &format!("{}: latency per request", report.scenario_title()),
            title_font(),
        )
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..bars.len().max(1) as f64 - 0.5, 0f64..top)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_x_mesh()
        .x_desc(x_desc)
        .y_desc("latency (ms)")
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_label_formatter(&|x| request_number(*x, per))
        .draw()?;
    let mut items = Vec::new();
    for (kind, color) in [(false, OK), (true, FAILED)] {
        if kind && !bars.iter().any(|b| b.1) {
            continue; // no "failed" legend entry when nothing failed
        }
        let series = bars
            .iter()
            .enumerate()
            .filter(|(_, b)| b.1 == kind)
            .map(move |(i, b)| Rectangle::new([(i as f64 - 0.38, 0.0), (i as f64 + 0.38, b.0)], color.filled()));
        chart.draw_series(series)?;
        items.push((if kind { "failed" } else { "succeeded" }.to_string(), color, Mark::Box));
    }
    side_legend(&legend_area, &items)
}

pub fn distribution<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &RunReport) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(SIZE_SPLIT);
    let latencies: Vec<f64> = report
        .requests
        .iter()
        .filter(|r| r.version.is_some())
        .map(|r| r.latency_ms())
        .collect();
    let max = latencies.iter().copied().fold(0.0, f64::max).max(0.001);
    const BINS: usize = 30;
    let width = max / BINS as f64;
    let mut counts = [0u32; BINS];
    for l in &latencies {
        counts[((l / width) as usize).min(BINS - 1)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.12;
    let mut chart = ChartBuilder::on(&left)
        .caption("Latency distribution", title_font())
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..max * 1.0001, 0f64..top)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_x_mesh()
        .x_desc(format!("latency (ms), {} successful requests", latencies.len()))
        .y_desc("requests")
        .y_label_formatter(&whole)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
        let x0 = i as f64 * width;
        Rectangle::new([(x0 + width * 0.06, 0.0), (x0 + width * 0.94, c as f64)], OK.filled())
    }))?;
    // One series on each side: the captions say what they are, no legend needed.
    percentile_chart(&right, &[(report, OK, "this run".to_string())], "Latency percentiles")
}

const SIZE_SPLIT: u32 = super::SIZE.0 / 2;

fn percentile_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[(&RunReport, RGBColor, String)],
    title: &str,
) -> Drawn<DB> {
    let curves: Vec<Vec<(f64, f64)>> = runs.iter().map(|(r, _, _)| percentile_curve(&r.requests)).collect();
    let top = curves.iter().flatten().map(|p| p.1).fold(0.0, f64::max).max(0.001) * 1.12;
    // Several curves: a legend column names them; one curve: the caption does.
    let (plot, legend_area) = if runs.len() > 1 {
        let (p, l) = with_legend_column(area);
        (p, Some(l))
    } else {
        (area.clone(), None)
    };
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, title_font())
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..100f64, 0f64..top)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_desc("percentile (%)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_desc("latency (ms)")
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    for ((_, color, _), curve) in runs.iter().zip(&curves) {
        chart.draw_series(LineSeries::new(
            curve.iter().map(|(q, ms)| (q * 100.0, *ms)),
            color.stroke_width(2),
        ))?;
    }
    match legend_area {
        Some(l) => side_legend(
            &l,
            &runs
                .iter()
                .map(|(_, c, n)| (n.clone(), *c, Mark::Line))
                .collect::<Vec<_>>(),
        ),
        None => Ok(()),
    }
}

pub fn waterfall<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &RunReport) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (plot, legend_area) = with_legend_column(root);
    let mut requests: Vec<&RequestRecord> = report.requests.iter().collect();
    requests.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
    // Too many rows to tell apart: draw an even sample, first and last included.
    let step = requests.len().div_ceil(MAX_BARS).max(1);
    let shown: Vec<&RequestRecord> = requests.iter().step_by(step).copied().collect();
    let t0 = shown.iter().map(|r| r.start_ms).fold(f64::INFINITY, f64::min);
    let t0 = if t0.is_finite() { t0 } else { 0.0 };
    let end = shown.iter().map(|r| r.end_ms - t0).fold(0.0, f64::max).max(0.001) * 1.05;
    let rows = shown.len().max(1) as f64;
    let y_desc = if step > 1 {
        format!("requests by start (every {step}th)")
    } else {
        "requests by start".to_string()
    };
    let mut chart = ChartBuilder::on(&plot)
        .caption(
            &format!("{}: each request from start to end", report.scenario_title()),
            title_font(),
        )
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(64)
        // Row i spans i ± 0.5, first request on top.
        .build_cartesian_2d(0f64..end, rows - 0.5..-0.5f64)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_y_mesh()
        .x_desc("time since the first request started (ms)")
        .y_desc(y_desc)
        .y_label_formatter(&|y| request_number(*y, step))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    let mut items = Vec::new();
    for (failed, color) in [(false, OK), (true, FAILED)] {
        if failed && shown.iter().all(|r| r.version.is_some()) {
            continue;
        }
        let series = shown
            .iter()
            .enumerate()
            .filter(|(_, r)| r.version.is_none() == failed)
            .map(move |(i, r)| {
                let (a, b) = (r.start_ms - t0, (r.end_ms - t0).max(r.start_ms - t0 + end * 0.002));
                Rectangle::new([(a, i as f64 - 0.35), (b, i as f64 + 0.35)], color.filled())
            });
        chart.draw_series(series)?;
        items.push((
            if failed { "failed" } else { "succeeded" }.to_string(),
            color,
            Mark::Box,
        ));
    }
    side_legend(&legend_area, &items)
}

/// Run A (the newer) against run B, labelled as the window's list marks them.
pub fn compare<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    run: &RunReport,
    earlier: &RunReport,
    tz: chrono_tz::Tz,
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let label = |mark: &str, r: &RunReport| {
        format!(
            "{mark}: {}",
            r.started_at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S")
        )
    };
    let runs = [(run, OK, label("A", run)), (earlier, EARLIER, label("B", earlier))];
    let title = format!("Latency percentiles, A and B ({tz})");
    percentile_chart(root, &runs, &title)
}
