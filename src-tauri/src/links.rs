//! `waybill://` links: a view copied by one person (Copy link) opens that exact
//! view for another, from chat or a ticket. The system starts Waybill with the
//! link (or hands it to the running Waybill, through the single-instance
//! plugin); it becomes the window's route. Only Waybill's own views can be
//! named: anything else in a link is ignored.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime, Url};
use tauri_plugin_deep_link::DeepLinkExt;

/// The window route of a link the system handed over (see `waybill::links`).
pub fn route(url: &Url) -> Option<String> {
    waybill::links::route(url.as_str())
}

/// A link the app was started with, until the window asks for it.
#[derive(Default)]
pub struct Pending(Mutex<Option<String>>);

/// Follows links given to the running app; keeps the one it was started with.
pub fn setup<R: Runtime>(app: &tauri::App<R>) {
    app.manage(Pending::default());
    let first = app
        .deep_link()
        .get_current()
        .ok()
        .flatten()
        .and_then(|urls| urls.iter().find_map(route));
    if let Some(first) = first {
        *app.state::<Pending>().0.lock().unwrap_or_else(|e| e.into_inner()) = Some(first);
    }
    let handle = app.handle().clone();
    app.deep_link().on_open_url(move |event| {
        if let Some(hash) = event.urls().iter().find_map(route) {
            navigate(&handle, &hash);
        }
    });
}

fn navigate<R: Runtime>(app: &AppHandle<R>, hash: &str) {
    tracing::info!(route = hash, "opening a waybill:// link");
    if let Some(window) = app.get_webview_window("main") {
        // The route as a JSON string: whatever it holds stays a string.
        let script = format!("location.hash = {}", serde_json::Value::String(hash.to_string()));
        let _ = window.eval(&script);
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

impl Pending {
    /// The link the app was started with, once (then `None`).
    pub fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}
