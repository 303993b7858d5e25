//! What QA runs first, exactly as shipped: `waybill concurrency --scenario all`
//! on a fresh sandbox, with every default untouched (the time thresholds
//! included). Alone in its test binary, so no other test shares the machine
//! while it runs, as no other test shares QA's.

use crate::common;

use std::process::Command;

#[test]
fn every_scenario_passes_with_its_defaults_on_a_fresh_sandbox() {
    let home = common::home();
    let waybill = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_waybill"))
            .args(args)
            .env("XDG_DATA_HOME", home.path())
            .env_remove("DATABASE_URL")
            .env_remove("WAYBILL_PROFILE")
            .output()
            .unwrap()
    };
    let out = waybill(&["concurrency", "--scenario", "all", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let reports: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"));
    let reports = reports.as_array().expect("one report per scenario");
    assert_eq!(reports.len(), waybill::concurrency::Scenario::ALL.len());
    for report in reports {
        let failed: Vec<_> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["passed"] != true)
            .map(|c| format!("{}: {}", c["name"], c["detail"]))
            .collect();
        assert!(
            report["passed"] == true && failed.is_empty(),
            "{} failed with its defaults: {failed:?}",
            report["scenario"]
        );
    }
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let _ = waybill(&["sandbox", "stop", "--force"]);
}
