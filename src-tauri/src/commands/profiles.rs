//! Saved connection profiles: list, save, delete, test, and fill the form.
//! The rules are `waybill::profiles` and `waybill::profiles::manage`.

use tauri::State;
use waybill::connection;
use waybill::profiles::manage::{self, ProfileList, RemoveOutcome, SaveOutcome, SaveProfile};
use waybill::profiles::{Password, Profile, ProfileCheck};

use super::blocking;
use crate::command;
use crate::state::AppState;
use crate::IpcError;

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
