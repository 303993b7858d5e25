//! Changes per day as a chart, and the filtered timeline exported to a file.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;
use waybill::domain::activity::ActivityChart;
use waybill::domain::TimelineFilter;
use waybill::timeline::activity::{self, Scope};
use waybill::timeline::export::{self, ExportRequest, ExportedFile, TimelineFormat};

use crate::command;
use crate::state::AppState;
use crate::IpcError;

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
