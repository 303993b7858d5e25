use tauri::State;
use waybill::overview::report::{self, SavedReport};
use waybill::overview::{self, OverviewRequest, OverviewView};

use super::blocking;
use crate::command;
use crate::state::AppState;
use crate::IpcError;

/// The managers' overview of a time range, with its charts.
#[command]
pub async fn load_overview(state: State<'_, AppState>, request: OverviewRequest) -> Result<OverviewView, IpcError> {
    Ok(overview::view(&state.db()?, &request).await?)
}

/// Reads the overview of `request` and saves it as an HTML report with a PNG
/// of each chart into the Downloads folder (chosen here, never by the window).
#[command]
pub async fn save_overview_report(
    state: State<'_, AppState>,
    request: OverviewRequest,
) -> Result<SavedReport, IpcError> {
    let o = overview::overview(&state.db()?, &request).await?;
    let dir = state.export_dir();
    blocking(move || report::save_to_dir(&o, &dir))
        .await?
        .map_err(Into::into)
}
