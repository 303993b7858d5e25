//! Profiles and the current connection: list, save, test, delete, switch.
//! The rules are `waybill::connection` and `waybill::profiles::manage`.

use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use waybill::connection::{self, ConnectionInfo, OpenOptions, Source};
use waybill::profiles::manage::{self, ProfileList, RemoveOutcome, SaveOutcome, SaveProfile};
use waybill::profiles::{Password, Profile, ProfileCheck};
use waybill::progress::Progress;

use super::blocking;
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

#[command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<ProfileList, IpcError> {
    let (path, secrets) = (state.config_path().to_path_buf(), state.secrets.clone());
    Ok(blocking(move || manage::list(&path, &*secrets)).await??)
}

/// Saves a profile, and its password in the keyring (never on disk).
#[command]
pub async fn save_profile(state: State<'_, AppState>, request: SaveProfile) -> Result<SaveOutcome, IpcError> {
    let (path, secrets, open) = (
        state.config_path().to_path_buf(),
        state.secrets.clone(),
        state.open_profile(),
    );
    Ok(blocking(move || manage::save(&path, &*secrets, request.into(), open.as_deref())).await??)
}

/// Deletes a profile and its keyring entry; the open one cannot be deleted.
#[command]
pub async fn delete_profile(state: State<'_, AppState>, name: String) -> Result<RemoveOutcome, IpcError> {
    let (path, secrets, open) = (
        state.config_path().to_path_buf(),
        state.secrets.clone(),
        state.open_profile(),
    );
    Ok(blocking(move || manage::remove(&path, &*secrets, &name, open.as_deref())).await??)
}

/// Connects with the form's values (saved or not) and reports what it found.
/// `password` is the form's; without one, the keyring's, if it was saved for
/// the server the form names.
#[command]
pub async fn test_profile(
    state: State<'_, AppState>,
    profile: Profile,
    password: Option<String>,
) -> Result<ProfileCheck, IpcError> {
    let typed = password.filter(|p| !p.is_empty()).map(Password::new);
    Ok(connection::test(&profile, typed, &state.secrets).await?)
}

/// A new profile's values for `host:port`, as `profile add` gives them (TLS
/// mode, pooler, timeouts): the form starts from these and follows the host
/// and port the user types.
#[command]
pub async fn profile_defaults(host: String, port: u16) -> Result<Profile, IpcError> {
    Ok(Profile::new("", &host, port, "postgres", "postgres"))
}

/// Fills the form from a pasted `postgres://` URL.
#[command]
pub async fn profile_from_url(name: String, url: String) -> Result<waybill::profiles::ProfileFromUrl, IpcError> {
    Ok(Profile::from_url_for_form(&name, &url)?)
}

/// Installs or updates Waybill's schema in the open database: on the sandbox
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
