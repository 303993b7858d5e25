//! Exports into files: written under a temporary name and renamed when
//! complete, so a failed export leaves no half file and never clobbers another.

use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;
use ts_rs::TS;

use super::{export, ExportRequest};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::timeline::activity::Scope;

/// A finished export.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportedFile {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// Exports into `dir` under a name that says what it is.
pub async fn export_to_dir(
    db: &Db,
    request: &ExportRequest,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ExportedFile> {
    std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    let (kind, label) = match &request.scope {
        Scope::Shipment(key) => ("timeline", key),
        Scope::Actor(key) => ("actor", key),
    };
    let slug: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .take(40)
        .collect();
    let stamp = Utc::now().format("%Y%m%d-%H%M%S");
    let path = dir.join(format!("waybill-{kind}-{slug}-{stamp}.{}", request.format.extension()));
    let rows = export_to_file(db, request, &path, progress).await?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        rows,
    })
}

/// Exports into the file `path` (see the module comment).
pub async fn export_to_file(
    db: &Db,
    request: &ExportRequest,
    path: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = crate::paths::private_file(&partial)?;
    let mut writer = std::io::BufWriter::new(file);
    let result = export(db, request, &mut writer, progress).await;
    let result = match result {
        Ok(rows) => writer
            .into_inner()
            .map_err(|e| Error::io(format!("writing {}", partial.display()))(e.into_error()))
            .map(|_| rows),
        Err(e) => Err(e),
    };
    match result {
        Ok(rows) => {
            std::fs::rename(&partial, path).map_err(Error::io(format!("saving {}", path.display())))?;
            Ok(rows)
        }
        Err(e) => {
            std::fs::remove_file(&partial).ok();
            Err(e)
        }
    }
}
