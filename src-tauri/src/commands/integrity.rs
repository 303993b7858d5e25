use tauri::ipc::Channel;
use tauri::State;
use waybill::integrity::view::{self, IntegrityView};
use waybill::integrity::{IntegrityRequest, ScanProgress};

use crate::command;
use crate::state::AppState;
use crate::IpcError;

/// Scans the history (read-only), streaming rows scanned; `cancel_integrity` stops it.
#[command]
pub async fn run_integrity(
    state: State<'_, AppState>,
    request: IntegrityRequest,
    on_progress: Channel<ScanProgress>,
) -> Result<IntegrityView, IpcError> {
    let current = state.current()?;
    let scan = state.begin_scan()?;
    let report = |p: ScanProgress| drop(on_progress.send(p));
    Ok(view::run(current.db(), &request, &report, scan.token()).await?)
}

#[command]
pub async fn cancel_integrity(state: State<'_, AppState>) -> Result<bool, IpcError> {
    Ok(state.cancel_scan())
}
