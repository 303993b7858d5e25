// Declares our commands in the app manifest. Without it Tauri lets any window
// call any command; with it, only what capabilities/ grants can be called.
include!("src/commands/names.rs");

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
