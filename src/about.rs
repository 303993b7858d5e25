//! Which Waybill this is: the version and the commit it was built from (see
//! `build.rs`), as `waybill --version` and the app's About line say it.

use serde::Serialize;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const COMMIT: &str = env!("WAYBILL_COMMIT");
/// `0.1.0 (commit 1a2b3c4d5)`, for `--version`.
pub const LONG_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("WAYBILL_COMMIT"), ")");

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct About {
    pub version: String,
    pub commit: String,
    /// Built with optimisations (a release or the package), or a debug build.
    pub release: bool,
}

pub fn about() -> About {
    About {
        version: VERSION.into(),
        commit: COMMIT.into(),
        release: !cfg!(debug_assertions),
    }
}
