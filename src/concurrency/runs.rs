//! Past runs, kept as JSON files in the app's data directory so they can be
//! reopened and compared.

use std::path::{Path, PathBuf};

use super::report::RunReport;
use crate::error::{Error, Result};

pub fn runs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("concurrency-runs")
}

/// Saves a report; returns its file.
pub fn save(data_dir: &Path, report: &RunReport) -> Result<PathBuf> {
    let dir = runs_dir(data_dir);
    crate::paths::data_home(data_dir)?;
    crate::paths::private_dir(&dir)?;
    let file = dir.join(format!(
        "{}-{}.json",
        report.started_at.format("%Y%m%dT%H%M%S"),
        &report.id[..8]
    ));
    let json = serde_json::to_vec(report).map_err(Error::internal)?;
    crate::paths::write_private(&file, &json)?;
    Ok(file)
}

/// Reads a saved report by its file (the CLI's `--compare FILE`) or its run id.
pub fn load(data_dir: &Path, key: &str) -> Result<RunReport> {
    let path = Path::new(key);
    if path.is_file() {
        return read(path);
    }
    load_by_id(data_dir, key)
}

/// Reads a saved report by its run id (or an unambiguous prefix), only from the
/// runs directory: what the window asks for is never taken as a path.
pub fn load_by_id(data_dir: &Path, key: &str) -> Result<RunReport> {
    let file = {
        let valid = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric());
        let matches: Vec<PathBuf> = list_files(data_dir)?
            .into_iter()
            .filter(|f| {
                valid
                    && f.file_stem().and_then(|s| s.to_str()).is_some_and(|s| {
                        s.split('-')
                            .nth(1)
                            .is_some_and(|id| key.starts_with(id) || id.starts_with(key))
                    })
            })
            .collect();
        match matches.as_slice() {
            [one] => one.clone(),
            [] => return Err(Error::RunNotFound { key: key.to_string() }),
            _ => {
                return Err(Error::RunAmbiguous {
                    key: key.to_string(),
                    count: matches.len(),
                })
            }
        }
    };
    read(&file)
}

fn read(file: &Path) -> Result<RunReport> {
    let bytes = std::fs::read(file).map_err(Error::io(format!("reading {}", file.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::NotARunReport {
        path: file.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Saved report files, newest first.
pub fn list_files(data_dir: &Path) -> Result<Vec<PathBuf>> {
    let dir = runs_dir(data_dir);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files.reverse();
    Ok(files)
}
