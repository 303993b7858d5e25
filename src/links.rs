//! `waybill://` links: a view copied by one person (Copy link) opens that
//! exact view for another, from chat, a ticket or a report. This is the one
//! list of the views a link can name and the one reading of a link into the
//! window's route (`#/shipment/SHP-1?v=3`); the shell follows links with it,
//! and the list is generated for the window (`ui/src/lib/bindings/linkViews.ts`).
//! Anything else in a link is ignored.

use serde::Serialize;
use ts_rs::TS;
use url::Url;

pub const SCHEME: &str = "waybill";

/// A view a link can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LinkView {
    /// Its name in a link: `waybill://{name}/…`.
    pub name: &'static str,
    /// Its path in the window's route (`#/{path}`).
    pub path: &'static str,
    /// It names one thing: `waybill://shipment/{key}` (a shipment, an actor).
    pub keyed: bool,
    /// Its query (filters, the open version…) is kept.
    pub query: bool,
}

const fn view(name: &'static str, keyed: bool, query: bool) -> LinkView {
    LinkView {
        name,
        path: name,
        keyed,
        query,
    }
}

/// Every view a link can open.
pub const VIEWS: [LinkView; 8] = [
    view("shipment", true, true),
    view("actor", true, true),
    // The list is the window's start: its route has no path of its own.
    LinkView {
        name: "shipments",
        path: "",
        keyed: false,
        query: true,
    },
    view("overview", false, false),
    view("integrity", false, true),
    view("concurrency", false, false),
    view("health", false, false),
    view("connections", false, false),
];

/// The window route of a `waybill://` link, or none for anything else.
pub fn route(link: &str) -> Option<String> {
    let url = Url::parse(link.trim()).ok()?;
    if url.scheme() != SCHEME {
        return None;
    }
    // `waybill://shipment/KEY`: the view is the link's host, the key its path.
    route_of(url.host_str()?, url.path().trim_start_matches('/'), url.query())
}

/// The window route of pasted text: a `waybill://` link, or the address of a
/// view inside the window (`…#/shipment/SHP-1?v=3`); none for anything else.
pub fn route_of_text(text: &str) -> Option<String> {
    let text = text.trim();
    if text.starts_with(&format!("{SCHEME}://")) {
        return route(text);
    }
    let hash = &text[text.find("#/")? + 2..];
    let (path, query) = match hash.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (hash, None),
    };
    let (path, key) = path.split_once('/').unwrap_or((path, ""));
    let view = VIEWS.iter().find(|v| v.path == path)?;
    route_of(view.name, key, query)
}

fn route_of(name: &str, key: &str, query: Option<&str>) -> Option<String> {
    let view = VIEWS.iter().find(|v| v.name == name)?;
    let safe = |text: &str| {
        text.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~%+=&:,".contains(c))
    };
    let query = query.filter(|q| view.query && !q.is_empty());
    if !safe(key) || !query.is_none_or(safe) || view.keyed == key.is_empty() || key.contains('/') {
        return None;
    }
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Some(match (view.keyed, view.path) {
        (true, path) => format!("#/{path}/{key}{query}"),
        (false, "") => format!("#/{query}"),
        (false, path) => format!("#/{path}{query}"),
    })
}

/// A link to a shipment's timeline, by its reference (what people recognise).
pub fn shipment_link(reference: &str) -> String {
    let key: String = reference
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{SCHEME}://shipment/{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_opens_that_view_and_nothing_else() {
        let r = |link: &str| route(link);
        assert_eq!(
            r("waybill://shipment/SHP-2026-000001").as_deref(),
            Some("#/shipment/SHP-2026-000001")
        );
        assert_eq!(
            r("waybill://shipment/SHP-2026-000001?type=status_changed&v=12").as_deref(),
            Some("#/shipment/SHP-2026-000001?type=status_changed&v=12")
        );
        assert_eq!(r("waybill://shipments?q=Valencia").as_deref(), Some("#/?q=Valencia"));
        assert_eq!(r("waybill://shipments").as_deref(), Some("#/"));
        assert_eq!(r("waybill://health").as_deref(), Some("#/health"));
        assert_eq!(r("waybill://overview").as_deref(), Some("#/overview"));
        assert_eq!(r(" waybill://connections ").as_deref(), Some("#/connections"));
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
            "waybill://overview/x",
            "waybill://shipment/x%22);alert(1)//",
            "SHP-2026",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
    }

    #[test]
    fn pasted_text_opens_a_link_or_a_window_address() {
        let r = |text: &str| route_of_text(text);
        assert_eq!(
            r(" waybill://shipment/SHP-2026-000001?v=3 ").as_deref(),
            Some("#/shipment/SHP-2026-000001?v=3")
        );
        assert_eq!(r("waybill://overview").as_deref(), Some("#/overview"));
        assert_eq!(
            r("tauri://localhost/#/shipment/abc?v=2").as_deref(),
            Some("#/shipment/abc?v=2")
        );
        assert_eq!(r("http://tauri.localhost/#/overview").as_deref(), Some("#/overview"));
        assert_eq!(r("http://tauri.localhost/#/?q=Lyon").as_deref(), Some("#/?q=Lyon"));
        for bad in [
            "SHP-2026",
            "waybill://evil/x",
            "waybill://shipment/a/b",
            "x#/evil",
            "waybill://shipment",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_view_has_one_name_and_path() {
        for (i, v) in VIEWS.iter().enumerate() {
            assert!(
                VIEWS[i + 1..].iter().all(|o| o.name != v.name && o.path != v.path),
                "{v:?}"
            );
        }
        assert_eq!(shipment_link("SHP 1/<x>"), "waybill://shipment/SHP%201%2F%3Cx%3E");
        assert_eq!(
            route(&shipment_link("SHP 1/<x>")).as_deref(),
            Some("#/shipment/SHP%201%2F%3Cx%3E")
        );
    }
}
