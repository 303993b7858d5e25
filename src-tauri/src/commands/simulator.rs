use tauri::ipc::Channel;
use tauri::State;
use waybill::simulate::Written;

use crate::command;
use crate::state::AppState;
use crate::IpcError;

/// Writes realistic changes to the sandbox, about `rate` a minute, each one
/// sent as it is written (the window counts them), until `stop_simulation`.
/// The sandbox only.
#[command]
pub async fn start_simulation(
    state: State<'_, AppState>,
    rate: u32,
    on_write: Channel<Written>,
) -> Result<(), IpcError> {
    let current = state.current()?;
    let run = state.begin_simulation()?;
    let sent = |w: &Written| drop(on_write.send(w.clone()));
    waybill::simulate::simulate(&current, rate, &sent, run.token()).await?;
    Ok(())
}

/// Stops the simulator; false when it was not running.
#[command]
pub async fn stop_simulation(state: State<'_, AppState>) -> Result<bool, IpcError> {
    Ok(state.stop_simulation())
}

/// Whether the simulator is writing (a window reloaded while it runs).
#[command]
pub async fn simulation_running(state: State<'_, AppState>) -> Result<bool, IpcError> {
    Ok(state.simulating())
}
