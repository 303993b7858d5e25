//! What the app holds while it runs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio_util::sync::CancellationToken;
use waybill::db::Db;
use waybill::profiles::Profile;
use waybill::sandbox::{Sandbox, SandboxInfo};

/// Where the current connection goes.
pub enum Source {
    Sandbox(SandboxInfo),
    Profile(Box<Profile>),
}

pub struct Connected {
    pub db: Db,
    pub source: Source,
    /// The database's own name, as confirmations must name it.
    pub database: String,
}

impl Connected {
    pub fn is_sandbox(&self) -> bool {
        matches!(self.source, Source::Sandbox(_))
    }

    /// `waybill (sandbox)` or `db on host:port (profile)`.
    pub fn label(&self) -> String {
        match &self.source {
            Source::Sandbox(_) => format!("{} (sandbox)", waybill::sandbox::SANDBOX_DATABASE),
            Source::Profile(p) => p.label(),
        }
    }
}

pub struct AppState {
    sandbox: Sandbox,
    /// The open connection; replaced when the user switches profiles. Commands
    /// take a clone of the `Arc`, so a switch never pulls a pool from under a
    /// running query.
    connected: RwLock<Option<Arc<Connected>>>,
    /// Serialises connects and switches (one at a time, in order).
    pub switching: tokio::sync::Mutex<()>,
    /// Whether this app started the sandbox, and so should stop it on exit.
    started_sandbox: AtomicBool,
    data_dir: PathBuf,
    config_path: PathBuf,
    /// The concurrency run in progress, if any: one at a time.
    run: Mutex<Option<CancellationToken>>,
}

/// The concurrency run in progress; frees the slot when dropped.
pub struct RunSlot<'a> {
    state: &'a AppState,
    token: CancellationToken,
}

impl RunSlot<'_> {
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

impl Drop for RunSlot<'_> {
    fn drop(&mut self) {
        *self.state.run.lock().unwrap() = None;
    }
}

impl AppState {
    pub fn new() -> waybill::Result<AppState> {
        let data_dir = waybill::paths::data_dir()?;
        Ok(AppState {
            sandbox: Sandbox::at(&data_dir),
            connected: RwLock::new(None),
            switching: tokio::sync::Mutex::new(()),
            started_sandbox: AtomicBool::new(false),
            data_dir,
            config_path: waybill::profiles::config_path()?,
            run: Mutex::new(None),
        })
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    pub fn mark_started(&self) {
        self.started_sandbox.store(true, Ordering::SeqCst);
    }

    pub fn current(&self) -> Result<Arc<Connected>, crate::IpcError> {
        self.connected
            .read()
            .unwrap()
            .clone()
            .ok_or_else(crate::IpcError::not_connected)
    }

    /// The pool of the current connection.
    pub fn db(&self) -> Result<Db, crate::IpcError> {
        Ok(self.current()?.db.clone())
    }

    /// Makes `next` the connection; returns the previous one (to be closed).
    pub fn replace(&self, next: Connected) -> Option<Arc<Connected>> {
        self.connected.write().unwrap().replace(Arc::new(next))
    }

    /// Writes to a database other than the sandbox need the user's explicit
    /// confirmation, which names the database: the window sends the name the
    /// user confirmed, and it must be this connection's.
    pub fn confirm_write(&self, confirmed: Option<&str>) -> Result<Arc<Connected>, crate::IpcError> {
        let current = self.current()?;
        if current.is_sandbox() || confirmed == Some(current.database.as_str()) {
            return Ok(current);
        }
        Err(waybill::Error::ConfirmationNeeded {
            database: current.database.clone(),
        }
        .into())
    }

    /// The history table the health screen checks: in the profile's schema.
    pub fn history_table(&self) -> Result<waybill::indexes::HistoryTable, crate::IpcError> {
        let schema = match &self.current()?.source {
            Source::Profile(p) => p.schema.clone(),
            Source::Sandbox(_) => None,
        };
        Ok(waybill::indexes::HistoryTable::in_schema(schema.as_deref()))
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Where exports go: the user's Downloads folder, else the data directory.
    pub fn export_dir(&self) -> PathBuf {
        dirs::download_dir().unwrap_or_else(|| self.data_dir.join("exports"))
    }

    pub fn begin_run(&self) -> Result<RunSlot<'_>, crate::IpcError> {
        let mut slot = self.run.lock().unwrap();
        if slot.is_some() {
            return Err(crate::IpcError {
                code: "run_in_progress".into(),
                message: "A concurrency run is already in progress. Wait for it or cancel it.".into(),
            });
        }
        let token = CancellationToken::new();
        *slot = Some(token.clone());
        Ok(RunSlot { state: self, token })
    }

    /// Cancels the run in progress; false when there is none.
    pub fn cancel_run(&self) -> bool {
        match &*self.run.lock().unwrap() {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn stop_sandbox_if_ours(&self) {
        if self.started_sandbox.swap(false, Ordering::SeqCst) {
            if let Err(e) = self.sandbox.stop() {
                eprintln!("waybill: stopping the sandbox failed: {e}");
            }
        }
    }
}
