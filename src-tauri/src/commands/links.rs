//! `waybill://` links (see `crate::links`): the one the app was started with.

use tauri::State;

use crate::command;
use crate::links::Pending;
use crate::IpcError;

/// The route of the link the app was started with, once (then `null`).
#[command]
pub async fn take_start_link(pending: State<'_, Pending>) -> Result<Option<String>, IpcError> {
    Ok(pending.take())
}
