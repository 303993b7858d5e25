//! `waybill://` links: a view copied by one person (Copy link) opens that exact
//! view for another, from chat or a ticket. The system starts Waybill with the
//! link (or hands it to the running Waybill, through the single-instance
//! plugin); it becomes the window's route. Only Waybill's own views can be
//! named: anything else in a link is ignored.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime, Url};
use tauri_plugin_deep_link::DeepLinkExt;

pub const SCHEME: &str = "waybill";

/// The window route (`#/shipment/SHP-2026-000001?type=status_changed`) of a
/// `waybill://shipment/SHP-2026-000001?type=status_changed` link.
pub fn route(url: &Url) -> Option<String> {
    if url.scheme() != SCHEME {
        return None;
    }
    // `waybill://shipment/KEY`: the view is the link's host, the key its path.
    let view = url.host_str()?;
    let key = url.path().trim_start_matches('/');
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let safe = |text: &str| {
        text.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~%+=&:,".contains(c))
    };
    if !safe(key) || !safe(query.trim_start_matches('?')) {
        return None;
    }
    match (view, key.is_empty()) {
        ("shipment" | "actor", false) if !key.contains('/') => Some(format!("#/{view}/{key}{query}")),
        ("shipments", true) => Some(format!("#/{query}")),
        ("concurrency" | "health" | "connections" | "overview", true) => Some(format!("#/{view}")),
        ("integrity", true) => Some(format!("#/integrity{query}")),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn r(url: &str) -> Option<String> {
        route(&Url::parse(url).unwrap())
    }

    #[test]
    fn a_link_opens_that_view_and_nothing_else() {
        assert_eq!(
            r("waybill://shipment/SHP-2026-000001").as_deref(),
            Some("#/shipment/SHP-2026-000001")
        );
        assert_eq!(
            r("waybill://shipment/SHP-2026-000001?type=status_changed&v=12").as_deref(),
            Some("#/shipment/SHP-2026-000001?type=status_changed&v=12")
        );
        assert_eq!(r("waybill://shipments?q=Valencia").as_deref(), Some("#/?q=Valencia"));
        assert_eq!(r("waybill://health").as_deref(), Some("#/health"));
        assert_eq!(r("waybill://overview").as_deref(), Some("#/overview"));
        assert_eq!(
            r("waybill://integrity?shipment=SHP-2026-000001").as_deref(),
            Some("#/integrity?shipment=SHP-2026-000001")
        );
        // Markup in a search arrives as percent-encoded text, never as markup.
        assert_eq!(
            r("waybill://shipment/x?q=<script>").as_deref(),
            Some("#/shipment/x?q=%3Cscript%3E")
        );
        for bad in [
            "https://shipment/x",
            "waybill://evil/x",
            "waybill://shipment/",
            "waybill://shipment/a/b",
            "waybill://shipment/x%22);alert(1)//",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
    }
}
