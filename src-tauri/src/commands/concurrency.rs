use tauri::ipc::Channel;
use tauri::State;
use waybill::concurrency::view::{self, ExportFormat, RunRequest, RunSummary, RunView, ScenarioInfo};
use waybill::concurrency::{runs, RunOptions, RunProgress};

use crate::state::AppState;
use crate::IpcError;

#[tauri::command]
pub fn concurrency_scenarios() -> Vec<ScenarioInfo> {
    view::scenario_infos()
}

/// Runs one scenario, streaming progress; `cancel_concurrency` stops it.
#[tauri::command]
pub async fn run_concurrency(
    state: State<'_, AppState>,
    request: RunRequest,
    confirm: Option<String>,
    on_progress: Channel<RunProgress>,
) -> Result<RunView, IpcError> {
    let current = state.confirm_write(confirm.as_deref())?;
    let run = state.begin_run()?;
    let options = RunOptions {
        scenario: request.scenario,
        params: request.params,
        shipment: request.shipment.filter(|s| !s.trim().is_empty()),
        unsafe_control: request.unsafe_control,
        is_sandbox: current.is_sandbox(),
        database: current.label(),
    };
    let report = |p: RunProgress| drop(on_progress.send(p));
    Ok(view::run_and_save(&current.db, &options, state.data_dir(), &report, run.token()).await?)
}

#[tauri::command]
pub fn cancel_concurrency(state: State<'_, AppState>) -> bool {
    state.cancel_run()
}

#[tauri::command]
pub async fn list_runs(state: State<'_, AppState>) -> Result<Vec<RunSummary>, IpcError> {
    Ok(view::summaries(state.data_dir())?)
}

#[tauri::command]
pub async fn open_run(state: State<'_, AppState>, id: String) -> Result<RunView, IpcError> {
    Ok(RunView::of(&runs::load(state.data_dir(), &id)?)?)
}

#[tauri::command]
pub async fn compare_runs(state: State<'_, AppState>, id: String, earlier: String) -> Result<String, IpcError> {
    Ok(view::compare_svg(state.data_dir(), &id, &earlier)?)
}

/// Writes the run into the Downloads folder (chosen here, never by the UI).
#[tauri::command]
pub async fn export_run(state: State<'_, AppState>, id: String, format: ExportFormat) -> Result<String, IpcError> {
    let report = runs::load(state.data_dir(), &id)?;
    Ok(view::export(&report, format, &state.export_dir())?
        .display()
        .to_string())
}
