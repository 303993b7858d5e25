use tauri::State;
use waybill::shipments::{self, ShipmentDetail, ShipmentSummary};

use crate::command;
use crate::state::AppState;
use crate::IpcError;

#[command]
pub async fn list_shipments(
    state: State<'_, AppState>,
    search: String,
    limit: u32,
) -> Result<Vec<ShipmentSummary>, IpcError> {
    Ok(shipments::search(&state.db()?, &search, limit).await?)
}

/// One shipment; its timeline is paged separately (`timeline_page`).
#[command]
pub async fn get_shipment(state: State<'_, AppState>, key: String) -> Result<ShipmentDetail, IpcError> {
    Ok(shipments::get(&state.db()?, &key, 0).await?)
}
