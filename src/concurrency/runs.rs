//! Past runs, kept as JSON files in the app's data directory so they can be
//! reopened and compared.

use std::path::{Path, PathBuf};

use super::report::RunReport;
use crate::error::{Error, Field, Result};

pub fn runs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("concurrency-runs")
}

/// Saves a report; returns its file.
pub fn save(data_dir: &Path, report: &RunReport) -> Result<PathBuf> {
    let dir = runs_dir(data_dir);
    crate::files::data_home(data_dir)?;
    crate::files::private_dir(&dir)?;
    let stem = format!("{}-{}", report.started_at.format("%Y%m%dT%H%M%S"), report.short_id());
    let json = serde_json::to_vec(report).map_err(Error::internal)?;
    crate::files::save(
        crate::files::Destination::Folder {
            dir: &dir,
            stem: &stem,
            ext: "json",
        },
        &json,
    )
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

/// Whether two runs measured the same thing, so their latencies can be set
/// side by side: the same scenario with the same load (requests, spacing,
/// pool, shipments), both against the real function or both self-tests. The
/// database may differ: comparing the sandbox with a server, or a pooler with
/// a direct connection, is the point. The acceptable-time threshold may differ
/// too (it judges a run, it does not shape its load).
pub fn comparable(run: &RunReport, earlier: &RunReport) -> Result<()> {
    if comparable_key(run) == comparable_key(earlier) {
        return Ok(());
    }
    let refuse = |why: String| Err(Error::invalid(Field::CompareRun, why));
    let when = |r: &RunReport| format!("run {} ({})", r.short_id(), r.scenario_title());
    if run.unsafe_control != earlier.unsafe_control {
        return refuse(format!(
            "{} and {} cannot be compared: one is a self-test of the checker against a deliberately unsafe assignment. Compare runs of the real function",
            when(run),
            when(earlier)
        ));
    }
    if run.scenario != earlier.scenario {
        return refuse(format!(
            "{} and {} ran different scenarios. Compare runs of the same scenario",
            when(run),
            when(earlier)
        ));
    }
    let (a, b) = (&run.params, &earlier.params);
    let differences: Vec<String> = [
        ("requests", a.requests, b.requests),
        ("delay between starts (ms)", a.delay_ms, b.delay_ms),
        ("pool size", a.pool_size, b.pool_size),
        ("acquire timeout (ms)", a.acquire_timeout_ms, b.acquire_timeout_ms),
        ("shipments", a.shipments, b.shipments),
    ]
    .into_iter()
    .filter(|(_, x, y)| x != y)
    .map(|(name, x, y)| format!("{name} {x} and {y}"))
    .collect();
    if !differences.is_empty() {
        return refuse(format!(
            "{} and {} used different loads ({}). Compare runs with the same parameters",
            when(run),
            when(earlier),
            differences.join(", ")
        ));
    }
    Ok(())
}

/// Equal for runs `comparable` accepts (the window offers Compare by it).
pub fn comparable_key(r: &RunReport) -> String {
    let p = &r.params;
    format!(
        "{}{:?}/{}/{}/{}/{}/{}",
        if r.unsafe_control { "self-test:" } else { "" },
        r.scenario,
        p.requests,
        p.delay_ms,
        p.pool_size,
        p.acquire_timeout_ms,
        p.shipments
    )
}
