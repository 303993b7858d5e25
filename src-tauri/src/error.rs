//! The one error type that crosses to the window: `{ code, message }`, with
//! what to do said in the app's terms (screens and buttons, never CLI flags).

use serde::Serialize;
use ts_rs::TS;
use waybill::error::{Error, Remedy};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    /// Stable and machine-readable (e.g. `schema_missing`); the UI branches on it.
    pub code: String,
    /// What happened and what to do, for people. Never holds a password.
    pub message: String,
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        if matches!(e, Error::Internal { .. } | Error::Database(_) | Error::Io { .. }) {
            tracing::warn!(code = e.code(), "{e}");
        }
        IpcError {
            code: e.code().to_string(),
            message: render(&e),
        }
    }
}

/// The core's message with the app's words: a field by its form label, and
/// what to do next.
pub fn render(e: &Error) -> String {
    let mut text = e.to_string();
    if let Error::OutOfRange { field, .. } | Error::InvalidField { field, .. } = e {
        // The message starts with the field's plain name (see `error::Field`).
        if let Some(rest) = text.strip_prefix(field.name()) {
            text = format!("{}{rest}", crate::labels::field_label(*field));
        }
    }
    let mut text = sentence(&text);
    if let Some(remedy) = e.remedy() {
        text.push(' ');
        text.push_str(&remedy_text(&remedy));
    }
    text
}

/// Messages start with a capital in the window.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn remedy_text(remedy: &Remedy) -> String {
    match remedy {
        Remedy::InstallTables => {
            "Open Connections and choose Install Waybill's tables (it asks before writing).".into()
        }
        Remedy::FindHistory => {
            "Open Connections to read a history it holds in a layout of its own, or choose Install Waybill's tables (it asks before writing).".into()
        }
        Remedy::ReadOwnTables => {
            "Open the history they hold under Connections → History, or give Waybill's tables a schema of their own (Edit the profile).".into()
        }
        Remedy::ConfirmWrite => "Confirm the write in the dialog that names the database.".into(),
        Remedy::OpenSandbox => "Open the sandbox from Connections.".into(),
        Remedy::ChooseProfile => "Choose one of the saved connections in Connections.".into(),
        Remedy::StorePassword { .. } => "Type it below for this session, or store it with Edit in Connections.".into(),
        Remedy::FindShipment => "Search for it in the shipment list.".into(),
        Remedy::ChooseRun => "Open one from Past runs.".into(),
        Remedy::ReplaceData => "Demo data is loaded only into an empty database.".into(),
        Remedy::LoadDemoData => "Load the demo data again from the command line to simulate more.".into(),
        Remedy::HandOverSql => "Copy SQL on Database health gives the statements to hand to them.".into(),
        Remedy::ReportBug => match waybill::logging::log_file() {
            Ok(path) => format!("Please report it with the log file {}.", path.display()),
            Err(_) => "Please report it.".into(),
        },
    }
}

impl IpcError {
    pub fn not_connected() -> Self {
        IpcError {
            code: "not_connected".into(),
            message: "Waybill is not connected to a database yet. Wait for the sandbox to start.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ` --word`: how CLI flags look.
    fn names_a_flag(text: &str) -> bool {
        text.match_indices(" --")
            .any(|(i, _)| text[i + 3..].starts_with(|c: char| c.is_ascii_lowercase()))
    }

    /// The window names buttons and screens, never the CLI's commands or flags.
    #[test]
    fn every_error_reads_right_in_the_window() {
        for e in waybill::error::samples() {
            let text = render(&e);
            assert!(!names_a_flag(&text), "{}: {text}", e.code());
            assert!(!text.contains("`waybill"), "{}: {text}", e.code());
            assert!(!text.contains("waybill "), "{}: {text}", e.code());
            assert!(!text.contains("terminal"), "{}: {text}", e.code());
        }
        let e = Error::TableMissing {
            database: "orders".into(),
            table: "shipment_history".into(),
        };
        assert!(render(&e).contains("Install Waybill's tables"));
        assert!(render(&e).contains("a history it holds in a layout of its own"));
        let e = Error::OutOfRange {
            field: waybill::error::Field::MaxMs,
            min: 1,
            max: 10,
            got: 0,
        };
        assert_eq!(render(&e), "Acceptable time (ms) must be between 1 and 10, got 0.");
    }
}
