//! The desktop shell: builds the app, manages its state, and exposes commands
//! that are one-screen adapters over the core crate.

mod commands;
mod error;
mod state;

use tauri::{Manager, RunEvent, Runtime};

pub use error::IpcError;
use state::AppState;

/// Runs the app. Generic over the runtime so that a test can pass
/// `tauri::test::mock_builder()`.
pub fn run<R: Runtime>(builder: tauri::Builder<R>) {
    let app = builder
        .setup(|app| {
            app.manage(AppState::new()?);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::sandbox::open_sandbox,
            commands::shipments::list_shipments,
            commands::shipments::get_shipment,
        ])
        .build(tauri::generate_context!())
        .expect("error while building the Waybill window");

    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            // The sandbox is stopped when the app exits, if the app started it;
            // one started by the CLI (or another window) keeps running.
            if let Some(state) = handle.try_state::<AppState>() {
                state.stop_sandbox_if_ours();
            }
        }
    });
}
