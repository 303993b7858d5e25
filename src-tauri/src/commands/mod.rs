//! Command adapters, one file per area: take state, call one core function, map the error.

pub mod concurrency;
pub mod connections;
pub mod health;
pub mod shipments;
pub mod timeline;

include!("names.rs");

/// Runs a read on the current connection, and once more on a fresh connection
/// if the first one dropped under it (reads only: see `waybill::db::read_with_retry`).
/// A macro rather than a function taking an async closure: the futures of
/// async closures cannot be proven `Send`, which tauri's commands need.
macro_rules! read {
    ($state:expr, |$db:ident| $call:expr) => {{
        let db = $state.db()?;
        let result: Result<_, crate::IpcError> = Ok(waybill::db::read_with_retry(|| async {
            let $db = &db;
            $call.await
        })
        .await?);
        result
    }};
}
pub(crate) use read;
#[cfg(test)]
mod tests {
    use super::COMMANDS;

    /// The UI, the capability file and the app manifest must name the same commands:
    /// a command missing from one of them fails at run time, not at build time.
    #[test]
    fn ui_capabilities_and_manifest_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let api = std::fs::read_to_string(root.join("../ui/src/lib/api.ts")).unwrap();
        let caps = std::fs::read_to_string(root.join("capabilities/default.json")).unwrap();
        let mut called: Vec<&str> = api
            .split("invoke<")
            .skip(1)
            .filter_map(|s| s.split('"').nth(1))
            .collect();
        called.sort();
        let mut declared = COMMANDS.to_vec();
        declared.sort();
        assert_eq!(
            called, declared,
            "ui/src/lib/api.ts calls exactly the declared commands"
        );
        for command in COMMANDS {
            let permission = format!("\"allow-{}\"", command.replace('_', "-"));
            assert!(
                caps.contains(&permission),
                "capabilities/default.json grants {permission}"
            );
        }
        assert_eq!(
            caps.matches("\"allow-").count(),
            COMMANDS.len(),
            "and grants nothing else of ours"
        );
    }
}
