//! Charts drawn with plotters on the Rust side: SVG for the window and PNG
//! for files. A chart is plain data (values, series, axis words): this module
//! knows no feature. Each feature turns its own results into one of these
//! charts, so a chart can change without reading a feature, and a feature
//! without reading the drawing code.
//!
//! Text is measured (and for PNG drawn) with ab_glyph from a system TrueType
//! font, so no fontconfig or freetype is needed at build time.

mod bars;
mod color;
mod curves;
mod frame;
mod grouped;
mod spans;
mod stacked;

pub use bars::{Bars, Histogram};
pub use color::{kind_color, Color};
pub use curves::{Curve, Curves};
pub use grouped::{GroupedBars, Series};
pub use spans::Spans;
pub use stacked::{BarLayout, Layer, StackedBars};

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Field, Result};

/// Every chart's size in pixels.
pub const SIZE: (u32, u32) = (960, 440);

/// A chart's title and the words on its axes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Axes {
    pub title: String,
    pub x: String,
    pub y: String,
}

impl Axes {
    pub fn new(title: impl Into<String>, x: impl Into<String>, y: impl Into<String>) -> Axes {
        Axes {
            title: title.into(),
            x: x.into(),
            y: y.into(),
        }
    }
}

/// What to draw.
#[derive(Debug, Clone)]
pub enum Chart {
    /// One bar per item, in order, each marked as succeeded or failed.
    Bars(Bars),
    /// A histogram (left half) beside a curve (right half).
    Distribution(Histogram, Curves),
    /// Each item from its start to its end on one time axis.
    Spans(Spans),
    /// Curves over 0–100 %, with a legend when there are several.
    Curves(Curves),
    /// Bars stacked by kind, one per period.
    Stacked(StackedBars),
    /// Bars side by side per category, one for each series.
    Grouped(GroupedBars),
}

impl Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let drawn = match self {
            Chart::Bars(c) => bars::draw_bars(root, c),
            Chart::Distribution(h, c) => bars::draw_distribution(root, h, c),
            Chart::Spans(c) => spans::draw(root, c),
            Chart::Curves(c) => curves::draw(root, c),
            Chart::Stacked(c) => stacked::draw(root, c).map(|_| ()),
            Chart::Grouped(c) => grouped::draw(root, c),
        };
        drawn
            .and_then(|()| root.present())
            .map_err(|e| Error::Plot(e.to_string()))
    }
}

/// The chart as SVG text.
pub fn svg(chart: &Chart) -> Result<String> {
    // The webview draws SVG text, but plotters still measures it to lay out axes.
    register_font()?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        chart.draw(&root)?;
    }
    Ok(text)
}

/// Stacked bars as SVG, with where the bars landed (for hover and click).
pub fn stacked_svg(chart: &StackedBars) -> Result<(String, BarLayout)> {
    register_font()?;
    let mut text = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        stacked::draw(&root, chart)
            .and_then(|layout| root.present().map(|()| layout))
            .map_err(|e| Error::Plot(e.to_string()))?
    };
    Ok((text, layout))
}

/// The chart as a PNG image.
pub fn png(chart: &Chart) -> Result<Vec<u8>> {
    register_font()?;
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        chart.draw(&root)?;
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

/// How a chart file is drawn: by its name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    /// The format `path`'s extension names; a clear error for anything else,
    /// so a bad name fails before any work.
    pub fn of(path: &Path) -> Result<ImageFormat> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => Ok(ImageFormat::Png),
            Some("svg") => Ok(ImageFormat::Svg),
            _ => Err(Error::invalid(
                Field::PlotFile,
                format!("{} must end in .svg or .png", path.display()),
            )),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// The chart drawn in `format`, as the bytes of a file.
pub fn image(chart: &Chart, format: ImageFormat) -> Result<Vec<u8>> {
    match format {
        ImageFormat::Png => png(chart),
        ImageFormat::Svg => Ok(svg(chart)?.into_bytes()),
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
