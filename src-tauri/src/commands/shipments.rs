use tauri::State;
use waybill::shipments::{self, ShipmentDetail, ShipmentSummary};

use super::read;
use crate::state::AppState;
use crate::IpcError;

#[tauri::command]
pub async fn list_shipments(
    state: State<'_, AppState>,
    search: String,
    limit: u32,
) -> Result<Vec<ShipmentSummary>, IpcError> {
    read!(state, |db| shipments::search(db, &search, limit))
}

#[tauri::command]
pub async fn get_shipment(state: State<'_, AppState>, key: String) -> Result<ShipmentDetail, IpcError> {
    // The page's timeline is paged separately (`timeline_page`).
    read!(state, |db| shipments::get(db, &key, 0))
}
