//! What the app holds while it runs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;
use waybill::sandbox::{Sandbox, SandboxInfo};
use waybill::sqlx::PgPool;

pub struct Connected {
    pub pool: PgPool,
    pub sandbox: SandboxInfo,
}

pub struct AppState {
    sandbox: Sandbox,
    /// Filled once the sandbox has started (with progress shown in the window).
    connected: OnceCell<Connected>,
    /// Whether this app started the sandbox, and so should stop it on exit.
    started_sandbox: AtomicBool,
    data_dir: PathBuf,
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
            connected: OnceCell::new(),
            started_sandbox: AtomicBool::new(false),
            data_dir,
            run: Mutex::new(None),
        })
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    pub fn connected(&self) -> &OnceCell<Connected> {
        &self.connected
    }

    pub fn mark_started(&self) {
        self.started_sandbox.store(true, Ordering::SeqCst);
    }

    pub fn pool(&self) -> Result<&PgPool, crate::IpcError> {
        self.connected
            .get()
            .map(|c| &c.pool)
            .ok_or_else(crate::IpcError::not_connected)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Where exports go: the user's Downloads folder, else the data directory.
    pub fn export_dir(&self) -> PathBuf {
        dirs::download_dir().unwrap_or_else(|| self.data_dir.join("exports"))
    }

    pub fn database_label(&self) -> String {
        format!("{} (sandbox)", waybill::sandbox::SANDBOX_DATABASE)
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
