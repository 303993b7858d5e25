//! A shipment's fields: who last changed each one, and one field's changes.

use tauri::State;
use waybill::timeline::blame::{self, Blame};
use waybill::timeline::field::{self, FieldHistory};

use crate::command;
use crate::state::AppState;
use crate::IpcError;

/// Every version that changed one field, newest first.
#[command]
pub async fn field_history(
    state: State<'_, AppState>,
    key: String,
    field: String,
    before_version: Option<i32>,
    limit: u32,
) -> Result<FieldHistory, IpcError> {
    Ok(field::field_history(&state.db()?, &key, &field, before_version, limit).await?)
}

#[command]
pub async fn blame_fields(state: State<'_, AppState>, key: String) -> Result<Blame, IpcError> {
    Ok(blame::blame(&state.db()?, &key).await?)
}
