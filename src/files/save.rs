//! The one way Waybill saves a file for the user (exports, reports, plots,
//! JUnit files, saved runs): written under a hidden name first, created new
//! (never through a link someone planted there) and readable by its owner
//! only, flushed to disk, then given its name in one step. A failure leaves
//! no half file; a file in a folder never replaces another (` (2)`, ` (3)`…);
//! a path the user named is replaced whole, never written through.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where a file goes.
#[derive(Debug, Clone, Copy)]
pub enum Destination<'a> {
    /// Into `dir`, as `{stem}.{ext}`, or `{stem} (2).{ext}`… when taken.
    Folder { dir: &'a Path, stem: &'a str, ext: &'a str },
    /// At the path the user named (`-o FILE`): a file there is replaced.
    Path(&'a Path),
}

impl Destination<'_> {
    fn dir(&self) -> &Path {
        match self {
            Destination::Folder { dir, .. } => dir,
            Destination::Path(path) => path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        }
    }

    fn name(&self) -> String {
        match self {
            Destination::Folder { stem, ext, .. } => format!("{stem}.{ext}"),
            Destination::Path(path) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".into()),
        }
    }
}

/// A file being written, not yet under its name. Dropped unpublished (an
/// error, a cancel), it is removed.
pub struct Partial {
    path: PathBuf,
    file: File,
    published: bool,
}

impl Partial {
    /// A new hidden file beside where `destination` will be (created with
    /// its folder): `O_EXCL|O_NOFOLLOW`, mode 0600.
    pub fn create(destination: &Destination) -> Result<Partial> {
        let dir = destination.dir();
        std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
        let path = dir.join(format!(
            ".{}.{}.partial",
            destination.name(),
            uuid::Uuid::new_v4().simple()
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc_o_nofollow())
            .open(&path)
            .map_err(Error::io(format!("creating {}", path.display())))?;
        Ok(Partial {
            path,
            file,
            published: false,
        })
    }

    /// The file to write to.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Flushes the file to disk and gives it its name; returns where it is.
    pub fn publish(mut self, destination: &Destination) -> Result<PathBuf> {
        let saving = |path: &Path| Error::io(format!("saving {}", path.display()));
        self.file.sync_all().map_err(saving(&self.path))?;
        let path = match destination {
            Destination::Folder { dir, stem, ext } => link_unique(&self.path, dir, stem, ext)?,
            // A rename replaces what is at the path (a link included), never
            // writing through it.
            Destination::Path(path) => {
                std::fs::rename(&self.path, path).map_err(saving(path))?;
                path.to_path_buf()
            }
        };
        self.published = true;
        std::fs::remove_file(&self.path).ok();
        // The new name lasts a crash too.
        if let Ok(dir) = File::open(destination.dir()) {
            dir.sync_all().ok();
        }
        Ok(path)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.published {
            std::fs::remove_file(&self.path).ok();
        }
    }
}

/// Saves `bytes` at `destination`; returns where the file is.
pub fn save(destination: Destination, bytes: &[u8]) -> Result<PathBuf> {
    let mut partial = Partial::create(&destination)?;
    let path = partial.path.clone();
    partial
        .file()
        .write_all(bytes)
        .map_err(Error::io(format!("writing {}", path.display())))?;
    partial.publish(&destination)
}

/// Gives the complete file `partial` a free name in `dir`: a hard link fails
/// if the name is taken (a rename would replace it), so the first free name
/// wins, even against another save racing for it.
fn link_unique(partial: &Path, dir: &Path, stem: &str, ext: &str) -> Result<PathBuf> {
    for n in 1u32.. {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem} ({n}).{ext}")
        };
        let path = dir.join(name);
        match std::fs::hard_link(partial, &path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(format!("saving {}", path.display()))(e)),
        }
    }
    unreachable!("some name is free")
}

/// `O_NOFOLLOW`: opening a path whose last part is a symbolic link fails.
fn libc_o_nofollow() -> i32 {
    nix::fcntl::OFlag::O_NOFOLLOW.bits()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_folder_save_never_replaces_and_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let to = Destination::Folder {
            dir: dir.path(),
            stem: "report",
            ext: "html",
        };
        let first = save(to, b"one").unwrap();
        let second = save(to, b"two").unwrap();
        assert_eq!(first, dir.path().join("report.html"));
        assert_eq!(second, dir.path().join("report (2).html"));
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
        let mode = std::fs::metadata(&second).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 2, "no partial file left: {names:?}");
    }

    #[test]
    fn a_named_path_is_replaced_not_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.txt");
        std::fs::write(&target, b"keep").unwrap();
        let path = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        save(Destination::Path(&path), b"new").unwrap();
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"keep",
            "the link's target is untouched"
        );
        assert!(!std::fs::symlink_metadata(&path).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn an_unpublished_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        let to = Destination::Path(&path);
        let mut partial = Partial::create(&to).unwrap();
        partial.file().write_all(b"half").unwrap();
        drop(partial);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
