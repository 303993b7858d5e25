//! The files Waybill saved for the user (exports, run reports): shown in their
//! folder or opened with the system's application. Only files in the exports
//! folder that Waybill writes to: a path from the window is never trusted.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::command;
use crate::state::AppState;
use crate::IpcError;

/// Extensions of what Waybill saves there.
const SAVED: [&str; 6] = ["csv", "html", "json", "png", "svg", "xml"];

/// `path`, if it is a file Waybill could have saved in `dir`.
pub fn saved_file(dir: &Path, path: &str) -> Result<PathBuf, IpcError> {
    let refused = || IpcError {
        code: "not_an_export".into(),
        message: "Only files Waybill saved in its exports folder can be shown or opened here.".into(),
    };
    let file = Path::new(path).canonicalize().map_err(|_| refused())?;
    let dir = dir.canonicalize().map_err(|_| refused())?;
    let ours = file.parent() == Some(dir.as_path())
        && file.is_file()
        && file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SAVED.contains(&e));
    if ours {
        Ok(file)
    } else {
        Err(refused())
    }
}

/// Shows a saved file in the file manager; where no file manager answers the
/// request to point at a file, its folder is opened with the system's
/// application for folders.
#[command]
pub async fn show_saved_file(app: AppHandle, state: State<'_, AppState>, path: String) -> Result<(), IpcError> {
    let file = saved_file(&state.export_dir(), &path)?;
    if let Err(e) = app.opener().reveal_item_in_dir(&file) {
        tracing::info!(
            "no file manager could point at {}: {e}; opening its folder",
            file.display()
        );
        let dir = file.parent().unwrap_or(&file);
        app.opener()
            .open_path(dir.to_string_lossy(), None::<&str>)
            .map_err(|e| opener_failed(dir, e))?;
    }
    Ok(())
}

/// Opens a saved file with the system's application for it.
#[command]
pub async fn open_saved_file(app: AppHandle, state: State<'_, AppState>, path: String) -> Result<(), IpcError> {
    let file = saved_file(&state.export_dir(), &path)?;
    app.opener()
        .open_path(file.to_string_lossy(), None::<&str>)
        .map_err(|e| opener_failed(&file, e))
}

fn opener_failed(file: &Path, e: tauri_plugin_opener::Error) -> IpcError {
    IpcError {
        code: "no_application".into(),
        message: format!(
            "This system has no application set up to show {} ({e}). It is saved; open it from your file manager.",
            file.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_waybill_saved_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let export = dir.path().join("SHP-1 2026-11-30 2315.csv");
        std::fs::write(&export, "x").unwrap();
        let other = dir.path().join("notes.sh");
        std::fs::write(&other, "x").unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.csv"), "x").unwrap();
        assert!(saved_file(dir.path(), export.to_str().unwrap()).is_ok());
        for refused in [
            other.to_str().unwrap().to_string(),
            sub.join("a.csv").to_str().unwrap().to_string(),
            format!("{}/../etc/passwd", dir.path().display()),
            "/etc/passwd".into(),
        ] {
            assert_eq!(
                saved_file(dir.path(), &refused).unwrap_err().code,
                "not_an_export",
                "{refused}"
            );
        }
    }
}
