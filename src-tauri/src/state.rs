//! What the app holds while it runs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use tokio_util::sync::CancellationToken;
use waybill::connection::Connection;
use waybill::db::Db;
use waybill::profiles::{Keyring, SecretStore};
use waybill::sandbox::{Lease, Sandbox};

use crate::IpcError;

pub struct AppState {
    /// The open connection; replaced when the user switches profiles. Commands
    /// take a clone of the `Arc`, so a switch never pulls a pool from under a
    /// running query.
    connected: RwLock<Option<Arc<Connection>>>,
    /// Serialises connects and switches (one at a time, in order).
    pub switching: tokio::sync::Mutex<()>,
    /// The app's use of the sandbox, given back when the app exits (the last
    /// user of a sandbox started on demand stops it).
    sandbox_lease: Mutex<Vec<(Sandbox, Lease)>>,
    pub secrets: Arc<dyn SecretStore>,
    data_dir: PathBuf,
    config_path: PathBuf,
    /// The concurrency run in progress, if any: one at a time.
    run: Mutex<Option<CancellationToken>>,
    /// The integrity scan in progress, if any: one at a time.
    scan: Mutex<Option<CancellationToken>>,
    /// The sandbox simulator, while it writes: one at a time.
    simulation: Mutex<Option<CancellationToken>>,
}

/// Long work in progress (a concurrency run, an integrity scan); frees its
/// slot when dropped, whatever ended the work (an error, a panic, a cancel).
pub struct RunSlot<'a> {
    slot: &'a Mutex<Option<CancellationToken>>,
    token: CancellationToken,
}

impl RunSlot<'_> {
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

impl Drop for RunSlot<'_> {
    fn drop(&mut self) {
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl AppState {
    pub fn new() -> waybill::Result<AppState> {
        Ok(AppState {
            connected: RwLock::new(None),
            switching: tokio::sync::Mutex::new(()),
            sandbox_lease: Mutex::new(Vec::new()),
            secrets: Arc::new(Keyring),
            data_dir: waybill::files::data_dir()?,
            config_path: waybill::profiles::config_path()?,
            run: Mutex::new(None),
            scan: Mutex::new(None),
            simulation: Mutex::new(None),
        })
    }

    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    pub fn current(&self) -> Result<Arc<Connection>, IpcError> {
        self.connected
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(IpcError::not_connected)
    }

    /// The pool of the current connection.
    pub fn db(&self) -> Result<Db, IpcError> {
        Ok(self.current()?.db().clone())
    }

    /// The open profile's name, which cannot be edited or deleted.
    pub fn open_profile(&self) -> Option<String> {
        let current = self.current().ok()?;
        (!current.is_sandbox()).then(|| current.source().profile_name().to_string())
    }

    /// Makes `next` the connection; the previous one closes once the queries
    /// still holding it finish. The sandbox's lease is kept until the app
    /// exits, not given back when the user switches away from it.
    pub fn replace(&self, mut next: Connection) {
        if let Some(lease) = next.take_lease() {
            self.sandbox_lease.lock().unwrap_or_else(|e| e.into_inner()).push(lease);
        }
        let previous = self
            .connected
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .replace(Arc::new(next));
        if let Some(previous) = previous {
            tauri::async_runtime::spawn(async move { previous.db().close().await });
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Where exports go: the user's Downloads folder, else the data directory.
    pub fn export_dir(&self) -> PathBuf {
        dirs::download_dir().unwrap_or_else(|| self.data_dir.join("exports"))
    }

    pub fn begin_run(&self) -> Result<RunSlot<'_>, IpcError> {
        begin(
            &self.run,
            "run_in_progress",
            "A concurrency run is already in progress. Wait for it or cancel it.",
        )
    }

    /// Cancels the run in progress; false when there is none.
    pub fn cancel_run(&self) -> bool {
        cancel(&self.run)
    }

    pub fn begin_scan(&self) -> Result<RunSlot<'_>, IpcError> {
        begin(
            &self.scan,
            "scan_in_progress",
            "An integrity scan is already in progress. Wait for it or cancel it.",
        )
    }

    /// Cancels the integrity scan in progress; false when there is none.
    pub fn cancel_scan(&self) -> bool {
        cancel(&self.scan)
    }

    pub fn begin_simulation(&self) -> Result<RunSlot<'_>, IpcError> {
        begin(
            &self.simulation,
            "simulation_in_progress",
            "The simulator is already writing to the sandbox.",
        )
    }

    /// Stops the simulator; false when it was not running.
    pub fn stop_simulation(&self) -> bool {
        cancel(&self.simulation)
    }

    /// Whether the simulator is writing.
    pub fn simulating(&self) -> bool {
        self.simulation.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    /// Gives the sandbox's leases back: the last user of a sandbox started on
    /// demand stops it; one the CLI still uses keeps running.
    pub fn release_sandbox(&self) {
        let leases = std::mem::take(&mut *self.sandbox_lease.lock().unwrap_or_else(|e| e.into_inner()));
        for (sandbox, lease) in leases {
            if let Err(e) = sandbox.release(lease) {
                tracing::warn!("stopping the sandbox failed: {e}");
                eprintln!("waybill: stopping the sandbox failed: {e}");
            }
        }
    }
}

fn begin<'a>(slot: &'a Mutex<Option<CancellationToken>>, code: &str, busy: &str) -> Result<RunSlot<'a>, IpcError> {
    let mut held = slot.lock().unwrap_or_else(|e| e.into_inner());
    if held.is_some() {
        return Err(IpcError {
            code: code.into(),
            message: busy.into(),
        });
    }
    let token = CancellationToken::new();
    *held = Some(token.clone());
    Ok(RunSlot { slot, token })
}

fn cancel(slot: &Mutex<Option<CancellationToken>>) -> bool {
    match &*slot.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}
