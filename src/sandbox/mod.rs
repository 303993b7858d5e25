//! The sandbox: Waybill's own private PostgreSQL cluster under the app's data
//! directory, so that a new user sees real shipments with nothing configured.
//!
//! The server listens on a free loopback port but refuses TCP logins; clients
//! connect through a private socket directory (mode 0700) with trust auth, so
//! there is no password to store and only the owning account can get in.
//! The desktop app and the CLI share one sandbox; a lock file serializes
//! start and stop between processes.

mod account;
mod binaries;
mod cluster;
mod lease;

use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Serialize;
use sqlx::postgres::PgConnectOptions;

pub use account::ServerAccount;
pub use binaries::ServerBinaries;
pub use lease::Lease;

use crate::error::{Error, Result};
use cluster::PidFile;

/// The superuser and database Waybill creates in the sandbox.
pub const SANDBOX_USER: &str = "waybill";
pub const SANDBOX_DATABASE: &str = "waybill";

#[derive(Debug, Clone, Serialize)]
pub struct SandboxInfo {
    pub pid: i32,
    pub port: u16,
    pub socket_dir: String,
    pub data_dir: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SandboxStatus {
    NotCreated,
    Stopped,
    Running(SandboxInfo),
}

/// What `start` did.
#[derive(Debug)]
pub struct Started {
    pub info: SandboxInfo,
    /// False when the sandbox was already running (another process started it).
    pub started_now: bool,
    /// True when the cluster was created by this call (it then needs schema and data).
    pub created: bool,
    /// This process's use of the sandbox: give it back with `Sandbox::release`.
    pub lease: Lease,
}

#[derive(Debug, Clone)]
pub struct Sandbox {
    root: PathBuf,
    lock_path: PathBuf,
    /// Leases of the processes using it (see `lease`).
    leases: PathBuf,
    /// Present while the sandbox runs because someone needed it (not because
    /// of `waybill sandbox start`): the last lease given back stops it.
    on_demand: PathBuf,
}

impl Sandbox {
    /// The sandbox of a data directory (normally `paths::data_dir()`): its
    /// `sandbox` folder, unless Waybill runs as root and the `postgres` account
    /// cannot reach that folder (a data directory under `/root`, mode 0700).
    /// Then the cluster lives in a directory made for it under
    /// `/var/lib/waybill`, one per data directory; the permissions of the
    /// user's own directories are never changed.
    pub fn at(data_dir: &Path) -> Sandbox {
        let mut root = data_dir.join("sandbox");
        if let Ok(account) = ServerAccount::detect() {
            if !account.can_reach(&root) {
                root = relocated_root(data_dir);
            }
        }
        Sandbox {
            root,
            lock_path: data_dir.join("sandbox.lock"),
            leases: data_dir.join("sandbox-leases"),
            on_demand: data_dir.join("sandbox.on-demand"),
        }
    }

    /// Where the cluster's files are.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn default_location() -> Result<Sandbox> {
        Ok(Sandbox::at(&crate::files::data_dir()?))
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    pub fn log_file(&self) -> PathBuf {
        self.root.join("server.log")
    }

    pub fn status(&self) -> Result<SandboxStatus> {
        let data = self.data_dir();
        if cluster::is_foreign(&data) {
            return Err(Error::NotACluster { path: data });
        }
        if !cluster::is_cluster(&data) {
            return Ok(SandboxStatus::NotCreated);
        }
        Ok(match self.live_pid_file() {
            Some(pid) => SandboxStatus::Running(self.info(pid)),
            None => SandboxStatus::Stopped,
        })
    }

    /// Starts the sandbox, creating the cluster on first use. Blocking: call it
    /// from `spawn_blocking` in async code.
    pub fn start(&self, progress: &dyn Fn(&str)) -> Result<Started> {
        let _lock = self.lock()?;
        let data = self.data_dir();
        if cluster::is_foreign(&data) {
            return Err(Error::NotACluster { path: data });
        }
        let account = ServerAccount::detect()?;
        let created = !cluster::is_cluster(&data);
        if created {
            progress("Creating the sandbox database cluster");
            self.create_cluster(&account)?;
        }
        if let Some(pid) = self.live_pid_file() {
            return Ok(Started {
                info: self.info(pid),
                started_now: false,
                created,
                lease: lease::take(&self.leases)?,
            });
        }
        if data.join("postmaster.pid").exists() {
            // The server is gone (crash, reboot, killed): its lock file is stale.
            progress("Removing a stale postmaster.pid left by a server that is no longer running");
            account.remove(&data.join("postmaster.pid"))?;
        }

        let bins = ServerBinaries::find(cluster::major_version(&data).as_deref())?;
        progress("Starting the sandbox database");
        let mut last_reason = String::new();
        for _attempt in 0..5 {
            let port = match cluster::configured_port(&data) {
                Some(p) if cluster::port_is_free(p) => p,
                _ => cluster::free_port()?,
            };
            cluster::write_settings(
                &account,
                &data,
                port,
                &self.socket_dir(),
                bins.has_library("pg_stat_statements"),
            )?;
            let out = self.pg_ctl(
                &bins,
                &account,
                &["start", "-w", "-t", "60", "-s", "-l"],
                Some(&self.log_file()),
            )?;
            if out.status.success() {
                let pid = PidFile::read(&data).ok_or_else(|| Error::SandboxStart {
                    reason: "the server started but wrote no postmaster.pid".into(),
                    log: self.log_file(),
                })?;
                crate::files::write_private(&self.on_demand, b"")?;
                return Ok(Started {
                    info: self.info(pid),
                    started_now: true,
                    created,
                    lease: lease::take(&self.leases)?,
                });
            }
            last_reason = self.failure_reason(&out);
            // Someone took the port between our check and the server's bind: try another.
            if !last_reason.contains("could not bind") && !last_reason.contains("already in use") {
                break;
            }
            cluster::write_settings(
                &account,
                &data,
                cluster::free_port()?,
                &self.socket_dir(),
                bins.has_library("pg_stat_statements"),
            )?;
        }
        Err(Error::SandboxStart {
            reason: last_reason,
            log: self.log_file(),
        })
    }

    /// Keeps the sandbox running after its users are done (`waybill sandbox
    /// start`): only an explicit stop ends it then.
    pub fn keep_running(&self) -> Result<()> {
        let _lock = self.lock()?;
        match std::fs::remove_file(&self.on_demand) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::io(format!("removing {}", self.on_demand.display()))(e))
            }
            _ => Ok(()),
        }
    }

    /// Gives a lease back; stops the sandbox if it was the last one and the
    /// sandbox was started on demand. Returns whether it stopped it.
    pub fn release(&self, lease: Lease) -> Result<bool> {
        let _lock = self.lock()?;
        let others = lease::holders(&self.leases, Some(lease.path()))?;
        drop(lease);
        if !others.is_empty() || !self.on_demand.exists() {
            return Ok(false);
        }
        let stopped = self.stop_locked()?;
        let _ = std::fs::remove_file(&self.on_demand);
        Ok(stopped)
    }

    /// Stops the sandbox if it runs; returns whether it was running. Refused
    /// while another Waybill process uses it (see `lease`), unless `force`.
    pub fn stop_unless_in_use(&self, force: bool) -> Result<bool> {
        let _lock = self.lock()?;
        let pids = lease::holders(&self.leases, None)?;
        if !force && !pids.is_empty() && self.live_pid_file().is_some() {
            return Err(Error::SandboxInUse { pids });
        }
        let _ = std::fs::remove_file(&self.on_demand);
        self.stop_locked()
    }

    /// Stops the sandbox if it runs, whoever uses it (tests, a forced stop).
    pub fn stop(&self) -> Result<bool> {
        self.stop_unless_in_use(true)
    }

    fn stop_locked(&self) -> Result<bool> {
        let data = self.data_dir();
        if !cluster::is_cluster(&data) {
            return Ok(false);
        }
        let Some(running) = self.live_pid_file() else {
            return Ok(false);
        };
        let account = ServerAccount::detect()?;
        let bins = ServerBinaries::find(cluster::major_version(&data).as_deref())?;
        let out = self.pg_ctl(&bins, &account, &["stop", "-m", "fast", "-w", "-t", "60", "-s"], None)?;
        if !out.status.success() {
            return Err(Error::SandboxStart {
                reason: format!("stopping failed: {}", self.failure_reason(&out)),
                log: self.log_file(),
            });
        }
        // pg_ctl returns once the pid file is gone, which the server removes
        // just before it exits: wait for the exit itself, so that "stopped"
        // means no server process (a start right after finds the port free).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while cluster::is_running_process(running.pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Ok(true)
    }

    /// How to connect to a running sandbox: through its private socket directory.
    pub fn connect_options(info: &SandboxInfo, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&info.socket_dir)
            .port(info.port)
            .username(SANDBOX_USER)
            .database(database)
            .application_name("waybill")
    }

    /// A libpq-style URL for psql and other tools (no password: the socket is private).
    pub fn url(info: &SandboxInfo) -> String {
        format!(
            "postgresql://{SANDBOX_USER}@localhost:{}/{SANDBOX_DATABASE}?host={}",
            info.port,
            percent_encode_path(&info.socket_dir)
        )
    }

    fn info(&self, pid: PidFile) -> SandboxInfo {
        SandboxInfo {
            pid: pid.pid,
            port: pid.port,
            socket_dir: pid.socket_dir.to_string_lossy().into_owned(),
            data_dir: self.data_dir().to_string_lossy().into_owned(),
        }
    }

    fn live_pid_file(&self) -> Option<PidFile> {
        PidFile::read(&self.data_dir()).filter(|p| cluster::is_postgres_process(p.pid))
    }

    /// Holds an exclusive lock on `sandbox.lock` until dropped, so that two
    /// processes starting the sandbox at once do not both run initdb or pg_ctl.
    fn lock(&self) -> Result<File> {
        if let Some(parent) = self.lock_path.parent() {
            crate::files::data_home(parent)?;
        }
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)
            .map_err(Error::io(format!("opening {}", self.lock_path.display())))?;
        file.lock().map_err(Error::io("locking the sandbox"))?;
        Ok(file)
    }

    fn create_cluster(&self, account: &ServerAccount) -> Result<()> {
        let bins = ServerBinaries::find(None)?;
        let data = self.data_dir();
        if let Some(parent) = self.root.parent().filter(|p| p.starts_with(RELOCATED_PARENT)) {
            create_relocated_parent(parent)?;
        }
        account.create_home(&self.root)?;
        let mut cmd = Command::new(bins.program("initdb"));
        cmd.arg("-D")
            .arg(&data)
            .args([
                "-U",
                SANDBOX_USER,
                "-E",
                "UTF8",
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=reject",
            ])
            .arg("--no-sync")
            .current_dir(&self.root);
        clear_pg_env(&mut cmd);
        account.apply(&mut cmd);
        let out = cmd.output().map_err(Error::io("running initdb"))?;
        if !out.status.success() {
            return Err(Error::SandboxStart {
                reason: format!(
                    "initdb failed: {}",
                    last_lines(&String::from_utf8_lossy(&out.stderr), 5)
                ),
                log: self.log_file(),
            });
        }
        cluster::include_settings(account, &data)
    }

    fn pg_ctl(
        &self,
        bins: &ServerBinaries,
        account: &ServerAccount,
        args: &[&str],
        log: Option<&Path>,
    ) -> Result<Output> {
        let mut cmd = Command::new(bins.program("pg_ctl"));
        cmd.args(args);
        if let Some(log) = log {
            cmd.arg(log);
        }
        cmd.arg("-D").arg(self.data_dir()).current_dir(&self.root);
        clear_pg_env(&mut cmd);
        account.apply(&mut cmd);
        // The server must not inherit our stdout/stderr pipes: a caller reading
        // them to the end (a test, a shell `$(...)`) would wait for the server to exit.
        cmd.stdin(std::process::Stdio::null());
        cmd.output().map_err(Error::io("running pg_ctl"))
    }

    fn failure_reason(&self, out: &Output) -> String {
        let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let text = if log.trim().is_empty() { stderr.to_string() } else { log };
        last_lines(&text, 3)
    }
}

/// Where clusters go that their data directory's `sandbox` folder cannot hold.
const RELOCATED_PARENT: &str = "/var/lib/waybill";

/// `/var/lib/waybill/sandbox-<uid>-<hash of the data directory>`: one per data
/// directory, so different users' and tests' sandboxes never meet.
fn relocated_root(data_dir: &Path) -> PathBuf {
    // FNV-1a: stable across versions and platforms, unlike std's hasher.
    let hash = data_dir
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    Path::new(RELOCATED_PARENT).join(format!("sandbox-{}-{hash:016x}", nix::unistd::geteuid()))
}

/// `/var/lib/waybill`: made by root, others may pass through (not list).
fn create_relocated_parent(parent: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::symlink_metadata(parent) {
        Ok(meta) if meta.is_dir() && meta.uid() == 0 => return Ok(()),
        Ok(_) => {
            return Err(Error::SandboxAccount {
                reason: format!(
                    "{} exists and is not a directory owned by root; move it away",
                    parent.display()
                ),
            })
        }
        Err(_) => {}
    }
    std::fs::create_dir_all(parent).map_err(Error::io(format!("creating {}", parent.display())))?;
    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o711))
        .map_err(Error::io(format!("protecting {}", parent.display())))
}

fn clear_pg_env(cmd: &mut Command) {
    for var in ["PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE", "PGOPTIONS"] {
        cmd.env_remove(var);
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

fn percent_encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encodes_the_socket_directory() {
        let info = SandboxInfo {
            pid: 1,
            port: 5433,
            socket_dir: "/tmp/a b/run".into(),
            data_dir: String::new(),
        };
        assert_eq!(
            Sandbox::url(&info),
            "postgresql://waybill@localhost:5433/waybill?host=%2Ftmp%2Fa%20b%2Frun"
        );
    }
}
