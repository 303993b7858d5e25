//! Where Waybill keeps its data: the platform's data directory (on Linux
//! `$XDG_DATA_HOME/waybill`, so a test can point it at a temporary directory).

use std::path::PathBuf;

use crate::error::{Error, Result};

pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("waybill"))
        .ok_or(Error::NoHomeDirectory {
            what: "data",
            variable: "XDG_DATA_HOME",
        })
}
