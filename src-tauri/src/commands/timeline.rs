//! A shipment's timeline: its pages, the filter menus' counts, one version,
//! two versions compared, the state at a time.

use tauri::State;
use waybill::chrono::{DateTime, Utc};
use waybill::domain::TimelineFilter;
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
pub async fn as_of(state: State<'_, AppState>, key: String, at: DateTime<Utc>) -> Result<VersionDetail, IpcError> {
    Ok(version::as_of(&state.db()?, &key, at).await?)
}

/// The version in effect at a time: where "Go to date" takes the timeline.
#[command]
pub async fn version_at(state: State<'_, AppState>, key: String, at: DateTime<Utc>) -> Result<i32, IpcError> {
    Ok(version::version_at(&state.db()?, &key, at).await?)
}
