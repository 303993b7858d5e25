//! Who is using the sandbox. The desktop app and every CLI command share one
//! sandbox; each holds a lease while it uses it, and the sandbox is stopped
//! only when the last lease is given back (and only if it was started on
//! demand, not by `waybill sandbox start`), never under a running command.
//!
//! A lease is a file `<pid>-<n>` holding the process's start time, so a lease
//! left by a process that died (or a pid reused since) is seen as gone.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, Result};

/// Held while a process uses the sandbox; given back by `Sandbox::release`
/// (which may stop it), or on drop (which never does).
#[derive(Debug)]
pub struct Lease {
    path: PathBuf,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// When a live process started (`/proc/<pid>/stat`, field 22), to tell it
/// from a later one that got the same pid. A zombie (dead, waiting to be
/// reaped, as under a container's init that never reaps) counts as gone.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; count fields after its ')'.
    let mut fields = stat[stat.rfind(')')? + 2..].split_whitespace();
    if fields.next()? == "Z" {
        return None;
    }
    fields.nth(18).map(str::to_string)
}

pub(super) fn take(dir: &Path) -> Result<Lease> {
    crate::files::private_dir(dir)?;
    let pid = std::process::id();
    let path = dir.join(format!("{pid}-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    crate::files::write_private(&path, start_time(pid).unwrap_or_default().as_bytes())?;
    Ok(Lease { path })
}

impl Lease {
    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

/// The pids holding live leases, other than `except`.
pub(super) fn holders(dir: &Path, except: Option<&Path>) -> Result<Vec<u32>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("reading {}", dir.display()))(e)),
    };
    let mut pids = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if Some(path.as_path()) == except {
            continue;
        }
        let pid: Option<u32> = entry
            .file_name()
            .to_str()
            .and_then(|n| n.split('-').next())
            .and_then(|p| p.parse().ok());
        let recorded = std::fs::read_to_string(&path).unwrap_or_default();
        match pid {
            Some(pid) if start_time(pid).is_some_and(|t| t == recorded.trim()) => pids.push(pid),
            // Its process is gone: the lease is stale.
            _ => drop(std::fs::remove_file(&path)),
        }
    }
    pids.sort_unstable();
    pids.dedup();
    Ok(pids)
}
