//! What every chart shares: its fonts, the legend in a column of its own (so
//! it never covers data), and tick labels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::Color as _;

use super::Color;

pub(super) type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

const TEXT: RGBColor = RGBColor(40, 46, 56);

/// Width kept on the right of a chart for its legend.
pub(super) const LEGEND_WIDTH: u32 = 170;

pub(super) fn title_font() -> TextStyle<'static> {
    ("sans-serif", 18).into_font().color(&TEXT)
}

pub(super) fn label_font() -> TextStyle<'static> {
    ("sans-serif", 13).into_font().color(&TEXT)
}

/// Tick labels for counts: whole numbers only.
pub(super) fn whole(v: &f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// Item numbers on an axis whose unit `i` spans i ± 0.5: whole ticks only,
/// counted from 1 (each unit may stand for `per` items).
pub(super) fn item_number(v: f64, per: usize) -> String {
    if v.fract() == 0.0 && v >= 0.0 {
        format!("{}", v as usize * per + 1)
    } else {
        String::new()
    }
}

/// What a legend entry is drawn as: a filled box (bars) or a line (curves).
#[derive(Clone, Copy)]
pub(super) enum Mark {
    Box,
    Line,
}

/// Splits off the legend column (`width` wide) on the right.
pub(super) fn with_legend_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    width: u32,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let (total, _) = area.dim_in_pixel();
    area.split_horizontally(total.saturating_sub(width))
}

/// The legend's entries, one per row from the top.
pub(super) fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, items: &[(String, Color, Mark)]) -> Drawn<DB> {
    for (row, (name, color, mark)) in items.iter().enumerate() {
        let y = 52 + 22 * row as i32;
        let color = color.rgb();
        match mark {
            Mark::Box => area.draw(&Rectangle::new([(6, y), (18, y + 12)], color.filled()))?,
            Mark::Line => area.draw(&PathElement::new(vec![(4, y + 6), (20, y + 6)], color.stroke_width(2)))?,
        }
        area.draw(&Text::new(name.clone(), (26, y), label_font()))?;
    }
    Ok(())
}
