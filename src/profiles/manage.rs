//! Saving, renaming, removing and listing profiles with their keyring entries:
//! the one place both front ends go through, so that they answer alike.

use std::path::Path;

use serde::Serialize;

use super::secret::{self, Stored};
use super::{Config, Password, Profile, SecretStore, SANDBOX};
use crate::error::{Error, Result};

/// A profile to save, and what to do with its password.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    pub profile: Profile,
    /// The profile's name before an edit (it may be renamed); `None` for a new one.
    pub replacing: Option<String>,
    /// A new password for the keyring; `None` keeps the stored one.
    pub password: Option<Password>,
}

/// A profile to save as the app's form sends it. `Debug` masks the password.
#[derive(Clone, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SaveProfile {
    pub profile: Profile,
    /// The profile's name before an edit (it may be renamed); `null` for a new one.
    pub replacing: Option<String>,
    /// A new password for the keyring; `null` (or empty) keeps the stored one.
    pub password: Option<String>,
}

impl std::fmt::Debug for SaveProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaveProfile")
            .field("profile", &self.profile)
            .field("replacing", &self.replacing)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl From<SaveProfile> for SaveRequest {
    fn from(form: SaveProfile) -> SaveRequest {
        SaveRequest {
            profile: form.profile,
            replacing: form.replacing,
            password: form.password.filter(|p| !p.is_empty()).map(Password::new),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SaveOutcome {
    pub password_stored: bool,
    /// The profile now points elsewhere than its stored password was saved
    /// for: that password will not be sent; the user is asked again.
    pub password_needed: bool,
    /// Set when the keyring could not do its part: the profile is saved
    /// without the password (Waybill never writes passwords to disk).
    pub keyring_problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RemoveOutcome {
    /// A password was deleted from the keyring with it.
    pub had_password: bool,
    /// The profile is gone, but the keyring could not delete its password.
    pub keyring_problem: Option<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProfileEntry {
    pub profile: Profile,
    /// A password for this profile's server is in the keyring; `null` when
    /// the keyring cannot say.
    pub has_password: Option<bool>,
    /// The server's identity is checked (verify-full) or it is this machine.
    pub identity_verified: bool,
    /// The server is on this machine (but is not the sandbox).
    pub local: bool,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
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

/// The profiles and where their passwords stand.
pub fn list(path: &Path, store: &dyn SecretStore) -> Result<ProfileList> {
    let config = Config::load(path)?;
    let mut keyring_problem = None;
    let profiles = config
        .profiles
        .iter()
        .map(|p| ProfileEntry {
            has_password: match secret::load_bound(store, &p.name, &p.password_target()) {
                Ok(stored) => Some(matches!(stored, Stored::Usable(_))),
                Err(e) => {
                    keyring_problem.get_or_insert(e.to_string());
                    None
                }
            },
            identity_verified: p.identity_verified(),
            local: !p.is_remote(),
            profile: p.clone(),
        })
        .collect();
    Ok(ProfileList {
        profiles,
        active: config.active_name().to_string(),
        keyring_problem,
        config_file: path.display().to_string(),
    })
}

/// Saves a profile (new, edited or renamed) and then its password. The file
/// first: if it cannot be written, nothing changed. A renamed profile takes its
/// password along; a keyring that fails leaves the profile saved without it.
/// `in_use` names the profile a front end has open: it cannot be edited.
pub fn save(path: &Path, store: &dyn SecretStore, request: SaveRequest, in_use: Option<&str>) -> Result<SaveOutcome> {
    if let (Some(old), Some(open)) = (request.replacing.as_deref(), in_use) {
        if old == open {
            return Err(Error::ProfileInUse { name: open.to_string() });
        }
    }
    let mut config = Config::load(path)?;
    let before = match request.replacing.as_deref() {
        Some(old) => Some(config.get(old)?.clone()),
        None => None,
    };
    config.put(request.profile.clone(), request.replacing.as_deref())?;
    config.save(path)?;

    let profile = &request.profile;
    let target = profile.password_target();
    let keyring = || -> Result<SaveOutcome> {
        let mut outcome = SaveOutcome {
            password_stored: false,
            password_needed: false,
            keyring_problem: None,
        };
        // The password to keep under the (possibly new) name: a new one, or
        // the old entry's if it was saved for the server this profile still names.
        let password = match (&request.password, &before) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(old)) => match secret::load_bound(store, &old.name, &old.password_target())? {
                Stored::Usable(p) if old.password_target() == target => Some(p),
                Stored::Usable(_) => {
                    outcome.password_needed = true;
                    None
                }
                _ => None,
            },
            (None, None) => None,
        };
        if let Some(old) = before.as_ref().filter(|old| old.name != profile.name) {
            store.delete(&old.name)?;
        }
        if let Some(p) = password {
            secret::store_bound(store, &profile.name, &target, &p)?;
            outcome.password_stored = true;
        } else if outcome.password_needed {
            // Never leave a password where it could follow the profile to a new server.
            store.delete(&profile.name)?;
        }
        Ok(outcome)
    };
    Ok(keyring().unwrap_or_else(|e| SaveOutcome {
        password_stored: false,
        password_needed: false,
        keyring_problem: Some(e.to_string()),
    }))
}

/// Removes a profile, then its keyring entry. A keyring that cannot delete it
/// does not undo the removal: the outcome says so.
pub fn remove(path: &Path, store: &dyn SecretStore, name: &str, in_use: Option<&str>) -> Result<RemoveOutcome> {
    if in_use == Some(name) {
        return Err(Error::ProfileInUse { name: name.to_string() });
    }
    let mut config = Config::load(path)?;
    config.remove(name)?;
    config.save(path)?;
    Ok(match store.delete(name) {
        Ok(had_password) => RemoveOutcome {
            had_password,
            keyring_problem: None,
        },
        Err(e) => RemoveOutcome {
            had_password: false,
            keyring_problem: Some(e.to_string()),
        },
    })
}

/// Renames a profile, its password going along.
pub fn rename(path: &Path, store: &dyn SecretStore, old: &str, new: &str, in_use: Option<&str>) -> Result<SaveOutcome> {
    let mut profile = Config::load(path)?.get(old)?.clone();
    profile.name = new.to_string();
    save(
        path,
        store,
        SaveRequest {
            profile,
            replacing: Some(old.to_string()),
            password: None,
        },
        in_use,
    )
}

/// Remembers the history `name` reads (`None`: Waybill's own).
pub fn set_history(path: &Path, name: &str, history: Option<crate::domain::layout::Mapping>) -> Result<()> {
    let mut config = Config::load(path)?;
    let mut profile = config.get(name)?.clone();
    profile.history = history;
    config.put(profile, Some(name))?;
    config.save(path)
}

/// Makes `name` (or `sandbox`) the profile the app opens on start.
pub fn set_active(path: &Path, name: &str) -> Result<()> {
    let mut config = Config::load(path)?;
    if name != SANDBOX {
        config.get(name)?;
    }
    config.active = Some(name.to_string());
    config.save(path)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::profiles::MemoryStore;

    fn setup() -> (tempfile::TempDir, PathBuf, MemoryStore) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.json");
        (dir, path, MemoryStore::default())
    }

    fn new(path: &Path, store: &MemoryStore, name: &str, host: &str, pw: Option<&str>) -> SaveOutcome {
        let request = SaveRequest {
            profile: Profile::new(name, host, 5432, "orders", "support"),
            replacing: None,
            password: pw.map(Password::new),
        };
        save(path, store, request, None).unwrap()
    }

    fn usable(store: &MemoryStore, path: &Path, name: &str) -> bool {
        let p = Config::load(path).unwrap().get(name).unwrap().clone();
        matches!(
            secret::load_bound(store, name, &p.password_target()).unwrap(),
            Stored::Usable(_)
        )
    }

    #[test]
    fn the_form_never_shows_its_password() {
        let form = SaveProfile {
            profile: Profile::new("p", "db.example.com", 5432, "d", "u"),
            replacing: None,
            password: Some("hunter2".into()),
        };
        let text = format!("{form:?}");
        assert!(!text.contains("hunter2") && text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn a_renamed_profile_keeps_its_password() {
        let (_d, path, store) = setup();
        new(&path, &store, "prod", "db.example.com", Some("pw"));
        let outcome = rename(&path, &store, "prod", "production", None).unwrap();
        assert!(outcome.password_stored);
        assert!(usable(&store, &path, "production"));
        assert!(store.get("prod").unwrap().is_none(), "the old entry is gone");
    }

    #[test]
    fn a_profile_pointed_at_another_host_does_not_take_its_password_along() {
        let (_d, path, store) = setup();
        new(&path, &store, "prod", "db.example.com", Some("pw"));
        let request = SaveRequest {
            profile: Profile::new("prod", "attacker.example.net", 5432, "orders", "support"),
            replacing: Some("prod".into()),
            password: None,
        };
        let outcome = save(&path, &store, request, None).unwrap();
        assert!(outcome.password_needed && !outcome.password_stored);
        assert!(store.get("prod").unwrap().is_none());
    }

    #[test]
    fn a_keyring_that_fails_on_remove_still_removes_the_profile_and_says_so() {
        let (_d, path, store) = setup();
        new(&path, &store, "prod", "db.example.com", Some("pw"));
        store.unavailable.store(true, std::sync::atomic::Ordering::Relaxed);
        let outcome = remove(&path, &store, "prod", None).unwrap();
        assert!(outcome.keyring_problem.is_some());
        assert!(Config::load(&path).unwrap().profiles.is_empty());
    }

    #[test]
    fn a_keyring_that_fails_on_save_saves_the_profile_without_its_password() {
        let (_d, path, store) = setup();
        store.unavailable.store(true, std::sync::atomic::Ordering::Relaxed);
        let outcome = new(&path, &store, "prod", "db.example.com", Some("pw"));
        assert!(!outcome.password_stored && outcome.keyring_problem.is_some());
        assert_eq!(Config::load(&path).unwrap().profiles.len(), 1);
    }

    #[test]
    fn the_open_profile_cannot_be_edited_or_removed() {
        let (_d, path, store) = setup();
        new(&path, &store, "prod", "db.example.com", None);
        assert_eq!(
            remove(&path, &store, "prod", Some("prod")).unwrap_err().code(),
            "profile_in_use"
        );
        assert_eq!(
            rename(&path, &store, "prod", "p2", Some("prod")).unwrap_err().code(),
            "profile_in_use"
        );
    }
}
