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
    Ok(timeline::page(state.pool()?, &key, &filter, before_version, limit).await?)
}

#[tauri::command]
pub async fn timeline_facets(state: State<'_, AppState>, key: String) -> Result<Facets, IpcError> {
    Ok(timeline::facets(state.pool()?, &key).await?)
}

#[tauri::command]
pub async fn version_detail(state: State<'_, AppState>, key: String, version: i32) -> Result<VersionDetail, IpcError> {
    Ok(version::version(state.pool()?, &key, version).await?)
}

#[tauri::command]
pub async fn compare_versions(state: State<'_, AppState>, key: String, from: i32, to: i32) -> Result<Diff, IpcError> {
    Ok(version::compare(state.pool()?, &key, from, to).await?)
}

#[tauri::command]
pub async fn blame_fields(state: State<'_, AppState>, key: String) -> Result<Blame, IpcError> {
    Ok(blame::blame(state.pool()?, &key).await?)
}

#[tauri::command]
pub async fn as_of(state: State<'_, AppState>, key: String, at: DateTime<Utc>) -> Result<VersionDetail, IpcError> {
    Ok(version::as_of(state.pool()?, &key, at).await?)
}

#[tauri::command]
pub async fn actor_page(
    state: State<'_, AppState>,
    key: String,
    filter: TimelineFilter,
    before: Option<ActorCursor>,
    limit: u32,
) -> Result<ActorPage, IpcError> {
    Ok(actor::page(state.pool()?, &key, &filter, before.as_ref(), limit).await?)
}

#[tauri::command]
pub async fn activity_chart(
    state: State<'_, AppState>,
    scope: Scope,
    filter: TimelineFilter,
    time_zone: String,
) -> Result<ActivityChart, IpcError> {
    Ok(activity::chart(state.pool()?, &scope, &filter, &time_zone).await?)
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
    Ok(export::export_to_dir(state.pool()?, &scope, &filter, &time_zone, format, &dir, &progress).await?)
}
