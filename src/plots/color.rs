//! The colours of every chart: one for what succeeded, one for what failed,
//! and one per kind (an event type, a finding), the same on every chart.

use plotters::style::RGBColor;

/// A colour on a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    /// What went well (and the one series of a chart).
    pub const OK: Color = Color(31, 95, 168);
    /// What failed.
    pub const FAILED: Color = Color(196, 48, 36);
    /// Something to compare with (an earlier run).
    pub const EARLIER: Color = Color(150, 150, 150);
    /// The first and second series of grouped bars (Okabe–Ito blue and orange).
    pub const FIRST: Color = Color(0, 114, 178);
    pub const SECOND: Color = Color(230, 159, 0);

    /// `#0072b2`, for the window's legends and tooltips.
    pub fn hex(self) -> String {
        let Color(r, g, b) = self;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    pub(super) fn rgb(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

/// The kinds histories usually have, each with one colour on every chart
/// (Okabe–Ito hues, which stay distinct for colour-blind readers; the words
/// other layouts' events are shown as in Paul Tol's, distinct from those).
const KNOWN: [(&str, Color); 11] = [
    ("location_updated", Color(0, 114, 178)),
    ("status_changed", Color(230, 159, 0)),
    ("document_attached", Color(0, 158, 115)),
    ("note_added", Color(204, 121, 167)),
    ("eta_changed", Color(86, 180, 233)),
    ("exception_raised", Color(213, 94, 0)),
    ("carrier_assigned", Color(240, 228, 66)),
    ("created", Color(60, 60, 60)),
    ("updated", Color(68, 119, 170)),
    ("deleted", Color(170, 51, 119)),
    ("truncated", Color(34, 136, 51)),
];

/// Other kinds: a colour chosen by the name, so it too is the same on every chart.
const OTHERS: [Color; 6] = [
    Color(120, 120, 120),
    Color(141, 160, 203),
    Color(166, 118, 29),
    Color(102, 166, 30),
    Color(117, 112, 179),
    Color(231, 41, 138),
];

/// The colour of a kind on every chart.
pub fn kind_color(kind: &str) -> Color {
    if let Some((_, color)) = KNOWN.iter().find(|(name, _)| *name == kind) {
        return *color;
    }
    // FNV-1a: stable across runs and machines (std's hasher is seeded).
    let hash = kind.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    OTHERS[(hash % OTHERS.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_has_one_colour_whatever_else_is_charted() {
        assert_eq!(kind_color("location_updated").hex(), "#0072b2");
        assert_eq!(kind_color("concurrency_test"), kind_color("concurrency_test"));
        assert!(OTHERS.contains(&kind_color("something_new")));
        let known: Vec<Color> = KNOWN.iter().map(|k| k.1).collect();
        assert!(!known.contains(&kind_color("something_new")));
    }
}
