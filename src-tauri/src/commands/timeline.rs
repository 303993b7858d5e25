use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;
use waybill::chrono::{DateTime, Utc};
use waybill::domain::activity::ActivityChart;
use waybill::domain::reads::ActorCursor;
use waybill::domain::TimelineFilter;
use waybill::timeline::activity::{self, Scope};
use waybill::timeline::actor::{self, ActorPage};
use waybill::timeline::blame::{self, Blame};
use waybill::timeline::export::{self, ExportRequest, ExportedFile, TimelineFormat};
use waybill::timeline::field::{self, FieldHistory};
use waybill::timeline::version::{self, Comparison, VersionDetail};
use waybill::timeline::{self, Facets, TimelinePage};

use crate::command;
use crate::state::AppState;
use crate::IpcError;

/// One page of a shipment's timeline, newest first; pass `next_before` on for the next.
#[command]
pub async fn timeline_page(
    state: State<'_, AppState>,
    key: String,
    filter: TimelineFilter,
    before_version: Option<i32>,
    limit: u32,
) -> Result<TimelinePage, IpcError> {
    Ok(timeline::page(&state.db()?, &key, &filter, before_version, limit).await?)
}

/// The versions just newer than `after_version`, newest first: rows the
/// window let go of, read again as the reader scrolls back up.
#[command]
pub async fn timeline_newer_page(
    state: State<'_, AppState>,
    key: String,
    filter: TimelineFilter,
    after_version: i32,
    limit: u32,
) -> Result<TimelinePage, IpcError> {
    Ok(timeline::newer_page(&state.db()?, &key, &filter, after_version, limit).await?)
}

/// Every version that changed one field, newest first.
#[command]
pub async fn field_history(
    state: State<'_, AppState>,
    key: String,
    field: String,
    before_version: Option<i32>,
    limit: u32,
) -> Result<FieldHistory, IpcError> {
    Ok(field::field_history(&state.db()?, &key, &field, before_version, limit).await?)
}

#[command]
pub async fn timeline_facets(state: State<'_, AppState>, key: String) -> Result<Facets, IpcError> {
    Ok(timeline::facets(&state.db()?, &key).await?)
}

#[command]
pub async fn version_detail(state: State<'_, AppState>, key: String, version: i32) -> Result<VersionDetail, IpcError> {
    Ok(version::version(&state.db()?, &key, version).await?)
}

#[command]
pub async fn compare_versions(
    state: State<'_, AppState>,
    key: String,
    from: i32,
    to: i32,
) -> Result<Comparison, IpcError> {
    Ok(version::compare(&state.db()?, &key, from, to).await?)
}

#[command]
pub async fn blame_fields(state: State<'_, AppState>, key: String) -> Result<Blame, IpcError> {
    Ok(blame::blame(&state.db()?, &key).await?)
}

#[command]
pub async fn as_of(state: State<'_, AppState>, key: String, at: DateTime<Utc>) -> Result<VersionDetail, IpcError> {
    Ok(version::as_of(&state.db()?, &key, at).await?)
}

/// The version in effect at a time: where "Go to date" takes the timeline.
#[command]
pub async fn version_at(state: State<'_, AppState>, key: String, at: DateTime<Utc>) -> Result<i32, IpcError> {
    Ok(version::version_at(&state.db()?, &key, at).await?)
}

#[command]
pub async fn actor_page(
    state: State<'_, AppState>,
    key: String,
    filter: TimelineFilter,
    before: Option<ActorCursor>,
    limit: u32,
) -> Result<ActorPage, IpcError> {
    Ok(actor::page(&state.db()?, &key, &filter, before.as_ref(), limit).await?)
}

/// An actor's changes just newer than `after`, newest first (scrolling back up).
#[command]
pub async fn actor_newer_page(
    state: State<'_, AppState>,
    key: String,
    filter: TimelineFilter,
    after: ActorCursor,
    limit: u32,
) -> Result<ActorPage, IpcError> {
    Ok(actor::newer_page(&state.db()?, &key, &filter, &after, limit).await?)
}

#[command]
pub async fn activity_chart(
    state: State<'_, AppState>,
    scope: Scope,
    filter: TimelineFilter,
    time_zone: String,
) -> Result<ActivityChart, IpcError> {
    Ok(activity::chart(&state.db()?, &scope, &filter, &time_zone).await?)
}

/// Rows an export has written so far.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportProgress {
    #[ts(type = "number")]
    pub rows: u64,
}

/// Streams the filtered timeline into the Downloads folder (chosen here, never
/// by the window), reporting rows written as it goes.
#[command]
pub async fn export_timeline(
    state: State<'_, AppState>,
    scope: Scope,
    filter: TimelineFilter,
    time_zone: String,
    format: TimelineFormat,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportedFile, IpcError> {
    let progress = |rows: u64| drop(on_progress.send(ExportProgress { rows }));
    let request = ExportRequest {
        scope,
        filter,
        time_zone,
        format,
        page: None,
    };
    Ok(export::export_to_dir(&state.db()?, &request, &state.export_dir(), &progress).await?)
}
