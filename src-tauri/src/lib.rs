//! The desktop shell: builds the app, manages its state, and exposes commands
//! that are one-screen adapters over the core crate.

mod commands;
mod error;
mod state;

use tauri::{Manager, RunEvent, Runtime};

pub use error::IpcError;

/// SIGTERM (logout, `kill`, a test harness) and SIGINT (Ctrl-C in a terminal)
/// exit like closing the window does, so the sandbox is stopped either way.
fn exit_on_termination_signal<R: Runtime>(app: tauri::AppHandle<R>) {
    use tokio::signal::unix::{signal, SignalKind};
    tauri::async_runtime::spawn(async move {
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        app.exit(0);
    });
}
use state::AppState;

/// Runs the app. Generic over the runtime so that a test can pass
/// `tauri::test::mock_builder()`.
pub fn run<R: Runtime>(builder: tauri::Builder<R>) {
    let app = builder
        .setup(|app| {
            // Logs go to <data dir>/logs/waybill.log; the app runs without one.
            let _ = waybill::logging::init();
            app.manage(AppState::new()?);
            exit_on_termination_signal(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::connections::open_active,
            commands::connections::connect_profile,
            commands::connections::current_connection,
            commands::connections::list_profiles,
            commands::connections::save_profile,
            commands::connections::delete_profile,
            commands::connections::test_profile,
            commands::connections::install_schema,
            commands::connections::profile_from_url,
            commands::shipments::list_shipments,
            commands::shipments::get_shipment,
            commands::concurrency::concurrency_scenarios,
            commands::concurrency::run_concurrency,
            commands::concurrency::cancel_concurrency,
            commands::concurrency::list_runs,
            commands::concurrency::open_run,
            commands::concurrency::compare_runs,
            commands::concurrency::export_run,
            commands::timeline::timeline_page,
            commands::timeline::timeline_facets,
            commands::timeline::version_detail,
            commands::timeline::compare_versions,
            commands::timeline::blame_fields,
            commands::timeline::as_of,
            commands::timeline::actor_page,
            commands::timeline::activity_chart,
            commands::timeline::export_timeline,
            commands::health::index_health,
            commands::health::apply_indexes,
            commands::health::index_advice,
            commands::health::check_index_plans,
            commands::health::explain_queries,
            commands::health::check_function,
            commands::health::slow_assignments,
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
