//! The one error type that crosses to the UI: `{ code, message }`.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    /// Stable and machine-readable (e.g. `schema_missing`); the UI branches on it.
    pub code: String,
    /// What happened and what to do, for people. Never holds a password.
    pub message: String,
}

impl From<waybill::Error> for IpcError {
    fn from(e: waybill::Error) -> Self {
        IpcError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

impl IpcError {
    pub fn not_connected() -> Self {
        IpcError {
            code: "not_connected".into(),
            message: "Waybill is not connected to a database yet. Wait for the sandbox to start.".into(),
        }
    }
}
