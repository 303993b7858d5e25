//! Which OS account runs the sandbox server.
//!
//! PostgreSQL refuses to run as root. When Waybill itself runs as root (containers,
//! CI), the server runs as the unprivileged `postgres` account instead, and the
//! sandbox directory is owned by it.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use nix::unistd::{chown, geteuid, Gid, Uid, User};

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub enum ServerAccount {
    /// Not root: the server runs as we do.
    Current,
    /// Root: the server runs as this account.
    Other { name: String, uid: Uid, gid: Gid },
}

impl ServerAccount {
    pub fn detect() -> Result<ServerAccount> {
        if !geteuid().is_root() {
            return Ok(ServerAccount::Current);
        }
        let user = User::from_name("postgres")
            .map_err(|e| Error::SandboxAccount {
                reason: format!("looking it up failed: {e}"),
            })?
            .ok_or_else(|| Error::SandboxAccount {
                reason: "there is no `postgres` account. Install the `postgresql` package, which creates it.".into(),
            })?;
        Ok(ServerAccount::Other {
            name: user.name,
            uid: user.uid,
            gid: user.gid,
        })
    }

    /// Makes a command run as the server account.
    pub fn apply(&self, cmd: &mut Command) {
        if let ServerAccount::Other { uid, gid, name } = self {
            // std drops root's supplementary groups when it changes uid as root.
            cmd.uid(uid.as_raw())
                .gid(gid.as_raw())
                .env("USER", name)
                .env("LOGNAME", name);
        }
    }

    /// Gives a directory Waybill created to the server account.
    pub fn own(&self, path: &Path) -> Result<()> {
        if let ServerAccount::Other { uid, gid, .. } = self {
            chown(path, Some(*uid), Some(*gid)).map_err(|e| Error::Io {
                context: format!("giving {} to the postgres account", path.display()),
                source: e.into(),
            })?;
        }
        Ok(())
    }

    /// The server must be able to reach its data directory: every ancestor needs
    /// the search (x) bit for it. As root the data usually sits under /root
    /// (mode 0700); we add only "others may traverse" (not list) where missing, and
    /// return what we changed so the caller can say so.
    pub fn ensure_traversable(&self, path: &Path) -> Result<Vec<String>> {
        let ServerAccount::Other { uid, gid, .. } = self else {
            return Ok(Vec::new());
        };
        let mut changed = Vec::new();
        for dir in path.ancestors().skip(1) {
            let Ok(meta) = std::fs::metadata(dir) else { continue };
            use std::os::unix::fs::MetadataExt;
            let mode = meta.permissions().mode();
            let reachable = (meta.uid() == uid.as_raw() && mode & 0o100 != 0)
                || (meta.gid() == gid.as_raw() && mode & 0o010 != 0)
                || mode & 0o001 != 0;
            if !reachable {
                let mut perms = meta.permissions();
                perms.set_mode(mode | 0o001);
                std::fs::set_permissions(dir, perms).map_err(Error::io(format!(
                    "letting the postgres account traverse {}",
                    dir.display()
                )))?;
                changed.push(dir.display().to_string());
            }
        }
        Ok(changed)
    }
}
