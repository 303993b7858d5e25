use tauri::State;
use waybill::shipments::{self, ShipmentDetail, ShipmentFacets, ShipmentQuery, ShipmentSummary};

use crate::command;
use crate::state::AppState;
use crate::IpcError;

#[command]
pub async fn list_shipments(
    state: State<'_, AppState>,
    query: ShipmentQuery,
) -> Result<Vec<ShipmentSummary>, IpcError> {
    Ok(shipments::find(&state.db()?, &query).await?)
}

/// The statuses and carriers the list's filters offer.
#[command]
pub async fn shipment_facets(state: State<'_, AppState>) -> Result<ShipmentFacets, IpcError> {
    Ok(shipments::facets(&state.db()?).await?)
}

/// One shipment; its timeline is paged separately (`timeline_page`).
#[command]
pub async fn get_shipment(state: State<'_, AppState>, key: String) -> Result<ShipmentDetail, IpcError> {
    Ok(shipments::get(&state.db()?, &key, 0).await?)
}
