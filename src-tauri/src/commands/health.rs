use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use waybill::concurrency::slow::{self, SlowReport};
use waybill::health::advise::{self, Advice, PlanCheck};
use waybill::health::apply::{self, ApplyProgress, ApplyReport};
use waybill::health::explain::{self, ExplainReport};
use waybill::health::function::{self, FunctionCheck};
use waybill::health::verify::{self, IndexHealth};

use crate::command;
use crate::confirm::confirm_write;
use crate::state::AppState;
use crate::IpcError;

fn shipment_key(shipment: Option<String>) -> Option<String> {
    shipment.filter(|s| !s.trim().is_empty())
}

#[command]
pub async fn index_health(state: State<'_, AppState>) -> Result<IndexHealth, IpcError> {
    let current = state.current()?;
    Ok(verify::verify(current.db(), &current.history_table()).await?)
}

/// Creates the missing expected indexes (or, with `optional`, the overview's
/// optional ones) concurrently, streaming the build's progress. Outside the
/// sandbox the shell asks first, naming the database.
#[command(writes)]
pub async fn apply_indexes(
    state: State<'_, AppState>,
    app: AppHandle,
    rebuild_invalid: bool,
    optional: bool,
    on_progress: Channel<ApplyProgress>,
) -> Result<ApplyReport, IpcError> {
    let current = state.current()?;
    let action = if optional {
        "Create the optional indexes for the overview (concurrently: writers keep writing)"
    } else {
        "Create the missing indexes (concurrently: writers keep writing)"
    };
    confirm_write(&app, &current, action).await?;
    let report = |p: ApplyProgress| drop(on_progress.send(p));
    let (db, table) = (current.db(), &current.history_table());
    Ok(if optional {
        apply::apply_optional(db, table, &report).await?
    } else {
        apply::apply(db, table, rebuild_invalid, &report).await?
    })
}

#[command]
pub async fn index_advice(state: State<'_, AppState>) -> Result<Advice, IpcError> {
    let current = state.current()?;
    Ok(advise::advise(current.db(), &current.history_table()).await?)
}

/// Drops the redundant indexes inside a transaction that is rolled back.
#[command(writes)]
pub async fn check_index_plans(
    state: State<'_, AppState>,
    app: AppHandle,
    shipment: Option<String>,
) -> Result<PlanCheck, IpcError> {
    let current = state.current()?;
    let action = "Drop the redundant indexes inside a transaction that is rolled back (the table is locked meanwhile)";
    confirm_write(&app, &current, action).await?;
    let shipment = shipment_key(shipment);
    Ok(advise::check_plans(current.db(), &current.history_table(), shipment.as_deref()).await?)
}

#[command]
pub async fn explain_queries(state: State<'_, AppState>, shipment: Option<String>) -> Result<ExplainReport, IpcError> {
    let shipment = shipment_key(shipment);
    Ok(explain::explain(&state.db()?, shipment.as_deref()).await?)
}

/// The function probe calls it in two sessions and rolls both back: still a
/// write attempt, so it is confirmed like one.
#[command(writes)]
pub async fn check_function(
    state: State<'_, AppState>,
    app: AppHandle,
    shipment: Option<String>,
) -> Result<FunctionCheck, IpcError> {
    let current = state.current()?;
    let action = "Call create_history_entry in two sessions and roll both back (one shipment is locked for a moment)";
    confirm_write(&app, &current, action).await?;
    let shipment = shipment_key(shipment);
    Ok(function::check(current.db(), shipment.as_deref()).await?)
}

#[command]
pub async fn slow_assignments(
    state: State<'_, AppState>,
    threshold_ms: f64,
    offset: u32,
    limit: u32,
) -> Result<SlowReport, IpcError> {
    Ok(slow::slow_assignments(
        state.data_dir(),
        threshold_ms,
        offset,
        limit as usize,
    )?)
}

/// Production monitoring: assignment times, slow statements and lock waits,
/// from the server's statistics (read-only).
#[command]
pub async fn monitor(state: State<'_, AppState>) -> Result<waybill::monitor::MonitorReport, IpcError> {
    Ok(waybill::monitor::monitor(&state.db()?).await?)
}
