//! Profiles and the current connection: list, save, test, delete, switch.

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;
use waybill::profiles::{self, Config, Keyring, Password, Profile, ProfileCheck, SecretStore, TlsMode};
use waybill::progress::Progress;
use waybill::schema::SchemaStatus;

use crate::state::{AppState, Connected, Source};
use crate::IpcError;

/// What the top bar and the connection screen show about the open connection.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ConnectionInfo {
    /// `sandbox` or the profile's name.
    pub profile: String,
    pub sandbox: bool,
    pub label: String,
    pub database: String,
    pub host: String,
    pub port: u16,
    pub tls: Option<TlsMode>,
    pub pooler: bool,
    pub schema: SchemaStatus,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProfileEntry {
    pub profile: Profile,
    /// Is a password stored in the keyring? `null` when the keyring cannot say.
    pub has_password: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProfileList {
    pub profiles: Vec<ProfileEntry>,
    /// The profile the app opens on start (`sandbox` for the sandbox).
    pub active: String,
    /// Why the keyring cannot be used, if it cannot.
    pub keyring_problem: Option<String>,
    /// The profiles file (no passwords in it).
    pub config_file: String,
}

// `Debug` by hand below: the password must not show in logs or panics.
#[derive(Clone, Deserialize, TS)]
#[ts(export)]
pub struct SaveProfile {
    pub profile: Profile,
    /// The profile's name before an edit (it may be renamed); `null` for a new one.
    pub replacing: Option<String>,
    /// A new password for the keyring; `null` keeps the stored one.
    pub password: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SaveOutcome {
    pub password_stored: bool,
    /// Set when the password could not be stored: the profile is saved without it.
    pub keyring_problem: Option<String>,
}

/// `Some("<redacted>")` or `None`: whether a password is there, never which.
fn masked(password: &Option<String>) -> Option<&'static str> {
    password.as_ref().map(|_| "<redacted>")
}

impl std::fmt::Debug for SaveProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaveProfile")
            .field("profile", &self.profile)
            .field("replacing", &self.replacing)
            .field("password", &masked(&self.password))
            .finish()
    }
}

impl std::fmt::Debug for ProfileFromUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileFromUrl")
            .field("profile", &self.profile)
            .field("password", &masked(&self.password))
            .finish()
    }
}

/// Opens what the app opened last: the active profile, else the sandbox.
#[tauri::command]
pub async fn open_active(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<ConnectionInfo, IpcError> {
    let config = Config::load(state.config_path())?;
    let name = config
        .active_profile()
        .map_or(profiles::SANDBOX.to_string(), |p| p.name.clone());
    switch(&state, &name, None, &on_progress).await
}

/// Connects to a profile (or `sandbox`) and makes it the one the app opens on
/// start. `session_password` is used for this connection only, never stored.
#[tauri::command]
pub async fn connect_profile(
    state: State<'_, AppState>,
    name: String,
    session_password: Option<String>,
    on_progress: Channel<Progress>,
) -> Result<ConnectionInfo, IpcError> {
    let info = switch(&state, &name, session_password.map(Password::new), &on_progress).await?;
    let mut config = Config::load(state.config_path())?;
    config.active = Some(name);
    config.save(state.config_path())?;
    Ok(info)
}

async fn switch(
    state: &AppState,
    name: &str,
    typed: Option<Password>,
    on_progress: &Channel<Progress>,
) -> Result<ConnectionInfo, IpcError> {
    let _one_at_a_time = state.switching.lock().await;
    let next = if name == profiles::SANDBOX {
        let report = |p: Progress| drop(on_progress.send(p));
        let opened = waybill::sandbox::open_sandbox(state.sandbox(), true, &report).await?;
        if opened.started_now {
            state.mark_started();
        }
        Connected {
            db: opened.pool,
            source: Source::Sandbox(opened.info),
            database: waybill::sandbox::SANDBOX_DATABASE.to_string(),
        }
    } else {
        let profile = Config::load(state.config_path())?.get(name)?.clone();
        let _ = on_progress.send(Progress::step(format!("Connecting to {}", profile.label())));
        let owner = profile.name.clone();
        let (password, problem) = blocking(move || profiles::lookup_password(&Keyring, &owner, typed)).await?;
        let db = profiles::open_profile(&profile, password, problem, 8).await?;
        Connected {
            db,
            database: profile.database.clone(),
            source: Source::Profile(Box::new(profile)),
        }
    };
    let info = describe(&next).await?;
    if let Some(previous) = state.replace(next) {
        // Queries still holding the old pool finish first; then it closes.
        tauri::async_runtime::spawn(async move { previous.db.close().await });
    }
    Ok(info)
}

async fn describe(connected: &Connected) -> Result<ConnectionInfo, IpcError> {
    let schema = waybill::schema::status(&connected.db).await?;
    let (profile, host, port, tls, pooler) = match &connected.source {
        Source::Sandbox(info) => (
            profiles::SANDBOX.to_string(),
            "localhost".to_string(),
            info.port,
            None,
            false,
        ),
        Source::Profile(p) => (p.name.clone(), p.host.clone(), p.port, Some(p.tls), p.pooler),
    };
    Ok(ConnectionInfo {
        profile,
        sandbox: connected.is_sandbox(),
        label: connected.label(),
        database: connected.database.clone(),
        host,
        port,
        tls,
        pooler,
        schema,
    })
}

#[tauri::command]
pub async fn current_connection(state: State<'_, AppState>) -> Result<ConnectionInfo, IpcError> {
    describe(&*state.current()?).await
}

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<ProfileList, IpcError> {
    let config = Config::load(state.config_path())?;
    let names: Vec<String> = config.profiles.iter().map(|p| p.name.clone()).collect();
    let answers = blocking(move || {
        names
            .iter()
            .map(|n| Keyring.get(n).map(|p| p.is_some()))
            .collect::<Vec<_>>()
    })
    .await?;
    let keyring_problem = answers.iter().find_map(|a| a.as_ref().err().map(|e| e.to_string()));
    Ok(ProfileList {
        profiles: config
            .profiles
            .iter()
            .zip(answers)
            .map(|(p, a)| ProfileEntry {
                profile: p.clone(),
                has_password: a.ok(),
            })
            .collect(),
        active: config
            .active_profile()
            .map_or(profiles::SANDBOX.to_string(), |p| p.name.clone()),
        keyring_problem,
        config_file: state.config_path().display().to_string(),
    })
}

/// Saves a profile, and its password in the keyring. Without a keyring the
/// profile is saved without it, and the window asks for it per session.
#[tauri::command]
pub async fn save_profile(state: State<'_, AppState>, request: SaveProfile) -> Result<SaveOutcome, IpcError> {
    let mut config = Config::load(state.config_path())?;
    let connected_name = state.current().ok().and_then(|c| match &c.source {
        Source::Profile(p) => Some(p.name.clone()),
        Source::Sandbox(_) => None,
    });
    if request.replacing.is_some() && request.replacing == connected_name {
        return Err(in_use(connected_name.as_deref().unwrap_or_default(), "edit"));
    }
    config.put(request.profile.clone(), request.replacing.as_deref())?;
    config.save(state.config_path())?;
    let (name, old) = (request.profile.name.clone(), request.replacing.clone());
    let password = request.password.filter(|p| !p.is_empty()).map(Password::new);
    let stored = blocking(move || -> waybill::Result<bool> {
        // A renamed profile takes its password along.
        let password = match (password, &old) {
            (Some(p), _) => Some(p),
            (None, Some(old)) if *old != name => Keyring.get(old)?,
            _ => None,
        };
        if let Some(old) = old.filter(|old| *old != name) {
            Keyring.delete(&old)?;
        }
        match password {
            Some(p) => Keyring.set(&name, &p).map(|()| true),
            None => Ok(false),
        }
    })
    .await?;
    Ok(match stored {
        Ok(stored) => SaveOutcome {
            password_stored: stored,
            keyring_problem: None,
        },
        Err(e) => SaveOutcome {
            password_stored: false,
            keyring_problem: Some(e.to_string()),
        },
    })
}

/// Deletes a profile, then its keyring entry (an error from the keyring is
/// reported, but the profile stays deleted). The open connection cannot be deleted.
#[tauri::command]
pub async fn delete_profile(state: State<'_, AppState>, name: String) -> Result<(), IpcError> {
    if let Ok(current) = state.current() {
        if matches!(&current.source, Source::Profile(p) if p.name == name) {
            return Err(in_use(&name, "delete"));
        }
    }
    let mut config = Config::load(state.config_path())?;
    config.remove(&name)?;
    config.save(state.config_path())?;
    blocking(move || Keyring.delete(&name)).await??;
    Ok(())
}

/// Connects with the form's values (saved or not) and reports what it found.
/// `password` is the form's; without one, the keyring's for that name.
#[tauri::command]
pub async fn test_profile(profile: Profile, password: Option<String>) -> Result<ProfileCheck, IpcError> {
    let owner = profile.name.clone();
    let typed = password.filter(|p| !p.is_empty()).map(Password::new);
    let (password, problem) = blocking(move || profiles::lookup_password(&Keyring, &owner, typed)).await?;
    let db = profiles::open_profile(&profile, password, problem, 1).await?;
    let check = profiles::test_profile(&db).await;
    db.close().await;
    Ok(check?)
}

// `Debug` by hand below, like `SaveProfile`.
#[derive(Clone, Serialize, TS)]
#[ts(export)]
pub struct ProfileFromUrl {
    pub profile: Profile,
    /// The password the URL held, for the form's password field (it came from
    /// the form; it is stored only when the profile is saved, in the keyring).
    pub password: Option<String>,
}

/// Fills the form from a pasted `postgres://` URL.
#[tauri::command]
pub fn profile_from_url(name: String, url: String) -> Result<ProfileFromUrl, IpcError> {
    let name = if name.trim().is_empty() {
        "new".to_string()
    } else {
        name
    };
    let (profile, password) = Profile::from_url(&name, &url)?;
    Ok(ProfileFromUrl {
        profile,
        password: password.map(|p| p.expose().to_string()),
    })
}

/// Installs or updates Waybill's schema in the open database: on the sandbox
/// at once, elsewhere only with the database's name confirmed.
#[tauri::command]
pub async fn install_schema(state: State<'_, AppState>, confirm: Option<String>) -> Result<ConnectionInfo, IpcError> {
    let current = state.confirm_write(confirm.as_deref())?;
    waybill::schema::migrate(&current.db).await?;
    describe(&current).await
}

fn in_use(name: &str, verb: &str) -> IpcError {
    IpcError {
        code: "profile_in_use".into(),
        message: format!(
            "`{name}` is the open connection. Switch to another profile (or the sandbox) first, then {verb} it."
        ),
    }
}

/// Keyring calls block on D-Bus: off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work).await.map_err(|e| IpcError {
        code: "internal".into(),
        message: format!("a background task failed: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_what_carries_a_password_never_shows_it() {
        let (profile, password) = Profile::from_url("p", "postgres://u:hunter2@db.example.com/d").unwrap();
        let save = SaveProfile {
            profile: profile.clone(),
            replacing: None,
            password: password.as_ref().map(|p| p.expose().to_string()),
        };
        let from_url = profile_from_url("p".into(), "postgres://u:hunter2@db.example.com/d".into()).unwrap();
        for text in [
            format!("{save:?}"),
            format!("{from_url:?}"),
            format!("{profile:?}"),
            format!("{password:?}"),
        ] {
            assert!(!text.contains("hunter2"), "{text}");
        }
        assert!(format!("{save:?}").contains("<redacted>"), "says a password is there");
    }
}
