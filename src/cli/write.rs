//! Files the user named on the command line (`--plot`, `--junit`, `--html`,
//! `-o`), saved the one way Waybill saves a file (`waybill::files::save`):
//! whole or not at all, owner-only, replacing what is at the path rather than
//! writing through it.

use std::path::Path;

use waybill::error::Result;
use waybill::files::{self, Destination};
use waybill::plots::{self, Chart, ImageFormat};

/// Fails before any work when `path` is not a chart file name (.svg or .png).
pub fn check_chart_path(path: &Path) -> Result<()> {
    ImageFormat::of(path).map(drop)
}

/// Draws `chart` into `path`, as SVG or PNG by its extension.
pub fn chart(chart: &Chart, path: &Path) -> Result<()> {
    bytes(path, &plots::image(chart, ImageFormat::of(path)?)?)
}

pub fn bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    files::save(Destination::Path(path), bytes).map(drop)
}
