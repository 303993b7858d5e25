//! Passwords: held in a type that never prints or serializes them, and stored
//! only in the OS keyring, never in a file.

use crate::error::{Error, Result};

/// A password. `Debug` masks it, there is no `Display` and no `Serialize`:
/// the only way to the text is `expose`, at the moment of connecting.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Where passwords are kept, one per profile. Calls block (D-Bus on Linux):
/// async callers use `spawn_blocking`.
pub trait SecretStore: Send + Sync {
    fn get(&self, profile: &str) -> Result<Option<Password>>;
    fn set(&self, profile: &str, password: &Password) -> Result<()>;
    /// True when there was a password to delete.
    fn delete(&self, profile: &str) -> Result<bool>;
}

/// The OS keyring: Secret Service on Linux, Keychain on macOS, Credential
/// Manager on Windows. Entries are service `waybill`, account = profile name.
pub struct Keyring;

const SERVICE: &str = "waybill";

impl Keyring {
    fn entry(profile: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, profile).map_err(unavailable)
    }
}

impl SecretStore for Keyring {
    fn get(&self, profile: &str) -> Result<Option<Password>> {
        match Self::entry(profile)?.get_password() {
            Ok(text) => Ok(Some(Password(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, profile: &str, password: &Password) -> Result<()> {
        Self::entry(profile)?
            .set_password(password.expose())
            .map_err(unavailable)
    }

    fn delete(&self, profile: &str) -> Result<bool> {
        match Self::entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// A store in memory, for unit tests of the rules on top of a store (the
/// integration tests use the real Secret Service).
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
    /// When set, every call fails as a locked keyring would.
    pub unavailable: std::sync::atomic::AtomicBool,
}

impl MemoryStore {
    fn check(&self) -> Result<()> {
        if self.unavailable.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::KeyringUnavailable {
                reason: "the keyring is locked or refused access".into(),
            });
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, profile: &str) -> Result<Option<Password>> {
        self.check()?;
        Ok(self.entries.lock().unwrap().get(profile).cloned().map(Password))
    }

    fn set(&self, profile: &str, password: &Password) -> Result<()> {
        self.check()?;
        self.entries.lock().unwrap().insert(profile.into(), password.0.clone());
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<bool> {
        self.check()?;
        Ok(self.entries.lock().unwrap().remove(profile).is_some())
    }
}

/// A stored password remembers where it may be sent (`user@host:port/database`):
/// it goes only to the server it was saved for. A profile edited to point
/// elsewhere (or a window asking to test another host under the same name)
/// gets no password, and the user is asked again.
#[derive(serde::Serialize, serde::Deserialize)]
struct Bound {
    #[serde(rename = "for")]
    for_target: String,
    password: String,
}

/// What the keyring holds for a profile.
#[derive(Debug)]
pub enum Stored {
    None,
    /// Saved for this very target.
    Usable(Password),
    /// Saved for another host, port, user or database (or by a version of
    /// Waybill that did not record where): not sent.
    ForElsewhere,
}

/// Stores `password` for `profile`, bound to `target`.
pub fn store_bound(store: &dyn SecretStore, profile: &str, target: &str, password: &Password) -> Result<()> {
    let bound = Bound {
        for_target: target.to_string(),
        password: password.0.clone(),
    };
    let text = serde_json::to_string(&bound).map_err(Error::internal)?;
    store.set(profile, &Password(text))
}

/// The password stored for `profile`, if it was saved for `target`.
pub fn load_bound(store: &dyn SecretStore, profile: &str, target: &str) -> Result<Stored> {
    let Some(Password(text)) = store.get(profile)? else {
        return Ok(Stored::None);
    };
    Ok(match serde_json::from_str::<Bound>(&text) {
        Ok(b) if b.for_target == target => Stored::Usable(Password(b.password)),
        _ => Stored::ForElsewhere,
    })
}

/// What a locked keyring means for the user, whichever way the store says it.
const LOCKED: &str = "it is locked: log in to the desktop session, or unlock it in Passwords and Keys";

/// keyring's errors describe the store, never the secret.
fn unavailable(error: keyring::Error) -> Error {
    let reason = match &error {
        keyring::Error::NoStorageAccess(_) => LOCKED.to_string(),
        // A Secret Service whose collection is locked, with no prompt to unlock
        // it (no desktop session): "Cannot create an item in a locked collection".
        keyring::Error::PlatformFailure(e) if e.to_string().contains("locked") => LOCKED.to_string(),
        keyring::Error::PlatformFailure(e) => format!("no Secret Service answered: {e}"),
        other => other.to_string(),
    };
    Error::KeyringUnavailable { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_password_goes_only_where_it_was_saved_for() {
        let store = MemoryStore::default();
        store_bound(&store, "prod", "u@db:5432/orders", &Password::new("pw")).unwrap();
        assert!(
            matches!(load_bound(&store, "prod", "u@db:5432/orders").unwrap(), Stored::Usable(p) if p.expose() == "pw")
        );
        assert!(matches!(
            load_bound(&store, "prod", "u@evil:5432/orders").unwrap(),
            Stored::ForElsewhere
        ));
        assert!(matches!(
            load_bound(&store, "other", "u@db:5432/orders").unwrap(),
            Stored::None
        ));
        store.set("old", &Password::new("plain")).unwrap();
        assert!(matches!(
            load_bound(&store, "old", "u@db:5432/orders").unwrap(),
            Stored::ForElsewhere
        ));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let text = format!("{:?}", Password::new("hunter2"));
        assert!(!text.contains("hunter2"), "{text}");
    }
}
