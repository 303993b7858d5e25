use tauri::ipc::Channel;
use tauri::State;
use waybill::chrono::{DateTime, Utc};
use waybill::timeline::activity::{self, ActivityChart, Scope};
use waybill::timeline::actor::{self, ActorCursor, ActorPage};
use waybill::timeline::blame::{self, Blame};
use waybill::timeline::diff::Diff;
use waybill::timeline::export::{self, ExportedFile, TimelineFormat};
use waybill::timeline::version::{self, VersionDetail};
use waybill::timeline::{self, Facets, TimelineFilter, TimelinePage};

use super::read;
use crate::state::AppState;
use crate::IpcError;

#[tauri::command]
pub async fn timeline_page(
    state: State<'_, AppState>,
    key: String,
    filter: TimelineFilter,
    before_version: Option<i32>,
    limit: u32,
) -> Result<TimelinePage, IpcError> {
    read!(state, |db| timeline::page(db, &key, &filter, before_version, limit))
}

#[tauri::command]
pub async fn timeline_facets(state: State<'_, AppState>, key: String) -> Result<Facets, IpcError> {
    read!(state, |db| timeline::facets(db, &key))
}

#[tauri::command]
pub async fn version_detail(state: State<'_, AppState>, key: String, version: i32) -> Result<VersionDetail, IpcError> {
    read!(state, |db| version::version(db, &key, version))
}

#[tauri::command]
pub async fn compare_versions(state: State<'_, AppState>, key: String, from: i32, to: i32) -> Result<Diff, IpcError> {
    read!(state, |db| version::compare(db, &key, from, to))
}

#[tauri::command]
pub async fn blame_fields(state: State<'_, AppState>, key: String) -> Result<Blame, IpcError> {
    read!(state, |db| blame::blame(db, &key))
}

#[tauri::command]
pub async fn as_of(state: State<'_, AppState>, key: String, at: DateTime<Utc>) -> Result<VersionDetail, IpcError> {
    read!(state, |db| version::as_of(db, &key, at))
}

#[tauri::command]
pub async fn actor_page(
    state: State<'_, AppState>,
    key: String,
    filter: TimelineFilter,
    before: Option<ActorCursor>,
    limit: u32,
) -> Result<ActorPage, IpcError> {
    read!(state, |db| actor::page(db, &key, &filter, before.as_ref(), limit))
}

#[tauri::command]
pub async fn activity_chart(
    state: State<'_, AppState>,
    scope: Scope,
    filter: TimelineFilter,
    time_zone: String,
) -> Result<ActivityChart, IpcError> {
    read!(state, |db| activity::chart(db, &scope, &filter, &time_zone))
}

/// Streams the filtered timeline into the Downloads folder (chosen here, never
/// by the UI), reporting rows written as it goes.
#[tauri::command]
pub async fn export_timeline(
    state: State<'_, AppState>,
    scope: Scope,
    filter: TimelineFilter,
    time_zone: String,
    format: TimelineFormat,
    on_progress: Channel<u64>,
) -> Result<ExportedFile, IpcError> {
    let progress = |rows: u64| drop(on_progress.send(rows));
    let dir = state.export_dir();
    Ok(export::export_to_dir(&state.db()?, &scope, &filter, &time_zone, format, &dir, &progress).await?)
}
