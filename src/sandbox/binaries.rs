//! Finding PostgreSQL's server programs (initdb, pg_ctl, postgres).
//!
//! Order: `WAYBILL_PG_BINDIR` (an explicit choice wins), `pg_config --bindir`,
//! then `/usr/lib/postgresql/<major>/bin`, newest first. `PATH` is not used: on
//! Debian it holds wrappers (or, with only the client installed, nothing at all).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

const PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

#[derive(Debug, Clone)]
pub struct ServerBinaries {
    pub bindir: PathBuf,
}

impl ServerBinaries {
    pub fn program(&self, name: &str) -> PathBuf {
        self.bindir.join(name)
    }

    /// Whether the server can load the extension library `name` (it sits in
    /// `lib/` beside `bin/` in Debian's and PGDG's layouts). A preload of a
    /// missing library would stop the server from starting.
    pub fn has_library(&self, name: &str) -> bool {
        self.bindir
            .parent()
            .is_some_and(|dir| dir.join("lib").join(format!("{name}.so")).is_file())
    }

    /// Finds the server programs; `wanted_major` (from an existing cluster's
    /// PG_VERSION) is preferred, since a cluster only runs under its own major version.
    pub fn find(wanted_major: Option<&str>) -> Result<ServerBinaries> {
        let mut searched = Vec::new();
        let mut candidates: Vec<PathBuf> = Vec::new();

        if let Some(dir) = std::env::var_os("WAYBILL_PG_BINDIR") {
            // An explicit choice is the only candidate: silently using another
            // installation would hide a misconfiguration.
            let dir = PathBuf::from(dir);
            return if has_server_programs(&dir) {
                Ok(ServerBinaries { bindir: dir })
            } else {
                Err(Error::PostgresNotInstalled {
                    searched: format!("WAYBILL_PG_BINDIR={}", dir.display()),
                })
            };
        }

        if let Some(major) = wanted_major {
            candidates.push(PathBuf::from(format!("/usr/lib/postgresql/{major}/bin")));
        }
        if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
            if out.status.success() {
                let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
                if !dir.is_empty() {
                    candidates.push(PathBuf::from(dir));
                }
            }
        }
        searched.push("pg_config --bindir".to_string());
        candidates.extend(versioned_dirs(Path::new("/usr/lib/postgresql")));
        searched.push("/usr/lib/postgresql/*/bin".to_string());

        candidates
            .into_iter()
            .find(|dir| has_server_programs(dir))
            .map(|bindir| ServerBinaries { bindir })
            .ok_or_else(|| Error::PostgresNotInstalled {
                searched: searched.join(", "),
            })
    }
}

fn has_server_programs(dir: &Path) -> bool {
    PROGRAMS.iter().all(|p| dir.join(p).is_file())
}

/// `<root>/<major>/bin` directories, newest major version first.
fn versioned_dirs(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, dir)| dir).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_dirs_are_newest_first() {
        let root = tempfile::tempdir().unwrap();
        for v in ["9", "15", "13", "not-a-version"] {
            std::fs::create_dir_all(root.path().join(v).join("bin")).unwrap();
        }
        let dirs = versioned_dirs(root.path());
        let majors: Vec<_> = dirs
            .iter()
            .map(|d| d.parent().unwrap().file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(majors, ["15", "13", "9"]);
    }
}
