//! The profiles file: `profiles.json` in the OS config directory, written
//! whole to a temporary file and renamed, so a crash never leaves half a file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Profile, SANDBOX};
use crate::error::{Error, Result};

/// `$XDG_CONFIG_HOME/waybill/profiles.json` on Linux (`~/.config/…` by default).
pub fn config_path() -> Result<PathBuf> {
    dirs::config_dir()
        .map(|d| d.join("waybill").join("profiles.json"))
        .ok_or(Error::NoHomeDirectory {
            what: "config",
            variable: "XDG_CONFIG_HOME",
        })
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub profiles: Vec<Profile>,
    /// The profile the app opens on start; `None` (or "sandbox") is the sandbox.
    #[serde(default)]
    pub active: Option<String>,
}

impl Config {
    /// The saved profiles; an absent file is an empty list.
    pub fn load(path: &Path) -> Result<Config> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| Error::ProfilesFile {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::io(format!("reading {}", path.display()))(e)),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path.parent().expect("the config path has a directory");
        crate::files::private_dir(dir)?;
        let partial = path.with_extension("json.partial");
        let text = serde_json::to_string_pretty(self).map_err(Error::internal)?;
        crate::files::write_private(&partial, (text + "\n").as_bytes())?;
        std::fs::rename(&partial, path).map_err(Error::io(format!("replacing {}", path.display())))
    }

    pub fn get(&self, name: &str) -> Result<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::ProfileNotFound { name: name.to_string() })
    }

    /// Adds a profile, or replaces the one named `replacing` (an edit may rename).
    pub fn put(&mut self, profile: Profile, replacing: Option<&str>) -> Result<()> {
        profile.validate()?;
        let clash = self.profiles.iter().any(|p| p.name == profile.name) && replacing != Some(profile.name.as_str());
        if clash {
            return Err(Error::ProfileExists { name: profile.name });
        }
        match replacing.and_then(|old| self.profiles.iter().position(|p| p.name == old)) {
            Some(i) => {
                if self.active.as_deref() == replacing {
                    self.active = Some(profile.name.clone());
                }
                self.profiles[i] = profile;
            }
            None if replacing.is_some() => {
                return Err(Error::ProfileNotFound {
                    name: replacing.unwrap_or_default().to_string(),
                })
            }
            None => self.profiles.push(profile),
        }
        Ok(())
    }

    /// Removes a profile; the app falls back to the sandbox if it was active.
    pub fn remove(&mut self, name: &str) -> Result<Profile> {
        let i = self
            .profiles
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| Error::ProfileNotFound { name: name.to_string() })?;
        if self.active.as_deref() == Some(name) {
            self.active = None;
        }
        Ok(self.profiles.remove(i))
    }

    /// The name of the profile the app opens (`sandbox` for the sandbox).
    pub fn active_name(&self) -> &str {
        self.active_profile().map_or(SANDBOX, |p| p.name.as_str())
    }

    /// The active profile, `None` for the sandbox.
    pub fn active_profile(&self) -> Option<&Profile> {
        match self.active.as_deref() {
            None | Some(SANDBOX) => None,
            Some(name) => self.profiles.iter().find(|p| p.name == name),
        }
    }
}
