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

/// keyring's errors describe the store, never the secret.
fn unavailable(error: keyring::Error) -> Error {
    let reason = match &error {
        keyring::Error::NoStorageAccess(_) => "the keyring is locked or refused access".to_string(),
        keyring::Error::PlatformFailure(e) => format!("no Secret Service answered: {e}"),
        other => other.to_string(),
    };
    Error::KeyringUnavailable { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let text = format!("{:?}", Password::new("hunter2"));
        assert!(!text.contains("hunter2"), "{text}");
    }
}
