//! Logs go to `waybill.log` in the app's log directory (`<data dir>/logs`).
//! Nothing secret reaches them: passwords are only ever held as
//! `profiles::Password` (masked in `Debug`) and connections are logged by host,
//! port and database, never by URL.

use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::error::{Error, Result};

pub fn log_dir() -> Result<PathBuf> {
    Ok(crate::files::data_dir()?.join("logs"))
}

/// The log file, for messages that point to it (a bug report).
pub fn log_file() -> Result<PathBuf> {
    Ok(log_dir()?.join("waybill.log"))
}

/// Sends `tracing` events at `WAYBILL_LOG` level (default `info`) to the log
/// file, appending. Returns the file's path. Safe to call once per process.
pub fn init() -> Result<PathBuf> {
    let dir = log_dir()?;
    if let Some(data) = dir.parent() {
        crate::files::data_home(data)?;
    }
    crate::files::private_dir(&dir)?;
    let path = log_file()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .map_err(Error::io(format!("opening {}", path.display())))?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("WAYBILL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
    Ok(path)
}
