//! The current connection: open the last one, switch, describe it, and
//! install Waybill's tables in it. The rules are `waybill::connection`.

use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use waybill::connection::{self, ConnectionInfo, OpenOptions, Source};
use waybill::profiles::manage;
use waybill::profiles::Password;
use waybill::progress::Progress;

use crate::command;
use crate::confirm::confirm_write;
use crate::state::AppState;
use crate::IpcError;

/// Opens what the app opened last: the active profile, else the sandbox.
#[command]
pub async fn open_active(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<ConnectionInfo, IpcError> {
    switch(&state, Source::active()?, None, &on_progress).await
}

/// Connects to a profile (or `sandbox`) and makes it the one the app opens on
/// start. `session_password` is used for this connection only, never stored.
#[command]
pub async fn connect_profile(
    state: State<'_, AppState>,
    name: String,
    session_password: Option<String>,
    on_progress: Channel<Progress>,
) -> Result<ConnectionInfo, IpcError> {
    let password = session_password.filter(|p| !p.is_empty()).map(Password::new);
    let info = switch(&state, Source::named(&name)?, password, &on_progress).await?;
    manage::set_active(state.config_path(), &name)?;
    Ok(info)
}

async fn switch(
    state: &AppState,
    source: Source,
    session_password: Option<Password>,
    on_progress: &Channel<Progress>,
) -> Result<ConnectionInfo, IpcError> {
    let _one_at_a_time = state.switching.lock().await;
    let options = OpenOptions {
        session_password,
        ..OpenOptions::default()
    };
    let report = |p: Progress| drop(on_progress.send(p));
    let next = connection::open(source, &state.secrets, options, &report).await?;
    let info = next.info().await?;
    state.replace(next);
    Ok(info)
}

#[command]
pub async fn current_connection(state: State<'_, AppState>) -> Result<ConnectionInfo, IpcError> {
    Ok(state.current()?.info().await?)
}

/// Installs or updates Waybill's tables in the open database: on the sandbox
/// at once, elsewhere only once the user confirms in a dialog naming it.
#[command(writes)]
pub async fn install_tables(app: AppHandle, state: State<'_, AppState>) -> Result<ConnectionInfo, IpcError> {
    let current = state.current()?;
    confirm_write(
        &app,
        &current,
        "Create or update Waybill's tables, function and indexes",
    )
    .await?;
    waybill::install::migrate(current.db()).await?;
    Ok(current.info().await?)
}
