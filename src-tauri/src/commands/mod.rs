//! Command adapters, one file per area: take state, call one core function,
//! map the error. `list.rs` is the one list of them.

pub mod about;
pub mod actor;
pub mod concurrency;
pub mod connections;
pub mod export;
pub mod fields;
pub mod files;
pub mod health;
pub mod histories;
pub mod integrity;
pub mod links;
pub mod overview;
pub mod profiles;
pub mod shipments;
pub mod simulator;
pub mod timeline;

use crate::IpcError;

/// Blocking work (the keyring's D-Bus calls, PNG rendering) off the async workers.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| waybill::Error::internal(format!("a background task failed: {e}")).into())
}
