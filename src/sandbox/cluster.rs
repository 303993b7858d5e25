//! The files of the sandbox cluster: its settings and its `postmaster.pid`.

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

use super::ServerAccount;
use crate::error::{Error, Result};

/// Settings Waybill owns, written before each start and included from
/// postgresql.conf, so that the port can change between starts.
pub const SETTINGS_FILE: &str = "waybill.conf";

pub fn is_cluster(data: &Path) -> bool {
    data.join("PG_VERSION").is_file()
}

/// An existing, non-empty directory without PG_VERSION is somebody else's data.
pub fn is_foreign(data: &Path) -> bool {
    match std::fs::read_dir(data) {
        Ok(mut entries) => entries.next().is_some() && !is_cluster(data),
        Err(_) => false,
    }
}

pub fn major_version(data: &Path) -> Option<String> {
    std::fs::read_to_string(data.join("PG_VERSION"))
        .ok()
        .map(|v| v.trim().to_string())
}

/// Quotes a value for postgresql.conf.
fn conf_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The settings a DBA would make for `waybill monitor` (see the README): the
/// sandbox has them whenever its server has pg_stat_statements, so production
/// monitoring has something to show out of the box.
const MONITORING: &str = "shared_preload_libraries = 'pg_stat_statements'\n\
                          track_functions = 'pl'\n";

pub fn write_settings(
    account: &ServerAccount,
    data: &Path,
    port: u16,
    socket_dir: &Path,
    monitoring: bool,
) -> Result<()> {
    let mut text = format!(
        "# Written by Waybill before each start of the sandbox; edits are overwritten.\n\
         port = {port}\n\
         listen_addresses = '127.0.0.1'\n\
         unix_socket_directories = {socket}\n\
         unix_socket_permissions = 0700\n\
         max_connections = 1100\n\
         logging_collector = off\n",
        socket = conf_quote(&socket_dir.to_string_lossy()),
    );
    if monitoring {
        text.push_str(MONITORING);
    }
    account.write(&data.join(SETTINGS_FILE), &text)
}

/// Makes postgresql.conf include our settings file (once, right after initdb).
pub fn include_settings(account: &ServerAccount, data: &Path) -> Result<()> {
    let conf = data.join("postgresql.conf");
    let mut text = std::fs::read_to_string(&conf).map_err(Error::io("reading postgresql.conf"))?;
    let line = format!("include_if_exists = '{SETTINGS_FILE}'");
    if !text.contains(&line) {
        text.push_str(&format!("\n{line}\n"));
        account.write(&conf, &text)?;
    }
    Ok(())
}

/// The port the settings file names, if any (to keep a sandbox on the same port).
pub fn configured_port(data: &Path) -> Option<u16> {
    let text = std::fs::read_to_string(data.join(SETTINGS_FILE)).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("port = "))
        .and_then(|p| p.trim().parse().ok())
}

pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// A port the kernel says is free on loopback right now. Another process may
/// still take it before the server binds: the caller retries on a bind failure.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(Error::io("finding a free port"))?;
    Ok(listener.local_addr().map_err(Error::io("finding a free port"))?.port())
}

/// What `postmaster.pid` says about a running server.
#[derive(Debug, Clone, PartialEq)]
pub struct PidFile {
    pub pid: i32,
    pub port: u16,
    pub socket_dir: PathBuf,
}

impl PidFile {
    pub fn read(data: &Path) -> Option<PidFile> {
        let text = std::fs::read_to_string(data.join("postmaster.pid")).ok()?;
        PidFile::parse(&text)
    }

    /// Line 1: pid, 4: port, 5: first socket directory (PostgreSQL's pidfile.h).
    pub fn parse(text: &str) -> Option<PidFile> {
        let lines: Vec<&str> = text.lines().collect();
        Some(PidFile {
            pid: lines.first()?.trim().parse().ok()?,
            port: lines.get(3)?.trim().parse().ok()?,
            socket_dir: PathBuf::from(lines.get(4)?.trim()),
        })
    }
}

/// Is `pid` a live PostgreSQL server? After a crash or reboot the pid in a stale
/// `postmaster.pid` may belong to an unrelated process (common in containers).
/// Still running: alive and not a zombie (a zombie has exited and only waits
/// for its parent, which may be a container's init that never reaps it).
pub fn is_running_process(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"),
        // No /proc (macOS): ask the kernel whether the pid exists.
        Err(_) => {
            !Path::new("/proc/self").exists()
                && matches!(
                    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
                    Ok(()) | Err(nix::errno::Errno::EPERM)
                )
        }
    }
}

pub fn is_postgres_process(pid: i32) -> bool {
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    // EPERM means it exists but belongs to someone else: still alive.
    let alive = matches!(kill(Pid::from_raw(pid), None), Ok(()) | Err(nix::errno::Errno::EPERM));
    if !alive {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(comm) => matches!(comm.trim(), "postgres" | "postmaster"),
        // No /proc (macOS): trust that the pid is alive.
        Err(_) => !Path::new("/proc/self").exists(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_postmaster_pid_file() {
        let text = "12345\n/data\n1700000000\n54321\n/tmp/run dir\n127.0.0.1\n  5432001  1\nready   \n";
        assert_eq!(
            PidFile::parse(text),
            Some(PidFile {
                pid: 12345,
                port: 54321,
                socket_dir: PathBuf::from("/tmp/run dir")
            })
        );
        assert_eq!(PidFile::parse("12345\n/data\n"), None);
    }

    #[test]
    fn quotes_conf_values() {
        assert_eq!(conf_quote("/tmp/it's here"), "'/tmp/it''s here'");
    }

    #[test]
    fn reads_the_configured_port_back() {
        let dir = tempfile::tempdir().unwrap();
        write_settings(&ServerAccount::Current, dir.path(), 6543, Path::new("/tmp/x"), true).unwrap();
        assert_eq!(configured_port(dir.path()), Some(6543));
    }
}
