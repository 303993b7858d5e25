//! The window shows Waybill and nothing else: a navigation away from the app's
//! own pages (a link in other people's data, a script) is refused, so that no
//! page from elsewhere ever runs where Waybill's commands can be called.

use tauri::plugin::TauriPlugin;
use tauri::{Runtime, Url};

/// The app's own pages: the bundled UI (`tauri://localhost`, or
/// `http://tauri.localhost` where the platform serves it so), and in a
/// development build the Vite dev server.
pub fn is_own_page(url: &Url) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => true,
        ("http", Some("localhost")) if cfg!(debug_assertions) && url.port() == Some(5173) => true,
        _ => false,
    }
}

pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            let own = is_own_page(url);
            if !own {
                tracing::warn!(%url, "refused a navigation away from the app");
            }
            own
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_may_load() {
        for own in [
            "tauri://localhost/",
            "tauri://localhost/index.html#/health",
            "http://tauri.localhost/",
        ] {
            assert!(is_own_page(&Url::parse(own).unwrap()), "{own}");
        }
        for other in [
            "https://example.com/",
            "http://tauri.localhost.evil.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,hi",
        ] {
            assert!(!is_own_page(&Url::parse(other).unwrap()), "{other}");
        }
    }
}
