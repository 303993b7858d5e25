//! Exports into files, saved the one way Waybill saves a user's file
//! (`files::save`): a failed export leaves no half file, and one saved into a
//! folder never replaces another.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;
use ts_rs::TS;

use super::{export, ExportRequest};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::files::{Destination, Partial};
use crate::timeline::activity::Subject;

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
    let stem = file_stem(db, request).await?;
    let to = Destination::Folder {
        dir,
        stem: &stem,
        ext: request.format.extension(),
    };
    let (path, rows) = write(db, request, to, progress).await?;
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
            let layout = crate::domain::layout::layout(db, &mut conn).await?;
            Ok(match Subject::find(&mut conn, &layout, &request.scope).await? {
                subject @ Subject::Record(_) => subject.title(),
                subject @ Subject::Actor(_) => format!("changes by {}", subject.title()),
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
    Ok(crate::files::file_name_safe(&parts.join(" ")))
}

/// Exports into the file `path` (see the module comment).
pub async fn export_to_file(
    db: &Db,
    request: &ExportRequest,
    path: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    Ok(write(db, request, Destination::Path(path), progress).await?.1)
}

/// Streams the export into a new file at `to` (the one save path: see `files::save`).
async fn write(
    db: &Db,
    request: &ExportRequest,
    to: Destination<'_>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(PathBuf, u64)> {
    let mut partial = Partial::create(&to)?;
    let mut writer = std::io::BufWriter::new(partial.file());
    let rows = export(db, request, &mut writer, progress).await?;
    writer
        .flush()
        .map_err(Error::io(format!("writing the export for {}", to_name(&to))))?;
    drop(writer);
    Ok((partial.publish(&to)?, rows))
}

fn to_name(to: &Destination) -> String {
    match to {
        Destination::Folder { dir, stem, ext } => dir.join(format!("{stem}.{ext}")).display().to_string(),
        Destination::Path(path) => path.display().to_string(),
    }
}
