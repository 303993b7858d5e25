//! One actor's changes across shipments.

use tauri::State;
use waybill::domain::reads::ActorCursor;
use waybill::domain::TimelineFilter;
use waybill::timeline::actor::{self, ActorPage};

use crate::command;
use crate::state::AppState;
use crate::IpcError;

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
