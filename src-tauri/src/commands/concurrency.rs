use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use waybill::concurrency::view::{self, ExportFormat, RunRequest, RunSummary, RunView, ScenarioInfo};
use waybill::concurrency::{runs, RunProgress};

use crate::command;
use crate::confirm::confirm_write;
use crate::state::AppState;
use crate::IpcError;

#[command]
pub async fn concurrency_scenarios() -> Result<Vec<ScenarioInfo>, IpcError> {
    Ok(view::scenario_infos())
}

/// Runs one scenario or all, streaming progress; `cancel_concurrency` stops it.
#[command(writes)]
pub async fn run_concurrency(
    app: AppHandle,
    state: State<'_, AppState>,
    request: RunRequest,
    on_progress: Channel<RunProgress>,
) -> Result<Vec<RunView>, IpcError> {
    let current = state.current()?;
    let suite = request.suite();
    suite.validate()?;
    suite.check_target(&current)?;
    let run = state.begin_run()?;
    let action = format!(
        "Run the concurrency test, writing up to {} history rows to new test shipments (or the one chosen)",
        suite.rows()
    );
    let confirmation = confirm_write(&app, &current, &action).await?;
    let report = |p: RunProgress| drop(on_progress.send(p));
    Ok(view::run_and_save(
        &current,
        &suite,
        confirmation.as_ref(),
        state.data_dir(),
        &report,
        run.token(),
    )
    .await?)
}

/// Removes test shipments earlier runs left behind (those carrying Waybill's
/// label, and nothing else); returns how many.
#[command(writes)]
pub async fn cleanup_test_shipments(app: AppHandle, state: State<'_, AppState>) -> Result<u32, IpcError> {
    let current = state.current()?;
    let action = "Remove the test shipments earlier concurrency runs left behind (only those labelled by Waybill, with their history)";
    confirm_write(&app, &current, action).await?;
    Ok(waybill::concurrency::remove_leftovers(current.db()).await? as u32)
}

#[command]
pub async fn cancel_concurrency(state: State<'_, AppState>) -> Result<bool, IpcError> {
    Ok(state.cancel_run())
}

#[command]
pub async fn list_runs(state: State<'_, AppState>) -> Result<Vec<RunSummary>, IpcError> {
    Ok(view::summaries(state.data_dir())?)
}

#[command]
pub async fn open_run(state: State<'_, AppState>, id: String) -> Result<RunView, IpcError> {
    Ok(RunView::of(&runs::load_by_id(state.data_dir(), &id)?)?)
}

/// The percentile curves of two saved runs overlaid, as SVG text.
#[command]
pub async fn compare_runs(
    state: State<'_, AppState>,
    id: String,
    earlier: String,
    time_zone: String,
) -> Result<String, IpcError> {
    Ok(view::compare_svg(state.data_dir(), &id, &earlier, &time_zone)?)
}

/// Writes the run into the Downloads folder (chosen here, never by the window).
#[command]
pub async fn export_run(state: State<'_, AppState>, id: String, format: ExportFormat) -> Result<String, IpcError> {
    let report = runs::load_by_id(state.data_dir(), &id)?;
    Ok(view::export(&report, format, &state.export_dir())?
        .display()
        .to_string())
}
