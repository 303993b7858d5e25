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

/// The window route of text pasted into the window: a `waybill://` link or
/// the address of a view (`null` for anything else), read as the app reads
/// the links the system hands it.
#[command]
pub async fn route_of_link(text: String) -> Result<Option<String>, IpcError> {
    Ok(waybill::links::route_of_text(&text))
}
