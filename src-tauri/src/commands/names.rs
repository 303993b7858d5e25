// The commands the UI may call. Shared by build.rs (the app manifest) and the
// shell (a test checks the UI's api.ts and capabilities/ name exactly these).
#[allow(dead_code)] // read by build.rs and the tests
pub const COMMANDS: &[&str] = &[
    "open_sandbox",
    "list_shipments",
    "get_shipment",
    "concurrency_scenarios",
    "run_concurrency",
    "cancel_concurrency",
    "list_runs",
    "open_run",
    "compare_runs",
    "export_run",
    "timeline_page",
    "timeline_facets",
    "version_detail",
    "compare_versions",
    "blame_fields",
    "as_of",
    "actor_page",
    "activity_chart",
    "export_timeline",
];
