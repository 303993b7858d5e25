//! Plots drawn with plotters on the Rust side: SVG for the UI and PNG for export.
//! Text is measured (and for PNG drawn) with ab_glyph from a system TrueType
//! font, so no fontconfig or freetype is needed at build time.

mod activity;
mod concurrency;
mod overview;

pub use activity::{event_color_hex, ActivityLayout};

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::concurrency::RunReport;
use crate::error::{Error, Field, Result};
use crate::timeline::activity::Activity;

pub const SIZE: (u32, u32) = (960, 440);

/// What to draw.
#[derive(Debug, Clone, Copy)]
pub enum Plot<'a> {
    /// Per-request latency as bars, in version order (the guide's list).
    Latency(&'a RunReport),
    /// Histogram of latencies beside the percentile curve.
    Distribution(&'a RunReport),
    /// Each request from start to end on a shared time axis: queueing shows.
    Waterfall(&'a RunReport),
    /// Percentile curves of two runs overlaid (the run, then the earlier one),
    /// their start times in a time zone.
    Compare(&'a RunReport, &'a RunReport, chrono_tz::Tz),
    /// Changes per day by event type, for a shipment or an actor.
    Activity(&'a Activity),
    /// The overview's time in each status (median and 90th percentile).
    StatusTimes(&'a crate::overview::Overview),
}

impl Plot<'_> {
    /// A short name for files: `latency`, `distribution`, `waterfall`, `compare`…
    pub fn name(&self) -> &'static str {
        match self {
            Plot::Latency(_) => "latency",
            Plot::Distribution(_) => "distribution",
            Plot::Waterfall(_) => "waterfall",
            Plot::Compare(..) => "compare",
            Plot::Activity(_) => "activity",
            Plot::StatusTimes(_) => "status-times",
        }
    }

    fn draw<DB: DrawingBackend>(self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let drawn = match self {
            Plot::Latency(r) => concurrency::latency(root, r),
            Plot::Distribution(r) => concurrency::distribution(root, r),
            Plot::Waterfall(r) => concurrency::waterfall(root, r),
            Plot::Compare(a, b, tz) => concurrency::compare(root, a, b, tz),
            Plot::Activity(a) => activity::activity(root, a).map(|_| ()),
            Plot::StatusTimes(o) => overview::status_times(root, o),
        };
        drawn
            .and_then(|()| root.present())
            .map_err(|e| Error::Plot(e.to_string()))
    }
}

pub fn svg(plot: Plot<'_>) -> Result<String> {
    // The webview draws SVG text, but plotters still measures it to lay out axes.
    register_font()?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        plot.draw(&root)?;
    }
    Ok(text)
}

/// The activity chart as SVG, with where its bars landed (for hover and click).
pub fn activity_svg(a: &Activity) -> Result<(String, ActivityLayout)> {
    register_font()?;
    let mut text = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        let layout = activity::activity(&root, a)
            .and_then(|layout| root.present().map(|()| layout))
            .map_err(|e| Error::Plot(e.to_string()))?;
        layout
    };
    Ok((text, layout))
}

pub fn png(plot: Plot<'_>) -> Result<Vec<u8>> {
    register_font()?;
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        plot.draw(&root)?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let encoded = encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&rgb));
    encoded.map_err(|e| Error::Plot(format!("encoding the PNG failed: {e}")))?;
    Ok(out)
}

/// Writes `plot` to `path`, as PNG or SVG by its extension.
pub fn write(plot: Plot<'_>, path: &std::path::Path) -> Result<()> {
    let bytes = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => png(plot)?,
        Some("svg") => svg(plot)?.into_bytes(),
        _ => {
            return Err(Error::invalid(
                Field::PlotFile,
                format!("{} must end in .svg or .png", path.display()),
            ))
        }
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(Error::io(format!("creating {}", parent.display())))?;
    }
    std::fs::write(path, bytes).map_err(Error::io(format!("writing {}", path.display())))
}

/// Checks a plot path before a run, so a bad name fails before any work.
pub fn write_check(path: &std::path::Path) -> Result<()> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") | Some("svg") => Ok(()),
        _ => Err(Error::invalid(
            Field::PlotFile,
            format!("{} must end in .svg or .png", path.display()),
        )),
    }
}

/// Fonts PNG text can use, most likely first; `WAYBILL_PLOT_FONT` wins.
const FONT_FILES: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            let candidates: Vec<String> = std::env::var("WAYBILL_PLOT_FONT")
                .into_iter()
                .chain(FONT_FILES.iter().map(|s| s.to_string()))
                .collect();
            let bytes = candidates.iter().find_map(|f| std::fs::read(f).ok()).ok_or_else(|| {
                "PNG export needs a TrueType font: install `fonts-dejavu-core` or set WAYBILL_PLOT_FONT to a .ttf file"
                    .to_string()
            })?;
            // Registered once for the life of the process, as plotters requires.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
                .map_err(|_| "the plot font could not be read".to_string())
        })
        .clone()
        .map_err(Error::Plot)
}
