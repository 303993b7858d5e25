//! Errors as the CLI says them: the core's message, the flag a bad value came
//! from, and what to do next in terms of commands and flags.

use waybill::error::{Error, Field, Remedy};

pub fn render(e: &Error) -> String {
    let mut text = e.to_string();
    if let Error::OutOfRange { field, .. } | Error::InvalidField { field, .. } = e {
        text = format!("{} ({})", text.trim_end_matches('.'), flag(*field));
    }
    if let Some(remedy) = e.remedy() {
        text.push(' ');
        text.push_str(&remedy_text(&remedy));
    }
    text
}

/// How the command line spells a field: its flag (or argument).
pub fn flag(field: Field) -> &'static str {
    match field {
        Field::Limit | Field::PageSize => "--limit",
        Field::BeforeVersion => "--before-version",
        Field::AfterVersion => "--after-version",
        Field::Version => "VERSION",
        Field::Requests => "--requests",
        Field::DelayMs => "--delay-ms",
        Field::PoolSize => "--pool-size",
        Field::AcquireTimeoutMs => "--acquire-timeout-ms",
        Field::Shipments => "--shipments",
        Field::MaxMs => "--max-ms",
        Field::Rows => "--rows",
        Field::ThresholdMs => "--threshold-ms",
        Field::ProfileName => "NAME",
        Field::Host | Field::Port | Field::Database | Field::User => "--url",
        Field::ConnectTimeout => "--connect-timeout",
        Field::StatementTimeout => "--statement-timeout",
        Field::LockTimeout => "--lock-timeout",
        Field::Schema => "--schema",
        Field::TlsMode => "--tls",
        Field::Table => "--table",
        Field::Time => "--since/--until",
        Field::TimeZone => "--tz",
        Field::EventType => "--event-type",
        Field::Filter => "--actor/--event-type",
        Field::Cursor => "--before/--after",
        Field::PlotFile => "--plot",
        Field::Scenario => "--scenario",
        Field::Shipment => "--shipment",
        Field::MaxFindings => "--max-findings",
        Field::CompareRun => "--compare",
        Field::Rate => "--rate",
        Field::History => "--history",
    }
}

fn remedy_text(remedy: &Remedy) -> String {
    match remedy {
        Remedy::InstallTables => {
            "Install Waybill's tables with `waybill migrate` (it asks before writing to a database that is not the sandbox).".into()
        }
        Remedy::FindHistory => "If its history is in a table of its own (PaperTrail, Audited, django-simple-history…), find it with `waybill history detect` and open it with --history; else install Waybill's tables with `waybill migrate` (it asks before writing to a database that is not the sandbox).".into(),
        Remedy::ReadOwnTables => "Find the history they hold with `waybill history detect` and read it with --history, or give Waybill's tables a schema of their own (a profile's schema).".into(),
        Remedy::ConfirmWrite => "Run it at a terminal and type the database's name when asked, or pass --yes.".into(),
        Remedy::OpenSandbox => "Start it with `waybill sandbox start`.".into(),
        Remedy::ChooseProfile => "List them with `waybill profile list`.".into(),
        Remedy::StorePassword { profile } => format!(
            "Run the command at a terminal to type it, or store it with `waybill profile add {profile} --url … --password-stdin --replace`."
        ),
        Remedy::FindShipment => "Search with `waybill shipments --search TEXT`.".into(),
        Remedy::ChooseRun => "List them with `waybill concurrency --list`.".into(),
        Remedy::ReplaceData => "Pass --replace to delete them and load demo data instead.".into(),
        Remedy::LoadDemoData => "Load the demo data again with `waybill seed --replace`.".into(),
        Remedy::HandOverSql => "`waybill indexes --sql` prints the statements to hand over.".into(),
        Remedy::ReportBug => match waybill::logging::log_file() {
            Ok(path) => format!("Please report it with the log file {}.", path.display()),
            Err(_) => "Please report it.".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CLI names commands and flags, never the app's buttons or screens.
    #[test]
    fn every_error_reads_right_in_a_terminal() {
        for e in waybill::error::samples() {
            let text = render(&e);
            let lower = text.to_lowercase();
            for word in [
                "click",
                "button",
                "press ",
                "screen",
                "dialog",
                "connections →",
                "in connections",
            ] {
                assert!(!lower.contains(word), "{}: {text}", e.code());
            }
        }
        let e = Error::OutOfRange {
            field: waybill::error::Field::Requests,
            min: 1,
            max: 1000,
            got: 0,
        };
        assert_eq!(render(&e), "requests must be between 1 and 1000, got 0 (--requests)");
        let e = Error::TableMissing {
            database: "orders".into(),
            table: "shipment_history".into(),
        };
        let text = render(&e);
        assert!(
            text.contains("`waybill migrate`") && text.contains("`waybill history detect`"),
            "{text}"
        );
    }
}
