//! Where Waybill keeps its data: the platform's data directory (on Linux
//! `$XDG_DATA_HOME/waybill`, so a test can point it at a temporary directory),
//! and how it creates what it keeps there: readable by its owner only (logs
//! name hosts and databases, run reports and exports hold other people's
//! data). A file for the user (an export, a report, a plot) is saved one way:
//! `save`.

mod save;

pub use save::{save, Destination, Partial};

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("waybill"))
        .ok_or(Error::NoHomeDirectory {
            what: "data",
            variable: "XDG_DATA_HOME",
        })
}

/// Creates Waybill's data directory: others may pass through it (the sandbox
/// server runs as `postgres` when Waybill runs as root), not list or read it;
/// what is in it is private (`private_dir`, `private_file`).
pub fn data_home(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o711))
        .map_err(Error::io(format!("protecting {}", dir.display())))
}

/// Creates `dir` (with missing parents) as Waybill's own: mode 0700. Only
/// `dir` itself is protected: parents that exist (`~/.local/share`) are not
/// Waybill's to change.
pub fn private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(Error::io(format!("protecting {}", dir.display())))
}

/// Creates (or truncates) a file readable by its owner only.
pub fn private_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(Error::io(format!("creating {}", path.display())))
}

/// Writes a whole file readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    private_file(path)?
        .write_all(bytes)
        .map_err(Error::io(format!("writing {}", path.display())))
}

/// Text fit for a file name: letters, digits and a few marks, nothing a file
/// system or a shell minds; at most 120 characters.
pub fn file_name_safe(text: &str) -> String {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_+.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    safe.trim().to_string()
}
