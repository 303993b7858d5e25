use tauri::State;
use waybill::shipments::{self, ShipmentDetail, ShipmentSummary};

use crate::state::AppState;
use crate::IpcError;

/// How many recent changes the shipment page shows until the timeline arrives.
const RECENT: u32 = 50;

#[tauri::command]
pub async fn list_shipments(
    state: State<'_, AppState>,
    search: String,
    limit: u32,
) -> Result<Vec<ShipmentSummary>, IpcError> {
    Ok(shipments::search(state.pool()?, &search, limit).await?)
}

#[tauri::command]
pub async fn get_shipment(state: State<'_, AppState>, key: String) -> Result<ShipmentDetail, IpcError> {
    Ok(shipments::get(state.pool()?, &key, RECENT).await?)
}
