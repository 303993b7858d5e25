use tauri::ipc::Channel;
use tauri::State;
use waybill::progress::Progress;
use waybill::sandbox::SandboxInfo;

use crate::state::{AppState, Connected};
use crate::IpcError;

/// Starts (and on first use creates and fills) the sandbox, streaming progress.
/// Calling it again returns the running sandbox at once.
#[tauri::command]
pub async fn open_sandbox(state: State<'_, AppState>, on_progress: Channel<Progress>) -> Result<SandboxInfo, IpcError> {
    let connected = state
        .connected()
        .get_or_try_init(|| async {
            let report = |p: Progress| drop(on_progress.send(p));
            let opened = waybill::sandbox::open_sandbox(state.sandbox(), true, &report).await?;
            if opened.started_now {
                state.mark_started();
            }
            Ok::<_, waybill::Error>(Connected {
                pool: opened.pool,
                sandbox: opened.info,
            })
        })
        .await?;
    Ok(connected.sandbox.clone())
}
