//! The desktop shell: builds the app, manages its state, and exposes commands
//! that are one-screen adapters over the core crate.

mod commands;
mod confirm;
mod error;
mod ipc;
mod labels;
mod links;
mod navigation;
mod state;

#[cfg(test)]
mod bindings;

use tauri::{Manager, RunEvent, Runtime};
pub(crate) use waybill_command_macro::command;

pub use error::IpcError;
use state::AppState;

// The invoke handler and the commands' signatures, from the one list.
macro_rules! commands {
    ($($area:ident :: $name:ident),* $(,)?) => {
        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$area::$name),*]
        }

        #[cfg(test)]
        pub(crate) fn command_specs() -> Vec<ipc::CommandSpec> {
            vec![$(commands::$area::$name::spec()),*]
        }
    };
}
include!("commands/list.rs");

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

/// Panics are logged (the command that panicked answers with an `internal`
/// error, see `ipc::guarded`), besides the default report on stderr.
fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        default(info);
    }));
}

/// WebKitGTK composites pages on the GPU by default: for a window of tables
/// and text that buys nothing visible and costs memory (measured on a
/// 2,000,000-row sandbox, release build: the web process after scrolling
/// 30,000 versions 457 → 269 MB; without a GPU, as under Xvfb or in a VM, the
/// compositing is emulated in software). It also sidesteps the GPU drivers
/// that leave the window blank. A user who wants it back sets
/// `WEBKIT_DISABLE_COMPOSITING_MODE=0` (WebKit reads any other value as
/// "disable"); set here only when unset. (WebKitWebDriver's own screenshots
/// hang in this mode while the window keeps painting, so the end-to-end
/// tests take their pictures from the X server.)
/// Called first thing, before any thread exists: the environment is process-wide.
fn draw_without_gpu_compositing() {
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Runs the app. (Commands that show a dialog take the real runtime's
/// `AppHandle`, so the app is built on it, not generic over runtimes.)
pub fn run(builder: tauri::Builder<tauri::Wry>) {
    draw_without_gpu_compositing();
    let app = builder
        // First: a second launch hands over to the running app (which comes to
        // the front) and exits, rather than running a second window on the
        // same sandbox and profiles.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(navigation::guard())
        .setup(|app| {
            // Logs go to <data dir>/logs/waybill.log; the app runs without one.
            let _ = waybill::logging::init();
            log_panics();
            app.manage(AppState::new()?);
            links::setup(app);
            exit_on_termination_signal(app.handle().clone());
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .build(tauri::generate_context!())
        .expect("error while building the Waybill window");

    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            // The app gives its use of the sandbox back when it exits: a sandbox
            // started on demand stops unless a CLI command still uses it.
            if let Some(state) = handle.try_state::<AppState>() {
                state.release_sandbox();
            }
        }
    });
}
