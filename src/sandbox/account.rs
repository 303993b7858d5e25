//! Which OS account runs the sandbox server, and how files in its directory
//! are touched.
//!
//! PostgreSQL refuses to run as root. When Waybill itself runs as root
//! (containers, CI), the server runs as the unprivileged `postgres` account,
//! which then owns the cluster's directory. That account could plant symbolic
//! links there; root following one (a write, a `chown`) would hand it any file
//! on the machine. So as root, Waybill never writes, creates or removes files
//! in that directory itself: it does so as the `postgres` account, with that
//! account's rights only.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use nix::unistd::{geteuid, Gid, Uid, User};

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

    /// Runs a small shell script as the server account (`$1`… are `args`),
    /// with `input` on its standard input.
    fn shell(&self, script: &str, args: &[&Path], input: &[u8], what: &str) -> Result<()> {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg(script).arg("sh").args(args);
        cmd.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
        self.apply(&mut cmd);
        let mut child = cmd.spawn().map_err(Error::io(what.to_string()))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input).map_err(Error::io(what.to_string()))?;
        }
        let out = child.wait_with_output().map_err(Error::io(what.to_string()))?;
        if !out.status.success() {
            return Err(Error::Io {
                context: what.to_string(),
                source: std::io::Error::other(String::from_utf8_lossy(&out.stderr).trim().to_string()),
            });
        }
        Ok(())
    }

    /// Writes a file in the cluster's directory, as the server account.
    pub fn write(&self, path: &Path, contents: &str) -> Result<()> {
        match self {
            ServerAccount::Current => {
                std::fs::write(path, contents).map_err(Error::io(format!("writing {}", path.display())))
            }
            // `cat >` truncates and writes with the account's own rights: a link
            // it planted leads only where it could write anyway.
            ServerAccount::Other { .. } => self.shell(
                "umask 077; cat > \"$1\"",
                &[path],
                contents.as_bytes(),
                &format!("writing {}", path.display()),
            ),
        }
    }

    /// Removes a file in the cluster's directory, as the server account.
    pub fn remove(&self, path: &Path) -> Result<()> {
        match self {
            ServerAccount::Current => {
                std::fs::remove_file(path).map_err(Error::io(format!("removing {}", path.display())))
            }
            ServerAccount::Other { .. } => {
                self.shell("rm -f \"$1\"", &[path], b"", &format!("removing {}", path.display()))
            }
        }
    }

    /// Creates the cluster's directory `root` with `data` and `run` in it,
    /// private to the server account. `root` is made by us (its parent is ours,
    /// so nobody else can have put a link there) and handed over without
    /// following links; what is inside it is made by the account itself.
    pub fn create_home(&self, root: &Path) -> Result<()> {
        match std::fs::symlink_metadata(root) {
            Ok(meta) if !meta.is_dir() => {
                return Err(Error::NotACluster {
                    path: root.to_path_buf(),
                });
            }
            Ok(_) => {}
            Err(_) => std::fs::create_dir_all(root).map_err(Error::io(format!("creating {}", root.display())))?,
        }
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))
            .map_err(Error::io(format!("protecting {}", root.display())))?;
        match self {
            ServerAccount::Current => {
                for dir in ["data", "run"] {
                    let path = root.join(dir);
                    std::fs::create_dir_all(&path).map_err(Error::io(format!("creating {}", path.display())))?;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
                        .map_err(Error::io(format!("protecting {}", path.display())))?;
                }
                Ok(())
            }
            ServerAccount::Other { uid, gid, .. } => {
                std::os::unix::fs::lchown(root, Some(uid.as_raw()), Some(gid.as_raw())).map_err(|e| Error::Io {
                    context: format!("giving {} to the postgres account", root.display()),
                    source: e,
                })?;
                self.shell(
                    "cd \"$1\" && mkdir -p data run && chmod 700 data run",
                    &[root],
                    b"",
                    &format!("creating the cluster's directories in {}", root.display()),
                )
            }
        }
    }

    /// Can the server account reach `path` (search permission on every
    /// ancestor)? Waybill never changes the permissions of directories it did
    /// not create to make it so: the cluster goes elsewhere instead.
    pub fn can_reach(&self, path: &Path) -> bool {
        let ServerAccount::Other { uid, gid, .. } = self else {
            return true;
        };
        path.ancestors().skip(1).all(|dir| match std::fs::metadata(dir) {
            Ok(meta) => {
                let mode = meta.permissions().mode();
                (meta.uid() == uid.as_raw() && mode & 0o100 != 0)
                    || (meta.gid() == gid.as_raw() && mode & 0o010 != 0)
                    || mode & 0o001 != 0
            }
            Err(_) => true,
        })
    }
}
