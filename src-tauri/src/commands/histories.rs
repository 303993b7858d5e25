//! The histories the open database holds, and which one the app reads: the
//! rules are `waybill::domain::layout` and `waybill::connection`.

use tauri::State;
use waybill::connection::HistoryChoice;
use waybill::domain::layout::detect::{self, FoundHistory};
use waybill::domain::layout::Mapping;

use crate::command;
use crate::state::AppState;
use crate::IpcError;

/// Every table of the open database laid out as Waybill's history or an audit
/// library's, each with the SPEC that reads it and its latest changes.
#[command]
pub async fn detect_histories(state: State<'_, AppState>) -> Result<Vec<FoundHistory>, IpcError> {
    Ok(detect::detect(state.current()?.db()).await?)
}

/// A mapping written by hand (a SPEC) checked against the open database.
#[command]
pub async fn check_history(state: State<'_, AppState>, spec: String) -> Result<FoundHistory, IpcError> {
    let mapping = Mapping::parse_spec(&spec)?;
    Ok(detect::check(state.current()?.db(), &mapping).await?)
}

/// Reads the history `spec` names from now on (a profile remembers it); the
/// window then asks for the connection again (`current_connection`).
#[command]
pub async fn use_history(state: State<'_, AppState>, spec: String) -> Result<HistoryChoice, IpcError> {
    let mapping = Mapping::parse_spec(&spec)?;
    Ok(state.current()?.use_history(mapping, state.config_path()).await?)
}
