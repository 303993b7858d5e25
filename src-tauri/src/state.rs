//! What the app holds while it runs.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::OnceCell;
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
}

impl AppState {
    pub fn new() -> waybill::Result<AppState> {
        Ok(AppState {
            sandbox: Sandbox::default_location()?,
            connected: OnceCell::new(),
            started_sandbox: AtomicBool::new(false),
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

    pub fn stop_sandbox_if_ours(&self) {
        if self.started_sandbox.swap(false, Ordering::SeqCst) {
            if let Err(e) = self.sandbox.stop() {
                eprintln!("waybill: stopping the sandbox failed: {e}");
            }
        }
    }
}
