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

/// Exports into `dir` under a name that says what it is: the shipment's
/// reference (or the actor's name), the filter and the time, e.g.
/// `SHP-2026-000001 status_changed 2026-11-30 2315.csv`. It never replaces a
/// file: two exports in the same minute get ` (2)`, ` (3)`…
pub async fn export_to_dir(
    db: &Db,
    request: &ExportRequest,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ExportedFile> {
    std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    let stem = file_stem(db, request).await?;
    let partial = dir.join(format!(".{stem}.{}.partial", uuid::Uuid::new_v4().simple()));
    let rows = write_partial(db, request, &partial, progress).await?;
    let path = crate::paths::publish_unique(&partial, dir, &stem, request.format.extension())?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        rows,
    })
}

/// What the file is about, fit for a file name.
async fn file_stem(db: &Db, request: &ExportRequest) -> Result<String> {
    let subject = db
        .read(|r| async move {
            let mut conn = r.conn().await;
            Ok(match &request.scope {
                Scope::Shipment(key) => crate::timeline::resolve(&mut conn, key).await?.shipment.reference,
                Scope::Actor(key) => {
                    let with_actors = crate::schema::has_actors(&mut conn).await?;
                    let actor = crate::timeline::actor::resolve(&mut conn, key, with_actors).await?;
                    format!("changes by {}", actor.name.unwrap_or_else(|| actor.id.to_string()))
                }
            })
        })
        .await?;
    let f = &request.filter;
    let mut parts = vec![subject];
    if !f.event_types.is_empty() {
        parts.push(f.event_types.join("+"));
    }
    if !f.actors.is_empty() {
        parts.push(format!(
            "{} actor{}",
            f.actors.len(),
            if f.actors.len() == 1 { "" } else { "s" }
        ));
    }
    if let Some(since) = f.since {
        parts.push(format!("from {}", since.format("%Y-%m-%d")));
    }
    if let Some(until) = f.until {
        parts.push(format!("until {}", until.format("%Y-%m-%d")));
    }
    parts.push(Utc::now().format("%Y-%m-%d %H%M").to_string());
    Ok(crate::paths::file_name_safe(&parts.join(" ")))
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
    let rows = write_partial(db, request, &partial, progress).await?;
    std::fs::rename(&partial, path).map_err(Error::io(format!("saving {}", path.display())))?;
    Ok(rows)
}

/// Writes the export to `partial`; on failure removes it.
async fn write_partial(
    db: &Db,
    request: &ExportRequest,
    partial: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    let file = crate::paths::private_file(partial)?;
    let mut writer = std::io::BufWriter::new(file);
    let result = export(db, request, &mut writer, progress).await;
    let result = match result {
        Ok(rows) => writer
            .into_inner()
            .map_err(|e| Error::io(format!("writing {}", partial.display()))(e.into_error()))
            .map(|_| rows),
        Err(e) => Err(e),
    };
    if result.is_err() {
        std::fs::remove_file(partial).ok();
    }
    result
}
